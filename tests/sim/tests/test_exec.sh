# sbx exec: real processes against the sandbox's own /etc, argv untouched.
. "$(dirname "$0")/lib.sh"
if ! exec_works; then
	echo "SKIP: no root and no unprivileged user namespaces"
	exit 77
fi
mkdir -p "$T/ws" && cd "$T/ws" || exit 1
run_sbx create claude --name box .
check_eq "create" 0 "$RC"
ETC="$SBXSIM_STATE_DIR/sandboxes/box/etc"
check_eq "persistent file exists, empty" "yes 0" "$([ -f "$ETC/sandbox-persistent.sh" ] && echo yes) $(wc -c <"$ETC/sandbox-persistent.sh" | tr -d ' ')"

WEIRD="it's \$(touch pwned) \`id\` \"quoted\" \\ \${HOME} 😀"
run_sbx exec box printf '%s' "$WEIRD"
check_eq "argv byte for byte" "$WEIRD" "$OUT"
run_sbx exec box bash -c 'printf "%s\n" "$1" >> /etc/sandbox-persistent.sh' sbxapply "$WEIRD"
check_eq "weird value in the sandbox file" "$WEIRD" "$(cat "$ETC/sandbox-persistent.sh")"
check_eq "nothing was executed" "" "$(find "$T" "$SBXSIM_STATE_DIR" -name pwned)"
check_eq "host /etc untouched" no "$([ -e /etc/sandbox-persistent.sh ] && echo yes || echo no)"
: >"$ETC/sandbox-persistent.sh"

# The guide's step 4, twice: the line is duplicated (docs/backends.md §11).
for i in 1 2; do
	run_sbx exec -d box bash -c "echo 'export ANTHROPIC_BASE_URL=http://host.docker.internal:12434' >> /etc/sandbox-persistent.sh"
	check_eq "exec -d $i" 0 "$RC"
done
check_eq "appended twice" 2 "$(grep -c '^export ANTHROPIC_BASE_URL=http://host.docker.internal:12434$' "$ETC/sandbox-persistent.sh")"
# -e and --env-file read as create reads them: a file in order, -e winning, a bad name refused
printf 'FROM_FILE=one\nBOTH=file\n' >"$T/exec.env"
run_sbx exec --env-file "$T/exec.env" -e BOTH=flag box sh -c 'printf "%s %s" "$FROM_FILE" "$BOTH"'
check_eq "exec -e wins over --env-file" "0 one flag" "$RC $OUT"
run_sbx exec -e 1BAD=x box true
check_eq "exec -e refuses a bad name" "1 ERROR: invalid environment variable \"1BAD=x\": expected KEY=VALUE" "$RC $ERR"
run_sbx exec box bash -lc 'echo "$ANTHROPIC_BASE_URL"'
check_eq "login shell sources it" "http://host.docker.internal:12434" "$OUT"
run_sbx exec box sh -c 'echo "[$ANTHROPIC_BASE_URL]"'
check_eq "plain exec does not" "[]" "$OUT"
run_sbx exec box bash -c 'echo "$ANTHROPIC_BASE_URL"'
check_eq "bash -c does (BASH_ENV)" "http://host.docker.internal:12434" "$OUT"

run_sbx exec box sh -c 'exit 7'
check_eq "exit code returned" 7 "$RC"
run_sbx exec -d box sh -c 'exit 7'
check_eq "-d loses the exit code" 0 "$RC"
run_sbx exec box sh -c 'kill -TERM $$'
check_eq "signal as 128+n" 143 "$RC"
run_sbx exec box no-such-binary
check_eq "missing binary" "127 ERROR: exec: \"no-such-binary\": executable file not found in \$PATH" "$RC $ERR"
run_sbx exec box pwd
check_eq "runs in the workspace" "$T/ws" "$OUT"

printf 'secret-value\n' | "$SBX" exec -i box sh -c 'cat > /etc/from-stdin' >/dev/null
check_eq "-i forwards stdin" "secret-value" "$(cat "$ETC/from-stdin")"
printf 'ignored\n' | "$SBX" exec box sh -c 'cat; echo end' >"$T/o"
check_eq "without -i stdin is empty" "end" "$(cat "$T/o")"

run_sbx stop box
run_sbx exec box true
run_sbx ls --json
check_has "exec starts a stopped sandbox" "$(echo "$OUT" | tr -d ' \n')" '"name":"box","agent":"claude","status":"running"'
check_has "started without its MCP gateway (docs/backends.md §8)" "$(tr -d ' \t\n' <"$SBXSIM_STATE_DIR/sandboxes.json")" '"name":"box","agent":"claude","status":"running"'
check_has "mcp_gateway false" "$(tr -d ' \t\n' <"$SBXSIM_STATE_DIR/sandboxes.json" | sed 's/.*"name":"box"//; s/"name":.*//')" '"mcp_gateway":false'
run_sbx run --name box -d
check_eq "run --name NAME -d" 0 "$RC"
check_has "run starts it fully" "$(tr -d ' \t\n' <"$SBXSIM_STATE_DIR/sandboxes.json" | sed 's/.*"name":"box"//; s/"name":.*//')" '"mcp_gateway":true'
run_sbx exec ghost true
check_eq "missing sandbox (v0.42+)" "1 ERROR: sandbox 'ghost' not found" "$RC $ERR"
SBXSIM_SBX_VERSION=0.39.0 "$SBX" exec ghost true 2>"$T/err"
check_eq "missing sandbox before v0.42 (error-exec-no-sandbox@unknown-i504.txt)" "1 ERROR: no sandbox named 'ghost'

To create one:
  sbx create AGENT WORKSPACE" "$? $(cat "$T/err")"
run_sbx exec box
check_eq "exec needs a command" 1 "$RC"

# Env given at create (v0.39+) reaches every exec.
run_sbx create shell --name envbox -e 'GREETING=hello world' .
run_sbx exec envbox sh -c 'echo "$GREETING"'
check_eq "create -e env" "hello world" "$OUT"

# A running session blocks rm until --force (v0.35+), after the prompt was
# answered: a terminal is needed for that (script(1)).
"$SBX" exec box sleep 5 >/dev/null 2>&1 &
EPID=$!
sleep 0.3
run_sbx rm box
check_eq "rm asks first" "1 ERROR: confirmation required and no terminal to ask: run \"sbx rm --force box\"" "$RC $ERR"
if script -qec true /dev/null >/dev/null 2>&1; then
	echo y | script -qec "$SBX rm box" /dev/null >"$T/out" 2>&1
	check_eq "rm refuses an active session" 1 "$?"
	check_has "rm refuses an active session: why" "$(cat "$T/out")" "ERROR: sandbox 'box' has an active session; use --force to remove it"
	echo y | SBXSIM_SBX_VERSION=0.34.0 script -qec "$SBX rm box" /dev/null >"$T/out" 2>&1
	check_eq "before v0.35 rm does not look for sessions" 0 "$?"
	run_sbx create claude --name box .
	"$SBX" exec box sleep 5 >/dev/null 2>&1 &
	EPID2=$!
	sleep 0.3
fi
run_sbx rm -f box
check_eq "rm -f removes a sandbox in use" "0 Removed sandbox 'box'" "$RC $OUT"
kill "$EPID" ${EPID2:-} 2>/dev/null
wait "$EPID" ${EPID2:-} 2>/dev/null
check_eq "gone with rm" no "$([ -e "$ETC/sandbox-persistent.sh" ] && echo yes || echo no)"
finish
