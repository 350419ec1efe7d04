#!/bin/sh
# `sbxapply verify` (the guide's step 5) against sbxsim: the guide's example
# passes once applied, and each way it can break is diagnosed with its cause
# and fix: the rule removed, a deny rule, the runner stopped, the model
# deleted, ANTHROPIC_BASE_URL missing. A stopped sandbox is not started
# without --start. In-sandbox requests go through sbxsim's policy proxy
# (tests/sim/README.md), so the rules decide as they would on a real machine.
# Usage: test_verify.sh SBXAPPLY SBXSIM
. "$(dirname "$0")/lib.sh"
use_sim_sbx exec
export SBXSIM_SBX_VERSION=0.45.1 SBXSIM_POLICY_INIT=balanced
example="$(cd "$(dirname "$0")/../../examples/claude-dmr" && pwd)/sandbox.yaml"
mkdir -p "$work/guide"
cp "$example" "$work/guide/sandbox.yaml"
F="$work/guide/sandbox.yaml"

start_runner SBXSIM_PULL_MS=20
status_of() { sbx ls --json | tr -d ' \n' | grep -o "\"name\":\"$1\",\"agent\":\"[a-z]*\",\"status\":\"[a-z]*\"" | sed 's/.*"status":"//; s/"//'; }
line() { grep -E "^$1 +$2 +$3 " "$work/out"; }
line_has() { line "$1" "$2" "$3" | grep -qF -- "$4"; }

# 1. the guide's example, applied, passes every check
sbxapply -f "$F" --runner "$R"
check "guide applies" is "$rc" 0
calls_reset
sbxapply verify -f "$F" --runner "$R"
check "verify passes" is "$rc" 0
check "runner ok" line_has ok host runner "Docker Model Runner answers at $R"
check "sbx ok" line_has ok host sbx "sbx v0.45.1 answers (1 sandbox)"
check "model ok" line_has ok claude-dmr model "ai/devstral-small-2 is in the runner"
check "sandbox ok" line_has ok claude-dmr sandbox "running"
check "base url ok" line_has ok claude-dmr base_url "ANTHROPIC_BASE_URL=http://host.docker.internal:12434 in a login shell"
check "proxy ok" line_has ok claude-dmr proxy "GET http://host.docker.internal:12434/models through the sandbox's proxy: HTTP 200"
check "messages ok" line_has ok claude-dmr messages "POST http://host.docker.internal:12434/v1/messages with model ai/devstral-small-2: a message came back"
check "summary" has out "verify: 7 ok"
check "one exec, argv only" is "$(calls_count '"argv":\["sbx",("--no-input",)?"exec","claude-dmr","bash","-l","-c"')" 1
check "through the proxy, allowed" is "$(calls_count '"kind":"proxy","sandbox":"claude-dmr","request":"POST http://host.docker.internal:12434/v1/messages","target":"localhost:12434","decision":"allowed"')" 1
check "the runner got the message" is "$(calls_count '"method":"POST","path":"/v1/messages"')" 1
check "verify changes nothing" is "$(calls_count '"(create|rm|stop|allow|deny|init|set)"')" 0
sbxapply verify -f "$F" --runner "$R" -o json
check "json passes" is "$rc" 0
check "json ok" has out '"ok": true'
check "json check" has out '"check": "messages",
      "status": "ok"'
sbxapply verify -f "$F" --runner "$R" claude-dmr
check "a named sandbox" is "$rc" 0
sbxapply verify -f "$F" --runner "$R" claude-dmx
check "an undeclared name" is "$rc" 2
check "an undeclared name: why" has err "sandbox 'claude-dmx' is not declared"
sbxapply verify -f "$F" --runner "$R" -q
check "quiet: nothing when all pass" is "$(cat "$work/out")" ""
check "quiet: and still exit 0" is "$rc" 0

# 2a. the rule removed: the proxy refuses, the fix is the rule
sbx policy rm network --resource localhost:12434 >/dev/null
sbxapply verify -f "$F" --runner "$R"
check "rule removed fails" is "$rc" 5
check "rule removed: proxy" line_has FAIL claude-dmr proxy "the sandbox's proxy refused localhost:12434 (HTTP 403: Blocked by network policy: domain localhost:12434"
check "rule removed: cause" line_has FAIL claude-dmr proxy "cause: rule missing"
check "rule removed: fix" line_has FAIL claude-dmr proxy "fix: allow localhost:12434: sbxapply apply adds the rule back"
check "rule removed: messages not checked" line_has skip claude-dmr messages "not checked: needs the proxy check to pass"
check "rule removed: denied in the proxy" is "$(calls_count '"kind":"proxy".*"decision":"denied"')" 1
check "rule removed: host checks still pass" line_has ok claude-dmr model "is in the runner"
sbxapply verify -f "$F" --runner "$R" -o json
check "rule removed: json" has out '"cause": "rule_missing"'
check "rule removed: json exit" has out '"exit_code": 5'
sbxapply verify -f "$F" --runner "$R" -q
check "quiet: only the failure" is "$(wc -l <"$work/out" | tr -d ' ')" 1
sbxapply -f "$F" --runner "$R"
sbxapply verify -f "$F" --runner "$R"
check "apply restores the rule" is "$rc" 0

# 2b. a deny rule beats the allow: one scoped to the sandbox (sbx refuses a deny beside the global allow
# of the same resource, docker/sbx-releases#610)
sbx policy deny network localhost:12434 >/dev/null 2>&1
check "a global deny beside the global allow is refused" is "$?" 1
sbx policy deny network --sandbox claude-dmr localhost:12434 >/dev/null
sbxapply verify -f "$F" --runner "$R"
check "deny rule fails" is "$rc" 5
check "deny rule: named" line_has FAIL claude-dmr proxy "Blocked by local rule for localhost:12434"
check "deny rule: cause" line_has FAIL claude-dmr proxy "cause: a deny rule; fix: remove the deny rule for localhost:12434"
sbx policy rm network --sandbox claude-dmr --resource localhost:12434 >/dev/null
sbxapply verify -f "$F" --runner "$R"
check "deny removed" is "$rc" 0

# 3. the runner stopped: exit 4, and the sandbox's proxy cannot reach it either
stop_runner
sbxapply verify -f "$F" --runner "$R"
check "runner down: exit 4" is "$rc" 4
check "runner down: named" line_has FAIL host runner "Docker Model Runner does not answer"
check "runner down: fix" line_has FAIL host runner "cause: runner down; fix: start Docker Model Runner: 'docker desktop enable model-runner --tcp 12434'"
check "runner down: model not checked" line_has skip claude-dmr model "not checked: the runner does not answer"
check "runner down: from inside" line_has FAIL claude-dmr proxy "the sandbox's proxy could not reach the runner at localhost:12434 (HTTP 502"
check "runner down: from inside, cause" line_has FAIL claude-dmr proxy "cause: runner unreachable from the sandbox; fix: start Docker Model Runner"
start_runner
sbxapply verify -f "$F" --runner "$R"
check "runner back" is "$rc" 0

# 4. the model deleted
curl -s -X DELETE "$R/models/ai/devstral-small-2" >/dev/null
sbxapply verify -f "$F" --runner "$R"
check "model deleted fails" is "$rc" 5
check "model deleted: host" line_has FAIL claude-dmr model "ai/devstral-small-2 is not in the runner; cause: model missing; fix: sbxapply apply pulls it"
check "model deleted: inside" line_has FAIL claude-dmr messages "the runner does not have ai/devstral-small-2 (HTTP 404 from http://host.docker.internal:12434/v1/messages: Model not found: ai/devstral-small-2)"
check "model deleted: inside, fix" line_has FAIL claude-dmr messages "cause: model missing; fix: sbxapply apply pulls it"
check "model deleted: the proxy still passes" line_has ok claude-dmr proxy "HTTP 200"
sbxapply -f "$F" --runner "$R"
sbxapply verify -f "$F" --runner "$R"
check "apply pulls it again" is "$rc" 0

# 4b. the model is there but the runner cannot answer with it
start_runner 'SBXSIM_FAULTS=http.POST /v1/messages=status:500:llama.cpp failed to load the model'
sbxapply verify -f "$F" --runner "$R"
check "runner error fails" is "$rc" 5
check "runner error: said" line_has FAIL claude-dmr messages "HTTP 500: llama.cpp failed to load the model; cause: runner error"
start_runner

# 5. ANTHROPIC_BASE_URL missing: from the sandbox (apply writes it back), and from the file
: >"$SBXSIM_STATE_DIR/sandboxes/claude-dmr/etc/sandbox-persistent.sh"
sbxapply verify -f "$F" --runner "$R"
check "base url missing fails" is "$rc" 5
check "base url missing: named" line_has FAIL claude-dmr base_url "ANTHROPIC_BASE_URL is not set in a login shell of the sandbox, nor in /etc/sandbox-persistent.sh"
check "base url missing: fix" line_has FAIL claude-dmr base_url "cause: base URL unset; fix: sbxapply apply --refresh writes it"
check "base url missing: the rest not checked" line_has skip claude-dmr proxy "not checked: needs ANTHROPIC_BASE_URL"
sed '/^    env:/d; /ANTHROPIC_BASE_URL:/d' "$F" >"$work/guide/noenv.yaml"
sbxapply verify -f "$work/guide/noenv.yaml" --runner "$R"
check "base url undeclared: fix" line_has FAIL claude-dmr base_url "fix: add ANTHROPIC_BASE_URL: http://host.docker.internal:12434 to the sandbox's env"
sbxapply -f "$F" --runner "$R" --refresh
sbxapply verify -f "$F" --runner "$R"
check "apply --refresh writes it back" is "$rc" 0
# a value that is not a URL never reaches curl as an option
printf "export ANTHROPIC_BASE_URL='-K/etc/passwd'\n" >"$SBXSIM_STATE_DIR/sandboxes/claude-dmr/etc/sandbox-persistent.sh"
sbxapply verify -f "$F" --runner "$R"
check "base url invalid" line_has FAIL claude-dmr base_url "ANTHROPIC_BASE_URL=-K/etc/passwd is not an http:// or https:// URL"
check "base url invalid: fix" line_has FAIL claude-dmr base_url "then run sbxapply apply --refresh"
sbxapply -f "$F" --runner "$R" --refresh

# 6. a stopped sandbox is not started without --start
sbx stop claude-dmr >/dev/null
calls_reset
sbxapply verify -f "$F" --runner "$R"
check "stopped: passes" is "$rc" 0
check "stopped: said" line_has ok claude-dmr sandbox "exists, stopped"
check "stopped: not checked" line_has skip claude-dmr base_url "not checked: stopped; --start checks it"
check "stopped: summary" has out "verify: 4 ok, 3 not checked"
check "stopped: no exec" is "$(calls_count '"exec"')" 0
check "stopped: still stopped" is "$(status_of claude-dmr)" stopped
sbxapply verify -f "$F" --runner "$R" --start
check "--start checks it" is "$rc" 0
check "--start: said" line_has ok claude-dmr sandbox "stopped: started for the checks (--start)"
check "--start: messages" line_has ok claude-dmr messages "a message came back"
check "--start: running now" is "$(status_of claude-dmr)" running

# 7. a sandbox that does not exist
sbx rm -f claude-dmr >/dev/null
sbxapply verify -f "$F" --runner "$R"
check "missing sandbox fails" is "$rc" 5
check "missing sandbox: fix" line_has FAIL claude-dmr sandbox "sandbox claude-dmr does not exist; cause: sandbox missing; fix: sbxapply apply creates it"

# 8. sbx unavailable: exit 4
SBXAPPLY_SBX="$work/no-such-sbx" "$bin" verify -f "$F" --runner "$R" >"$work/out" 2>"$work/err"
rc=$?
check "sbx missing: exit 4" is "$rc" 4
check "sbx missing: said" line_has FAIL host sbx "not found"
# 9. another agent: an OpenAI base URL (chat completions) and a packaged model; an agent
# with no known base-URL variable is not checked inside
mkdir -p "$work/more/codex" "$work/more/shell"
cat >"$work/more/sandbox.yaml" <<'EOF'
version: 1
project: verify-more
models:
  ai/gpt-oss:
packages:
  gpt-oss:32k:
    from: ai/gpt-oss
    context_size: 32000
policy:
  allow: [localhost:12434]
sandboxes:
  codex-dmr:
    agent: codex
    workspace: codex
    model: gpt-oss:32k
    env:
      OPENAI_BASE_URL: http://host.docker.internal:12434/engines/v1
  shell-box:
    agent: shell
    workspace: shell
EOF
sbxapply -f "$work/more/sandbox.yaml" --runner "$R"
check "more applies" is "$rc" 0
sbxapply verify -f "$work/more/sandbox.yaml" --runner "$R"
check "more passes" is "$rc" 0
check "package found" line_has ok codex-dmr model "gpt-oss:32k is in the runner"
check "openai base url" line_has ok codex-dmr base_url "OPENAI_BASE_URL=http://host.docker.internal:12434/engines/v1"
check "openai chat" line_has ok codex-dmr chat "POST http://host.docker.internal:12434/engines/v1/chat/completions with model gpt-oss:32k: a chat completion came back"
check "unknown agent not checked" line_has skip shell-box base_url "not checked: no base-URL variable is known for agent shell"
# 10. sandboxes are checked side by side: with each sbx call taking 1.5 s, the three
# in-sandbox checks start together; with --parallelism 1 one after another. Results are
# listed in file order either way.
mkdir -p "$work/three/a" "$work/three/b" "$work/three/c"
{
	printf 'version: 1\nproject: verify-three\nmodels:\n  ai/smollm2:\npolicy:\n  allow: [localhost:12434]\nsandboxes:\n'
	for s in a b c; do
		printf '  box-%s:\n    agent: claude\n    workspace: %s\n    model: ai/smollm2\n' "$s" "$s"
		printf '    env:\n      ANTHROPIC_BASE_URL: http://host.docker.internal:12434\n'
	done
} >"$work/three/sandbox.yaml"
sbxapply -f "$work/three/sandbox.yaml" --runner "$R"
check "three applies" is "$rc" 0
exec_overlap() { # the most other `sbx exec` calls running when one started (sbxsim's "concurrent")
	grep -E '"argv":\["sbx",("--no-input",)?"exec"' "$SBXSIM_STATE_DIR/calls.log" |
		sed 's/.*"concurrent":\([0-9]*\).*/\1/' | sort -n | tail -n 1
}
export SBXSIM_LATENCY_MS=1500
calls_reset
sbxapply verify -f "$work/three/sandbox.yaml" --runner "$R"
check "three pass" is "$rc" 0
check "three: one exec each" is "$(calls_count '"argv":\["sbx",("--no-input",)?"exec"')" 3
check "three: the execs overlap (the last started while the other two ran)" is "$(exec_overlap)" 2
check "three: listed in file order" is "$(grep -oE 'box-[abc] +messages' "$work/out" | cut -c1-5 | tr -d '\n')" "box-abox-bbox-c"
calls_reset
sbxapply verify -f "$work/three/sandbox.yaml" --runner "$R" --parallelism 1
check "parallelism 1 passes" is "$rc" 0
check "parallelism 1: one after another (none started while another ran)" is "$(exec_overlap)" 0
unset SBXSIM_LATENCY_MS
finish
