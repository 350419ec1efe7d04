#!/bin/sh
# doctor, status (ps), requires.sbx and version against sbxsim: doctor passes
# every check against the simulator and names each check it made; status lists
# every resource of the guide's example with its live state from one round of
# observation (no call made twice); a file requiring a newer sbx than the one
# sbxsim plays stops every command before anything is observed, naming the
# installed version and the file position; version shows the runner's version.
# Usage: test_doctor.sh SBXAPPLY SBXSIM
. "$(dirname "$0")/lib.sh"
use_sim_sbx
export SBXSIM_SBX_VERSION=0.45.1 SBXSIM_POLICY_INIT=balanced
example="$(cd "$(dirname "$0")/../../examples/claude-dmr" && pwd)/sandbox.yaml"
mkdir -p "$work/guide"
cp "$example" "$work/guide/sandbox.yaml"
F="$work/guide/sandbox.yaml"
line() { grep -E "^$1 +$2 " "$work/out"; }
line_has() { line "$1" "$2" | grep -qF -- "$3"; }
# sbx calls other than `sbx version` and --help pages (the capability probe)
sbx_calls_beyond_probes() {
	grep '"kind":"sbx"' "$SBXSIM_STATE_DIR/calls.log" | grep -v '"--help"' | grep -vc '"argv":\["sbx","version"\]'
}
# every line of the log appears once: nothing was asked twice
no_repeat() { [ -z "$(sed 's/^{"ts":[0-9.]*,"pid":[0-9]*,//' "$SBXSIM_STATE_DIR/calls.log" | sort | uniq -d)" ]; }

start_runner SBXSIM_PULL_MS=20
# the docker client, when this machine has one, gets sbxsim's model plugin (tests/sim/README.md)
if command -v docker >/dev/null 2>&1; then
	mkdir -p "$work/docker/cli-plugins"
	ln -s "$simdir/docker-model" "$work/docker/cli-plugins/docker-model"
	have_docker=1
else
	echo "note: no docker client here; doctor's docker line is a warning, not checked as ok"
	have_docker=
fi

# 1. doctor against the simulator: every check passes
sbxapply doctor -f "$F" --runner "$R"
check "doctor passes" is "$rc" 0
check "no check fails" lacks out "FAIL"
check "sbx found, with its path and version" line_has ok sbx "sbx v0.45.1 at $simdir/sbx"
check "the forms in use" line_has ok sbx_forms "the forms sbxapply uses with sbx v0.45.1"
check "a form and where it came from" has out "policy init                              from sbx policy --help"
check "what the release lacks" has out "lacks: no --no-input"
check "policy store chosen" line_has ok policy "a network policy was chosen: its preset's rules are listed (default-"
check "runner, how found, version" line_has ok runner "Docker Model Runner v1.2.6 at $R (found via --runner; 0 models)"
check "state directory" line_has ok state_dir "$XDG_STATE_HOME/sbxapply"
check "file valid" line_has ok file "is valid: project claude-dmr, 2 models, 1 package, 1 sandbox"
if [ -n "$have_docker" ]; then
	check "docker model plugin" line_has ok docker "docker model plugin v1.2.6 ('docker model version')"
	check "summary: all ok" has out "doctor: 7 ok"
	check "summary: no warning" lacks out "warning"
else
	check "no docker: a warning with its fix" line_has warn docker "the docker command is not installed; fix: "
fi
sbxapply doctor -f "$F" --runner "$R" -o json
check "json: passes" is "$rc" 0
check "json: ok" has out '"ok": true'
check "json: nothing failed" has out '"fail": 0'
check "json: sbx check" has out '"check": "sbx"'
check "json: details listed" has out '"lacks: no --no-input: a command that would prompt is given -f instead, where it has one"'
# the runner found through `docker model status` (the plugin reads sbxsim's runner.addr), not named
if [ -n "$have_docker" ]; then
	sbxapply doctor -f "$F"
	check "runner found via docker model status" line_has ok runner "(found via docker model status;"
	# with no runner at all, a check must not have docker pull and start one (MODEL_RUNNER_NO_AUTO_INSTALL)
	stop_runner
	rm -f "$SBXSIM_STATE_DIR/runner.addr"
	calls_reset
	if isolated doctor -f "$F"; then
		check "no runner: doctor fails" is "$rc" 4
		check "and started none" is "$(calls_count '"standalone-runner"')" 0
		check "though it asked docker model status" test "$(calls_count '"docker-model"')" -ge 1
	fi
	start_runner SBXSIM_PULL_MS=20
fi
# a runner without GET /version still passes, saying so
R_old=$R
start_runner SBXSIM_RUNNER_VERSION=none
sbxapply doctor -f "$F" --runner "$R"
check "older runner: still ok" line_has ok runner "Docker Model Runner (reports no version) at $R"
start_runner SBXSIM_PULL_MS=20
# no file: a warning, not a failure
(cd "$work" && "$bin" doctor --runner "$R" >"$work/out" 2>"$work/err"); rc=$?
check "no file: passes" is "$rc" 0
check "no file: a warning with a fix" line_has warn file "sandbox.yaml does not exist: only this machine was checked; fix: "
# an invalid file fails (3), with the first problem and the fix
printf 'version: 1\nmodles: {}\n' >"$work/bad.yaml"
sbxapply doctor -f "$work/bad.yaml" --runner "$R"
check "invalid file: exit 3" is "$rc" 3
check "invalid file: the first error" line_has FAIL file "bad.yaml:2:1: unknown key 'modles'"
check "invalid file: the fix" line_has FAIL file "fix: 'sbxapply validate -f $work/bad.yaml' lists each problem"

# 2. status before anything exists: every declared resource, missing
sbxapply status -f "$F" --runner "$R"
check "status before apply" is "$rc" 0
check "header" has out "KIND"
check "model missing" line_has model "ai/devstral-small-2" "missing"
check "sandbox missing" line_has sandbox "claude-dmr" "missing"
check "missing: apply creates it" line_has sandbox "claude-dmr" "create pending"

# 3. after apply: live states, from one round of observation
sbxapply -f "$F" --runner "$R"
check "guide applies" is "$rc" 0
calls_reset
sbxapply status -f "$F" --runner "$R"
check "status" is "$rc" 0
check "model present with its size" line_has model "ai/devstral-small-2" "present      in sync"
check "model size" line_has model "ai/devstral-small-2" "GiB, sha256:"
check "package with its context" line_has package "gpt-oss:32k" "context 32000"
check "sandbox running" line_has sandbox "claude-dmr" "running"
check "rule active" line_has policy_rule "allow localhost:12434" "active"
check "env written, and when" line_has env "claude-dmr" "last written 20"
check "one GET /models" is "$(calls_count '"path":"/models"')" 1
check "one sbx ls" is "$(calls_count '"argv":\["sbx","ls"')" 1
check "one policy ls" is "$(calls_count '"policy","ls"')" 1
check "no call made twice" no_repeat
check "nothing changed" is "$(calls_count '"method":"(POST|DELETE)"')" 0
cp "$work/out" "$work/status.txt"
sbxapply ps -f "$F" --runner "$R"
check "ps is status" cmp -s "$work/out" "$work/status.txt"
sbxapply status -f "$F" --runner "$R" -o json
check "json: project" has out '"project": "claude-dmr"'
check "json: sandbox running" has out '"state": "running"'
check "json: a size" has out '"size": "'
check "json: in sync" has out '"sync": "in_sync"'
check "json: last applied" has out '"last_applied": "20'
sbxapply status -f "$F" --runner "$R" -q
check "quiet, all in sync: nothing printed" is "$(cat "$work/out")" ""
check "quiet, all in sync: exit 0" is "$rc" 0
# changed by hand: a stopped sandbox, a deleted model, a removed rule
sbx stop claude-dmr >/dev/null
curl -s -X DELETE "$R/models/ai/devstral-small-2" >/dev/null
sbx policy rm network --resource localhost:12434 >/dev/null
sbxapply status -f "$F" --runner "$R"
check "sandbox stopped" line_has sandbox "claude-dmr" "stopped"
check "env not read in a stopped sandbox" line_has env "claude-dmr" "unknown"
check "deleted model missing" line_has model "ai/devstral-small-2" "missing      create pending"
check "removed rule missing" line_has policy_rule "allow localhost:12434" "missing"
sbxapply status -f "$F" --runner "$R" -q
check "quiet: what needs attention" line_has policy_rule "allow localhost:12434" "missing"
check "quiet: not what is in sync" lacks out "gpt-oss:32k"

# 4. requires.sbx: met, and not met by an older release (checked before anything runs)
sed 's/^version: 1$/version: 1\nrequires:\n  sbx: ">=0.33, <1"/' "$example" >"$work/guide/sandbox.yaml"
sbxapply diff -f "$F" --runner "$R"
check "requires met: diff runs" is "$rc" 1
sbxapply doctor -f "$F" --runner "$R"
check "requires met: doctor ok" line_has ok requires "requires sbx >=0.33, <1: the installed sbx is v0.45.1"
# the capability cache is per binary: a release played by the same binary gets its own state dir
export SBXSIM_SBX_VERSION=0.31.2 XDG_STATE_HOME="$work/xdg-old"
for cmd in apply diff plan status down "run claude-dmr"; do
	calls_reset
	sbxapply $cmd -f "$F" --runner "$R"
	check "$cmd: refused" is "$rc" 4
	check "$cmd: names the version and the position" has err \
		"sandbox.yaml:6:8: requires sbx >=0.33, <1, but the installed sbx is v0.31.2"
	check "$cmd: the fix" has err "install an sbx release that meets \">=0.33, <1\""
	check "$cmd: the line and a caret" has err '  sbx: ">=0.33, <1"'
	check "$cmd: the runner was not asked" is "$(calls_count '"kind":"http"')" 0
	check "$cmd: sbx only asked its version and help" is "$(sbx_calls_beyond_probes)" 0
done
sbxapply validate -f "$F"
check "validate does not ask sbx" is "$rc" 0
sbxapply doctor -f "$F" --runner "$R"
check "doctor: requires fails" is "$rc" 4
check "doctor: the requires line" line_has FAIL requires "requires sbx >=0.33, <1, but the installed sbx is v0.31.2"
check "doctor: its fix" line_has FAIL requires "fix: install an sbx release"
check "doctor: the old release lacks" has out "lacks: no 'policy ls --json' or '--wide' (v0.35+)"
# a sandbox-scoped rule on a release that cannot scope one (before v0.29): a warning with the fix
export SBXSIM_SBX_VERSION=0.28.3 XDG_STATE_HOME="$work/xdg-028" SBXSIM_STATE_DIR="$work/sim-028"
mkdir -p "$SBXSIM_STATE_DIR"
printf 'version: 1\nproject: scoped\nsandboxes:\n  box:\n    agent: shell\n    policy:\n      allow: [api.example.com]\n' \
	>"$work/guide/scoped.yaml"
sbxapply doctor -f "$work/guide/scoped.yaml" --runner "$R"
check "v0.28: warns, does not fail" is "$rc" 0
check "v0.28: cannot scope a rule" line_has warn sbx_forms "sbx v0.28.3 cannot scope a rule to one sandbox"
check "v0.28: the fix" line_has warn sbx_forms "fix: install sbx v0.29 or later"
check "v0.28: lacks listed" has out "lacks: no sandbox-scoped rules (v0.29+)"
# a policy store never initialised lists no preset rules: doctor cannot tell, and says what to do
export SBXSIM_SBX_VERSION=0.45.1 XDG_STATE_HOME="$work/xdg-uninit" SBXSIM_STATE_DIR="$work/sim-uninit" SBXSIM_POLICY_UNINITIALISED=1
mkdir -p "$SBXSIM_STATE_DIR"
sbxapply doctor -f "$work/guide/scoped.yaml" --runner "$R"
check "uninitialised: a warning" line_has warn policy "cannot tell whether a network policy was chosen"
check "uninitialised: the fix" line_has warn policy "run 'sbx policy init balanced'"
unset SBXSIM_POLICY_UNINITIALISED
export SBXSIM_SBX_VERSION=0.45.1 XDG_STATE_HOME="$work/xdg" SBXSIM_STATE_DIR="$work/sim"

# 5. version: the sbx forms and the runner's version
sbxapply version --runner "$R"
check "version: exit 0" is "$rc" 0
check "version: sbx" has out "sbx: sbx version: v0.45.1"
check "version: runner" has out "runner: Docker Model Runner v1.2.6 at $R (found via --runner)"
sbxapply version --runner "$R_old"
check "version: runner stopped is said" has out "runner: not reachable: Docker Model Runner does not answer; tried:"
check "version: still exit 0" is "$rc" 0

finish
