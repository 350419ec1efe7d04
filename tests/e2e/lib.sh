# Shared by the end-to-end tests: a private sbxsim per test, assertions, counters.
# Usage: . lib.sh SBXAPPLY SBXSIM   (sets $bin, $sim, $work; starts nothing)
set -u
bin=$1
sim=$2
work=$(mktemp -d)
# Hermetic: state, the docker client's config and the simulator's files stay under $work;
# nothing inherited names a runner, a docker daemon, an sbx or a simulator behaviour.
export SBXSIM_STATE_DIR="$work/sim" XDG_STATE_HOME="$work/xdg" DOCKER_CONFIG="$work/docker" NO_COLOR=1
unset GITHUB_ACTIONS MODEL_RUNNER_HOST DOCKER_HOST DOCKER_CONTEXT SBXAPPLY_SBX SBXAPPLY_SBX_TIMEOUT_MS \
	http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy \
	SBXSIM_FAULTS SBXSIM_LATENCY_MS SBXSIM_SBX_VERSION SBXSIM_TAG_FORM SBXSIM_POLICY_INIT SBXSIM_POLICY_DUP \
	SBXSIM_BANDWIDTH SBXSIM_PULL_MS SBXSIM_POLICY_UNINITIALISED SBXSIM_EXEC_DETACH SBXSIM_AUTOSTOP_S
mkdir -p "$SBXSIM_STATE_DIR"
runner_pid=
pass=0 fail=0

# use_sim_sbx [exec]: `sbx` is the simulator's (first on PATH, and SBXAPPLY_SBX names it);
# with exec, a test that needs `sbx exec` is skipped (exit 77) where sbxsim cannot run it
use_sim_sbx() {
	case $bin in /*) ;; *) bin="$PWD/$bin" ;; esac
	simdir=$(cd "$(dirname "$sim")" && pwd)
	export SBXAPPLY_SBX="$simdir/sbx" PATH="$simdir:$PATH"
	[ -x "$SBXAPPLY_SBX" ] || ln -sf "$sim" "$work/sbx" && [ -x "$SBXAPPLY_SBX" ] || export SBXAPPLY_SBX="$work/sbx"
	if [ "${1:-}" = exec ] && [ "$(id -u)" != 0 ] && ! unshare -Urm true 2>/dev/null; then
		echo "SKIP: sbx exec needs root or unprivileged user namespaces (tests/sim/README.md)"
		exit 77
	fi
}

cleanup() {
	[ -n "$runner_pid" ] && kill "$runner_pid" 2>/dev/null && wait "$runner_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# start_runner [ENV=VALUE...]: a runner on a free port; sets $R to its URL
start_runner() {
	stop_runner
	# fault rules count calls from zero for each runner a test starts
	rm -f "$SBXSIM_STATE_DIR/runner.addr" "$SBXSIM_STATE_DIR/counters.json"
	env "$@" "$sim" runner --listen 127.0.0.1:0 >"$work/runner.log" 2>&1 &
	runner_pid=$!
	i=0
	while [ ! -s "$SBXSIM_STATE_DIR/runner.addr" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	R="http://$(cat "$SBXSIM_STATE_DIR/runner.addr")"
}

stop_runner() {
	if [ -n "$runner_pid" ]; then
		kill "$runner_pid" 2>/dev/null
		wait "$runner_pid" 2>/dev/null
		runner_pid=
	fi
}

# sbxapply ARGS...: runs it, output in $work/out and $work/err, exit code in $rc
sbxapply() {
	"$bin" "$@" >"$work/out" 2>"$work/err"
	rc=$?
}

# isolated ARGS...: sbxapply as above, but with a loopback and a /var/run of its own (Linux
# namespaces), so the machine's localhost:12434 and /var/run/docker.sock (the discovery
# defaults, where a real runner may answer) are neither reached nor touched. Returns 1
# without running it when namespaces are not available here.
isolated() {
	for how in "unshare -rmn" "unshare -mn"; do
		$how sh -c 'mount -t tmpfs tmpfs /var/run' 2>/dev/null || continue
		$how sh -c 'ip link set lo up 2>/dev/null; mount -t tmpfs tmpfs /var/run && exec "$@"' sh "$bin" "$@" \
			>"$work/out" 2>"$work/err"
		rc=$?
		return 0
	done
	return 1
}

# (and sbxsim's in-flight files a killed call left, so "concurrent" counts only this run's calls)
calls_reset() { : >"$SBXSIM_STATE_DIR/calls.log"; rm -rf "$SBXSIM_STATE_DIR/inflight"; }
# calls_count PATTERN: lines of the call log matching an extended regex
calls_count() { grep -cE "$1" "$SBXSIM_STATE_DIR/calls.log"; }

# check NAME CONDITION...: one assertion; prints the outputs when it fails
check() {
	name=$1; shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name (exit $rc)"
		sed 's/^/  out: /' "$work/out" | head -40
		sed 's/^/  err: /' "$work/err" | head -40
	fi
}
has() { grep -qF -- "$2" "$work/$1"; }
has_file() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$work/$1"; }
is() { [ "$1" = "$2" ]; }

finish() {
	echo "$(basename "$0" .sh): $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
