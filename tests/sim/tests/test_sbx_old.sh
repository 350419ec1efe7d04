# The older sbx profile (about v0.31), FACTS.md section 6 table.
. "$(dirname "$0")/lib.sh"
export SBXSIM_SBX_VERSION=old
mkdir -p "$T/my-project"
cd "$T/my-project" || exit 1

run_sbx version
check_eq "version" "0 Client Version:  v0.31.2 4f1c2e9" "$RC $OUT"
run_sbx create claude --name claude-dmr
check_eq "path required before v0.42" "1 ERROR: requires at least 2 arg(s), only received 1" "$RC $ERR"
run_sbx create claude --name claude-dmr . -e FOO=bar
check_eq "no -e before v0.39" "1 ERROR: unknown shorthand flag: 'e' in -e" "$RC $ERR"
run_sbx create claude --name claude-dmr . --env-file x
check_eq "no --env-file before v0.39" "1 ERROR: unknown flag: --env-file" "$RC $ERR"
run_sbx create claude --name claude-dmr .
check_eq "create" "0 Created sandbox 'claude-dmr'" "$RC $OUT"

run_sbx ls --json
check_eq "old ls --json shape" '0 {"sandboxes":[{"name":"claude-dmr","agent":"claude","status":"running","workspaces":["'"$T/my-project"'"]}]}' "$RC $OUT"
run_sbx ls --format json
check_eq "no --format" "1 ERROR: unknown flag: --format" "$RC $ERR"
run_sbx --no-input ls
check_eq "no --no-input" "1 ERROR: unknown flag: --no-input" "$RC $ERR"

run_sbx policy init balanced
check_eq "init" 0 "$RC"
run_sbx policy allow network localhost:12434
check_eq "old scope is required" "1 ERROR: either --global (-g) or a sandbox name is required" "$RC $ERR"
run_sbx policy allow network --sandbox claude-dmr localhost:12434
check_eq "no --sandbox in the old CLI" "1 ERROR: unknown flag: --sandbox" "$RC $ERR"
run_sbx policy allow network -g localhost:12434
check_eq "allow -g" 0 "$RC"
run_sbx policy allow network claude-dmr api.example.com
check_eq "allow for a sandbox" 0 "$RC"
run_sbx policy allow network ghost api.example.com
check_eq "allow for a missing sandbox" "1 ERROR: no sandbox named 'ghost'" "$RC $ERR"
run_sbx policy ls
check_eq "old table header" "NAME                                   TYPE               ORIGIN               DECISION   STATUS   RESOURCES" "$(echo "$OUT" | head -n 1)"
check_has "old table global row" "$OUT" "network            global               allow      active   localhost:12434"
check_has "old table sandbox row" "$OUT" "network            sandbox:claude-dmr   allow      active   api.example.com"
run_sbx policy ls --json
check_eq "no policy ls --json before v0.42 (SBXI#290)" "1 ERROR: unknown flag: --json" "$RC $ERR"
run_sbx policy ls --wide
check_eq "no --wide before v0.35" "1 ERROR: unknown flag: --wide" "$RC $ERR"
run_sbx policy check network claude-dmr api.example.com
check_eq "check with sandbox" "Allowed: api.example.com" "$OUT"
run_sbx policy check network api.example.com
check_has "check global" "$OUT" "Denied: api.example.com"
run_sbx policy rm network --resource localhost:12434
check_eq "old rm needs a scope" 1 "$RC"
run_sbx policy rm network -g --resource localhost:12434
check_has "old rm -g" "$RC $OUT" "0 Rule "
run_sbx policy ls
check_not_has "rule gone" "$OUT" "localhost:12434"

if exec_works; then
	# exec works the same in both profiles; and the guide's env step is the only way.
	run_sbx exec claude-dmr sh -c 'echo "$FOO"'
	check_eq "no env at create in the old CLI" "0 " "$RC $OUT"
	run_sbx exec -d claude-dmr bash -c "echo 'export ANTHROPIC_BASE_URL=http://host.docker.internal:12434' >> /etc/sandbox-persistent.sh"
	check_eq "guide step 4" 0 "$RC"
	check_eq "written into the sandbox" "export ANTHROPIC_BASE_URL=http://host.docker.internal:12434" \
		"$(cat "$SBXSIM_STATE_DIR/sandboxes/claude-dmr/etc/sandbox-persistent.sh")"
fi
finish
