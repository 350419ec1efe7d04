#!/usr/bin/env bash
# Part of tests/reliability/run.sh: the state directory stops being writable while an
# apply runs. Modes: full, readonly (under `unshare -rm`: a tmpfs of our own, filled; or the
# state directory bound read-only over itself; both stop root too); full-file and
# readonly-file (no namespaces: the directory is replaced by a file between actions, as
# tests/e2e/test_reliability.sh does). Then the space or the mode comes back and apply
# runs again. Prints "first exit N" and "second exit N"; leaves the state in STATE_DIR.
# Usage: diskfull.sh MODE SBXAPPLY FILE RUNNER_URL STATE_DIR WORLD_DIR
set -u
mode=$1 bin=$2 F=$3 R=$4 ST=$5 W=$6
case $mode in
full | readonly)
	mnt=$W/tmpfs
	mkdir -p "$mnt"
	mount -t tmpfs -o size=1m,mode=0700 tmpfs "$mnt" || { echo "no tmpfs here"; exit 1; }
	state=$mnt/state
	mkdir -p "$state"
	;;
*) state=$ST ;;
esac
"$bin" -f "$F" --runner "$R" --state-dir "$state" >"$W/disk.out" 2>"$W/disk.err" &
p=$!
# partway: after the first completed action
i=0
while [ "$(grep -c ': done' "$W/disk.err")" -lt 1 ] && [ $i -lt 400 ] && kill -0 $p 2>/dev/null; do
	sleep 0.025
	i=$((i + 1))
done
echo "stopped being writable after: $(grep ': done' "$W/disk.err" | tr '\n' ';')"
case $mode in
full) dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null; echo "filled: $(df -k "$mnt" | tail -1)" ;;
readonly) # a read-only bind of the directory over itself: the open lock file is no writer on it
	mount --bind "$state" "$state" && mount -o remount,bind,ro "$state" && echo "read-only bind mount" ;;
*) mv "$state" "$state.aside" && : >"$state" && echo "replaced by a file" ;;
esac
wait $p
echo "first exit $?"
sed 's/^/  first: /' "$W/disk.err" | tail -12
case $mode in
full) rm -f "$mnt/fill" ;;
readonly) umount "$state" ;;
*) rm -f "$state" && mv "$state.aside" "$state" ;;
esac
unset SBXSIM_LATENCY_MS
"$bin" -f "$F" --runner "$R" --state-dir "$state" >"$W/disk2.out" 2>"$W/disk2.err"
echo "second exit $?"
sed 's/^/  second: /' "$W/disk2.err" | tail -12
case $mode in full | readonly) cp -a "$state/." "$ST/" && umount "$mnt" ;; esac
exit 0
