#!/usr/bin/env bash
# One entry point for a fresh Debian machine (see README.md):
#   contrib/setup.sh run    install packages, build, run sbxapply on the guide's example
#   contrib/setup.sh test   install packages, check the sources against .clang-format,
#                           build with ASan/UBSan, run every test, then every test again
#                           hermetic (tests/hermetic.sh), then the unit tests under valgrind
#   contrib/setup.sh fuzz [SECONDS] [config|sbx|state]   install clang, then fuzz (see contrib/fuzz.sh)
#   contrib/setup.sh deps   only install packages
# Packages are installed with apt-get when missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

packages=(cmake gcc make pkg-config libyaml-dev libcurl4-openssl-dev libcjson-dev
	libinotifytools0-dev inotify-tools check libmicrohttpd-dev valgrind curl bsdutils util-linux)
# dpkg-dev and file: the package test's `cpack -G DEB` reads the runtime dependencies with dpkg-shlibdeps;
# zsh and fish: the gen test checks the generated completions with them (skipped without)
test_packages=(clang-format git dpkg-dev file zsh fish)

say() { printf '\n==> %s\n' "$*"; }

install_packages() {
	local missing=() packages=("${packages[@]}" "$@")
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

# A real Docker Model Runner and sbx are used only to show the diff; the
# simulator gets the full apply, so the run never changes a real machine.
real_backends() {
	command -v sbx >/dev/null 2>&1 && case $(readlink -f "$(command -v sbx)") in "$top"/build/tests/sim/*) false ;; esac &&
		curl -fsS -m 2 http://localhost:12434/models >/dev/null 2>&1
}

run_example() {
	build build
	local bin=$top/build/sbxapply example=examples/claude-dmr/sandbox.yaml
	say "sbxapply validate -f $example"
	"$bin" validate -f "$example"
	if real_backends; then
		say "Docker Model Runner and sbx found: sbxapply diff -f $example (changes nothing)"
		set +e
		"$bin" diff -f "$example"
		echo "exit code: $? (0 in sync, 1 changes pending); run 'build/sbxapply -f $example' to apply"
		set -e
		return 0
	fi
	sim_dir=$(mktemp -d)	# global: the EXIT trap needs it
	export SBXSIM_STATE_DIR=$sim_dir/sim SBXSIM_BANDWIDTH=${SBXSIM_BANDWIDTH:-3000000000}
	mkdir -p "$SBXSIM_STATE_DIR"
	build/tests/sim/sbxsim runner --listen 127.0.0.1:0 >"$sim_dir/runner.log" 2>&1 &
	runner_pid=$!
	trap 'kill "$runner_pid" 2>/dev/null; rm -rf "$sim_dir"' EXIT
	for _ in $(seq 100); do [ -s "$SBXSIM_STATE_DIR/runner.addr" ] && break; sleep 0.05; done
	local url="http://$(cat "$SBXSIM_STATE_DIR/runner.addr")"
	export PATH="$top/build/tests/sim:$PATH"	# `sbx` is the simulator's
	local args=(--runner "$url" --state-dir "$sim_dir/state")
	say "no Docker here: sbxsim simulates Docker Model Runner at $url and the sbx CLI"
	say "sbxapply -f $example (the guide's steps, applied)"
	"$bin" -f "$example" "${args[@]}"
	say "sbxapply -f $example again: nothing to do"
	"$bin" -f "$example" "${args[@]}"
	say "sbxapply diff: exit code 0 means in sync"
	"$bin" diff -f "$example" "${args[@]}" >/dev/null
	echo "exit code: $?"
	say "sbxapply verify: the guide's step 5, from the host and from inside the sandbox"
	set +e
	"$bin" verify -f "$example" "${args[@]}"
	echo "exit code: $?"
	set -e
	say "what the simulator was asked (calls.log):"
	cut -c1-150 "$SBXSIM_STATE_DIR/calls.log"
	say "a file with mistakes: sbxapply validate -f examples/invalid/unknown-keys.yaml (exit 3 expected)"
	set +e
	"$bin" validate -f examples/invalid/unknown-keys.yaml
	echo "exit code: $?"
	set -e
}

run_tests() {
	say "the sources against .clang-format"
	contrib/format.sh --check
	say "build with AddressSanitizer and UndefinedBehaviorSanitizer"
	build build-asan -DSBXAPPLY_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	say "every test, under the sanitizers"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir build-asan --output-on-failure -j"$jobs"
	say "plain build; every test again, hermetic: a decoy runner on localhost:12434, read-only HOME (tests/hermetic.sh)"
	build build
	local failed=0
	tests/hermetic.sh build --output-on-failure -j"$jobs" || failed=1
	say "unit tests under valgrind"
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
test) install_packages "${test_packages[@]}"; run_tests ;;
fuzz) install_packages clang libclang-rt-14-dev; exec contrib/fuzz.sh "${2:-600}" "${3:-config}" ;;
*) echo "usage: contrib/setup.sh run|test|fuzz [SECONDS] [config|sbx|state]|deps" >&2; exit 2 ;;
esac
