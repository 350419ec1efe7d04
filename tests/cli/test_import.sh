#!/bin/sh
# sbxapply import: a Compose file's top-level models: as sandbox.yaml models,
# compared with the exact output expected (tests/cli/import/*.expected), and
# the file it writes with -f, which validates.
# Usage: test_import.sh SBXAPPLY SOURCE_DIR
set -u
bin=$1
case $bin in /*) ;; *) bin="$PWD/$bin" ;; esac
src=$2
dir="$src/tests/cli/import"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/xdg" NO_COLOR=1
unset GITHUB_ACTIONS MODEL_RUNNER_HOST DOCKER_HOST EMBED_CONTEXT
pass=0 fail=0

# run EXPECTED_RC ARGS...: from the sample directory, output in $tmp/out and $tmp/err
run() {
	want=$1; shift
	(cd "$dir" && "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null)
	rc=$?
	[ "$rc" -eq "$want" ] && return 0
	echo "FAIL: sbxapply $* exited $rc, want $want"; sed 's/^/  err: /' "$tmp/err"
	return 1
}
same() { # same FILE EXPECTED
	cmp -s "$1" "$2" && return 0
	echo "FAIL: $1 differs from $2:"; diff "$2" "$1" | sed 's/^/  /'
	return 1
}
has() { grep -qF -- "$2" "$1" && return 0; echo "FAIL: $1 lacks '$2'"; sed 's/^/  /' "$1"; return 1; }
check() {
	name=$1; shift
	if "$@"; then pass=$((pass + 1)); else echo "  in: $name"; fail=$((fail + 1)); fi
}

t_prints() { run 0 import compose.yaml && same "$tmp/out" "$dir/compose.expected" &&
	same "$tmp/err" "$dir/compose.stderr.expected"; }
t_errors() { run 3 import bad.yaml && same "$tmp/err" "$dir/bad.expected" && [ ! -s "$tmp/out" ]; }
t_writes() {
	run 2 import compose.yaml -f "$tmp/new/sandbox.yaml" && has "$tmp/err" "its directory: No such file" &&
		mkdir -p "$tmp/new" && run 0 import compose.yaml -q -f "$tmp/new/sandbox.yaml" && ! grep -q imported "$tmp/err" &&
		same "$tmp/new/sandbox.yaml" "$dir/compose.expected" &&
		run 0 validate -f "$tmp/new/sandbox.yaml" && has "$tmp/out" "3 models"
}
t_no_overwrite() {
	printf 'version: 1\n' >"$tmp/keep.yaml"
	run 2 import compose.yaml -f "$tmp/keep.yaml" && has "$tmp/err" "--force" &&
		[ "$(cat "$tmp/keep.yaml")" = "version: 1" ] &&
		run 0 import compose.yaml -f "$tmp/keep.yaml" --force && has "$tmp/keep.yaml" "ai/all-minilm:"
}
t_interpolation() { # the Compose default applies when sandbox.yaml is read; the variable wins when set
	run 0 import compose.yaml -f "$tmp/ctx.yaml" && run 0 validate -f "$tmp/ctx.yaml" &&
		export EMBED_CONTEXT=lots && run 3 validate -f "$tmp/ctx.yaml" && has "$tmp/err" "context_size"
	r=$?
	unset EMBED_CONTEXT
	return $r
}
t_usage() {
	run 2 import && has "$tmp/err" "import takes one Compose file" &&
		run 2 import missing.yaml && has "$tmp/err" "cannot read 'missing.yaml'" &&
		run 2 import compose.yaml --prune
}
t_no_models() {
	printf 'services:\n  app:\n    image: app\n' >"$tmp/plain.yaml" &&
		run 3 import "$tmp/plain.yaml" && has "$tmp/err" "no top-level 'models:' element" &&
		printf 'models: [ai/smollm2]\n' >"$tmp/list.yaml" &&
		run 3 import "$tmp/list.yaml" && has "$tmp/err" "1:9: 'models' must be a mapping"
}
t_no_upward() { # a sandbox.yaml in a parent is not a target: without -f, import prints
	mkdir -p "$tmp/proj/sub" && printf 'version: 1\nmodels:\n  ai/smollm2:\n' >"$tmp/proj/sandbox.yaml" &&
		cp "$dir/compose.yaml" "$tmp/proj/sub/" &&
		(cd "$tmp/proj/sub" && "$bin" import compose.yaml >"$tmp/out" 2>"$tmp/err") &&
		same "$tmp/out" "$dir/compose.expected" && ! grep -q "parent directory" "$tmp/err" &&
		[ "$(cat "$tmp/proj/sandbox.yaml")" = "$(printf 'version: 1\nmodels:\n  ai/smollm2:\n')" ]
}

check "prints the models with their runtime settings" t_prints
check "a file in a parent directory is left alone" t_no_upward
check "bad input: every error with its position" t_errors
check "-f writes a new file that validates" t_writes
check "an existing file needs --force" t_no_overwrite
check "interpolation kept for sandbox.yaml" t_interpolation
check "usage errors" t_usage
check "no models element" t_no_models
echo "test_import: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
