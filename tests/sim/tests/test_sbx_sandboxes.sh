# Sandboxes and secrets over the release matrix: ls --json rows, create
# (path, -e, names, clashes), run (positional vs --name), rm confirmation,
# secret set syntax and secret ls; then the daemon banner, concurrency and
# the call log.
. "$(dirname "$0")/lib.sh"
SAMPLES="$TESTS_DIR/../../conformance/sbx"

for V in $RELEASES; do
	release "$V"
	mkdir -p "$T/ws-$V/extra"
	WS="$T/ws-$V"

	# --- ls --json (ls-json@v0.31.3.txt: Go's indented JSON).
	run_sbx ls --json
	check_eq "$V empty ls" '0 {
  "sandboxes": []
}' "$RC $OUT"
	run_sbx create shell --name sb1 .
	check_eq "$V create" "0 Created sandbox 'sb1'" "$RC $OUT"
	run_sbx ls --json
	if [ "$N" -lt 3300 ]; then
		check_eq "$V ls --json rows" '{
  "sandboxes": [
    {
      "name": "sb1",
      "agent": "shell",
      "status": "running",
      "workspaces": [
        "'"$WS"'"
      ]
    }
  ]
}' "$OUT"
	else
		check_like "$V ls --json adds id" "$OUT" '{
  "sandboxes": [
    {
      "id": "*",
      "name": "sb1",
      "agent": "shell",
      "status": "running",
      "workspaces": *'
	fi
	if [ "$N" -ge 4300 ]; then check_has "$V last used" "$OUT" '"last_used_at": "'; else check_not_has "$V no last used" "$OUT" last_used; fi
	if [ "$N" -ge 4500 ]; then
		check_has "$V created_at" "$OUT" '"created_at": "'
		check_has "$V cpus" "$OUT" '"cpus": '
		check_has "$V memory" "$OUT" '"memory": "'
	else
		check_not_has "$V no created_at" "$OUT" created_at
	fi
	run_sbx ls -q
	check_eq "$V ls -q" "0 sb1" "$RC $OUT"
	run_sbx list --json
	check_like "$V list is ls" "$RC $OUT" "0 {*sb1*"
	run_sbx ls
	check_eq "$V ls table" "SANDBOX   AGENT   STATUS    PORTS   WORKSPACE
sb1       shell   running   -       $WS" "$OUT"

	# --- create.
	run_sbx create shell --name sb2
	if [ "$N" -lt 4200 ]; then
		# `create shell` is the agent's subcommand (docs@00ba4d3 sbx_create.yaml).
		check_eq "$V path required" "1 ERROR: requires at least 1 arg(s), only received 0" "$RC $ERR"
		run_sbx create --name sb2 robot
		check_eq "$V path required (create itself)" "1 ERROR: requires at least 2 arg(s), only received 1" "$RC $ERR"
	else
		check_eq "$V path optional" "0 Created sandbox 'sb2'" "$RC $OUT"
		run_sbx rm -f sb2
	fi
	run_sbx create shell --name sb2 -e FOO=bar -e 'Q=it'"'"'s' . "$WS/extra:ro"
	if [ "$N" -lt 3900 ]; then
		check_eq "$V no -e" "1 ERROR: unknown shorthand flag: 'e' in -e" "$RC $ERR"
		run_sbx create shell --name sb2 --env-file x .
		check_eq "$V no --env-file" "1 ERROR: unknown flag: --env-file" "$RC $ERR"
		run_sbx create shell --name sb2 . "$WS/extra:ro"
	fi
	check_eq "$V create sb2" 0 "$RC"
	check_has "$V ro workspace" "$(tr -d ' \t\n' <"$SBXSIM_STATE_DIR/sandboxes.json")" "\"$WS/extra:ro\""
	if [ "$N" -ge 3900 ]; then
		check_has "$V env stored" "$(tr -d ' \t\n' <"$SBXSIM_STATE_DIR/sandboxes.json")" '"env":{"FOO":"bar","Q":"it'"'"'s"}'
	fi
	LONG=abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij
	run_sbx create shell --name "$LONG" .
	if [ "$N" -ge 4300 ]; then
		check_eq "$V names of 64+" "1 ERROR: invalid sandbox name \"$LONG\": must be at most 63 characters" "$RC $ERR"
	else
		check_eq "$V long names" 0 "$RC"
		if [ "$N" -lt 2900 ]; then run_sbx rm "$LONG"; else run_sbx rm -f "$LONG"; fi
	fi
	run_sbx create shell --name sb1 .
	if [ "$N" -ge 3300 ]; then
		check_eq "$V clash (error-create-exists@v0.33plus-i127.txt)" "1 ERROR: sandbox \"sb1\" already exists for this workspace; use 'sbx run --name sb1' to start it, or pass --name to create another" "$RC $ERR"
	else
		check_eq "$V clash" "1 ERROR: sandbox 'sb1' already exists" "$RC $ERR"
	fi
	run_sbx create robot --name r1 .
	check_eq "$V unknown agent" "1 ERROR: unknown agent \"robot\"" "$RC $ERR"
	for bad in a -ab default 'a b' x_y; do
		run_sbx create shell --name "$bad" .
		check_like "$V name '$bad' refused" "$RC $ERR" "1 ERROR: *"
	done
	run_sbx create --name ag1 claude .
	check_eq "$V create AGENT via the agent subcommand" "0 Created sandbox 'ag1'" "$RC $OUT"
	run_sbx create shell --branch x --name br1 .
	if [ "$N" -ge 3100 ]; then
		check_eq "$V --branch removed (error-run-branch@v0.31.0.txt)" "1 ERROR: --branch is no longer supported; use --clone instead" "$RC $ERR"
	else
		check_eq "$V --branch" 0 "$RC"
	fi
	run_sbx create gemini --name gm1 .
	if [ "$N" -ge 5300 ]; then check_eq "$V gemini retired" 1 "$RC"; else check_eq "$V gemini" 0 "$RC"; fi

	# --- run: -d is hidden but works; the positional form is deprecated from v0.33.
	run_sbx run sb1 -d
	check_eq "$V run SANDBOX -d" 0 "$RC"
	if [ "$N" -ge 3300 ]; then
		check_eq "$V run SANDBOX warns" "WARN: \"sbx run sb1\" is deprecated; use \"sbx run --name sb1\" instead" "$ERR"
		run_sbx run --name sb1 -d
		check_eq "$V run --name" "0 " "$RC $ERR"
		run_sbx run --name ghost -d
		check_eq "$V run --name of nothing" 1 "$RC"
	else
		check_eq "$V run SANDBOX, no warning" "" "$ERR"
	fi
	run_sbx run shell -d --name rn1 "$WS/extra" -- --flag
	check_eq "$V run AGENT creates" "0 Created sandbox 'rn1'" "$RC $OUT"
	check_eq "$V agent args" '{"agent_args":["--flag"],"detached":true}' "$(cat "$SBXSIM_STATE_DIR/sandboxes/rn1/agent-run.json")"

	# --- rm asks from v0.29: no terminal and no --force fails, saying what to run.
	run_sbx rm rn1
	if [ "$N" -lt 2900 ]; then
		check_eq "$V rm without a prompt" "0 Removed sandbox 'rn1'" "$RC $OUT"
		run_sbx rm -f sb2
		check_eq "$V no -f before v0.29" "1 ERROR: unknown shorthand flag: 'f' in -f" "$RC $ERR"
	else
		check_eq "$V rm needs a confirmation" "1 ERROR: confirmation required and no terminal to ask: run \"sbx rm --force rn1\"" "$RC $ERR"
		run_sbx rm --force rn1
		check_eq "$V rm --force" "0 Removed sandbox 'rn1'" "$RC $OUT"
	fi
	run_sbx rm ghost
	check_eq "$V rm missing" 1 "$RC"

	# --- secrets: scope first before v0.38, SERVICE [--sandbox] after.
	run_sbx secret set github -t github_pat_0123456789
	if [ "$N" -lt 3800 ]; then
		check_eq "$V secret scope required" "1 ERROR: either --global (-g) or a sandbox name is required" "$RC $ERR"
		run_sbx secret set -g github -t github_pat_0123456789
		check_eq "$V secret set -g" 0 "$RC"
		run_sbx secret set sb1 openai -t sk-openai-0123456789
		check_eq "$V secret set SANDBOX SERVICE" "0 " "$RC $ERR"
		run_sbx secret set openai --sandbox sb1 -t x
		check_eq "$V no --sandbox" "1 ERROR: unknown flag: --sandbox" "$RC $ERR"
	else
		check_eq "$V secret global by default" "0 " "$RC $ERR"
		run_sbx secret set -g github -t github_pat_0123456789 -f
		check_eq "$V secret set -g warns" "0 Flag --global has been deprecated, secrets are global by default; use --sandbox to scope one to a sandbox" "$RC $ERR"
		run_sbx secret set sb1 openai -t sk-openai-0123456789
		check_eq "$V secret set SANDBOX SERVICE warns" "0 WARN: \"sbx secret set SANDBOX SERVICE\" is deprecated; use \"sbx secret set SERVICE --sandbox SANDBOX\"" "$RC $ERR"
		run_sbx secret set openai --sandbox sb1 -t sk-openai-0123456789
		check_eq "$V secret exists: -t needs -f" 1 "$RC"
		printf 'sk-openai-9876543210\n' | "$SBX" secret set openai --sandbox sb1 >"$T/out" 2>&1
		check_eq "$V secret from stdin" "Secret for openai saved (sb1)" "$(cat "$T/out")"
	fi
	run_sbx secret ls -g
	check_eq "$V secret ls (secret-ls@v0.28.1.txt)" "$(sed '1,/^---$/d' "$SAMPLES/secret-ls@v0.28.1.txt")" "$OUT"
	run_sbx secret ls
	check_has "$V sandbox secret" "$OUT" "sb1        openai    sk-ope********...********"
	check_not_has "$V never the value" "$OUT" "0123456789"
	run_sbx secret set -g aws -t x
	[ "$N" -ge 3800 ] && run_sbx secret set aws -t x
	if [ "$N" -lt 3800 ]; then check_eq "$V aws" 0 "$RC"; else check_eq "$V no aws" "1 ERROR: unknown service \"aws\"" "$RC $ERR"; fi
	if [ "$N" -lt 3800 ]; then run_sbx secret set -g copilot -t x; else run_sbx secret set copilot -t x; fi
	if [ "$N" -ge 4200 ]; then check_eq "$V copilot" 0 "$RC"; else check_eq "$V no copilot" 1 "$RC"; fi
	# rm's own form: positional before v0.39 (so v0.38 pairs the new set with the old rm), --sandbox
	# from v0.39.0 with its words (sbx-releases#555)
	if [ "$N" -lt 3900 ]; then run_sbx secret rm -g github; else run_sbx secret rm github; fi
	check_like "$V secret rm asks" "$RC $ERR" "1 ERROR: confirmation required*"
	if [ "$N" -lt 3900 ]; then run_sbx secret rm -g github -f; else run_sbx secret rm github -f; fi
	if [ "$N" -lt 3900 ]; then
		check_eq "$V secret rm -f" "0 Secret for github removed" "$RC $OUT"
		run_sbx secret rm openai --sandbox sb1 -f
		check_eq "$V no rm --sandbox" "1 ERROR: unknown flag: --sandbox" "$RC $ERR"
	else
		check_eq "$V secret rm -f" "0 Deleted secret for service \"github\" in scope \"(global)\"" "$RC $OUT"
		run_sbx secret rm openai --sandbox sb1 -f
		check_eq "$V secret rm --sandbox" "0 Deleted secret for service \"openai\" in scope \"sb1\"" "$RC $OUT"
		run_sbx secret ls sb1
		check_eq "$V an empty scope is a sentence (secret-ls-empty@v0.39.0-i518.txt)" \
			"$(sed '1,/^---$/d' "$SAMPLES/secret-ls-empty@v0.39.0-i518.txt" | sed 's/codex-test2/sb1/')" "$OUT"
	fi
	if [ "$N" -lt 2900 ]; then run_sbx rm sb1; else run_sbx rm -f sb1; fi
	run_sbx secret ls sb1
	check_not_has "$V rm drops the sandbox's secrets" "$OUT" "openai"

	# --- the banner comes first on stdout when the daemon was down (ls-json@v0.31.3.txt).
	"$SBXSIM" daemon stop
	run_sbx ls --json
	check_eq "$V banner" "Starting sandboxd daemon..." "$(echo "$OUT" | head -n 1)"
	check_like "$V banner line 2" "$(echo "$OUT" | sed -n 2p)" "Daemon started (PID: *, socket: */sandboxd.sock)"
	check_like "$V banner line 3" "$(echo "$OUT" | sed -n 3p)" "Logs: */daemon.log"
	check_eq "$V then the JSON" "{" "$(echo "$OUT" | sed -n 4p)"
	run_sbx ls --json
	check_eq "$V banner only once" "{" "$(echo "$OUT" | head -n 1)"
	"$SBXSIM" daemon stop
	run_sbx ls --help
	check_not_has "$V no banner for help" "$OUT" "Starting sandboxd"
	run_sbx version
	check_not_has "$V no banner for version" "$OUT" "Starting sandboxd"
	"$SBXSIM" daemon start
done

# Concurrent calls never lose each other's updates (flock on the state).
release 0.45.1 -par
PIDS=
for i in 1 2 3 4 5 6 7 8; do
	SBXSIM_LATENCY_MS=300 "$SBX" create shell --name "par$i" . >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
# shellcheck disable=SC2086
wait $PIDS
run_sbx ls -q
check_eq "eight concurrent creates" 8 "$(echo "$OUT" | grep -c '^par[0-9]$')"
check_eq "one log line per call, none torn" "$(grep -c '"kind":"sbx"' "$SBXSIM_STATE_DIR/calls.log")" \
	"$(grep -c '^{"ts":[0-9.]*,"pid":[0-9]*,"kind":"sbx","argv":\[.*\],"concurrent":[0-9]*}$' "$SBXSIM_STATE_DIR/calls.log")"
check_has "sbx argv logged" "$(cat "$SBXSIM_STATE_DIR/calls.log")" '"kind":"sbx","argv":["sbx","ls","-q"],"concurrent":0}'
check_eq "the eight creates overlapped (each lasts 300 ms: one saw another running)" 1 \
	"$(grep -c '"argv":\["sbx","create".*"concurrent":[1-7]}' "$SBXSIM_STATE_DIR/calls.log" | awk '{ print ($1 > 0) }')"
check_eq "and none is left in flight" 0 "$(ls "$SBXSIM_STATE_DIR/inflight" | wc -l | tr -d ' ')"

# Declining the rm prompt: exit 0 until v0.45, 1 from then (needs a terminal: script(1)).
if script -qec true /dev/null >/dev/null 2>&1; then
	for V in 0.44.0 0.45.1; do
		release "$V" -decline
		run_sbx create shell --name keep .
		echo n | script -qec "$SBX rm keep" /dev/null >"$T/out" 2>&1
		RC=$?
		if [ "$V" = 0.44.0 ]; then
			check_eq "$V declined rm" 0 "$RC"
			check_has "$V declined rm says so" "$(cat "$T/out")" "Cancelled."
		else
			check_eq "$V declined rm fails" 1 "$RC"
			check_has "$V declined rm says so" "$(cat "$T/out")" "ERROR: removal cancelled"
		fi
		run_sbx ls -q
		check_eq "$V still there" keep "$OUT"
	done
fi

if exec_works; then
	# The guide's env step works the same in every release.
	for V in 0.28.3 0.45.1; do
		release "$V" -guide
		run_sbx create claude --name claude-dmr .
		run_sbx exec -d claude-dmr bash -c "echo 'export ANTHROPIC_BASE_URL=http://host.docker.internal:12434' >> /etc/sandbox-persistent.sh"
		check_eq "$V guide step 4" 0 "$RC"
		check_eq "$V written into the sandbox" "export ANTHROPIC_BASE_URL=http://host.docker.internal:12434" \
			"$(cat "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/etc/sandbox-persistent.sh")"
		run_sbx run --name claude-dmr -- --model ai/devstral-small-2
		[ "$N" -lt 3300 ] && run_sbx run claude-dmr -- --model ai/devstral-small-2
		check_eq "$V run" 0 "$RC"
		check_has "$V agent sees the env" "$(cat "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/agent-env.txt")" \
			"ANTHROPIC_BASE_URL=http://host.docker.internal:12434"
	done
fi
finish
