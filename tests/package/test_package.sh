#!/bin/sh
# The Debian package as a user gets it: `cpack -G DEB` in the build directory, the
# .deb unpacked into a scratch root with dpkg-deb -x (nothing is installed on this
# machine), then the unpacked binary runs, validates an installed example where it
# landed, and the manuals and completions are where bash, zsh, fish and man look.
# Exits 77 (skipped) without dpkg-deb or cpack.
# Usage: test_package.sh BUILD_DIR
set -u
build=$1
command -v dpkg-deb >/dev/null 2>&1 || { echo "no dpkg-deb: skipped"; exit 77; }
command -v cpack >/dev/null 2>&1 || { echo "no cpack: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/xdg" NO_COLOR=1
unset GITHUB_ACTIONS MODEL_RUNNER_HOST SBXAPPLY_SBX
pass=0 fail=0
check() { # check NAME COMMANDS...
	name=$1; shift
	if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}

# -B keeps cpack's staging tree out of the build directory, so parallel tests never see it
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1; then
	cat "$tmp/cpack.log"; echo "FAIL: cpack -G DEB"; exit 1
fi
deb=$(ls "$tmp"/out/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; echo "FAIL: no .deb written"; exit 1; }
echo "built $(basename "$deb")"
dpkg-deb -x "$deb" "$tmp/root" || { echo "FAIL: dpkg-deb -x"; exit 1; }
root=$tmp/root

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
has_dep() { echo "$depends" | grep -qE "(^|, )$1( |,|\$)" || { echo "  missing dependency $1"; return 1; }; }
check "the package depends on the runtime libraries" sh -c '
	for lib in libyaml-0-2 libcurl4 libcjson1 libc6; do echo "$1" | grep -qE "(^|, )$lib( |,|\$)" || { echo "  no $lib"; exit 1; }; done' sh "$depends"
if grep -q "^SBXAPPLY_HAVE_WATCH:.*=ON" "$build/CMakeCache.txt" 2>/dev/null || objdump -p "$root/usr/bin/sbxapply" 2>/dev/null | grep -q libinotifytools; then
	check "and on libinotifytools0 (watch mode)" has_dep libinotifytools0
fi
# version also asks the runner for its version: a socket that does not exist keeps it off the network
check "the binary runs: --version" sh -c '"$1" --version --state-dir "$2" --runner "unix://$2/no-runner.sock" >"$3" &&
	grep -q "^sbxapply [0-9]" "$3"' sh "$root/usr/bin/sbxapply" "$tmp/state" "$tmp/version.out"
for example in full claude-dmr minimal; do
	check "validate -f the installed $example example" "$root/usr/bin/sbxapply" validate -q \
		-f "$root/usr/share/sbxapply/examples/$example/sandbox.yaml"
done
check "the installed example points at the installed schema" sh -c \
	'grep -q "schema=../../schema/sandbox.schema.json" "$1/usr/share/sbxapply/examples/full/sandbox.yaml" &&
	 [ -f "$1/usr/share/sbxapply/schema/sandbox.schema.json" ]' sh "$root"
check "the installed schema is the binary's" sh -c '"$1/usr/bin/sbxapply" schema | cmp -s - "$1/usr/share/sbxapply/schema/sandbox.schema.json"' sh "$root"
for f in usr/share/man/man1/sbxapply.1.gz usr/share/man/man5/sandbox.yaml.5.gz \
	usr/share/bash-completion/completions/sbxapply usr/share/zsh/vendor-completions/_sbxapply \
	usr/share/fish/vendor_completions.d/sbxapply.fish; do
	check "$f is in the package" test -s "$root/$f"
done
check "the bash completion loads and registers itself" bash -c '. "$1" && complete -p sbxapply | grep -q _sbxapply' \
	sh "$root/usr/share/bash-completion/completions/sbxapply"
check "the manuals are gzip'd without a name or time stamp (Debian policy 12.1; reproducible)" sh -c \
	'for m in "$1"/usr/share/man/man1/sbxapply.1.gz "$1"/usr/share/man/man5/sandbox.yaml.5.gz; do
	 gzip -t "$m" && [ "$(od -An -tx1 -j4 -N4 "$m" | tr -d " ")" = 00000000 ] &&
	 [ "$(od -An -tx1 -j3 -N1 "$m" | tr -d " ")" = 00 ] || exit 1; done' sh "$root"
if command -v man >/dev/null 2>&1; then
	check "man renders the installed sbxapply(1)" sh -c 'MANWIDTH=80 man -l "$1" 2>/dev/null | grep -q "EXIT STATUS"' \
		sh "$root/usr/share/man/man1/sbxapply.1.gz"
fi
echo "package: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
