#!/bin/sh
# Sandboxes, network policy, env and secrets against sbxsim's `sbx` playing
# one release (CTest runs it once per release of the matrix): the guide's
# example, a second run that changes nothing, env values byte for byte,
# removed keys, the user's own lines, secrets kept out of argv, blocked
# replacement, adoption, kit and org rules, stopped sandboxes, `sbxapply run`.
# With the release v0.45.1 it also checks what is said once: the policy
# store, capability probes and their cache, and sbx failing or missing.
# Usage: test_sandboxes.sh SBXAPPLY SBXSIM JSON_SCHEMA_CHECK RELEASE
. "$(dirname "$0")/lib.sh"
use_sim_sbx
example="$(dirname "$0")/../../examples/claude-dmr/sandbox.yaml"
schema_check=${3:-}
release=${4:-0.45.1}
minor=$(echo "$release" | cut -d. -f2)
plan_schema="$(dirname "$0")/../../schema/plan.schema.json"

# A value that breaks naive quoting: quotes, $(), backticks, a backslash, ${HOME} and an emoji.
WEIRD='it'"'"'s $(touch pwned) `id` "quoted" \ ${HOME} 😀'
SECRET_ENV=tok-sensitive-env-0123456789
SECRET_SBX=sk-sandbox-secret-0123456789
SECRET_GLOBAL=ghp-global-secret-0123456789

# sbx calls that change something (exec of the env script in write mode included)
mutations() {
	grep '"kind":"sbx"' "$SBXSIM_STATE_DIR/calls.log" |
		grep -cE '"(create|rm|remove|stop|allow|deny|init|set|write)"'
}
persistent() { cat "$SBXSIM_STATE_DIR/sandboxes/$1/etc/sandbox-persistent.sh"; }
# in_sandbox NAME SCRIPT: a real bash in the sandbox that sources the persistent file
in_sandbox() { sbx exec "$1" bash -c ". /etc/sandbox-persistent.sh; $2" 2>/dev/null; }
agent_of() { sbx ls --json | tr -d " \n" | grep -o "\"name\":\"$1\",\"agent\":\"[a-z]*\"" | sed 's/.*"agent":"//; s/"//'; }

scenario() {
	profile=$1
	export SBXSIM_SBX_VERSION=$profile SBXSIM_STATE_DIR="$work/sim-$profile" XDG_STATE_HOME="$work/xdg-$profile"
	# a signed-in sbx has an initialised policy store
	export SBXSIM_POLICY_INIT=balanced
	mkdir -p "$SBXSIM_STATE_DIR"
	d="$work/$profile"
	mkdir -p "$d/project" "$d/other"
	start_runner SBXSIM_PULL_MS=20
	sed 's#workspace: \.#workspace: project#' "$example" >"$d/sandbox.yaml"
	F="$d/sandbox.yaml"

	# 1. the guide's example
	sbxapply -f "$F" --runner "$R"
	check "$profile: guide applies" is "$rc" 0
	check "$profile: sandbox created" is "$(agent_of claude-dmr)" claude
	check "$profile: endpoint in the sandbox" is "$(in_sandbox claude-dmr 'printf %s "$ANTHROPIC_BASE_URL"')" \
		"http://host.docker.internal:12434"
	if [ "$minor" -ge 35 ]; then	# `policy check` came with v0.35
		sbx policy check network host.docker.internal:12434 >"$work/out"
		check "$profile: runner reachable" has out "Allowed: host.docker.internal:12434"
	fi

	# 2. again: nothing to do, and no sbx call that changes anything
	calls_reset
	sbxapply -f "$F" --runner "$R"
	check "$profile: second run succeeds" is "$rc" 0
	check "$profile: second run in sync" has out "No changes:"
	check "$profile: second run mutates nothing" is "$(mutations)" 0
	check "$profile: second run posts nothing" is "$(calls_count '"method":"(POST|DELETE)"')" 0
	check "$profile: one sbx ls" is "$(calls_count '"argv":\["sbx",("--no-input",)?"ls"')" 1
	check "$profile: one policy ls" is "$(calls_count '"policy","ls"')" 1
	# the env block sbxapply wrote is not read back where `sbx ls` tells the sandbox apart (an id, v0.33+)
	if [ "$minor" -ge 33 ]; then reads=0; else reads=1; fi
	check "$profile: env read only where no id vouches" is "$(calls_count '"argv":\["sbx",("--no-input",)?"exec"')" "$reads"
	sbxapply diff -f "$F" --runner "$R"
	check "$profile: diff says in sync" is "$rc" 0
	# sandboxd down: every listing starts with a banner (docs/backends.md §7), which changes nothing
	"$sim" daemon stop
	sbxapply plan -f "$F" --runner "$R"
	check "$profile: banner tolerated" is "$rc" 0
	check "$profile: banner is not a change" has out "No changes:"
	sbx exec claude-dmr true

	# 3. a hand-written line and mode, then the weird value, a sensitive env value and secrets
	etc="$SBXSIM_STATE_DIR/sandboxes/claude-dmr/etc/sandbox-persistent.sh"
	printf 'export MINE=kept # by hand\n' >>"$etc"
	chmod 600 "$etc"
	cp "$F" "$d/full.yaml"
	cat >>"$d/full.yaml" <<'YAML'
      WEIRD: "it's $$(touch pwned) `id` \"quoted\" \\ $${HOME} 😀"
      API_TOKEN: tok-sensitive-env-0123456789
      EXTRA: one
    secrets:
      anthropic: sk-sandbox-secret-0123456789
secrets:
  github: ghp-global-secret-0123456789
YAML
	if [ -n "$schema_check" ]; then
		sbxapply plan -o json -f "$d/full.yaml" --runner "$R"
		cp "$work/out" "$work/plan.json"
		check "$profile: JSON plan validates" "$schema_check" "$plan_schema" "$work/plan.json"
		check "$profile: JSON plan hides secrets" is "$(grep -cE "$SECRET_ENV|$SECRET_SBX|$SECRET_GLOBAL" "$work/plan.json")" 0
	fi
	calls_reset
	sbxapply -f "$d/full.yaml" --runner "$R"
	check "$profile: env and secrets apply" is "$rc" 0
	check "$profile: a new global secret warns about the existing sandbox" \
		has out "the 1 sandbox that exists already keeps the old value: a global secret reaches only sandboxes created after it"
	check "$profile: value byte for byte" is "$(in_sandbox claude-dmr 'printf %s "$WEIRD"')" "$WEIRD"
	check "$profile: nothing executed" is "$(find "$work" -name pwned | wc -l)" 0
	check "$profile: sensitive env reached" is "$(in_sandbox claude-dmr 'printf %s "$API_TOKEN"')" "$SECRET_ENV"
	check "$profile: hand line kept" is "$(in_sandbox claude-dmr 'printf %s "$MINE"')" kept
	check "$profile: mode kept" is "$(stat -c %a "$etc")" 600
	check "$profile: plan hides the secret" has out "API_TOKEN: not set -> (sensitive)"
	for s in "$SECRET_ENV" "$SECRET_SBX" "$SECRET_GLOBAL"; do
		check "$profile: secret not in argv" is "$(grep -c -- "$s" "$SBXSIM_STATE_DIR/calls.log")" 0
		check "$profile: secret not printed" is "$(cat "$work/out" "$work/err" | grep -c -- "$s")" 0
	done
	# the inventory and a saved plan hold digests and ids, never a value
	sbxapply plan -f "$d/full.yaml" --runner "$R" -out "$work/saved.plan"
	for s in "$SECRET_ENV" "$SECRET_SBX" "$SECRET_GLOBAL"; do
		check "$profile: secret not in the inventory" is "$(cat "$XDG_STATE_HOME"/sbxapply/*.json | grep -c -- "$s")" 0
		check "$profile: secret not in a saved plan" is "$(grep -c -- "$s" "$work/saved.plan")" 0
	done
	check "$profile: secrets set" is "$(grep -c '"value"' "$SBXSIM_STATE_DIR/secrets.json")" 2
	check "$profile: secret value on stdin" has_file "$SBXSIM_STATE_DIR/secrets.json" "$SECRET_SBX"
	calls_reset
	sbxapply -f "$d/full.yaml" --runner "$R"
	check "$profile: full file is idempotent" is "$(mutations)" 0

	# 4. a key removed from the file is removed from the sandbox; a hand edit inside the block is drift
	grep -v 'EXTRA: one' "$d/full.yaml" >"$d/less.yaml"
	sed -i 's#ANTHROPIC_BASE_URL=.*#ANTHROPIC_BASE_URL=http://tampered#' "$etc"
	sbxapply diff -f "$d/less.yaml" --runner "$R"
	check "$profile: removal and drift pending" is "$rc" 1
	check "$profile: drift shown" has out '"http://tampered" -> "http://host.docker.internal:12434"'
	sbxapply -f "$d/less.yaml" --runner "$R"
	check "$profile: removal applies" is "$rc" 0
	check "$profile: key removed" is "$(in_sandbox claude-dmr 'printf %s "${EXTRA-unset}"')" unset
	check "$profile: drift repaired" is "$(in_sandbox claude-dmr 'printf %s "$ANTHROPIC_BASE_URL"')" \
		"http://host.docker.internal:12434"
	check "$profile: hand line still kept" is "$(grep -c '^export MINE=kept # by hand$' "$etc")" 1
	check "$profile: one block" is "$(grep -c '^# BEGIN sbxapply' "$etc")" 1

	# 4b. a secret dropped from the file is removed from sbx, in the form this release's own
	# `secret rm --help` shows (v0.38: set takes --sandbox, rm still SANDBOX SERVICE), then put back
	grep -v -e '^    secrets:$' -e 'anthropic: sk-sandbox' "$d/less.yaml" >"$d/nosecret.yaml"
	calls_reset
	sbxapply -f "$d/nosecret.yaml" --runner "$R" --prune --yes
	check "$profile: the dropped secret is removed" is "$rc" 0
	check "$profile: from sbx's store" is "$(grep -c -- "$SECRET_SBX" "$SBXSIM_STATE_DIR/secrets.json")" 0
	check "$profile: the global one stays" is "$(grep -c -- "$SECRET_GLOBAL" "$SBXSIM_STATE_DIR/secrets.json")" 1
	if [ "$minor" -ge 39 ]; then rm_form='"rm","-f","anthropic","--sandbox","claude-dmr"'; else rm_form='"rm","-f","claude-dmr","anthropic"'; fi
	check "$profile: with rm's own form" is "$(calls_count "\"secret\",$rm_form")" 1
	sbxapply -f "$d/less.yaml" --runner "$R"
	check "$profile: and set again" is "$(grep -c -- "$SECRET_SBX" "$SBXSIM_STATE_DIR/secrets.json")" 1

	# 5. a changed agent is a replacement, blocked without --allow-replace
	sed 's/agent: claude/agent: codex/' "$d/less.yaml" >"$d/codex.yaml"
	sbxapply -f "$d/codex.yaml" --runner "$R"
	check "$profile: replace is blocked, not failed" is "$rc" 8
	check "$profile: plan shows the replacement" has out "-/+ replace sandbox claude-dmr"
	check "$profile: names the field" has out '"claude" -> "codex"  # forces replacement'
	check "$profile: says how" has out "--allow-replace"
	check "$profile: sandbox untouched" is "$(agent_of claude-dmr)" claude

	# 6. a stopped sandbox's env is not read (exec would start it) unless --refresh
	sbx stop claude-dmr >/dev/null
	calls_reset
	sbxapply plan -f "$d/less.yaml" --runner "$R"
	check "$profile: stopped plan in sync" is "$rc" 0
	check "$profile: plan says env not checked" has out "not checked: the sandbox is stopped"
	check "$profile: plan names --refresh" has out "--refresh reads it"
	check "$profile: no exec into a stopped sandbox" is "$(calls_count '"exec"')" 0
	check "$profile: still stopped" is "$(sbx ls --json | tr -d ' \n' | grep -o '"status":"stopped"' | wc -l)" 1
	sbxapply plan -f "$d/less.yaml" --runner "$R" --refresh
	check "$profile: --refresh reads it" is "$(calls_count '"exec"')" 1
	sbx stop claude-dmr >/dev/null
	sed 's#API_TOKEN: .*#API_TOKEN: tok-rotated-0123456789#' "$d/less.yaml" >"$d/rotated.yaml"
	calls_reset
	sbxapply plan -f "$d/rotated.yaml" --runner "$R"
	check "$profile: a change in the file is seen without reading" has out "~ update env of sandbox claude-dmr"
	check "$profile: still no exec" is "$(calls_count '"exec"')" 0
	sbxapply -f "$d/rotated.yaml" --runner "$R"
	check "$profile: rotated value written" is "$(in_sandbox claude-dmr 'printf %s "$API_TOKEN"')" tok-rotated-0123456789
	sbxapply -f "$d/less.yaml" --runner "$R"

	# 7. a pre-existing sandbox is adopted and survives --prune; kit and org rules are never touched
	sbx create shell "$d/other" --name handmade >/dev/null
	"$sim" seed-rule kit corp-kit allow '**.corp.example' >/dev/null
	"$sim" seed-rule org org-pol deny evil.example claude-dmr >/dev/null
	awk '{ print } /^sandboxes:/ { print "  handmade:\n    agent: shell\n    workspace: other" }' "$d/less.yaml" >"$d/adopt.yaml"
	sbxapply -f "$d/adopt.yaml" --runner "$R"
	check "$profile: adopts" has out "= adopt sandbox handmade"
	# drop handmade and every rule from the file; prune with every permission there is
	sed '/^policy:/,/localhost:12434/d' "$d/less.yaml" >"$d/pruned.yaml"
	sbxapply -f "$d/pruned.yaml" --runner "$R" --prune --allow-replace
	check "$profile: without a terminal a deletion needs --yes" is "$rc" 8
	check "$profile: and the plan says so" has out "no terminal to ask, so pass --yes as well"
	check "$profile: counts only what was done" has err "Done: 0 created, 0 updated, 0 replaced, 0 deleted."
	sbxapply -f "$d/pruned.yaml" --runner "$R" --prune --allow-replace --yes
	check "$profile: prune succeeds" is "$rc" 0
	check "$profile: own rule pruned" has out "- delete policy rule allow localhost:12434"
	check "$profile: adopted kept, and the plan says so" has out "sandbox handmade is"
	check "$profile: adopted not deleted" lacks out "delete sandbox handmade"
	check "$profile: adopted sandbox exists" is "$(agent_of handmade)" shell
	if [ "$minor" -ge 35 ]; then sbx policy ls --wide; else sbx policy ls; fi >"$work/out"
	check "$profile: kit rule kept" has out "**.corp.example"
	check "$profile: org rule kept" has out "evil.example"
	check "$profile: own rule gone" lacks out "localhost:12434"

	# 8. sbxapply run: the declared model, the user's arguments, the sandbox's env
	sbxapply -f "$d/pruned.yaml" --runner "$R" run claude-dmr -- --verbose
	check "$profile: run succeeds" is "$rc" 0
	check "$profile: run passes the model" has_file "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/agent-run.json" \
		'"agent_args":["--model","ai/devstral-small-2","--verbose"]'
	check "$profile: agent sees the endpoint" has_file "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/agent-env.txt" \
		"ANTHROPIC_BASE_URL=http://host.docker.internal:12434"
	sbxapply -f "$d/pruned.yaml" --runner "$R" run claude-dmr -- --model ai/other --verbose
	check "$profile: --model replaces the declared one" has_file "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/agent-run.json" \
		'"agent_args":["--model","ai/other","--verbose"]'
	curl -fsS -X DELETE "$R/models/ai/devstral-small-2:latest" >/dev/null
	sbxapply -f "$d/pruned.yaml" --runner "$R" run claude-dmr
	check "$profile: a missing model stops run" is "$rc" 4
	check "$profile: and names the fix" has err "is not in Docker Model Runner"
	sbxapply -f "$d/pruned.yaml" --runner "$R" -q
	sed 's/claude-dmr:/claude-gone:/' "$d/pruned.yaml" >"$d/gone.yaml"
	sbxapply -f "$d/gone.yaml" --runner "$R" run claude-gone
	check "$profile: a missing sandbox exits 4" is "$rc" 4
	check "$profile: naming sbx ls" has err "'sbx ls' does not list it"
	sbxapply -f "$d/pruned.yaml" run claude-dmx
	check "$profile: undeclared sandbox" is "$rc" 2
	check "$profile: names it" has err "sandbox 'claude-dmx' is not declared"
	check "$profile: suggests" has err "did you mean 'claude-dmr'?"

	# 9. with --allow-replace the sandbox is replaced, and what lived in it is written again
	sed 's/agent: claude/agent: codex/' "$d/pruned.yaml" >"$d/codex.yaml"
	sbxapply -f "$d/codex.yaml" --runner "$R" --allow-replace --yes
	check "$profile: replace allowed" is "$rc" 0
	check "$profile: replaced" is "$(agent_of claude-dmr)" codex
	check "$profile: env written again" is "$(in_sandbox claude-dmr 'printf %s "$WEIRD"')" "$WEIRD"
	calls_reset
	sbxapply -f "$d/codex.yaml" --runner "$R"
	check "$profile: in sync after the replacement" is "$(mutations)" 0

	# 9b. sizes: from v0.45 `sbx ls` shows cpus and memory, in a form no source shows (docs/backends.md §6):
	# one sbxapply cannot read is not taken for a change (the sandbox would be replaced on every run),
	# a readable different one is
	if [ "$minor" -ge 45 ]; then
		mkdir -p "$d/sized"
		printf 'version: 1\nproject: sized\nsandboxes:\n  sized:\n    agent: shell\n    workspace: sized\n    cpus: 2\n    memory: 4g\n' >"$d/sized.yaml"
		sbxapply -f "$d/sized.yaml" --runner "$R"
		check "$profile: sized sandbox made" is "$rc" 0
		resize() { # resize CPUS MEMORY: what sbx ls shows for it, as JSON values
			python3 - "$SBXSIM_STATE_DIR/sandboxes.json" "$1" "$2" <<'PY'
import json, sys
path, cpus, memory = sys.argv[1:]
doc = json.load(open(path))
for sb in (doc["sandboxes"] if isinstance(doc, dict) else doc):
    if sb.get("name") == "sized":
        sb["cpus"], sb["memory"] = json.loads(cpus), json.loads(memory)
json.dump(doc, open(path, "w"))
PY
		}
		resize 2 '"4 GiB"'
		sbx ls --json >"$work/ls.json"
		check "$profile: sbx now shows forms sbxapply cannot read" has_file "$work/ls.json" '4 GiB'
		sbxapply diff -f "$d/sized.yaml" --runner "$R"
		check "$profile: an unreadable size is no change" is "$rc" 0
		resize 2 '"4096m"'
		sbxapply diff -f "$d/sized.yaml" --runner "$R"
		check "$profile: the same size in another unit is no change" is "$rc" 0
		resize 4 '"8g"'
		sbxapply diff -f "$d/sized.yaml" --runner "$R"
		check "$profile: a readable different size is" is "$rc" 1
		check "$profile: a replacement, blocked" has out "-/+ replace sandbox sized"
	fi

	# 10. down: what this project created goes (stopped, then removed); what it adopted stays
	calls_reset
	sbxapply down -f "$d/codex.yaml" --runner "$R" --yes
	check "$profile: down succeeds" is "$rc" 0
	check "$profile: down deletes the sandbox it created" has out "- delete sandbox claude-dmr"
	check "$profile: the sandbox is gone" is "$(agent_of claude-dmr)" ""
	check "$profile: the adopted one stays" is "$(agent_of handmade)" shell
	check "$profile: stopped before removed" is \
		"$(grep -oE '"sbx",("--no-input",)?"(stop|rm)",("-f",)?"claude-dmr"' "$SBXSIM_STATE_DIR/calls.log" |
			sed 's/"sbx",//; s/"--no-input",//; s/"-f",//' | tr '\n' ' ')" \
		'"stop","claude-dmr" "rm","claude-dmr" '
	stop_runner
}

scenario "$release"
if [ "$release" != 0.45.1 ]; then
	finish
	exit
fi

# The policy store: sbx does not list whether a policy was chosen. A store that shows
# its preset's rules is initialised; on one that does not, a declared init runs and
# "already initialised" is success; an empty list never blocks a rule.
export SBXSIM_STATE_DIR="$work/sim-init" XDG_STATE_HOME="$work/xdg-init" SBXSIM_POLICY_UNINITIALISED=1
unset SBXSIM_POLICY_INIT SBXSIM_SBX_VERSION
mkdir -p "$SBXSIM_STATE_DIR" "$work/init"
printf 'version: 1\nproject: p1\npolicy:\n  allow: [localhost:12434]\n' >"$work/init/none.yaml"
sbxapply plan -f "$work/init/none.yaml"
check "an unknown store blocks nothing" lacks out "blocked"
sbxapply -f "$work/init/none.yaml"
check "a rule on a store with no policy fails" is "$rc" 5
check "and names the fix" has err "choose a policy first"
# someone initialises the store between our look and our init: not a failure
printf 'version: 1\nproject: p0\npolicy:\n  init: allow-all\n' >"$work/init/race.yaml"
SBXSIM_FAULTS='sbx.policy.init=exit:1:ERROR: global network policy is already initialized' sbxapply -f "$work/init/race.yaml"
check "already initialised never fails a run" is "$rc" 0
check "and says so" has err "already initialised"
printf 'version: 1\nproject: p1\npolicy:\n  init: balanced\n  allow: [localhost:12434]\n' >"$work/init/a.yaml"
calls_reset
sbxapply -f "$work/init/a.yaml"
check "init applies" is "$rc" 0
check "init once" is "$(calls_count '"policy","init","balanced"')" 1
calls_reset
sbxapply -f "$work/init/a.yaml"
check "then in sync" has out "No changes:"
check "and never initialised again" is "$(calls_count '"init"')" 0
printf 'version: 1\nproject: p2\npolicy:\n  init: deny-all\n' >"$work/init/b.yaml"
calls_reset
sbxapply -f "$work/init/b.yaml"
check "an initialised store is adopted" has out "= adopt network policy store network"
check "without an init call" is "$(calls_count '"init"')" 0
# before v0.34 the same is `policy set-default`, and "already set" is success too
export SBXSIM_STATE_DIR="$work/sim-init-old" XDG_STATE_HOME="$work/xdg-init-old" SBXSIM_SBX_VERSION=0.31.2
mkdir -p "$SBXSIM_STATE_DIR"
calls_reset
sbxapply -f "$work/init/a.yaml"
check "v0.31: set-default applies" is "$rc" 0
check "v0.31: set-default, not init" is "$(calls_count '"policy","set-default","balanced"')" 1
check "v0.31: no init" is "$(calls_count '"policy","init"')" 0
unset SBXSIM_POLICY_UNINITIALISED SBXSIM_SBX_VERSION
export SBXSIM_STATE_DIR="$work/sim-init" XDG_STATE_HOME="$work/xdg-init"

# Capabilities: asked once per binary, remembered, asked again when the binary changes.
probes() { calls_count '"--help"'; }
export XDG_STATE_HOME="$work/xdg-probe"
calls_reset
sbxapply plan -f "$work/init/b.yaml"
check "the first run asks every help page" is "$(probes)" 8
check "and the version once" is "$(calls_count '"argv":\["sbx","version"\]')" 1
check "the answer is cached" has_file "$XDG_STATE_HOME/sbxapply/cache/sbx.json" "rule_scope=2"
calls_reset
sbxapply plan -f "$work/init/b.yaml"
check "a normal run asks no help page" is "$(probes)" 0
check "nor the version" is "$(calls_count '"version"')" 0
mkdir -p "$work/bin2"
cp "$sim" "$work/bin2/sbx"
calls_reset
SBXAPPLY_SBX="$work/bin2/sbx" sbxapply plan -f "$work/init/b.yaml"
check "a replaced binary is asked once" is "$(probes)" 8
calls_reset
SBXAPPLY_SBX="$work/bin2/sbx" sbxapply plan -f "$work/init/b.yaml"
check "and then remembered" is "$(probes)" 0
# no runner runs here: --runner keeps version from asking the discovery default
"$bin" version --state-dir "$XDG_STATE_HOME/sbxapply" --runner "$R" >"$work/out" 2>"$work/err"
check "version names the sbx" has out "sbx: sbx version: v0.45.1"
check "version shows the forms in use" has out "policy init"
check "and where each came from" has out "from sbx policy allow network --help"
# a remembered answer that proves wrong (here: --no-input claimed) is dropped after the failure
sed -i 's/no_input=0/no_input=1/' "$XDG_STATE_HOME/sbxapply/cache/sbx.json"
sbxapply plan -f "$work/init/b.yaml"
check "a wrong cache fails the call" is "$rc" 4
check "and says it will ask again" has err "the next run asks it again"
calls_reset
sbxapply plan -f "$work/init/b.yaml"
check "the next run asks again and works" is "$rc" 0
check "with one round of probes" is "$(probes)" 8
# an sbx that lists --no-input gets it (v0.54 in sbxsim; an assumption for testing)
calls_reset
SBXSIM_SBX_VERSION=0.54.1 XDG_STATE_HOME="$work/xdg-054" sbxapply plan -f "$work/init/b.yaml"
check "--no-input where the help lists it" is "$(calls_count '"argv":\["sbx","--no-input","policy","ls"')" 1

# drop_env_attr: the inventory as it was before env entries recorded their sandbox
drop_env_attr() {
	python3 - "$inv" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
for e in inv["resources"]:
    if e["kind"] == "env":
        e["attrs"].pop("sandbox", None)
json.dump(inv, open(sys.argv[1], "w"), indent=2)
PY
}

# Identity: a sandbox re-made by hand under a name this project created is not ours.
export SBXSIM_STATE_DIR="$work/sim-id" XDG_STATE_HOME="$work/xdg-id"
mkdir -p "$SBXSIM_STATE_DIR" "$work/id/project"
start_runner SBXSIM_PULL_MS=20
sed 's#workspace: \.#workspace: project#' "$example" >"$work/id/sandbox.yaml"
I="$work/id/sandbox.yaml"
calls_reset
sbxapply -f "$I" --runner "$R" -q
check "identity: the guide applies" is "$rc" 0
check "the inventory records the sandbox's id" has_file "$XDG_STATE_HOME/sbxapply/claude-dmr.json" '"identity": "id:'
# one listing to observe and one after the run for the ids of what it created; no env
# write waits on a listing of its own
check "two sbx ls in all" is "$(calls_count '"argv":\["sbx",("--no-input",)?"ls","--(json|format)"')" 2
check "the id listing comes after the env write" is \
	"$(grep -E '"argv":\["sbx",("--no-input",)?"(ls","--(json|format)|exec)"' "$SBXSIM_STATE_DIR/calls.log" | tail -1 | grep -c '"ls"')" 1
check "and the sbx it lives on" has_file "$XDG_STATE_HOME/sbxapply/claude-dmr.json" '"backend_info": "v0.45.1"'
# likewise one rule listing to observe and one after the run for the ids of the rules it added
check "two sbx policy ls in all" is "$(calls_count '"argv":\["sbx",("--no-input",)?"policy","ls","--(wide|json)"')" 2
check "each rule it added is recorded with its id" is "$(python3 -c '
import json, sys
rules = [e for e in json.load(open(sys.argv[1]))["resources"] if e["kind"] == "policy_rule"]
print(len(rules) > 0 and all(e["attrs"].get("identity", "").startswith("id:") for e in rules))' \
	"$XDG_STATE_HOME/sbxapply/claude-dmr.json")" True
# The env block: recorded with the id of the sandbox it was written on, so a no-op run does not read
# it back; an edit made inside the sandbox to the block is found with --refresh
inv="$XDG_STATE_HOME/sbxapply/claude-dmr.json"
made_id=$(sbx ls --json | tr -d ' \n' | grep -o '"id":"[^"]*","name":"claude-dmr"' | sed 's/^"id":"//; s/".*//')
check "env: recorded with its sandbox" is "$(grep -c "\"sandbox\": \"id:$made_id\"" "$inv")" 1
calls_reset
sbxapply diff -f "$I" --runner "$R"
check "env: a no-op diff" is "$rc" 0
check "env: reads no env" is "$(calls_count '"exec"')" 0
check "env: and says so" has out "env of sandbox claude-dmr: not read: the inventory vouches for each"
sbxapply diff -f "$I" --runner "$R" -o json
check "env: JSON counts it" has out '"not_read": 1'
etc="$SBXSIM_STATE_DIR/sandboxes/claude-dmr/etc/sandbox-persistent.sh"
sed -i 's#ANTHROPIC_BASE_URL=.*#ANTHROPIC_BASE_URL=http://edited-inside#' "$etc"
sbxapply diff -f "$I" --runner "$R"
check "env: an edit inside is not read without --refresh" is "$rc" 0
sbxapply diff -f "$I" --runner "$R" --refresh
check "env: --refresh finds it" is "$rc" 1
check "env: and shows it" has out '"http://edited-inside" -> "http://host.docker.internal:12434"'
check "env: --refresh vouches for nothing" lacks out "not read"
calls_reset
sbxapply -f "$I" --runner "$R" --refresh -q
check "env: apply --refresh repairs it" is "$(grep -c "^export ANTHROPIC_BASE_URL='http://host.docker.internal:12434'$" "$etc")" 1
check "env: with one write" is "$(calls_count '"exec".*"write"')" 1
# a plan saved with --refresh applies as it was made (which blocks were read is part of what it observed)
sed -i 's#ANTHROPIC_BASE_URL=.*#ANTHROPIC_BASE_URL=http://edited-inside#' "$etc"
sbxapply plan -f "$I" --runner "$R" --refresh -out "$work/id/refresh.plan"
check "env: plan --refresh -out finds the edit" is "$rc" 1
sbxapply apply "$work/id/refresh.plan" --runner "$R"
check "env: and apply PLANFILE applies it" is "$rc" 0
check "env: repaired from the saved plan" is "$(grep -c "^export ANTHROPIC_BASE_URL='http://host.docker.internal:12434'$" "$etc")" 1
# an inventory from before the attribute (or one whose sandbox changed) is read, and an apply that
# reads the block back as recorded vouches for it again; diff records nothing
drop_env_attr
calls_reset
sbxapply diff -f "$I" --runner "$R"
check "env: without the attribute, diff reads it" is "$(calls_count '"exec"')" 1
check "env: and records nothing" is "$(grep -c '"sandbox": "id:' "$inv")" 0
sbxapply -f "$I" --runner "$R"
check "env: a no-op apply" has out "No changes:"
check "env: records the sandbox it read the block on" is "$(grep -c "\"sandbox\": \"id:$made_id\"" "$inv")" 1
calls_reset
sbxapply diff -f "$I" --runner "$R"
check "env: then not read again" is "$(calls_count '"exec"')" 0
# a block read back unlike the record vouches for nothing
sed -i 's#ANTHROPIC_BASE_URL=.*#ANTHROPIC_BASE_URL=http://edited-inside#' "$etc"
drop_env_attr
sbxapply plan -f "$I" --runner "$R"
check "env: an edited block read back" is "$rc" 1
check "env: plans the repair" has out "update env of sandbox claude-dmr"
sbxapply -f "$I" --runner "$R" -q
check "env: repaired" is "$(grep -c "^export ANTHROPIC_BASE_URL='http://host.docker.internal:12434'$" "$etc")" 1
# a write that fails (or stops halfway) leaves nothing vouched for: the file put back as recorded is read
# (the changed file reads the block first, the first exec; the write is the second)
sed 's#http://host.docker.internal:12434#http://changed.example:1#' "$I" >"$work/id/changed.yaml"
SBXSIM_FAULTS='sbx.exec#2=exit:1:ERROR: the write failed' sbxapply -f "$work/id/changed.yaml" --runner "$R" -q
check "env: a failed write fails the apply" is "$rc" 5
check "env: and withdraws the vouching first" is "$(grep -c '"sandbox": "id:' "$inv")" 0
calls_reset
sbxapply diff -f "$I" --runner "$R"
check "env: the file put back is read, not vouched for" is "$(calls_count '"exec"')" 1
sbxapply -f "$I" --runner "$R" -q
# the file changed to what was edited inside: in sync though unlike the record; the apply that reads it
# brings the record up to date, so the next run vouches for it instead of reading it every time
sed -i 's#ANTHROPIC_BASE_URL=.*#ANTHROPIC_BASE_URL=http://edited-inside#' "$etc"
sed 's#http://host.docker.internal:12434#http://edited-inside#' "$I" >"$work/id/edited.yaml"
drop_env_attr
sbxapply -f "$work/id/edited.yaml" --runner "$R"
check "env: matching the file" has out "No changes:"
check "env: read as the file has it, the record follows" is "$(grep -c '"sandbox": "id:' "$inv")" 1
calls_reset
sbxapply diff -f "$work/id/edited.yaml" --runner "$R"
check "env: and the next run vouches for it" is "$rc $(calls_count '"exec"')" "0 0"
sbxapply -f "$I" --runner "$R" -q
sbx rm -f claude-dmr >/dev/null 2>&1
sbx create claude "$work/id/project" --name claude-dmr >/dev/null 2>&1
hand_id=$(sbx ls --json | tr -d ' \n' | grep -o '"id":"[^"]*","name":"claude-dmr"')
calls_reset
sbxapply diff -f "$I" --runner "$R"
check "env: a sandbox re-made by hand is read, not vouched for" is "$(calls_count '"exec"')" 1
sbxapply down -f "$I" --runner "$R" --dry-run
check "down leaves a sandbox made by hand alone" lacks out "delete sandbox claude-dmr"
check "and says it was made elsewhere" has out "sandbox claude-dmr was made elsewhere"
sbxapply -f "$I" --runner "$R" --prune --allow-replace --yes
check "apply --prune does not touch it: blocked" is "$rc" 8
check "the plan says why" has out "not ours, so never changed, replaced or deleted: --adopt takes it over"
check "it is still the hand-made one" is "$(sbx ls --json | tr -d ' \n' | grep -o '"id":"[^"]*","name":"claude-dmr"')" "$hand_id"
sbxapply diff -f "$I" --runner "$R"
check "diff reports it pending" is "$rc" 1
sbxapply -f "$I" --runner "$R" --adopt
check "--adopt takes it over" is "$rc" 0
check "as adopted" has out "made elsewhere"
sbxapply diff -f "$I" --runner "$R"
check "then in sync" is "$rc" 0
sbxapply down -f "$I" --runner "$R" --yes
check "and down keeps what was adopted" is "$(sbx ls --json | tr -d ' \n' | grep -o '"id":"[^"]*","name":"claude-dmr"')" "$hand_id"
# another sbx binary: what this project made with the first one is left alone, and said so
sbxapply -f "$I" --runner "$R" -q
mkdir -p "$work/bin3" && cp "$sim" "$work/bin3/sbx"
SBXAPPLY_SBX="$work/bin3/sbx" sbxapply down -f "$I" --runner "$R" --dry-run
check "another sbx: nothing of the first is deleted" lacks out "delete sandbox"
check "and the plan says so" has out "recorded on $(readlink -f "$SBXAPPLY_SBX")"
# three rules added: still one listing after the run for all their ids, not one each
printf 'version: 1\nproject: rules3\npolicy:\n  allow: [a.example.com, b.example.com, c.example.com]\n' >"$work/id/rules3.yaml"
calls_reset
sbxapply -f "$work/id/rules3.yaml" --runner "$R" -q
check "three rules apply" is "$rc" 0
check "with two sbx policy ls in all" is "$(calls_count '"argv":\["sbx",("--no-input",)?"policy","ls","--(wide|json)"')" 2
check "each with its id" is "$(grep -c '"identity": "id:' "$XDG_STATE_HOME/sbxapply/rules3.json")" 3
# a run stopped before that listing leaves rules without ids: the next apply records the observed ones
python3 - "$XDG_STATE_HOME/sbxapply/rules3.json" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
for e in inv["resources"]:
    e["attrs"].pop("identity", None)
json.dump(inv, open(sys.argv[1], "w"), indent=2)
PY
sbxapply diff -f "$work/id/rules3.yaml" --runner "$R"
check "ids missing: diff records nothing" is "$(grep -c '"identity": "id:' "$XDG_STATE_HOME/sbxapply/rules3.json")" 0
sbxapply -f "$work/id/rules3.yaml" --runner "$R" -q
check "ids missing: the next apply records them" is "$(grep -c '"identity": "id:' "$XDG_STATE_HOME/sbxapply/rules3.json")" 3
# a deny of a resource someone allowed by hand at the same scope: sbx refuses it (v0.42+,
# docker/sbx-releases#610), and the failure says why and what to do
sbx policy allow network handmade.example.com >/dev/null
printf 'version: 1\nproject: denyp\npolicy:\n  deny: [handmade.example.com]\n' >"$work/id/deny.yaml"
sbxapply -f "$work/id/deny.yaml" --runner "$R"
check "a deny beside a hand-made allow fails" is "$rc" 5
check "saying why" has err "docker/sbx-releases#610: remove the allow rule"
# a rule moved from allow to deny in the file: with --prune the allow goes first, then the deny is added
printf 'version: 1\nproject: movep\npolicy:\n  allow: [moved.example.com]\n' >"$work/id/move.yaml"
sbxapply -f "$work/id/move.yaml" --runner "$R" -q
printf 'version: 1\nproject: movep\npolicy:\n  deny: [moved.example.com]\n' >"$work/id/move.yaml"
sbxapply -f "$work/id/move.yaml" --runner "$R" -o json plan --prune
check "moved to deny: the deny waits for the allow's delete" is "$(python3 -c '
import json, sys
acts = {a["id"]: a for a in json.load(sys.stdin)["actions"]}
print(acts["policy_rule/deny:moved.example.com"]["depends_on"] == ["policy_rule/allow:moved.example.com"])' <"$work/out")" True
sbxapply -f "$work/id/move.yaml" --runner "$R" --prune --yes -q
check "moved to deny: applies with --prune" is "$rc" 0
sbx policy ls --wide >"$work/out"
check "moved to deny: the deny is there" has out "deny       moved.example.com"
check "moved to deny: the allow is gone" lacks out "allow      moved.example.com"
stop_runner
export SBXSIM_STATE_DIR="$work/sim-init" XDG_STATE_HOME="$work/xdg-init"

# Dropping env: from an adopted sandbox removes sbxapply's block (the file edited the sandbox; no --prune needed).
export SBXSIM_STATE_DIR="$work/sim-envrm" XDG_STATE_HOME="$work/xdg-envrm"
mkdir -p "$SBXSIM_STATE_DIR" "$work/envrm/ws"
sbx create shell "$work/envrm/ws" --name mine >/dev/null 2>&1
printf 'version: 1\nproject: envrm\nsandboxes:\n  mine:\n    agent: shell\n    workspace: ws\n    env:\n      K: v\n' >"$work/envrm/with.yaml"
printf 'version: 1\nproject: envrm\nsandboxes:\n  mine:\n    agent: shell\n    workspace: ws\n' >"$work/envrm/without.yaml"
sbxapply -f "$work/envrm/with.yaml"
check "env written into an adopted sandbox" is "$(in_sandbox mine 'printf %s "$K"')" v
sbxapply -f "$work/envrm/without.yaml"
check "dropping env: removes the block" has out "- delete env of sandbox mine"
check "without --prune" is "$rc" 0
check "the variable is gone" is "$(in_sandbox mine 'printf %s "${K-unset}"')" unset
check "and the block with it" is "$(cat "$SBXSIM_STATE_DIR/sandboxes/mine/etc/sandbox-persistent.sh" 2>/dev/null | grep -c '^# BEGIN sbxapply')" 0
check "the adopted sandbox stays" is "$(agent_of mine)" shell
export SBXSIM_STATE_DIR="$work/sim-init" XDG_STATE_HOME="$work/xdg-init"

# A global secret reaches only sandboxes created after it: the sandbox waits for it.
mkdir -p "$work/init/ws2"
printf 'version: 1\nproject: p4\nsecrets:\n  github: ghp-x-0123456789\nsandboxes:\n  box2:\n    agent: shell\n    workspace: ws2\n' >"$work/init/dep.yaml"
sbxapply plan -o json -f "$work/init/dep.yaml"
check "sandbox waits for the global secret" is \
	"$(tr -d '\n ' <"$work/out" | grep -o '"id":"sandbox/box2"[^]]*]' | grep -c '"depends_on":\["secret/github"')" 1

# A rule scoped to a sandbox is said to be inexpressible before anything is applied.
mkdir -p "$work/init/ws"
printf 'version: 1\nproject: p3\nsandboxes:\n  box1:\n    agent: shell\n    workspace: ws\n    policy:\n      allow: [api.example.com]\n' >"$work/init/scoped.yaml"
SBXSIM_SBX_VERSION=0.28.3 XDG_STATE_HOME="$work/xdg-028" sbxapply plan -f "$work/init/scoped.yaml"
check "too old for a scoped rule" has out "cannot scope a rule to a sandbox"

# sbx hanging is a timeout, never "no sandboxes"; sbx missing says how to install it.
SBXSIM_FAULTS='sbx.ls=hang' SBXAPPLY_SBX_TIMEOUT_MS=700 sbxapply plan -f "$work/init/scoped.yaml"
check "hang exits 4" is "$rc" 4
check "says timed out" has err "'sbx ls' timed out"
check "never planned as absent" lacks out "create sandbox"
SBXAPPLY_SBX="$work/no/sbx" sbxapply plan -f "$work/init/scoped.yaml"
check "missing sbx exits 4" is "$rc" 4
check "says how to install" has err "install Docker Sandboxes"
finish
