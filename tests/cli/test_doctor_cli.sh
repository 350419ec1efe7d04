#!/bin/sh
# `sbxapply doctor` on a machine without sbx, Docker or a runner: it exits
# non-zero and every line that is not ok says how to fix it, in text and in
# JSON; a state directory that cannot be written fails with exit 7.
# Usage: test_doctor_cli.sh SBXAPPLY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/xdg" DOCKER_CONFIG="$tmp/docker" NO_COLOR=1
unset GITHUB_ACTIONS MODEL_RUNNER_HOST DOCKER_HOST DOCKER_CONTEXT SBXAPPLY_SBX SBXAPPLY_SBX_TIMEOUT_MS
# a PATH with the shell's tools but no sbx (and no docker, unless the system installs it in /usr/bin)
mkdir -p "$tmp/bin"
for tool in sh cat; do ln -s "$(command -v $tool)" "$tmp/bin/$tool"; done
pass=0 fail=0

doctor() { env PATH="$tmp/bin" "$bin" doctor "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?; }
check() { # check NAME CONDITION...
	name=$1; shift
	if "$@"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $name (exit $rc)"; sed 's/^/  out: /' "$tmp/out"; sed 's/^/  err: /' "$tmp/err"
	fi
}
has() { grep -qF -- "$2" "$tmp/$1"; }
# every line that is not ok (FAIL or warn) carries "; fix: " and something after it
every_problem_has_a_fix() {
	! grep -E '^(FAIL|warn) ' "$tmp/out" | grep -vE '; fix: .{20,}'
}
# a port nothing listens on: the closed --runner
port=1

doctor -f "$src/examples/claude-dmr/sandbox.yaml" --runner "http://127.0.0.1:$port"
check "exit 4: sbx and the runner are missing" [ "$rc" -eq 4 ]
check "sbx fails" grep -qE "^FAIL  sbx  .*'sbx' not found; fix: install Docker Sandboxes" "$tmp/out"
check "runner fails, naming where it looked" grep -qE "^FAIL  runner .*http://127.0.0.1:$port \(--runner\): cannot connect" "$tmp/out"
check "runner fix" has out "fix: start Docker Model Runner: 'docker desktop enable model-runner --tcp 12434'"
check "every failing or warning line has a fix" every_problem_has_a_fix
check "no requires or policy line without sbx" sh -c "! grep -qE '^(ok|warn|FAIL) +(requires|policy|sbx_forms) ' '$tmp/out'"
check "the file is still checked" grep -qE "^ok    file       .*is valid" "$tmp/out"
check "summary counts failures" has out "2 failed"
check "nothing on stderr" [ ! -s "$tmp/err" ]

doctor -f "$src/examples/claude-dmr/sandbox.yaml" --runner "http://127.0.0.1:$port" -o json
check "json: exit 4" [ "$rc" -eq 4 ]
check "json: not ok" has out '"ok": false'
check "json: exit code" has out '"exit_code": 4'
check "json: failures counted" has out '"fail": 2'
# every check whose status is not ok has a fix that is not null
check "json: every problem has a fix" sh -c "! tr -d '\n' <'$tmp/out' | grep -oE '\"status\": \"(fail|warn)\",[^}]*' | grep -q '\"fix\": null'"

# no file at all: a warning, and the machine's failures still decide
(cd "$tmp" && env PATH="$tmp/bin" "$bin" doctor --runner "http://127.0.0.1:$port" >"$tmp/out" 2>"$tmp/err"); rc=$?
check "no file: still exit 4" [ "$rc" -eq 4 ]
check "no file: a warning" grep -qE "^warn  file       sandbox.yaml does not exist" "$tmp/out"
check "no file: every problem has a fix" every_problem_has_a_fix

# a state directory that cannot be made: under a read-only directory, or (as root too, who may write
# anywhere) under a regular file
if [ "$(id -u)" != 0 ]; then
	mkdir -p "$tmp/ro" && chmod 555 "$tmp/ro"
	doctor --runner "http://127.0.0.1:$port" --state-dir "$tmp/ro/state"
	check "read-only state dir fails" grep -qE "^FAIL  state_dir  $tmp/ro/state does not exist and cannot be made" "$tmp/out"
fi
: >"$tmp/plainfile"
doctor --runner "http://127.0.0.1:$port" --state-dir "$tmp/plainfile/state"
check "a state dir that cannot be made fails" grep -qE "^FAIL  state_dir  $tmp/plainfile/state does not exist and cannot be made" "$tmp/out"
check "state dir fix" has out "or use --state-dir DIR"
doctor --runner "http://127.0.0.1:$port" --state-dir /dev/null
check "a state dir that is a file fails" grep -qE "^FAIL  state_dir  cannot write in /dev/null: not a directory" "$tmp/out"

doctor extra
check "arguments refused" [ "$rc" -eq 2 ]

echo "doctor_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
