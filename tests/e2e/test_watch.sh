#!/bin/sh
# sbxapply watch against sbxsim's runner: applies at start, again on every save
# of the file (editor-style rename included) or of the .env beside it, reports a
# save that does not validate without applying it, and stops cleanly on Ctrl-C.
# Usage: test_watch.sh SBXAPPLY SBXSIM
. "$(dirname "$0")/lib.sh"
mkdir -p "$work/p"
F="$work/p/sandbox.yaml"

# wait_for TEXT: until the watcher's stderr holds TEXT, 15 s at most
wait_for() {
	i=0
	while ! grep -qF -- "$1" "$work/watch.err" && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
	grep -qF -- "$1" "$work/watch.err"
}
# save FILE CONTENT: as editors do, a new file renamed over the old one
save() { printf "$2" >"$1.tmp" && mv "$1.tmp" "$1"; }

start_runner SBXSIM_PULL_MS=100
printf 'version: 1\nproject: watched\nmodels:\n  ai/smollm2:\n' >"$F"
"$bin" watch -f "$F" --runner "$R" --progress plain >"$work/watch.out" 2>"$work/watch.err" &
watcher=$!
check "applies at start" wait_for "create model ai/smollm2: done"
check "then watches" wait_for "watching $F for changes"

save "$F" 'version: 1\nproject: watched\nmodels:\n  ai/smollm2:\n    context_size: ${CTX:-4096}\n  ai/gpt-oss:20B-MXFP4:\n'
check "a saved change is applied" wait_for "create model ai/gpt-oss:20B-MXFP4: done"
check "with the default from the file" wait_for "create runtime settings of ai/smollm2: done"

calls_reset
printf 'CTX=8192\n' >"$work/p/.env"
check "a change to .env is applied" wait_for "update runtime settings of ai/smollm2: done"
curl -s "$R/engines/_configure" >"$work/out"
check "with the value from .env" has out '"context-size":8192'

calls_reset
save "$F" 'version: 1\nproject: watched\nmodels: [broken\n'
check "a broken save is reported" wait_for "1 error; nothing was done"
check "and nothing is applied from it" is "$(calls_count '"kind":"http"')" 0

kill -INT "$watcher"
wait "$watcher"
rc=$?
check "Ctrl-C while waiting exits 0" is "$rc" 0

# watch never deletes or replaces a sandbox, whatever the flags: removing its block waits for a manual apply
simdir=$(cd "$(dirname "$sim")" && pwd)
export SBXAPPLY_SBX="$simdir/sbx" PATH="$simdir:$PATH"
mkdir -p "$work/p/ws"
save "$F" 'version: 1\nproject: watched\nmodels:\n  ai/smollm2:\nsandboxes:\n  box1:\n    agent: shell\n    workspace: ws\n'
: >"$work/watch.err"
"$bin" watch -f "$F" --runner "$R" --progress plain --prune --allow-replace --yes >"$work/watch.out" 2>"$work/watch.err" &
watcher=$!
check "watch creates the sandbox" wait_for "create sandbox box1: done"
save "$F" 'version: 1\nproject: watched\nmodels:\n  ai/smollm2:\n'
check "its removal waits for a manual apply" wait_for "watch never deletes or replaces a sandbox"
check "the sandbox is still there" is "$(sbx ls --json | tr -d ' \n' | grep -c '"name":"box1"')" 1
kill -INT "$watcher"
wait "$watcher"

# a burst of saves within --debounce is one run
env3='version: 1\nproject: watched\nmodels:\n  ai/smollm2:\nsandboxes:\n'
for b in box1 box2 box3; do
	env3="$env3  $b:\n    agent: shell\n    workspace: ws\n    env:\n      GREETING: hello\n"
done
: >"$work/watch.err"
"$bin" watch -f "$F" --runner "$R" --progress plain --debounce 400ms >"$work/watch.out" 2>"$work/watch.err" &
watcher=$!
check "watch takes --debounce" wait_for "watching $F for changes"
save "$F" "$env3"
sleep 0.1
save "$F" "$env3# again\n"
sleep 0.1
save "$F" "$env3# and again\n"
check "the burst is applied" wait_for "create env of sandbox box3: done"
sleep 0.6
check "as one run" is "$(grep -c 'changed: applying' "$work/watch.err")" 1
kill -INT "$watcher"
wait "$watcher"

# one round of observation: GET /models and sbx ls once; no env read, as watch wrote each block on the
# sandbox listed now; with --refresh each running sandbox's env is read, once
calls_reset
sbxapply -f "$F" --runner "$R" diff --parallelism 2
check "diff takes --parallelism and is in sync" is "$rc" 0
check "no env is read" is "$(calls_count '"argv":\["sbx","exec"')" 0
check "and the plan says so" has out "env of sandbox box1, box2, box3: not read: the inventory vouches for each"
check "GET /models is made once" is "$(calls_count '"method":"GET","path":"/models"')" 1
check "sbx ls is made once" is "$(calls_count '"argv":\["sbx","ls"')" 1
calls_reset
sbxapply -f "$F" --runner "$R" diff --parallelism 2 --refresh
check "--refresh: in sync" is "$rc" 0
check "--refresh: each sandbox's env is read once" is "$(calls_count '"argv":\["sbx","exec"')" 3
check "--refresh: nothing said about vouching" lacks out "not read"
check "--refresh: GET /models and sbx ls once" is \
	"$(calls_count '"method":"GET","path":"/models"') $(calls_count '"argv":\["sbx","ls"')" "1 1"
sbxapply -f "$F" --runner "$R" plan --parallelism 1
check "plan takes --parallelism" is "$rc" 0
finish
