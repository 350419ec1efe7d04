#!/bin/sh
# Models, packages and runtime settings against sbxsim's runner: the guide's
# steps 1 and 8, idempotence, drift, failures and safe pruning.
# Usage: test_models.sh SBXAPPLY SBXSIM
. "$(dirname "$0")/lib.sh"
export SBXSIM_PULL_MS=300
mkdir -p "$work/a" "$work/b"
cat >"$work/a/sandbox.yaml" <<'YAML'
version: 1
project: alpha
models:
  ai/devstral-small-2:
  ai/qwen3-coder:
    context_size: 65536
    runtime_flags: ["--temp", "0.7"]
  ai/gpt-oss:
packages:
  gpt-oss:32k:
    from: ai/gpt-oss
    context_size: 32000
YAML
A="$work/a/sandbox.yaml"

start_runner SBXSIM_PULL_MS=300
schema_check=${3:-}
plan_schema="$(dirname "$0")/../../schema/plan.schema.json"
if [ -n "$schema_check" ]; then
	sbxapply plan -o json -f "$A" --runner "$R"
	cp "$work/out" "$work/first-plan.json"
	check "the first JSON plan (creates with dependencies) validates" "$schema_check" "$plan_schema" "$work/first-plan.json"
	check "the package waits for its base model" has out '"model/ai/gpt-oss:latest"'
fi
# 1. from scratch: every model pulled, the package made, the runtime configured
calls_reset
sbxapply -f "$A" --runner "$R"
check "first apply succeeds" is "$rc" 0
check "plan lists the package" has out "+ create package gpt-oss:32k"
check "three pulls" is "$(calls_count '"POST","path":"/models/create"')" 3
check "one repackage" is "$(calls_count '"path":"/models/ai/gpt-oss:latest/repackage"')" 1
check "one configure" is "$(calls_count '"POST","path":"/engines/_configure"')" 1
# one listing to observe, and one after the run for the ids of all it made (three models, the
# variant and its base): no action waits on a listing of its own
check "GET /models: one to observe, one for the ids" is "$(calls_count '"method":"GET","path":"/models"')" 2
check "the ids are recorded: 3 models + the variant" is "$(grep -o '"identity": *"sha256:' "$XDG_STATE_HOME/sbxapply/alpha.json" | wc -l)" 4
check "and the variant's base" is "$(grep -c '"base_id": *"sha256:' "$XDG_STATE_HOME/sbxapply/alpha.json")" 1
curl -s "$R/models/gpt-oss:32k" >"$work/out"
check "variant has the context size" has out '"context_size":32000'
check "inventory is private" is "$(stat -c %a "$XDG_STATE_HOME/sbxapply/alpha.json")" 600

# 2. again: nothing changes, and only GET requests are made
calls_reset
sbxapply -f "$A" --runner "$R"
check "second apply succeeds" is "$rc" 0
check "second apply says so" has out "No changes: 5 resources in sync."
check "second apply only reads" is "$(calls_count '"method":"(POST|DELETE|PUT|PATCH)"')" 0
check "second apply reads in bulk" is "$(calls_count '"kind":"http"')" 2
sbxapply diff -f "$A" --runner "$R"
check "diff in sync exits 0" is "$rc" 0

# 3. one changed value is one action
sed 's/context_size: 65536/context_size: 32768/' "$A" >"$work/a/changed.yaml"
sbxapply plan -o json -f "$work/a/changed.yaml" --runner "$R"
check "plan exits 1 with changes" is "$rc" 1
check "exactly one action" is "$(grep -c '"kind": ' "$work/out")" 1
check "it updates the runtime" has out '"action": "update"'
check "it names the field" has out '"field": "context_size"'
if [ -n "$schema_check" ]; then
	cp "$work/out" "$work/plan.json"
	check "the JSON plan validates against schema/plan.schema.json" "$schema_check" "$plan_schema" "$work/plan.json"
	sed 's/"action": "update"/"action": "explode"/' "$work/plan.json" >"$work/bad-plan.json"
	check "and the checker rejects a broken one" sh -c '! "$0" "$1" "$2" 2>/dev/null' "$schema_check" "$plan_schema" "$work/bad-plan.json"
fi
# applying it: the loaded model is unloaded and configured with the new size
calls_reset
sbxapply -f "$work/a/changed.yaml" --runner "$R"
check "runtime update applies" is "$rc" 0
check "by unloading the loaded model first" is "$(calls_count '"path":"/engines/unload"')" 1
sbxapply diff -f "$work/a/changed.yaml" --runner "$R"
check "in sync with the new size" is "$rc" 0
curl -s "$R/engines/_configure" >"$work/out"
check "the runner holds the new size" has out '"context-size":32768'
sbxapply -f "$A" --runner "$R" -q

# 4. the runner restarts and forgets runtime settings: noticed and re-applied
start_runner SBXSIM_PULL_MS=300
sbxapply diff -f "$A" --runner "$R"
check "restart shows pending runtime" is "$rc" 1
check "restart plan names it" has out "+ create runtime settings of ai/qwen3-coder"
sbxapply -f "$A" --runner "$R"
check "re-applied" is "$rc" 0
sbxapply diff -f "$A" --runner "$R"
check "in sync after re-apply" is "$rc" 0

# 5. the base model is pulled again to a new digest: the package is rebuilt
"$sim" registry bump ai/gpt-oss >/dev/null
curl -s "$R/models/create" -H 'Accept: application/json' -d '{"from":"ai/gpt-oss"}' >/dev/null
sbxapply diff -f "$A" --runner "$R"
check "re-pulled base is drift" has out "-/+ replace package gpt-oss:32k (drift)"
check "reason names the base" has out "the base model ai/gpt-oss:latest was pulled again"
sbxapply -f "$A" --runner "$R"
check "package rebuilt" is "$rc" 0
sbxapply diff -f "$A" --runner "$R"
check "in sync after rebuild" is "$rc" 0

# 6. a pull cut mid-stream fails that action only; the next run completes it
printf 'version: 1\nproject: cut\nmodels:\n  ai/smollm2:\n  ai/devstral-small-2:\n' >"$work/cut.yaml"
start_runner SBXSIM_PULL_MS=300 'SBXSIM_FAULTS=pull#1=cut:50'
sbxapply -f "$work/cut.yaml" --runner "$R" --parallelism 1
check "cut pull exits 5" is "$rc" 5
check "names the failure" has err "the stream ended without success"
check "a cut pull is never said to be pulled" lacks err "pulled ai/smollm2"
check "it says how far it got" has err "pull of ai/smollm2:latest stopped after"
sbxapply -f "$work/cut.yaml" --runner "$R"
check "next run completes" is "$rc" 0

# 7. a 503 is retried and succeeds
printf 'version: 1\nproject: retry\nmodels:\n  ai/devstral-small-2:24B-Q4_K_M:\n' >"$work/retry.yaml"
start_runner SBXSIM_PULL_MS=100 'SBXSIM_FAULTS=http.POST /models/create#1=status:503'
calls_reset
sbxapply -f "$work/retry.yaml" --runner "$R"
check "503 then success" is "$rc" 0
check "two attempts" is "$(calls_count '"POST","path":"/models/create"')" 2

# 8. an unknown model: a clear error naming the ref, other actions unaffected
printf 'version: 1\nproject: unknown\nmodels:\n  ai/no-such-model:\n  ai/gpt-oss:20B-MXFP4:\n' >"$work/unknown.yaml"
sbxapply -f "$work/unknown.yaml" --runner "$R"
check "unknown model exits 5" is "$rc" 5
check "error names the ref" has err "pulling 'ai/no-such-model:latest' failed"
check "the other model applied" has err "create model ai/gpt-oss:20B-MXFP4: done"

# 9. runner down (the port this test's runner just gave up): exit 4 naming every place tried
stop_runner
sbxapply diff -f "$A" --runner "$R"
check "runner down exits 4" is "$rc" 4
check "names the place tried" has err "$R (--runner)"
check "says how to enable it" has err "docker desktop enable model-runner --tcp 12434"

# 9b. no endpoint named: the one `docker model status --json` reports is found
if command -v docker >/dev/null 2>&1; then
	start_runner SBXSIM_PULL_MS=100
	mkdir -p "$work/docker/cli-plugins"
	ln -s "$(dirname "$sim")/docker-model" "$work/docker/cli-plugins/docker-model"
	sbxapply diff -f "$A"
	check "runner found through docker model status" is "$rc" 1
	check "and observed (the restarted runner forgot the runtime settings)" has out "+ create runtime settings of ai/qwen3-coder"
	stop_runner
	# then the defaults are tried, localhost:12434 and /var/run/docker.sock: this machine's
	# own (a real runner may answer there) are hidden behind namespaces of the test's own,
	# or, without namespaces, the check runs only when neither is there (the port is free
	# when this test can take it itself; nothing of someone else's is asked)
	defaults_tried=yes
	# with no runner answering on Docker Engine, `docker model status` would pull and start the
	# standalone runner: a diff must not let it (MODEL_RUNNER_NO_AUTO_INSTALL), an apply may
	rm -f "$SBXSIM_STATE_DIR/runner.addr"
	calls_reset
	if isolated diff -f "$A"; then
		check "diff asked docker model status" test "$(calls_count '"docker-model"')" -ge 1
		check "but no runner was installed or started for it" is "$(calls_count '"standalone-runner"')" 0
		defaults_rc=$rc
		cp "$work/err" "$work/diff.err"
		calls_reset
		isolated apply -f "$A" --yes
		check "apply lets docker start the runner it needs" is "$(calls_count '"standalone-runner"')" 1
		rc=$defaults_rc
		cp "$work/diff.err" "$work/err"
	else
		"$sim" runner --listen 127.0.0.1:12434 --addr-file "$work/probe.addr" >/dev/null 2>&1 &
		probe=$!
		i=0; while kill -0 $probe 2>/dev/null && [ ! -s "$work/probe.addr" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		port_free=; [ -s "$work/probe.addr" ] && port_free=yes
		kill $probe 2>/dev/null; wait $probe 2>/dev/null
		if [ -n "$port_free" ] && [ ! -e /var/run/docker.sock ]; then
			sbxapply diff -f "$A"
		else
			defaults_tried=
			echo "note: no namespaces here (unshare) and localhost:12434 or /var/run/docker.sock in use:" \
				"the defaults tried when nothing answers not exercised"
		fi
	fi
	if [ -n "$defaults_tried" ]; then
		check "nothing answers: exit 4" is "$rc" 4
		check "every place is named" has err "(docker model status)"
		check "the default is named" has err "http://localhost:12434 (default)"
		check "the socket is named" has err "unix:///var/run/docker.sock (Docker Desktop socket)"
	fi
else
	echo "note: no docker client here; discovery through 'docker model status' not exercised"
fi

# 9c. the Docker Desktop socket: unix:// endpoints get the /exp/vDD4.40 prefix
stop_runner
rm -f "$SBXSIM_STATE_DIR/runner.addr"
"$sim" runner --unix "$work/docker.sock" >"$work/unix.log" 2>&1 &
runner_pid=$!
i=0; while [ ! -S "$work/docker.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
calls_reset
sbxapply diff -f "$A" --runner "unix://$work/docker.sock"
check "unix socket endpoint works" is "$rc" 1
check "over the socket" is "$(calls_count '"transport":"unix"')" 2

# 9d. the inspect quirk cannot fool the plan: a store holding someorg/gpt-oss:v2 has no ai/gpt-oss
start_runner SBXSIM_PULL_MS=100
cp "$SBXSIM_STATE_DIR/models.json" "$work/models.saved"
printf '[{"id":"sha256:%064d","tags":["docker.io/someorg/gpt-oss:v2"],"created":1751039531,"config":{"format":"gguf"}}]' 7 >"$SBXSIM_STATE_DIR/models.json"
curl -s "$R/models/gpt-oss" >"$work/out"
check "the runner's inspect falls back to a partial match" has out "someorg/gpt-oss:v2"
printf 'version: 1\nproject: quirk\nmodels:\n  gpt-oss:\n' >"$work/quirk.yaml"
sbxapply diff -f "$work/quirk.yaml" --runner "$R"
check "but the plan still pulls ai/gpt-oss" has out "+ create model gpt-oss"
cp "$work/models.saved" "$SBXSIM_STATE_DIR/models.json"

# 9e. --progress json: one event per line, for tools
printf 'version: 1\nproject: events\nmodels:\n  ai/gpt-oss:20B-MXFP4:\n' >"$work/events.yaml"
cp "$SBXSIM_STATE_DIR/models.json" "$work/models.saved"
echo '[]' >"$SBXSIM_STATE_DIR/models.json"	# an empty store: a real download, with progress
start_runner SBXSIM_PULL_MS=2500
sbxapply -f "$work/events.yaml" --runner "$R" --progress json
cp "$work/models.saved" "$SBXSIM_STATE_DIR/models.json"
check "json progress applies" is "$rc" 0
check "pull progress events" has err '{"event":"pull_progress","model":"ai/gpt-oss:20B-MXFP4","done":'
check "a done event" has err '{"event":"pull_done","model":"ai/gpt-oss:20B-MXFP4"'
check "log lines as events" has err '{"event":"log","message":"create model ai/gpt-oss:20B-MXFP4: done"}'
check "the outcome as an event" has err '{"event":"apply_complete","exit_code":0,"created":1,'
check "every line is an event" is "$(grep -vc '^{"event":' "$work/err")" 0

# 10. pruning never deletes what this project did not create
start_runner SBXSIM_PULL_MS=100
curl -s "$R/models/create" -H 'Accept: application/json' -d '{"from":"ai/smollm2:135M-Q4_K_M"}' >/dev/null
cat >"$work/b/sandbox.yaml" <<'YAML'
version: 1
project: beta
models:
  ai/smollm2:135M-Q4_K_M:
  ai/smollm2:360M-Q4_K_M:
YAML
sbxapply -f "$work/b/sandbox.yaml" --runner "$R"
check "beta applies" is "$rc" 0
check "pre-existing model adopted" has out "= adopt model ai/smollm2:135M-Q4_K_M"
printf 'version: 1\nproject: beta\nmodels: {}\n' >"$work/b/empty.yaml"
sbxapply diff -f "$work/b/empty.yaml" --runner "$R"
check "without --prune nothing is deleted" is "$rc" 0
check "but the user is told" has out "--prune deletes it"
# alpha also declares 360M-Q4_K_M: beta created it, alpha adopted it
printf 'version: 1\nproject: alpha\nmodels:\n  ai/smollm2:360M-Q4_K_M:\n' >"$work/a/shared.yaml"
sbxapply -f "$work/a/shared.yaml" --runner "$R"
sbxapply -f "$work/b/empty.yaml" --runner "$R" --prune --yes
check "prune succeeds" is "$rc" 0
check "adopted model kept" lacks out "delete model ai/smollm2:135M-Q4_K_M"
check "model used by alpha kept" has out "another project uses it: kept"
curl -s "$R/models" >"$work/out"
check "both models still present" has out "smollm2:135M-Q4_K_M"
check "what alpha created survives beta's prune" has out "devstral-small-2:latest"

# 10b. two projects declaring one model's runtime settings differently would undo each other
printf 'version: 1\nproject: gamma\nmodels:\n  ai/smollm2:360M-Q4_K_M:\n    context_size: 8192\n' >"$work/b/gamma.yaml"
printf 'version: 1\nproject: delta\nmodels:\n  ai/smollm2:360M-Q4_K_M:\n    context_size: 16384\n' >"$work/b/delta.yaml"
sbxapply -f "$work/b/gamma.yaml" --runner "$R"
check "gamma sets its context size" is "$rc" 0
sbxapply diff -f "$work/b/delta.yaml" --runner "$R"
check "delta's plan names gamma and both settings" has out "project gamma declares runtime settings of ai/smollm2:360M-Q4_K_M with context_size=8192"
calls_reset
sbxapply -f "$work/b/delta.yaml" --runner "$R"
check "delta does not fight: blocked" is "$rc" 8
check "and configures nothing" is "$(calls_count '"POST","path":"/engines/_configure"')" 0
sbxapply -f "$work/b/delta.yaml" --runner "$R" --force-shared
check "--force-shared applies delta's" is "$rc" 0
check "and configures it (after unloading the loaded model)" test "$(calls_count '"POST","path":"/engines/_configure"')" -ge 1

# 11. down removes only what the project created, and only when confirmed
printf 'version: 1\nproject: gamma\nmodels:\n  ai/smollm2:135M-Q4_K_M:\n  ai/qwen3-coder:30B-A3B-Q4_K_M:\n' >"$work/gamma.yaml"
sbxapply -f "$work/gamma.yaml" --runner "$R"
check "gamma applies" is "$rc" 0
sbxapply down -f "$work/gamma.yaml" --runner "$R" </dev/null
check "down without --yes off a terminal refuses" is "$rc" 2
check "and says how" has err "pass --yes"
curl -s "$R/models" >"$work/out"
check "nothing deleted unconfirmed" has out "qwen3-coder:30B-A3B-Q4_K_M"
sbxapply down -f "$work/gamma.yaml" --runner "$R" --yes
check "down succeeds" is "$rc" 0
check "down deletes what gamma created" has out "- delete model ai/qwen3-coder:30B-A3B-Q4_K_M"
check "down keeps what gamma adopted" lacks out "delete model ai/smollm2:135M"
check "and says why" has out "model ai/smollm2:135M-Q4_K_M is not declared, but sbxapply found it rather than created it: kept"
curl -s "$R/models" >"$work/out"
check "created model gone" lacks out "qwen3-coder:30B-A3B-Q4_K_M"
check "adopted model still there" has out "smollm2:135M-Q4_K_M"

# 12. on a terminal a deletion asks first, and only "yes" goes on (script(1) gives the run a terminal)
if command -v script >/dev/null 2>&1; then
	printf 'version: 1\nproject: tty\nmodels:\n  ai/qwen3-coder:30B-A3B-Q4_K_M:\n' >"$work/tty.yaml"
	printf 'version: 1\nproject: tty\nmodels: {}\n' >"$work/tty-empty.yaml"
	sbxapply -f "$work/tty.yaml" --runner "$R"
	check "tty: created" is "$rc" 0
	printf 'no\n' | script -qec "'$bin' -f '$work/tty-empty.yaml' --runner '$R' --prune" /dev/null >"$work/out" 2>&1
	check "tty: asked" has out "Apply this plan, with 1 deletion or replacement? Only 'yes' is accepted"
	check "tty: declined, nothing applied" has out "not confirmed: nothing was applied"
	curl -s "$R/models" >"$work/out"
	check "tty: the model is still there" has out "qwen3-coder:30B-A3B-Q4_K_M"
	printf 'yes\n' | script -qec "'$bin' -f '$work/tty-empty.yaml' --runner '$R' --prune" /dev/null >"$work/out" 2>&1
	check "tty: confirmed, applied" has out "Apply complete: 0 created, 0 updated, 0 replaced, 1 deleted."
	curl -s "$R/models" >"$work/out"
	check "tty: the model is gone" lacks out "qwen3-coder:30B-A3B-Q4_K_M"
else
	echo "note: no script(1) here; the terminal confirmation is not exercised"
fi
finish
