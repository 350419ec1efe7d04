#!/bin/sh
# The suite is hermetic: it runs again with a decoy Docker Model Runner on
# localhost:12434 (sbxsim, answering as a real one would), MODEL_RUNNER_HOST naming it,
# HOME and XDG_STATE_HOME read-only and empty, DOCKER_HOST naming no daemon, TMPDIR
# a directory of its own and GITHUB_ACTIONS=true (as on a GitHub runner). It fails when
# a test fails, when the decoy gets any request, when anything is written under HOME
# or XDG_STATE_HOME (watched with inotifywait, so writes by root, whom the read-only
# mode does not stop, count too) or when a test leaves files in TMPDIR. When
# 127.0.0.1:12434 is taken already, it says so and runs against whatever listens
# there, without MODEL_RUNNER_HOST and without the decoy check.
# Usage: tests/hermetic.sh BUILD_DIR [CTEST_ARGS...]   (every test but the benchmarks, or fewer:
#        -L e2e, -R ...)
set -u
build=$(cd "${1:?usage: tests/hermetic.sh BUILD_DIR [CTEST_ARGS...]}" && pwd) || exit 2
shift
set -- -LE bench "$@"
sim=$build/tests/sim/sbxsim
[ -x "$sim" ] || { echo "hermetic: no $sim; build first" >&2; exit 2; }
w=$(mktemp -d)
ro=$w/ro
decoy_pid= watch_pid=
cleanup() {
	for p in $decoy_pid $watch_pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	chmod -R u+w "$w" 2>/dev/null
	rm -rf "$w"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$ro/home" "$ro/state" "$w/tmp" "$w/decoy"
chmod 555 "$ro/home" "$ro/state" "$ro"
failed=0

if command -v inotifywait >/dev/null 2>&1; then
	inotifywait -q -m -r -e create,modify,attrib,moved_to,delete --format '%w%f %e' -o "$w/writes.log" "$ro" \
		2>"$w/inotify.err" &
	watch_pid=$!
	sleep 0.3 # the watches are set before the first test starts
else
	echo "hermetic: no inotifywait: writes are found by what is left under $ro only"
fi

SBXSIM_STATE_DIR=$w/decoy "$sim" runner --listen 127.0.0.1:12434 >"$w/decoy.log" 2>&1 &
decoy_pid=$!
i=0
while kill -0 "$decoy_pid" 2>/dev/null && [ ! -s "$w/decoy/runner.addr" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
if [ -s "$w/decoy/runner.addr" ]; then
	echo "hermetic: a decoy runner answers at http://127.0.0.1:12434, and MODEL_RUNNER_HOST names it"
	runner_env="MODEL_RUNNER_HOST=http://localhost:12434"
else
	wait "$decoy_pid" 2>/dev/null
	decoy_pid=
	echo "hermetic: note: 127.0.0.1:12434 is in use here already: the suite runs against whatever" \
		"listens there, without the decoy's count of calls"
	sed 's/^/  /' "$w/decoy.log" | head -3
	runner_env=
fi

start=$(date +%s)
# GITHUB_ACTIONS as a GitHub runner sets it: no test may depend on the annotation default
(cd "$build" && env HOME="$ro/home" XDG_STATE_HOME="$ro/state" DOCKER_HOST=unix:///nonexistent/docker.sock \
	TMPDIR="$w/tmp" GITHUB_ACTIONS=true ${runner_env:+"$runner_env"} ctest "$@") || failed=1
echo "hermetic: ctest took $(($(date +%s) - start)) s"

if [ -n "$decoy_pid" ] && [ -s "$w/decoy/calls.log" ]; then
	echo "hermetic: FAIL: a test asked the runner at localhost:12434 (the discovery default):"
	cut -c1-200 "$w/decoy/calls.log"
	failed=1
fi
if [ -n "$watch_pid" ]; then
	kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
	watch_pid=
	if [ -s "$w/writes.log" ]; then
		echo "hermetic: FAIL: written under the read-only HOME or XDG_STATE_HOME ($ro):"
		sed "s#^$ro#  #" "$w/writes.log" | sort -u | head -40
		failed=1
	fi
fi
if [ -n "$(find "$ro" -mindepth 2 | head -1)" ]; then
	echo "hermetic: FAIL: left under the read-only HOME or XDG_STATE_HOME ($ro):"
	find "$ro" -mindepth 2 | head -40
	failed=1
fi
if [ -n "$(find "$w/tmp" -mindepth 1 | head -1)" ]; then
	echo "hermetic: FAIL: left in TMPDIR:"
	find "$w/tmp" -mindepth 1 -maxdepth 2 | head -40
	failed=1
fi
[ "$failed" -eq 0 ] && echo "hermetic: passed"
exit "$failed"
