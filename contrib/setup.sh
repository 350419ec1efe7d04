#!/usr/bin/env bash
# One entry point for a fresh Debian machine (see README.md):
#   contrib/setup.sh run    install packages, build, run sbxapply on the guide's example
#   contrib/setup.sh test   install packages, build with ASan/UBSan, run every test,
#                           then the unit tests again under valgrind
#   contrib/setup.sh deps   only install packages
# Packages are installed with apt-get when missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

packages=(cmake gcc make pkg-config libyaml-dev libcurl4-openssl-dev libcjson-dev
	libinotifytools0-dev inotify-tools check libmicrohttpd-dev valgrind curl bsdutils util-linux)

say() { printf '\n==> %s\n' "$*"; }

install_packages() {
	local missing=()
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() { # build DIR [cmake options...]
	local dir=$1; shift
	cmake -S "$top" -B "$dir" -DSBXAPPLY_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
}

run_example() {
	build build
	local bin=$top/build/sbxapply
	say "sbxapply validate -f examples/claude-dmr/sandbox.yaml"
	"$bin" validate -f examples/claude-dmr/sandbox.yaml
	say "a file with mistakes: sbxapply validate -f examples/invalid/unknown-keys.yaml (exit 3 expected)"
	set +e
	"$bin" validate -f examples/invalid/unknown-keys.yaml
	echo "exit code: $?"
	set -e
}

run_tests() {
	say "build with AddressSanitizer and UndefinedBehaviorSanitizer"
	build build-asan -DSBXAPPLY_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	say "every test, under the sanitizers"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir build-asan --output-on-failure -j"$jobs"
	say "plain build; unit tests under valgrind"
	build build
	local failed=0
	for t in build/tests/unit/check_*; do
		[ -x "$t" ] || continue
		if CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			"$t" >"build/$(basename "$t").valgrind.log" 2>&1; then
			echo "valgrind: $(basename "$t") clean"
		else
			echo "valgrind: $(basename "$t") FAILED"; cat "build/$(basename "$t").valgrind.log"; failed=1
		fi
	done
	return $failed
}

case "${1:-}" in
deps) install_packages ;;
run) install_packages; run_example ;;
test) install_packages; run_tests ;;
*) echo "usage: contrib/setup.sh run|test|deps" >&2; exit 2 ;;
esac
