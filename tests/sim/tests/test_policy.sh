# Network policy semantics in v0.45 (docs/backends.md §9): init, evaluation
# by `policy check`, kit and org rules, duplicates.  The per-release syntax
# and formats are in test_sbx_policies.sh.
. "$(dirname "$0")/lib.sh"
export SBXSIM_SBX_VERSION=0.45.1
mkdir -p "$T/p" && cd "$T/p" || exit 1

# A store nobody initialised yet (most are: that is the default).
export SBXSIM_POLICY_UNINITIALISED=1
run_sbx policy allow network localhost:12434
check_eq "allow before init" "1 ERROR: default network policy has not been configured" "$RC $ERR"
run_sbx policy init locked
check_eq "bad init mode" "1 ERROR: invalid policy \"locked\": must be one of allow-all, balanced, deny-all" "$RC $ERR"
run_sbx policy init deny-all
check_eq "init" "0 Global network policy initialized: deny-all" "$RC $OUT"
run_sbx policy init balanced
check_eq "second init" "1 ERROR: global network policy is already initialized" "$RC $ERR"
unset SBXSIM_POLICY_UNINITIALISED

"$SBXSIM" seed-rule kit corp-kit allow pypi.org >"$T/kitid"
KIT=$(cat "$T/kitid")
"$SBXSIM" seed-rule org acme deny '**.evil.example' >/dev/null
run_sbx create shell --name sb1 .
run_sbx policy allow network localhost:12434
check_like "allow, global by default" "$RC $OUT" "0 Policy added: * (localhost:12434)"
run_sbx policy allow network --sandbox sb1 'api.example.com,*.example.org'
check_eq "sandbox scope" 0 "$RC"
run_sbx policy allow network 'bad host'
check_eq "invalid resource" "1 ERROR: invalid network resource \"bad host\"" "$RC $ERR"
run_sbx policy allow network localhost:12434
run_sbx policy ls --json
check_eq "allowing twice duplicates the rule" 2 "$(echo "$OUT" | grep -c '"localhost:12434"')"
check_like "kit rule listed" "$OUT" '*"id": "'"$KIT"'",
*"origin": "kit",
*"status": "active",
*"editable": false*'
check_like "org rule listed" "$OUT" '*"origin": "org",*"organization": "acme"*'
SBXSIM_POLICY_DUP=noop "$SBX" policy allow network localhost:12434 >/dev/null
run_sbx policy ls --json
check_eq "noop mode adds nothing" 2 "$(echo "$OUT" | grep -c '"localhost:12434"')"
SBXSIM_POLICY_DUP=error "$SBX" policy allow network localhost:12434 >/dev/null 2>"$T/err"
check_eq "error mode" 'ERROR: a allow rule for "localhost:12434" already exists' "$(cat "$T/err")"

run_sbx policy ls
check_like "per-policy rows" "$OUT" "POLICY *SOURCE   APPLIES TO    SUMMARY
local-policy *local    all           network: 2 allow; filesystem read: 1 allow; filesystem write: 1 allow
default-deny-all *local    all           network: 1 deny
corp-kit *kit      all           network: 1 allow
acme *org      all           network: 1 deny
local-policy *local    sandbox:sb1   network: 2 allow"

# Deny beats allow; host.docker.internal is matched as localhost.
run_sbx policy check network host.docker.internal:12434
check_eq "deny-all beats the allow" "Denied: host.docker.internal:12434 (rule default-deny-all)" "$OUT"
run_sbx policy rm network --id default-deny-all
check_eq "presets cannot be removed" 1 "$RC"
run_sbx policy check network --json pypi.org
check_like "check --json" "$OUT" '{
  "target": "pypi.org",
  "allowed": false,
  "rule_id": "default-deny-all"
}'

# The same rules on a balanced store: the allows take effect.
export SBXSIM_STATE_DIR="$T/balanced"
run_sbx create shell --name sb1 .
"$SBXSIM" seed-rule kit corp-kit allow pypi.org >"$T/kitid"
KIT=$(cat "$T/kitid")
"$SBXSIM" seed-rule org acme deny '**.evil.example' >/dev/null
run_sbx policy allow network localhost:12434
run_sbx policy allow network --sandbox sb1 'api.example.com,*.example.org'
run_sbx policy check network host.docker.internal:12434
check_eq "allowed via localhost" "Allowed: host.docker.internal:12434" "$OUT"
run_sbx policy check network 127.0.0.1:12434
check_like "127.0.0.1 is another resource" "$OUT" "Denied: 127.0.0.1:12434*"
run_sbx policy check network --sandbox sb1 a.example.org
check_eq "sandbox rule, one level" "Allowed: a.example.org" "$OUT"
run_sbx policy check network --sandbox sb1 a.b.example.org
check_like "one level only" "$OUT" "Denied:*"
run_sbx policy check network a.example.org
check_like "sandbox rules stay in their sandbox" "$OUT" "Denied:*"
run_sbx policy check network x.y.evil.example
check_like "org deny" "$OUT" "Denied: x.y.evil.example*"
run_sbx policy check network https://github.com/docker/sbx-releases
check_eq "URLs and the preset's allows" "Allowed: https://github.com/docker/sbx-releases" "$OUT"
run_sbx policy check network 169.254.169.254
check_eq "the preset's deny" "Denied: 169.254.169.254 (rule default-deny-cloud-metadata)" "$OUT"

# rm never touches kit or org rules.
run_sbx policy rm network --id "$KIT"
check_eq "kit rule protected" "1 ERROR: rule '$KIT' comes from kit policy 'corp-kit' and cannot be removed" "$RC $ERR"
run_sbx policy rm network --resource pypi.org
check_eq "kit rule not matched by resource" "1 ERROR: no network rule for \"pypi.org\"" "$RC $ERR"
run_sbx policy rm network --resource localhost:12434
check_like "rm by resource" "$RC $OUT" "0 Policy removed: * (localhost:12434)"
run_sbx policy allow network --sandbox sb1 'api.example.com'
run_sbx policy rm network --sandbox sb1 --resource api.example.com
check_eq "rm removes both duplicates" 2 "$(echo "$OUT" | grep -c 'removed')"
run_sbx policy ls --json
check_has "the other sandbox rule stays" "$OUT" '"*.example.org"'
check_has "kit untouched" "$OUT" '"pypi.org"'
run_sbx policy rm network --id nosuch
check_eq "rm unknown id" "1 ERROR: no policy rule with id 'nosuch'" "$RC $ERR"

# SBXSIM_POLICY_INIT picks the preset of a new store.
export SBXSIM_STATE_DIR="$T/state3"
SBXSIM_POLICY_INIT=allow-all "$SBX" policy ls --wide >"$T/out"
check_has "allow-all preset" "$(cat "$T/out")" "default-allow-all"
SBXSIM_POLICY_INIT=nonsense "$SBX" policy ls >/dev/null 2>"$T/err"
check_eq "store exists: the variable no longer matters" "" "$(cat "$T/err")"
finish
