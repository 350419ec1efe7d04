# Network policy over the release matrix: the initialised preset store,
# set-default/init, the rule-scope syntax of each era, the table formats and
# the JSON shapes; then the real samples reproduced byte for byte.
. "$(dirname "$0")/lib.sh"
SAMPLES="$TESTS_DIR/../../conformance/sbx"
UUID='[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*'

body() {
	sed '1,/^---$/d' "$SAMPLES/$1"
}

# allow_global RES: a global allow rule in the syntax of the release.
allow_global() {
	if [ "$N" -ge 2900 ] && [ "$N" -lt 3200 ]; then run_sbx policy allow network -g "$1"; else run_sbx policy allow network "$1"; fi
}

for V in $RELEASES; do
	release "$V"

	# --- the store starts initialised (balanced), listing the preset's rules.
	run_sbx policy ls
	check_eq "$V policy ls works on a fresh store" "0 " "$RC $ERR"
	if [ "$N" -lt 3500 ]; then
		check_has "$V preset rules listed" "$OUT" "default-allow-github "
		check_like "$V old table" "$OUT" "NAME *   TYPE      ORIGIN   DECISION   STATUS   RESOURCES
default-allow-ai-services *   network   local    allow      active   api.anthropic.com
 *   api.openai.com
*"
		run_sbx policy ls --json
		check_eq "$V no policy ls --json (error-unknown-flag-json@unknown-i290.txt)" "1  ERROR: unknown flag: --json" "$RC $OUT $ERR"
		run_sbx policy ls --wide
		check_eq "$V no --wide" "1 ERROR: unknown flag: --wide" "$RC $ERR"
	else
		check_eq "$V summary table" "POLICY         SOURCE   APPLIES TO   SUMMARY
local-policy   local    all          network: 3 allow, 1 deny; filesystem read: 1 allow; filesystem write: 1 allow" "$OUT"
		run_sbx policy ls --wide
		check_has "$V preset rules listed" "$OUT" "   default-allow-github   "
		run_sbx policy ls --json
		check_has "$V preset rules are not editable" "$OUT" '"id": "default-allow-github",'
		check_not_has "$V no preset rule is editable" "$OUT" '"editable": true'
	fi

	# --- a second set-default / init.
	run_sbx policy set-default balanced
	if [ "$N" -lt 3400 ]; then
		check_eq "$V second set-default (error-policy-set-default-already-set@v0.28.3.txt)" \
			'1 ERROR: default policy is already set; use "sbx policy reset" first to change it' "$RC $ERR"
		run_sbx policy init balanced
		check_like "$V no init yet: the group's help" "$RC $OUT" "0 Manage persistent access policies*"
	else
		if [ "$N" -lt 3900 ]; then
			check_eq "$V set-default: a deprecated alias of init" 'Command "set-default" is deprecated, use "sbx policy init" instead
ERROR: global network policy is already initialized' "$ERR"
		else
			check_eq "$V set-default is gone" "1 ERROR: unknown command \"set-default\" for \"sbx policy\"" "$RC $ERR"
		fi
		run_sbx policy init balanced
		check_eq "$V second init" "1 ERROR: global network policy is already initialized" "$RC $ERR"
	fi

	# --- a never-initialised store, when asked.
	export SBXSIM_STATE_DIR="$T/$V-uninit" SBXSIM_POLICY_UNINITIALISED=1
	run_sbx create shell --name sb0 .
	check_eq "$V create before a policy is chosen" "1 ERROR: default network policy has not been configured" "$RC $ERR"
	run_sbx run shell --name sb0 -d
	check_eq "$V run before a policy is chosen" "1 ERROR: default network policy has not been configured" "$RC $ERR"
	allow_global a.example
	check_eq "$V allow before a policy is chosen" "1 ERROR: default network policy has not been configured" "$RC $ERR"
	if [ "$N" -lt 3400 ]; then run_sbx policy set-default deny-all; else run_sbx policy init deny-all; fi
	check_eq "$V choose the policy" 0 "$RC"
	run_sbx create shell --name sb0 .
	check_eq "$V create once chosen" "0 Created sandbox 'sb0'" "$RC $OUT"
	unset SBXSIM_POLICY_UNINITIALISED
	release "$V"

	# --- rule scope, per era.
	run_sbx create shell --name sb1 .
	run_sbx policy allow network a.example
	if [ "$N" -ge 2900 ] && [ "$N" -lt 3200 ]; then
		check_eq "$V bare needs a scope" "1 ERROR: either --global (-g) or a sandbox name is required" "$RC $ERR"
	else
		check_like "$V bare is global (policy-allow-network@v0.28.3.txt)" "$RC $OUT" "0 Policy added: $UUID (a.example)"
	fi
	run_sbx policy allow network -g g.example
	if [ "$N" -lt 2900 ] || [ "$N" -ge 3800 ]; then
		check_eq "$V no -g" "1 ERROR: unknown shorthand flag: 'g' in -g" "$RC $ERR"
	elif [ "$N" -lt 3200 ]; then
		check_like "$V -g" "$RC $OUT" "0 Policy added: $UUID (g.example)"
	else
		check_like "$V -g still works" "$RC $OUT" "0 Policy added: $UUID (g.example)"
		check_eq "$V -g warns" "Flag --global has been deprecated, rules are global by default; use --sandbox to scope one to a sandbox" "$ERR"
		run_sbx policy allow network --help
		check_not_has "$V -g hidden" "$OUT" "--global"
	fi
	run_sbx policy allow network sb1 s.example
	if [ "$N" -ge 2900 ] && [ "$N" -lt 3200 ]; then
		check_like "$V SANDBOX RESOURCES" "$RC $OUT" "0 Policy added: $UUID (s.example)"
	else
		check_eq "$V no positional sandbox" "1 ERROR: accepts 1 arg(s), received 2" "$RC $ERR"
	fi
	run_sbx policy allow network --sandbox sb1 t.example
	if [ "$N" -ge 3200 ]; then
		check_like "$V --sandbox" "$RC $OUT" "0 Policy added: $UUID (t.example)"
		run_sbx policy allow network --sandbox ghost t.example
		check_eq "$V --sandbox of a missing sandbox" 1 "$RC"
	else
		check_eq "$V no --sandbox" "1 ERROR: unknown flag: --sandbox" "$RC $ERR"
	fi
	run_sbx policy deny network 'bad host'
	check_eq "$V invalid resource" 1 "$RC"
	allow_global "m1.example,m2.example"
	check_eq "$V one rule per resource (policy-ls@unknown-i78.txt)" 2 "$(echo "$OUT" | grep -c '^Policy added: ')"

	# --- tables after user rules.
	run_sbx policy ls
	if [ "$N" -lt 3500 ]; then
		check_like "$V user rule row" "$OUT" "*
local:$UUID   network   local * allow      active   m1.example
*"
		check_like "$V blank line between rules" "$OUT" "*m1.example

local:*"
		if [ "$N" -lt 2900 ]; then
			check_not_has "$V presets hidden once a user rule exists (v0.28.3)" "$OUT" "default-"
		else
			check_has "$V presets still listed" "$OUT" "default-allow-github"
		fi
		if [ "$N" -ge 2900 ] && [ "$N" -lt 3200 ]; then
			check_like "$V sandbox rule origin" "$OUT" "*   network   sandbox:sb1   allow      active   s.example*"
		elif [ "$N" -ge 3200 ]; then
			check_like "$V sandbox rule origin" "$OUT" "*   network   sandbox:sb1   allow      active   t.example*"
		fi
	else
		check_like "$V summary, global" "$OUT" "*
local-policy   local    all           network: * allow, 1 deny; filesystem read: 1 allow; filesystem write: 1 allow*"
		check_like "$V summary, sandbox" "$OUT" "*
local-policy   local    sandbox:sb1   network: 1 allow*"
		run_sbx policy ls --wide
		check_eq "$V wide header (policy-ls-wide@unknown-i588.txt)" \
			"SOURCE   APPLIES TO    POLICY   POLICY_ID      RULE   RULE_ID                                TYPE               DECISION   RESOURCES" \
			"$(echo "$OUT" | head -n 1)"
		check_like "$V wide sandbox row" "$OUT" "*
local    sandbox:sb1   -        local-policy   -      $UUID   network            allow      t.example*"
		run_sbx policy ls --json
		if [ "$N" -lt 4200 ]; then
			check_like "$V json: rules" "$OUT" '{
  "rules": [
    {
      "id": "default-fs-read-allow-all",*'
		else
			check_like "$V json: policies" "$OUT" '{
  "policies": [
    {
      "id": "local-policy",
      "name": "local-policy",
      "source": "local",
      "rules": [
        {
          "id": "default-fs-read-allow-all",*'
		fi
		check_like "$V json: a user rule" "$OUT" '*"policy_id": "local-policy",
*"scope": "sandbox",
*"applies_to": "sandbox:sb1",
*"resource_type": "network",
*"decision": "allow",
*"resources": ?
*"t.example"
*?,
*"origin": "local",
*"status": "active",
*"editable": true,
*"sandbox_id": "'"$UUID"'"*'
		run_sbx policy ls --type filesystem
		check_not_has "$V --type filesystem" "$OUT" "network:"
		run_sbx policy ls sb1 --json
		check_has "$V ls SANDBOX keeps its rules" "$OUT" '"t.example"'
	fi

	# --- removing rules.
	if [ "$N" -ge 2900 ] && [ "$N" -lt 3200 ]; then
		run_sbx policy rm network --resource s.example
		check_eq "$V rm needs a scope" "1 ERROR: either --global (-g) or a sandbox name is required" "$RC $ERR"
		run_sbx policy rm network sb1 --resource s.example
		check_like "$V rm SANDBOX --resource" "$RC $OUT" "0 Policy removed: $UUID (s.example)"
		run_sbx policy rm network -g --resource g.example
		check_like "$V rm -g --resource" "$RC $OUT" "0 Policy removed: *"
	else
		run_sbx policy rm network --resource a.example
		check_like "$V rm --resource" "$RC $OUT" "0 Policy removed: $UUID (a.example)"
		if [ "$N" -ge 3200 ]; then
			run_sbx policy rm network --sandbox sb1 --resource t.example
			check_like "$V rm --sandbox" "$RC $OUT" "0 Policy removed: *"
		fi
	fi
	run_sbx policy rm network --id default-allow-github
	check_eq "$V presets are not editable" 1 "$RC"
	run_sbx policy rm network
	check_eq "$V rm needs a selector" "1 ERROR: either --resource or --id is required" "$RC $ERR"
	run_sbx policy check network x.example
	if [ "$N" -lt 3500 ]; then
		check_like "$V no policy check yet" "$RC" "[01]"
		check_not_has "$V no policy check yet" "$OUT" "Allowed"
	else
		check_like "$V policy check" "$RC $OUT" "0 Denied: x.example*"
	fi
done

# --- the real samples, byte for byte.
release 0.28.3 -samples
export SBXSIM_POLICY_INIT=deny-all
run_sbx policy ls
check_eq "policy-ls@v0.28.3-default-only.txt" "$(body policy-ls@v0.28.3-default-only.txt)" "$OUT"
run_sbx policy allow network repro.example.com
ID=$(echo "$OUT" | sed -n 's/^Policy added: \(.*\) (repro.example.com)$/\1/p')
check_eq "policy-allow-network@v0.28.3.txt (uuid trimmed there)" "$(body policy-allow-network@v0.28.3.txt)" \
	"$(echo "$OUT" | sed "s/$ID/89d6a803-.../")"
run_sbx policy ls
# The reporter trimmed the uuid but kept the padding of the full one.
check_eq "policy-ls@v0.28.3-user-rule.txt" "$(body policy-ls@v0.28.3-user-rule.txt)" \
	"$(echo "$OUT" | sed "s/$ID/89d6a803-...                        /")"

release 0.28.3 -i78
run_sbx policy allow network "a.com,b.com,c.com"
echo "$OUT" | sed -n 's/^Policy added: \(.*\) (.*)$/\1/p' >"$T/ids"
run_sbx policy ls
I=0
for real in 76a4cc01-b938-44bd-b063-6e97bbf49ce2 1682a762-136a-458e-aafe-cc369a1aadcc 290d968f-88ef-4027-a6aa-4b1440c58570; do
	I=$((I + 1))
	OUT=$(echo "$OUT" | sed "s/$(sed -n "${I}p" "$T/ids")/$real/")
done
check_eq "policy-ls@unknown-i78.txt" "$(body policy-ls@unknown-i78.txt)" "$OUT"

release 0.28.3 -i72
"$SBXSIM" seed-rule kit test allow '*.factory.ai,api.workos.com,claude.com:443,downloads.claude.ai:443' >/dev/null
run_sbx policy ls
check_eq "policy-ls@unknown-i72.txt" "$(body policy-ls@unknown-i72.txt)" "$OUT"

release 0.45.1 -i588
run_sbx policy ls --wide
check_eq "policy-ls-wide@unknown-i588.txt" "$(body policy-ls-wide@unknown-i588.txt)" "$OUT"
run_sbx policy ls --type filesystem
check_eq "policy-ls-type-filesystem@docs-v0.35plus.txt" "$(body policy-ls-type-filesystem@docs-v0.35plus.txt)" "$OUT"
unset SBXSIM_POLICY_INIT

# A deny beside an allow of the same resource at the same scope: refused from v0.42 (sbx-releases#610),
# added where the release is not known to refuse it; another scope is never refused.
for V in 0.38.0 0.42.0 0.42.1; do
	release "$V" -deny
	run_sbx policy init balanced
	run_sbx policy allow network both.example.com
	run_sbx policy deny network both.example.com
	if [ "$V" != 0.38.0 ]; then
		check_eq "$V deny beside an allow: refused" 1 "$RC"
		check_has "$V with #610's words" "$ERR" "conflicts with existing allow rule"
		run_sbx policy ls --wide
		check_not_has "$V and no deny rule left" "$OUT" "deny       both.example.com"
	else
		check_eq "$V deny beside an allow: added" 0 "$RC"
	fi
	run_sbx create shell --name sc .
	run_sbx policy deny network --sandbox sc both.example.com
	check_eq "$V a deny at another scope: added" 0 "$RC"
done

# policy reset and sbx reset leave the store to be chosen again.
release 0.45.1 -reset
run_sbx policy reset --force
check_eq "policy reset" 0 "$RC"
run_sbx create shell --name xx .
check_eq "after policy reset" "1 ERROR: default network policy has not been configured" "$RC $ERR"
run_sbx policy init balanced
run_sbx create shell --name xx .
run_sbx reset
check_eq "reset@v0.33.0.txt" "$(body reset@v0.33.0.txt | sed 's/stopped: 0/stopped: 1/')" "$OUT"
run_sbx policy init deny-all
check_eq "after sbx reset" 0 "$RC"
finish
