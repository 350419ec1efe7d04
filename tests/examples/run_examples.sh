#!/bin/sh
# Every example is a test: each examples/*/sandbox.yaml must validate (exit 0),
# and each examples/invalid/NAME.yaml must exit 3 printing exactly NAME.expected.
# Usage: run_examples.sh SBXAPPLY SOURCE_DIR
set -u
bin=$1
cd "$2" || exit 2
tmp=$(mktemp -d)	# the scratch files, and any state sbxapply would keep (XDG_STATE_HOME)
trap 'rm -rf "$tmp"' EXIT
err=$tmp/err
pass=0 fail=0
for f in examples/*/sandbox.yaml; do
	if env -i PATH="$PATH" XDG_STATE_HOME="$tmp/xdg" NO_COLOR=1 "$bin" validate -q -f "$f" 2>"$err"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $f does not validate:"; cat "$err"
		fail=$((fail + 1))
	fi
done
for f in examples/invalid/*.yaml; do
	want=${f%.yaml}.expected
	env -i PATH="$PATH" XDG_STATE_HOME="$tmp/xdg" NO_COLOR=1 "$bin" validate -f "$f" >/dev/null 2>"$err"
	rc=$?
	if [ "$rc" -ne 3 ]; then
		echo "FAIL: $f exited $rc, not 3"; fail=$((fail + 1)); continue
	fi
	if ! diff -u "$want" "$err"; then
		echo "FAIL: $f diagnostics differ from $want"; fail=$((fail + 1)); continue
	fi
	# the same file through stdin names <stdin> but finds the same problems
	n_file=$(grep -c '^examples/invalid/.*:[0-9]*:[0-9]*: ' "$want")
	n_stdin=$(env -i PATH="$PATH" XDG_STATE_HOME="$tmp/xdg" NO_COLOR=1 "$bin" validate -f - <"$f" 2>&1 >/dev/null | grep -c '^<stdin>:[0-9]*:[0-9]*: ')
	if [ "$n_file" -ne "$n_stdin" ]; then
		echo "FAIL: $f: $n_file diagnostics from the file, $n_stdin from stdin"; fail=$((fail + 1)); continue
	fi
	pass=$((pass + 1))
done
echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
