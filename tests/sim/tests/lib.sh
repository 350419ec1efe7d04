# Shared helpers for sbxsim's shell tests (POSIX sh).  Source with the
# sbxsim binary as $1.  Every test gets its own state directory and its
# own runner on a free port, and cleans both up on exit.
set -u
SBXSIM=$1
BIN_DIR=$(dirname "$SBXSIM")
SBX="$BIN_DIR/sbx"
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/sbxsim-test.XXXXXX")
export SBXSIM_STATE_DIR="$T/state"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY SBXSIM_FAULTS SBXSIM_LATENCY_MS \
	SBXSIM_SBX_VERSION SBXSIM_TAG_FORM SBXSIM_POLICY_INIT SBXSIM_POLICY_DUP SBXSIM_BANDWIDTH SBXSIM_PULL_MS \
	SBXSIM_POLICY_UNINITIALISED SBXSIM_EXEC_DETACH SBXSIM_AUTOSTOP_S
FAILS=0
CHECKS=0
RUNNER_PID=

cleanup() {
	if [ -n "$RUNNER_PID" ]; then
		kill "$RUNNER_PID" 2>/dev/null
		wait "$RUNNER_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# check_eq NAME WANT GOT
check_eq() {
	CHECKS=$((CHECKS + 1))
	if [ "$2" != "$3" ]; then
		fail "$1"
		printf '  want: %s\n  got:  %s\n' "$2" "$3"
	fi
}

# check_has NAME HAYSTACK NEEDLE
check_has() {
	CHECKS=$((CHECKS + 1))
	case "$2" in
	*"$3"*) ;;
	*)
		fail "$1"
		printf '  missing: %s\n  in: %s\n' "$3" "$2"
		;;
	esac
}

check_not_has() {
	CHECKS=$((CHECKS + 1))
	case "$2" in
	*"$3"*)
		fail "$1"
		printf '  unexpected: %s\n' "$3"
		;;
	esac
}

# check_like NAME STRING GLOB: STRING matches the shell pattern GLOB.
check_like() {
	CHECKS=$((CHECKS + 1))
	# shellcheck disable=SC2254
	case "$2" in
	$3) ;;
	*)
		fail "$1"
		printf '  pattern: %s\n  got:     %s\n' "$3" "$2"
		;;
	esac
}

# The releases the sbx tests walk through (sbx_test_releases in sbx_release.c).
RELEASES="0.28.3 0.31.2 0.33.0 0.35.0 0.38.0 0.42.1 0.45.1 0.54.1"

# vnum 0.31.2 -> 3102, the simulator's minor*100+patch.
vnum() {
	echo "$1" | awk -F. '{ print $2 * 100 + $3 }'
}

# release V: play sbx V in a state directory of its own (under $T/V); sets N.
release() {
	export SBXSIM_SBX_VERSION=$1 SBXSIM_STATE_DIR="$T/$1${2:-}"
	N=$(vnum "$1")
	mkdir -p "$T/ws-$1"
	cd "$T/ws-$1" || exit 1
}

# start_runner [extra runner args]; the environment at call time is the runner's.
start_runner() {
	rm -f "$SBXSIM_STATE_DIR/runner.addr"
	mkdir -p "$SBXSIM_STATE_DIR"
	"$SBXSIM" runner --listen 127.0.0.1:0 "$@" >"$T/runner.out" 2>&1 &
	RUNNER_PID=$!
	i=0
	while [ ! -s "$SBXSIM_STATE_DIR/runner.addr" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "runner did not start:"
			cat "$T/runner.out"
			exit 1
		fi
		sleep 0.05
	done
	ADDR=$(cat "$SBXSIM_STATE_DIR/runner.addr")
	URL="http://$ADDR"
}

stop_runner() {
	kill "$RUNNER_PID"
	wait "$RUNNER_PID"
	_rc=$?
	RUNNER_PID=
	# A sanitizer report or a crash in the runner fails the test.
	check_eq "runner exit status" 0 "$_rc"
	if grep -q 'Sanitizer\|runtime error:' "$T/runner.out"; then
		fail "runner sanitizer report"
		cat "$T/runner.out"
	fi
}

# req METHOD PATH [curl args...]: sets STATUS, BODY, CTYPE.
req() {
	_m=$1
	_p=$2
	shift 2
	curl -sS --noproxy '*' --max-time 20 -X "$_m" -o "$T/body" -D "$T/headers" -w '%{http_code}' \
		"$@" "$URL$_p" >"$T/status" 2>"$T/curl.err"
	STATUS=$(cat "$T/status")
	BODY=$(cat "$T/body")
	CTYPE=$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$T/headers" | tr -d '\r')
}

pull() {
	req POST /models/create -H 'Accept: application/json' -d "{\"from\":\"$1\"}"
}

# run_sbx ARGS...: sets OUT, ERR, RC.
run_sbx() {
	"$SBX" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# Whether sbx exec can build a sandbox's mount namespace here: root, or
# unprivileged user namespaces.
exec_works() {
	[ "$(id -u)" = 0 ] || unshare -Urm true 2>/dev/null
}

finish() {
	[ -n "$RUNNER_PID" ] && stop_runner
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS of $CHECKS checks failed"
		exit 1
	fi
	echo "ok: $CHECKS checks"
	exit 0
}
