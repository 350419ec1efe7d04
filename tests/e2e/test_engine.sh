#!/bin/sh
# The engine's promises, against sbxsim's runner: saved plans, dry runs, the
# project lock, interrupts that resume, and bulk observation of many resources.
# Usage: test_engine.sh SBXAPPLY SBXSIM
. "$(dirname "$0")/lib.sh"
mkdir -p "$work/p"
F="$work/p/sandbox.yaml"
printf 'version: 1\nproject: eng\nmodels:\n  ai/smollm2:\n  ai/devstral-small-2:\n' >"$F"

start_runner SBXSIM_PULL_MS=200
# 1. --dry-run prints the plan and changes nothing
calls_reset
sbxapply -f "$F" --runner "$R" --dry-run
check "dry run exits 0" is "$rc" 0
check "dry run prints the plan" has out "+ create model ai/smollm2"
check "dry run makes no change" is "$(calls_count '"method":"(POST|DELETE)"')" 0
check "dry run writes no inventory" is "$(ls "$XDG_STATE_HOME/sbxapply" 2>/dev/null | grep -c json)" 0

# 2. plan -out then apply FILE applies exactly that plan
sbxapply plan -f "$F" --runner "$R" -out "$work/eng.plan"
check "plan with changes exits 1" is "$rc" 1
check "plan file is private" is "$(stat -c %a "$work/eng.plan")" 600
check "plan file holds the actions" has_file "$work/eng.plan" '"create model/ai/smollm2:latest"'
sbxapply apply "$work/eng.plan" --runner "$R"
check "saved plan applies" is "$rc" 0
sbxapply apply "$work/eng.plan" --runner "$R"
check "a used plan is refused" is "$rc" 5
check "because the inventory moved" has err "the inventory moved since the plan was made"
# the live state moves between plan and apply
printf 'version: 1\nproject: eng\nmodels:\n  ai/smollm2:\n  ai/devstral-small-2:\n  ai/gpt-oss:\n' >"$F"
sbxapply plan -f "$F" --runner "$R" -out "$work/eng2.plan"
curl -s "$R/models/create" -H 'Accept: application/json' -d '{"from":"ai/qwen3-coder"}' >/dev/null
calls_reset
sbxapply apply "$work/eng2.plan" --runner "$R"
check "stale live state is refused" is "$rc" 5
check "and says so" has err "the live state changed since the plan was made"
check "nothing applied from a stale plan" is "$(calls_count '"method":"(POST|DELETE)"')" 0
# the file changes between plan and apply
sbxapply plan -f "$F" --runner "$R" -out "$work/eng3.plan"
printf 'version: 1\nproject: eng\nmodels:\n  ai/smollm2:\n' >"$F"
sbxapply apply "$work/eng3.plan" --runner "$R"
check "changed file is refused" is "$rc" 5
check "naming the file" has err "or its variables changed since the plan was made"

# 3. one run at a time: a second waits --lock-timeout, then exits 6 naming the holder
printf 'version: 1\nproject: locked\nmodels:\n  ai/gpt-oss:20B-MXFP4:\n' >"$work/lock.yaml"
start_runner 'SBXSIM_FAULTS=http.POST /models/create=delay:3000'
"$bin" -q -f "$work/lock.yaml" --runner "$R" >/dev/null 2>&1 &
holder=$!
i=0	# until the holder has the lock: its pid is written in the lock file
while ! grep -q "^$holder " "$XDG_STATE_HOME/sbxapply/locked.lock" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sbxapply -f "$work/lock.yaml" --runner "$R" --lock-timeout 300ms
check "second run exits 6" is "$rc" 6
check "names the holder" has err "is locked by sbxapply pid $holder, running since"
kill -9 "$holder"; wait "$holder" 2>/dev/null
sbxapply diff -f "$work/lock.yaml" --runner "$R"
check "diff needs no lock" is "$rc" 1
start_runner SBXSIM_PULL_MS=100
sbxapply -f "$work/lock.yaml" --runner "$R"
check "a killed holder blocks nobody" is "$rc" 0

# 4. SIGTERM stops cleanly, records what finished, and the next run resumes
printf 'version: 1\nproject: intr\nmodels:\n  ai/smollm2:360M-Q4_K_M:\n  ai/qwen3-coder:30B-A3B-Q4_K_M:\n  ai/devstral-small-2:24B-Q4_K_M:\n' >"$work/intr.yaml"
# the second pull never ends: only a run that stops its running requests can exit at all (a
# watchdog ends the test, not the check, if it does not)
start_runner 'SBXSIM_FAULTS=http.POST /models/create#2+=hang'
calls_reset
"$bin" -f "$work/intr.yaml" --runner "$R" --parallelism 1 >"$work/out" 2>"$work/err" &
apid=$!
i=0
while ! grep -q "create model ai/smollm2:360M-Q4_K_M: done" "$work/err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
i=0
while [ "$(calls_count '"path":"/models/create"')" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "the second pull hangs when the run is stopped" is "$(calls_count '"path":"/models/create"')" 2
kill -TERM "$apid"
# the watchdog takes its sleep with it when it is stopped, and holds no output open
(trap 'kill "$s" 2>/dev/null; exit 0' TERM; sleep 30 & s=$!; wait "$s"; kill -KILL "$apid") >/dev/null 2>&1 &
watchdog=$!
wait "$apid"; rc=$?
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
check "interrupted run exits 130, not killed by the watchdog" is "$rc" 130
check "says the next run resumes" has err "run again to resume"
check "the finished pull is recorded" grep -q '"ai/smollm2:360M-Q4_K_M"' "$XDG_STATE_HOME/sbxapply/intr.json"
start_runner SBXSIM_PULL_MS=100
sbxapply -f "$work/intr.yaml" --runner "$R"
check "next run resumes" is "$rc" 0
check "without redoing the finished pull" lacks out "create model ai/smollm2:360M-Q4_K_M"

# 4b. a long pull does not delay independent work: the sandbox is made while the model downloads
export PATH="$(dirname "$sim"):$PATH"	# sbx is the simulator
mkdir -p "$work/ws"
printf 'version: 1\nproject: overlap\nmodels:\n  ai/qwen3-coder:30B-A3B-Q4_K_M:\nsandboxes:\n  overlap-box:\n    agent: shell\n    workspace: ws\n' >"$work/overlap.yaml"
start_runner SBXSIM_PULL_MS=3000
calls_reset
sbxapply -f "$work/overlap.yaml" --runner "$R"
check "overlap apply succeeds" is "$rc" 0
first=$(grep -nE 'create (sandbox overlap-box|model ai/qwen3-coder:30B-A3B-Q4_K_M): done' "$work/err" | head -1)
check "the sandbox was ready before the 3 s pull ended" is "${first#*create }" "sandbox overlap-box: done"
"$sim" sbx rm -f overlap-box >/dev/null 2>&1
curl -s -X DELETE "$R/models/ai/qwen3-coder:30B-A3B-Q4_K_M" >/dev/null
rm -f "$XDG_STATE_HOME/sbxapply/overlap.json"
sbxapply -f "$work/overlap.yaml" --runner "$R" --parallelism 1
first=$(grep -nE 'create (sandbox overlap-box|model ai/qwen3-coder:30B-A3B-Q4_K_M): done' "$work/err" | head -1)
check "with --parallelism 1 the pull comes first (plan order)" is "${first#*create }" "model ai/qwen3-coder:30B-A3B-Q4_K_M: done"
check "a pull that never waits for a slot asks no size" is "$(grep -c 'remote=true' "$SBXSIM_STATE_DIR/calls.log")" 0

# 4c. never more than two pulls at once (the runner's own limit: a third would block silently)
printf 'version: 1\nproject: two\nmodels:\n  ai/smollm2:135M-Q4_K_M:\n  ai/gpt-oss:20B-MXFP4:\n  ai/devstral-small-2:24B-Q4_K_M:\n  ai/qwen3-coder:\n' >"$work/two.yaml"
echo '[]' >"$SBXSIM_STATE_DIR/models.json"
start_runner SBXSIM_PULL_MS=2000
calls_reset
sbxapply -f "$work/two.yaml" --runner "$R" --parallelism 4
check "four pulls apply" is "$rc" 0
check "four pulls were sent" is "$(calls_count '"path":"/models/create"')" 4
# the runner logs a pull that found both its slots taken (sbxsim's pull-queued): sbxapply sends none
check "never a third pull while two run" is "$(calls_count '"kind":"pull-queued"')" 0
check "and two at once" is "$(grep '"kind":"pull"' "$SBXSIM_STATE_DIR/calls.log" | sed 's/.*"active":\([0-9]*\).*/\1/' | sort -n | tail -n 1)" 2

check "and the four sizes were asked, all at once" is "$(grep -c 'remote=true' "$SBXSIM_STATE_DIR/calls.log")" 4

# 4c'. more pulls than slots: of the ones left waiting, the largest first (its size asked beside the
# first pulls, GET /models/{ref}?remote=true); each pull takes 1 s here, so the finish order is the start order
printf 'version: 1\nproject: sizes\nmodels:\n  ai/devstral-small-2:24B-Q4_K_M:\n  ai/gpt-oss:20B-MXFP4:\n  ai/qwen3-coder:30B-A3B-Q4_K_M:\n  ai/smollm2:135M-Q4_K_M:\n  ai/smollm2:360M-Q4_K_M:\n' >"$work/sizes.yaml"
echo '[]' >"$SBXSIM_STATE_DIR/models.json"
start_runner SBXSIM_PULL_MS=1000
calls_reset
sbxapply -f "$work/sizes.yaml" --runner "$R" --parallelism 4
check "five pulls apply" is "$rc" 0
grep -o 'create model [^ ]*: done' "$work/err" | sed 's/create model //; s/: done//' >"$work/pull-order"
check "the two largest of the waiting three went first: 105 MB last, not the 269 MB after it in the file" \
	is "$(tail -n 1 "$work/pull-order")" "ai/smollm2:135M-Q4_K_M"
check "the 18.6 GB one was among the second pair" is "$(sed -n 3,4p "$work/pull-order" | grep -c qwen3-coder)" 1
check "each size asked once" is "$(grep -c 'remote=true' "$SBXSIM_STATE_DIR/calls.log")" 5

# 4c''. the lookups are best effort: a registry that never answers them does not hold the run up (they are
# cut short when the pulls are done, not left to their 10 s timeout), and the pulls still happen
printf 'version: 1\nproject: hung\nmodels:\n  ai/smollm2:135M-Q4_K_M:\n  ai/smollm2:360M-Q4_K_M:\n  ai/gpt-oss:20B-MXFP4:\n  ai/qwen3-coder:30B-A3B-Q4_K_M:\n' >"$work/hung.yaml"
echo '[]' >"$SBXSIM_STATE_DIR/models.json"
start_runner SBXSIM_PULL_MS=300 'SBXSIM_FAULTS=http.GET /models/*=hang'
# three pulls leave one waiting, with nothing to choose between: no size is asked
printf 'version: 1\nproject: three\nmodels:\n  ai/smollm2:135M-Q4_K_M:\n  ai/smollm2:360M-Q4_K_M:\n  ai/gpt-oss:20B-MXFP4:\n' >"$work/three.yaml"
calls_reset
sbxapply -f "$work/three.yaml" --runner "$R"
check "three pulls apply" is "$rc" 0
check "and ask no size" is "$(grep -c 'remote=true' "$SBXSIM_STATE_DIR/calls.log")" 0
echo '[]' >"$SBXSIM_STATE_DIR/models.json"
rm -f "$XDG_STATE_HOME/sbxapply/three.json"
calls_reset
t0=$(date +%s)
sbxapply -f "$work/hung.yaml" --runner "$R"
check "four pulls apply while every size lookup hangs" is "$rc" 0
check "and the run did not wait for the lookups' timeout" test $(($(date +%s) - t0)) -lt 8
check "the lookups were asked" is "$(grep -c 'remote=true' "$SBXSIM_STATE_DIR/calls.log")" 4

# 4d. kill -9 at any moment: the next run finishes the job, and the one after is a no-op
printf 'version: 1\nproject: killed\nmodels:\n  ai/smollm2:135M-Q4_K_M:\n  ai/gpt-oss:20B-MXFP4:\n  ai/devstral-small-2:24B-Q4_K_M:\n  ai/qwen3-coder:30B-A3B-Q4_K_M:\n    context_size: 4096\npackages:\n  qwen:8k:\n    from: ai/qwen3-coder:30B-A3B-Q4_K_M\n    context_size: 8192\n' >"$work/killed.yaml"
echo '[]' >"$SBXSIM_STATE_DIR/models.json"
start_runner SBXSIM_PULL_MS=400
for delay in 0.1 0.35 0.6 0.9 1.3; do
	"$bin" -q -f "$work/killed.yaml" --runner "$R" --parallelism 2 >/dev/null 2>&1 &
	victim=$!
	sleep "$delay"
	kill -9 "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
done
sbxapply -f "$work/killed.yaml" --runner "$R"
check "after five kill -9s the next run completes" is "$rc" 0
sbxapply -f "$work/killed.yaml" --runner "$R"
check "and the one after changes nothing" has out "No changes: 6 resources in sync."
check "no temporary file of a killed save is left" is "$(ls "$XDG_STATE_HOME/sbxapply" | grep -c '^killed.json.tmp')" 0

# 4e. runs at the same time: on one project they take turns (--lock-timeout), on two they overlap
printf 'version: 1\nproject: busy\nmodels:\n  ai/smollm2:360M-Q4_K_M:\n  ai/gpt-oss:latest:\n' >"$work/busy.yaml"
printf 'version: 1\nproject: other\nmodels:\n  ai/gpt-oss:latest:\n  ai/devstral-small-2:latest:\n' >"$work/other.yaml"
echo '[]' >"$SBXSIM_STATE_DIR/models.json"
start_runner SBXSIM_PULL_MS=500
for i in 1 2 3; do
	"$bin" -q -f "$work/busy.yaml" --runner "$R" --lock-timeout 60s >"$work/busy.$i" 2>&1 &
	eval "busy_$i=\$!"
done
"$bin" -q -f "$work/other.yaml" --runner "$R" >"$work/other.log" 2>&1 &
other=$!
for i in 1 2 3; do
	eval "wait \$busy_$i"
	check "concurrent run $i on one project succeeds" is "$?" 0
done
wait "$other"
check "a run of another project alongside succeeds" is "$?" 0
sbxapply diff -f "$work/busy.yaml" --runner "$R"
check "the project is in sync afterwards" is "$rc" 0
sbxapply diff -f "$work/other.yaml" --runner "$R"
check "so is the other" is "$rc" 0

# 5. hundreds of declared resources: a no-op run is still a handful of calls
stop_runner
{
	printf '['
	i=0
	while [ $i -lt 300 ]; do
		[ $i -gt 0 ] && printf ','
		printf '{"id":"sha256:%064d","tags":["docker.io/bulk/model-%d:latest"],"created":1751039531,"config":{"format":"gguf","size":"1 MiB"}}' "$i" "$i"
		i=$((i + 1))
	done
	printf ']'
} >"$SBXSIM_STATE_DIR/models.json"
{
	printf 'version: 1\nproject: bulk\nmodels:\n'
	i=0
	while [ $i -lt 300 ]; do printf '  bulk/model-%d:\n' "$i"; i=$((i + 1)); done
} >"$work/bulk.yaml"
start_runner
sbxapply -f "$work/bulk.yaml" --runner "$R"
check "300 present models adopted" is "$rc" 0
calls_reset
sbxapply -f "$work/bulk.yaml" --runner "$R"
check "no-op over 300 models" has out "No changes: 300 resources in sync."
check "in one request" is "$(calls_count '"kind":"http"')" 1

# 6. a store written before 2026-01 lists tags as ai/x:latest, not docker.io/ai/x:latest
export SBXSIM_STATE_DIR="$work/sim-short" XDG_STATE_HOME="$work/xdg-short"
mkdir -p "$SBXSIM_STATE_DIR"
printf 'version: 1\nproject: short\nmodels:\n  gpt-oss:\npackages:\n  gpt-oss:32k:\n    from: ai/gpt-oss\n    context_size: 32000\n' >"$work/short.yaml"
start_runner SBXSIM_TAG_FORM=short SBXSIM_PULL_MS=100
sbxapply -f "$work/short.yaml" --runner "$R"
check "short tag form applies" is "$rc" 0
curl -s "$R/models" >"$work/out"
check "the store uses the short form" has out '"ai/gpt-oss:latest"'
calls_reset
sbxapply -f "$work/short.yaml" --runner "$R"
check "and the next run is in sync" has out "No changes: 2 resources in sync."
check "reading only" is "$(calls_count '"method":"(POST|DELETE)"')" 0
finish
