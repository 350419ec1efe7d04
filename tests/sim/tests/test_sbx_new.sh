# The newer sbx profile (about v0.45), FACTS.md section 6.
. "$(dirname "$0")/lib.sh"
export SBXSIM_SBX_VERSION=new
mkdir -p "$T/my-project" "$T/.hidden" "$T/extra"
cd "$T/my-project" || exit 1

run_sbx version
check_eq "version" "0 Client Version:  v0.45.1 9b3d7a0" "$RC $OUT"
"$SBXSIM" sbx version >"$T/v" 2>&1
check_eq "sbxsim sbx is the same CLI" "Client Version:  v0.45.1 9b3d7a0" "$(cat "$T/v")"

run_sbx ls --json
check_eq "empty ls" '0 {"sandboxes":[]}' "$RC $OUT"
run_sbx create claude --name claude-dmr .
check_eq "create" "0 Created sandbox 'claude-dmr'" "$RC $OUT"
run_sbx create claude --name claude-dmr .
check_eq "create twice" "1 ERROR: sandbox 'claude-dmr' already exists" "$RC $ERR"
run_sbx create shell --name sb2 -e FOO=bar -e 'QUOTE=it'"'"'s' "$T/extra:ro" --cpus 2 -m 4g
check_eq "create with env" "0 Created sandbox 'sb2'" "$RC $OUT"
run_sbx create shell --name pathless
check_eq "path optional since v0.42" 0 "$RC"
run_sbx create shell --name d1 -e 'bad key=1'
check_eq "bad env" "1 ERROR: invalid environment variable \"bad key=1\": expected KEY=VALUE" "$RC $ERR"
run_sbx create shell --name d1 "$T/.hidden"
check_eq "dot workspace (SBXI#602)" "1 ERROR: failed to run sandbox container" "$RC $ERR"
for bad in a -ab default 'a b' 'x_y'; do
	run_sbx create shell --name "$bad" .
	check_eq "name '$bad' refused" 1 "$RC"
	check_has "name '$bad' message" "$ERR" "ERROR: invalid sandbox name \"$bad\""
done
run_sbx create shell --name a.b-9 .
check_eq "dots and dashes are fine" 0 "$RC"
run_sbx create robot --name r1 .
check_eq "unknown agent" "1 ERROR: unknown agent \"robot\"" "$RC $ERR"

run_sbx ls --format json
check_has "ls --format json rows" "$OUT" '{"sandboxes":[{"id":"'
check_has "ls row fields" "$OUT" '"name":"claude-dmr","agent":"claude","status":"running","workspaces":["'"$T/my-project"'"],"created_at":"'
check_has "ro workspace" "$OUT" '"workspaces":["'"$T/extra"':ro"]'
run_sbx ls --json
check_has "ls --json has ids in the new profile" "$OUT" '"last_used_at":"'
run_sbx ls --format yaml
check_eq "bad format" 1 "$RC"
run_sbx ls
check_eq "ls table header" "SANDBOX      AGENT    STATUS    WORKSPACE" "$(echo "$OUT" | head -n 1)"

run_sbx stop claude-dmr
check_eq "stop" "0 Stopped sandbox 'claude-dmr'" "$RC $OUT"
run_sbx ls --json
check_has "stopped" "$OUT" '"name":"claude-dmr","agent":"claude","status":"stopped"'
run_sbx stop ghost
check_eq "stop missing" "1 ERROR: no sandbox named 'ghost'" "$RC $ERR"

# With the daemon down, the banner precedes the JSON on stdout (SBXI#201).
"$SBXSIM" daemon stop
run_sbx ls --json
check_eq "banner first" "Starting sandboxd daemon..." "$(echo "$OUT" | head -n 1)"
check_has "then the JSON" "$(echo "$OUT" | sed -n 2p)" '{"sandboxes":[{'
run_sbx ls --json
check_eq "banner only once" "{" "$(echo "$OUT" | cut -c1)"

run_sbx --no-input ls --json
check_eq "--no-input accepted" 0 "$RC"
if exec_works; then
	run_sbx run claude-dmr -- --model ai/devstral-small-2
	check_eq "run" 0 "$RC"
	check_eq "agent args forwarded" '{"agent_args":["--model","ai/devstral-small-2"],"detached":false}' \
		"$(cat "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/agent-run.json")"
	run_sbx run -d claude-dmr
	check_eq "run -d" 0 "$RC"
fi

# Secrets: value from stdin or -t; ls masks.
printf 'sk-ant-0123456789abcdef\n' | "$SBX" secret set anthropic >"$T/out" 2>&1
check_eq "secret from stdin" "Secret for anthropic saved (global)" "$(cat "$T/out")"
run_sbx secret set openai -t sk-openai-secret-value --sandbox sb2
check_eq "secret with -t" 0 "$RC"
run_sbx secret ls
check_has "masked" "$OUT" "anthropic   global   sk-a****cdef"
check_not_has "never the value" "$OUT" "0123456789"
run_sbx secret set nosuch -t x
check_eq "unknown service" "1 ERROR: unknown service \"nosuch\"" "$RC $ERR"
run_sbx secret rm anthropic
check_eq "secret rm" "0 Secret for anthropic removed" "$RC $OUT"
run_sbx secret rm anthropic
check_eq "secret rm missing" 1 "$RC"

run_sbx rm claude-dmr sb2
check_eq "rm" "0 Removed sandbox 'claude-dmr'
Removed sandbox 'sb2'" "$RC $OUT"
check_eq "sandbox files gone" no "$([ -e "$SBXSIM_STATE_DIR/sandboxes/claude-dmr" ] && echo yes || echo no)"
run_sbx rm claude-dmr
check_eq "rm missing" "1 ERROR: no sandbox named 'claude-dmr'" "$RC $ERR"
run_sbx frobnicate
check_eq "unknown command" "1 ERROR: unknown command \"frobnicate\" for \"sbx\"" "$RC $ERR"

# Concurrent calls never lose each other's updates (flock on the state).
PIDS=
for i in 1 2 3 4 5 6 7 8; do
	"$SBX" create shell --name "par$i" . >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
wait $PIDS
run_sbx ls --json
check_eq "eight concurrent creates" 8 "$(echo "$OUT" | grep -o '"name":"par[0-9]"' | wc -l | tr -d ' ')"
check_eq "one log line per call, none torn" "$(grep -c '"kind":"sbx"' "$SBXSIM_STATE_DIR/calls.log")" \
	"$(grep -c '^{"ts":[0-9.]*,"pid":[0-9]*,"kind":"sbx","argv":\[.*\]}$' "$SBXSIM_STATE_DIR/calls.log")"

LOG=$(cat "$SBXSIM_STATE_DIR/calls.log")
check_has "sbx argv logged" "$LOG" '"kind":"sbx","argv":["sbx","create","claude","--name","claude-dmr","."]}'
finish
