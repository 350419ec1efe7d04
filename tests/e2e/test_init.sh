#!/bin/sh
# init --from-host after the guide's setup made by hand against sbxsim (the
# runner's API with curl, then sbx: a rule, a claude sandbox, the endpoint
# appended to /etc/sandbox-persistent.sh), plus what an earlier sbxapply left
# (a sandbox outside the project with its own rule and an sbxapply env block
# holding a token), a stopped sandbox and a global secret. Then: the file
# validates and holds no secret value; diff exits 0; apply adopts everything and
# changes nothing; down deletes nothing.
# Usage: test_init.sh SBXAPPLY SBXSIM [RELEASE]   (the sbx release sbxsim plays; default v0.45.1)
. "$(dirname "$0")/lib.sh"
use_sim_sbx exec
release=${3:-0.45.1}
minor=$(echo "$release" | cut -d. -f2)
export SBXSIM_SBX_VERSION=$release SBXSIM_POLICY_INIT=balanced
start_runner SBXSIM_PULL_MS=20

TOKEN=ghp_inittoken0123456789abcdef   # in the env block of a sandbox: must never reach the file
KEYLIKE=sk-live-0123456789abcdefghij   # a secret by its shape, under a name that does not say so
GLOBAL=ghp_globalsecret0123456789abc  # sbx's secret store
WEIRD='it'"'"'s $HOME'                  # a plain value with a quote and a dollar: kept byte for byte

# sbx calls and HTTP requests that change something (capability probes, --help, change nothing)
mutations() {
	grep -v '"--help"' "$SBXSIM_STATE_DIR/calls.log" |
		grep -cE '"(create|rm|stop|allow|deny|init|set|write|set-default)"|"method":"(POST|DELETE)"'
}
status_of() { sbx ls --json | tr -d ' \n' | grep -o "\"name\":\"$1\",\"agent\":\"[a-z]*\",\"status\":\"[a-z]*\"" |
	sed 's/.*"status":"//; s/"//'; }

# --- the guide, by hand ---
curl -s "$R/models/create" -H 'Accept: application/json' -d '{"from":"ai/devstral-small-2"}' >/dev/null
curl -s "$R/models/create" -H 'Accept: application/json' -d '{"from":"ai/gpt-oss"}' >/dev/null
curl -s "$R/models/ai/gpt-oss/repackage" -d '{"target":"gpt-oss:32k","context_size":32000}' >/dev/null
curl -s "$R/engines/_configure" -d '{"model":"ai/devstral-small-2","context-size":16384,"runtime-flags":["--temp","0.7"]}' >/dev/null
if [ "$minor" -ge 32 ]; then sbx policy allow network localhost:12434 >/dev/null
else sbx policy allow network -g localhost:12434 >/dev/null; fi	# the guide's step 2 before v0.32
P="$work/my-project"
mkdir -p "$P/docs" "$work/elsewhere" "$work/parked"
(cd "$P" && sbx create claude --name claude-dmr . docs:ro >/dev/null)
sbx exec -d claude-dmr bash -c "echo 'export ANTHROPIC_BASE_URL=http://host.docker.internal:12434' >> /etc/sandbox-persistent.sh"
# what an earlier sbxapply (whose inventory is gone) left: a block, a scoped rule
sbx create shell --name tools "$work/elsewhere" >/dev/null
# the rule's scope as this release spells it (docs/backends.md §6)
if [ "$minor" -ge 32 ]; then sbx policy allow network --sandbox tools api.example.com >/dev/null
else sbx policy allow network tools api.example.com >/dev/null; fi
sbx exec tools bash -c 'printf "%s\n" "# BEGIN sbxapply" "export WEIRD=$1" "export GH_TOKEN=$2" "export LICENSE=$3" \
	"# END sbxapply" >>/etc/sandbox-persistent.sh' sh "'it'\\''s \$HOME'" "'$TOKEN'" "'$KEYLIKE'"
sbx create shell --name parked "$work/parked" >/dev/null
sbx stop parked >/dev/null
if [ "$minor" -ge 38 ]; then printf %s "$GLOBAL" | sbx secret set github >/dev/null
else printf %s "$GLOBAL" | sbx secret set -g github >/dev/null; fi
# a name sbx v0.42 accepted and sandbox.yaml refuses (at most 63 characters, as sbx since v0.43)
LONG=a-sandbox-named-before-sbx-limited-names-to-sixty-three-characters
mkdir -p "$work/long"
SBXSIM_SBX_VERSION=0.42.1 sbx create shell --name "$LONG" "$work/long" >/dev/null
check "setup: the block holds the token" has_file "$SBXSIM_STATE_DIR/sandboxes/tools/etc/sandbox-persistent.sh" "$TOKEN"

# --- init ---
cd "$P" || exit 1
calls_reset
sbxapply init --from-host --runner "$R"
F="$P/sandbox.yaml"
check "init succeeds" is "$rc" 0
check "init writes ./sandbox.yaml" test -s "$F"
check "init changes nothing" is "$(mutations)" 0
check "init leaves a stopped sandbox stopped" is "$(status_of parked)" stopped
check "init summary" has err "2 models, 1 package, 2 rules, 3 sandboxes (env of 1) found and declared; 1 left out"
check "model with its runtime settings" has_file "$F" "  ai/devstral-small-2:"
check "runtime context size" has_file "$F" "context_size: 16384"
check "runtime flags" has_file "$F" 'runtime_flags: ["--temp", "0.7"]'
check "package from its base" has_file "$F" "  ai/gpt-oss:32k:"
check "package base" has_file "$F" "from: ai/gpt-oss"
check "package context size" has_file "$F" "context_size: 32000"
check "the user's rule" has_file "$F" "- localhost:12434"
check "no preset rule" sh -c "! grep -qE '^ *- (api.anthropic.com|169.254.169.254|registry.npmjs.org)' '$F'"
check "the sandbox-scoped rule" has_file "$F" "- api.example.com"
check "workspace relative to the file" has_file "$F" 'workspace: .'
check "mount kept read-only" has_file "$F" "mounts: [docs:ro]"
check "outside workspace trusted" has_file "$F" "  - $work/elsewhere"
check "outside workspace absolute" has_file "$F" "workspace: $work/elsewhere"
check "the agent" has_file "$F" "agent: claude"
check "a plain env value byte for byte" has_file "$F" "WEIRD: \"it's \$\$HOME\""
check "a token becomes a reference" has_file "$F" 'GH_TOKEN: {value: "${GH_TOKEN}", sensitive: true}'
check "a secret by its shape becomes a reference" has_file "$F" 'LICENSE: {value: "${LICENSE}", sensitive: true}'
check "no token in the file" sh -c "! grep -qF '$TOKEN' '$F' && ! grep -qF '$KEYLIKE' '$F' && ! grep -qF '$GLOBAL' '$F'"
check "no token in init's output" sh -c "! grep -qF '$TOKEN' '$work/out' '$work/err'"
check "the guide's hand-written line is said, not declared" has_file "$F" "holds no sbxapply block"
check "a stopped sandbox's env is said unread" has_file "$F" "env: not read: the sandbox is stopped"
check "the global secret is named, not declared" has_file "$F" "github (global)"
check "where entries came from" has_file "$F" "# sbx ls: running"
[ "$minor" -lt 33 ] || check "the sandbox's id (v0.33+)" has_file "$F" "# sbx ls: running, id "
check "a name validation refuses is left out, with the reason" has_file "$F" \
	"# left out: sandbox $LONG, which validation refuses: "
check "and not declared" sh -c "! grep -q '^  $LONG:' '$F' && ! grep -qF '$work/long' '$F'"

# a file is never overwritten without --force; -f - prints it
cp "$F" "$work/first.yaml"
sbxapply init --from-host --runner "$R"
check "existing file refused" is "$rc" 2
check "refusal says --force" has err "--force"
check "existing file untouched" cmp -s "$F" "$work/first.yaml"
sbxapply init --from-host --runner "$R" -f -
check "init -f - prints" is "$rc" 0
check "printed file" has out "version: 1"
sbxapply init --from-host --runner "$R" --force -q
check "--force replaces" is "$rc" 0
check "--force -q prints nothing" is "$(cat "$work/err")" ""
sbxapply init --runner "$R"
check "init without --from-host is a usage error" is "$rc" 2

# --- the file as the engine reads it ---
export GH_TOKEN="$TOKEN" LICENSE="$KEYLIKE"
sbxapply validate
check "generated file validates" is "$rc" 0
calls_reset
sbxapply diff --runner "$R"
check "diff: nothing to do" is "$rc" 0
check "diff says in sync" has out "No changes:"
check "diff adopts, creates nothing" has out "adopt sandbox claude-dmr"
check "diff changes nothing" is "$(mutations)" 0
calls_reset
sbxapply apply --runner "$R"
check "apply succeeds" is "$rc" 0
check "apply adopts everything" has err "0 created, 0 updated, 0 replaced, 0 deleted, 10 adopted"
check "apply changes nothing" is "$(mutations)" 0
check "no secret value in the inventory" sh -c "! grep -rqF '$TOKEN' '$XDG_STATE_HOME'"
sbxapply diff --runner "$R"
check "diff after apply" is "$rc" 0
# the endpoint given to init with --runner is the file's: diff finds the runner without the flag
check "runner.endpoint kept" has_file "$F" "  endpoint: $R"
sbxapply diff
check "diff without --runner" is "$rc" 0
# without the token the env differs: the reference is what diff compares
unset GH_TOKEN
sbxapply diff --runner "$R"
check "diff without the token: env pending" is "$rc" 1
export GH_TOKEN="$TOKEN"

# --- down deletes nothing that was adopted ---
calls_reset
sbxapply down --dry-run --runner "$R"
check "down --dry-run succeeds" is "$rc" 0
check "down --dry-run deletes nothing" has out "No changes:"
check "down --dry-run says adopted things are kept" has out \
	"sandbox claude-dmr is not declared, but sbxapply found it rather than created it: kept"
sbxapply down --yes --runner "$R"
check "down succeeds" is "$rc" 0
check "down deleted nothing" is "$(mutations)" 0
check "sandbox still there" is "$(status_of claude-dmr)" running
check "package still there" sh -c "curl -s '$R/models/gpt-oss:32k' | grep -q 32000"
check "the guide's line still there" has_file "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/etc/sandbox-persistent.sh" \
	"ANTHROPIC_BASE_URL=http://host.docker.internal:12434"

# --- an allow beside the deny of it, which sbx before v0.42 adds: the deny is kept, the allow left out
# (sbx refuses the pair from v0.42, docker/sbx-releases#610; the file could not declare both) ---
if [ "$minor" -lt 42 ]; then
	if [ "$minor" -ge 32 ]; then g=; else g=-g; fi
	sbx policy allow network $g both.example.com >/dev/null
	sbx policy deny network $g both.example.com >/dev/null
	sbxapply init --from-host --runner "$R" -f "$work/both.yaml"
	check "allow and deny of one rule: init succeeds" is "$rc" 0
	check "the deny is declared" is "$(grep -c '^    - both.example.com' "$work/both.yaml")" 1
	check "the allow is left out, said why" has_file "$work/both.yaml" \
		"# left out: the rule allow both.example.com, beside a deny of it, which wins"
	sbxapply validate -f "$work/both.yaml"
	check "and the file validates" is "$rc" 0
fi

# --- no runner: nothing is written ---
stop_runner
sbxapply init --from-host --runner "$R" -f "$work/none.yaml"
check "init without a runner exits 4" is "$rc" 4
check "and writes nothing" test ! -e "$work/none.yaml"

finish
