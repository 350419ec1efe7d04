# Network policy in the newer profile (FACTS.md section 6).
. "$(dirname "$0")/lib.sh"
export SBXSIM_SBX_VERSION=new
mkdir -p "$T/p" && cd "$T/p" || exit 1

run_sbx policy allow network localhost:12434
check_eq "allow before init" "1 ERROR: global network policy is not initialized: run 'sbx policy init' first" "$RC $ERR"
run_sbx policy init locked
check_eq "bad init mode" 1 "$RC"
run_sbx policy init deny-all
check_eq "init" "0 Global network policy initialized: deny-all" "$RC $OUT"
run_sbx policy init balanced
check_eq "second init" "1 ERROR: global network policy is already initialized" "$RC $ERR"

# The exact sample of SBXI#588 for a Locked Down store.
run_sbx policy ls --wide
check_eq "wide table" "SOURCE   APPLIES TO   POLICY             POLICY_ID      RULE   RULE_ID                      TYPE               DECISION   RESOURCES
local    all          -                  local-policy   -      default-fs-read-allow-all    filesystem:read    allow      **

local    all          -                  local-policy   -      default-fs-write-allow-all   filesystem:write   allow      **

local    all          default-deny-all   -              -      default-deny-all             network            deny       **" "$OUT"

"$SBXSIM" seed-rule kit corp-kit allow pypi.org >"$T/kitid"
KIT=$(cat "$T/kitid")
"$SBXSIM" seed-rule org acme deny '**.evil.example' >/dev/null
run_sbx create shell --name sb1 .
run_sbx policy allow network localhost:12434
check_has "allow, global by default" "$RC $OUT" "0 Rule "
check_has "allow output" "$OUT" " added: allow network localhost:12434"
run_sbx policy allow network -g localhost:12434
check_eq "no -g in the new CLI" "1 ERROR: unknown shorthand flag: 'g' in -g" "$RC $ERR"
run_sbx policy allow network --sandbox sb1 'api.example.com,*.example.org'
check_eq "sandbox scope" 0 "$RC"
run_sbx policy allow network 'bad host'
check_eq "invalid resource" "1 ERROR: invalid network resource \"bad host\"" "$RC $ERR"
run_sbx policy allow network localhost:12434
run_sbx policy ls --json
check_eq "allowing twice duplicates the rule" 2 "$(echo "$OUT" | grep -o '"resources":\["localhost:12434"\]' | wc -l | tr -d ' ')"
check_has "json shape" "$OUT" '{"rules":[{"rule_id":"default-fs-read-allow-all","policy":"-","policy_id":"local-policy","rule":"-","source":"local","applies_to":"all","type":"filesystem:read","decision":"allow","resources":["**"]}'
check_has "kit rule listed" "$OUT" '"rule_id":"'"$KIT"'","policy":"corp-kit","policy_id":"corp-kit","rule":"-","source":"kit"'
SBXSIM_POLICY_DUP=noop "$SBX" policy allow network localhost:12434 >/dev/null
run_sbx policy ls --json
check_eq "noop mode adds nothing" 2 "$(echo "$OUT" | grep -o '"resources":\["localhost:12434"\]' | wc -l | tr -d ' ')"

run_sbx policy ls
check_eq "per-policy header" "POLICY             SOURCE   APPLIES TO   SUMMARY" "$(echo "$OUT" | head -n 1)"
check_has "per-policy sandbox row" "$OUT" "local-policy       local    sb1          allow network api.example.com,*.example.org"
check_has "kit row" "$OUT" "corp-kit           kit      all          allow network pypi.org"
run_sbx policy ls --wide
check_has "wide has blank separators" "$OUT" "

local    all"

# Deny beats allow; host.docker.internal is matched as localhost.
run_sbx policy check network host.docker.internal:12434
check_has "deny-all beats the allow" "$OUT" "Denied: host.docker.internal:12434 (rule default-deny-all)"
run_sbx policy rm network --id default-deny-all
check_eq "defaults can go by id" 0 "$RC"
run_sbx policy check network host.docker.internal:12434
check_eq "allowed via localhost" "Allowed: host.docker.internal:12434" "$OUT"
run_sbx policy check network 127.0.0.1:12434
check_has "127.0.0.1 is another resource" "$OUT" "Denied: 127.0.0.1:12434"
run_sbx policy check network --sandbox sb1 a.example.org
check_eq "sandbox rule, one level" "Allowed: a.example.org" "$OUT"
run_sbx policy check network --sandbox sb1 a.b.example.org
check_has "one level only" "$OUT" "Denied:"
run_sbx policy check network x.y.evil.example
check_has "org deny" "$OUT" "Denied: x.y.evil.example"

# rm never touches kit or org rules.
run_sbx policy rm network --id "$KIT"
check_eq "kit rule protected" "1 ERROR: rule '$KIT' comes from kit policy 'corp-kit' and cannot be removed" "$RC $ERR"
run_sbx policy rm network --resource pypi.org
check_eq "kit rule not matched by resource" "1 ERROR: no network rule for \"pypi.org\"" "$RC $ERR"
run_sbx policy rm network --resource localhost:12434
check_eq "rm removes both duplicates" 2 "$(echo "$OUT" | grep -c 'removed')"
run_sbx policy rm network --sandbox sb1 --resource api.example.com
check_eq "rm one resource of a rule" "0 " "$RC $OUT"
run_sbx policy ls --json
check_has "the rest of the rule stays" "$OUT" '"applies_to":"sb1","type":"network","decision":"allow","resources":["*.example.org"]'
check_has "kit untouched" "$OUT" '"source":"kit","applies_to":"all","type":"network","decision":"allow","resources":["pypi.org"]'
run_sbx policy rm network
check_eq "rm needs a selector" "1 ERROR: either --resource or --id is required" "$RC $ERR"

# A pre-initialised store for reconciler tests.
export SBXSIM_STATE_DIR="$T/state2"
SBXSIM_POLICY_INIT=balanced "$SBX" policy init balanced >/dev/null 2>"$T/err"
check_eq "pre-initialised store" "ERROR: global network policy is already initialized" "$(cat "$T/err")"
finish
