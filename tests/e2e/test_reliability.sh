#!/bin/sh
# Issue 12, state and processes, against sbxsim: an inventory that cannot be
# written stops the run (exit 7) and names what was done but not recorded; a
# create killed mid-way is written ahead in the inventory, so the next run
# records what it finds as created, not adopted; children die with sbxapply;
# a package never overwrites a model tag this project did not make. Every
# check marked (issue 12) failed on the tree before the fix.
# Usage: test_reliability.sh SBXAPPLY SBXSIM
. "$(dirname "$0")/lib.sh"
use_sim_sbx
S="$XDG_STATE_HOME/sbxapply"

# origin_of PROJECT KIND NAME: the origin the inventory records, or "none"
origin_of() {
	tr -d ' \n' <"$S/$1.json" 2>/dev/null |
		grep -o "\"kind\":\"$2\",\"name\":\"$3\",\"origin\":\"[a-z]*\"" | sed 's/.*"origin":"//; s/"//' | grep . ||
		echo none
}
# gone PID: no such process within 2 s (a zombie nobody reaps counts as gone)
gone() {
	i=0
	while [ $i -lt 40 ]; do
		[ -r "/proc/$1/stat" ] || return 0
		case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) in Z | X | '') return 0 ;; esac
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# child_running PARENT WORD: the pid of PARENT's child whose command line holds WORD, within 5 s
child_running() {
	i=0
	while [ $i -lt 100 ]; do
		for p in $(pgrep -P "$1" 2>/dev/null); do
			tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "$2" && { echo "$p"; return 0; }
		done
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# 1. the inventory cannot be written mid-run (its directory replaced by a file, which stops
#    root too): the run stops before the next change, exits 7 and names what is unrecorded
printf 'version: 1\nproject: full\nmodels:\n  ai/smollm2:135M-Q4_K_M:\n  ai/gpt-oss:20B-MXFP4:\n  ai/devstral-small-2:24B-Q4_K_M:\n' >"$work/full.yaml"
start_runner SBXSIM_PULL_MS=50 'SBXSIM_FAULTS=http.POST /models/create#2=delay:1500'
calls_reset
"$bin" -f "$work/full.yaml" --runner "$R" --parallelism 1 >"$work/out" 2>"$work/err" &
apid=$!
i=0
while [ "$(grep -c 'creating model' "$work/err")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
second=$(grep -o 'creating model [^ ]*' "$work/err" | sed -n 2p | cut -d' ' -f3)
mv "$S" "$S.aside" && : >"$S"
wait "$apid"
rc=$?
rm -f "$S"
mv "$S.aside" "$S"
check "an unwritable inventory exits 7 (issue 12)" is "$rc" 7
check "and says so" has err "cannot be written"
check "not 'Apply complete' (issue 12)" lacks err "Apply complete"
check "naming what was created but not recorded (issue 12)" has err "model $second: created"
check "no change started after it (issue 12)" is "$(calls_count '"path":"/models/create"')" 2
check "the intent written before the pull is in the file" is "$(origin_of full model "$second")" creating
start_runner SBXSIM_PULL_MS=50
sbxapply -f "$work/full.yaml" --runner "$R"
check "the next run completes" is "$rc" 0
check "what the stopped run made is recorded as created, not adopted (issue 12)" is "$(origin_of full model "$second")" created
stop_runner

# 2. kill -9 while `sbx create` hangs: the child dies with sbxapply, and the inventory holds the intent
mkdir -p "$work/ws"
printf 'version: 1\nproject: wal\nsandboxes:\n  wal-box:\n    agent: shell\n    workspace: ws\n' >"$work/wal.yaml"
sbxapply diff -f "$work/wal.yaml"	# caches what sbx accepts: the `create --help` probe is not run again
SBXSIM_FAULTS='sbx.create=hang' "$bin" -q -f "$work/wal.yaml" >/dev/null 2>&1 &
victim=$!
child=$(child_running "$victim" wal-box)
check "sbx create was started" [ -n "$child" ]
check "the create is written ahead (issue 12)" is "$(origin_of wal sandbox wal-box)" creating
kill -9 "$victim"
wait "$victim" 2>/dev/null
check "the hanging sbx create dies with sbxapply (issue 12)" gone "${child:-0}"
[ -n "$child" ] && ! gone "$child" && kill -9 "$child" 2>/dev/null
# sbx's daemon finished the create the killed CLI asked for
"$SBXAPPLY_SBX" create shell "$work/ws" --name wal-box >/dev/null 2>&1
check "the sandbox exists" sh -c '"$1" ls | grep -q wal-box' sh "$SBXAPPLY_SBX"
sbxapply -f "$work/wal.yaml"
check "the next run succeeds" is "$rc" 0
check "it does not adopt the sandbox (issue 12)" lacks out "adopt"
check "it records it as created (issue 12)" is "$(origin_of wal sandbox wal-box)" created
sbxapply -f "$work/wal.yaml"
check "then nothing to do" has out "No changes"
# killed before anything was made: the intent is forgotten and the sandbox created
printf 'version: 1\nproject: wal2\nsandboxes:\n  wal-two:\n    agent: shell\n    workspace: ws\n' >"$work/wal2.yaml"
SBXSIM_FAULTS='sbx.create=hang' "$bin" -q -f "$work/wal2.yaml" >/dev/null 2>&1 &
victim=$!
child=$(child_running "$victim" wal-two)
kill -9 "$victim"
wait "$victim" 2>/dev/null
gone "${child:-0}" || kill -9 "$child" 2>/dev/null
sbxapply -f "$work/wal2.yaml"
check "a create that never happened is made again" has out "create sandbox wal-two"
check "and recorded as created" is "$(origin_of wal2 sandbox wal-two)" created

# 3. a package on a tag the user pulled is blocked without --allow-replace; one made by hand is adopted
start_runner SBXSIM_PULL_MS=50
curl -s "$R/models/create" -d '{"from":"ai/smollm2:135M-Q4_K_M"}' >/dev/null
printf 'version: 1\nproject: pkg\nmodels:\n  ai/smollm2:\npackages:\n  smollm2:135M-Q4_K_M:\n    from: ai/smollm2\n    context_size: 8192\n' >"$work/pkg.yaml"
calls_reset
sbxapply -f "$work/pkg.yaml" --runner "$R"
check "a package over a pulled tag is blocked (issue 12)" is "$rc" 8
check "saying how to go on" has out "--allow-replace"
check "the user's model is not repackaged (issue 12)" is "$(calls_count '/repackage')" 0
sbxapply -f "$work/pkg.yaml" --runner "$R" --allow-replace
check "--allow-replace repackages it" is "$rc" 0
check "once" is "$(calls_count '/repackage')" 1
curl -s "$R/models/ai/smollm2:latest/repackage" -d '{"target":"ai/smollm2:8k","context_size":8192}' >/dev/null
printf 'version: 1\nproject: hand\nmodels:\n  ai/smollm2:\npackages:\n  smollm2:8k:\n    from: ai/smollm2\n    context_size: 8192\n' >"$work/hand.yaml"
calls_reset
sbxapply -f "$work/hand.yaml" --runner "$R"
check "an identical package made by hand applies" is "$rc" 0
check "adopted (issue 12)" has out "adopt package"
check "not rebuilt (issue 12)" is "$(calls_count '/repackage')" 0

# 4. down needs no secret's value: it runs with the secret's variable unset (issue 12: exit 3 before)
printf 'version: 1\nproject: downer\nsecrets:\n  github: ${RELI_TOKEN}\n' >"$work/down.yaml"
RELI_TOKEN=ghp-reliability-0123456789 "$bin" -f "$work/down.yaml" --runner "$R" >"$work/out" 2>"$work/err"
check "the project applies with its secret set" is "$?" 0
sbxapply down -f "$work/down.yaml" --runner "$R" --yes
check "down runs with the variable unset (issue 12)" is "$rc" 0
check "and deletes what the project created" has out "delete secret github"
finish
