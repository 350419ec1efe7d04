#!/usr/bin/env bash
# Issue 12 item 6: the reliability harness. sbxapply against sbxsim, from fresh
# worlds: every external call of a clean apply faulted in turn (exit, 5xx, hang
# past the timeout, garbage, truncated output, cut/dropped/failed pull streams),
# kill -9 at random moments, the state directory full or read-only mid-run, and
# a scan of every output and file for the secret values. Prints the figures and
# exits 1 when anything was lost, duplicated, leaked, adopted by accident,
# crashed, did not converge or showed a secret.
# Usage: tests/reliability/run.sh BUILD_DIR [--quick] [--keep]
#   --quick  one fault per call kind on the guide's example, 5 kill trials (CTest, CI)
#   --keep   keep the work directory (printed) for a look afterwards
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [--quick] [--keep]}
build=$(cd "$build" && pwd)
shift
quick=0 keep=0
for a in "$@"; do
	case $a in
	--quick) quick=1 ;;
	--keep) keep=1 ;;
	*) echo "usage: run.sh BUILD_DIR [--quick] [--keep]" >&2; exit 2 ;;
	esac
done
bin=$build/sbxapply
sim=$build/tests/sim/sbxsim
[ -x "$bin" ] && [ -x "$sim" ] || { echo "run.sh: no sbxapply or sbxsim in $build" >&2; exit 2; }
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/sbxapply-reliability.XXXXXX")
runner_pid=
cleanup() {
	stop_runner
	if [ $keep = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Hermetic, as tests/e2e/lib.sh: nothing inherited names a runner, a docker, an sbx or a fault.
export XDG_STATE_HOME="$work/xdg" DOCKER_CONFIG="$work/docker" NO_COLOR=1 HOME="$work/home"
unset GITHUB_ACTIONS MODEL_RUNNER_HOST DOCKER_HOST DOCKER_CONTEXT SBXAPPLY_SBX_TIMEOUT_MS \
	http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy \
	SBXSIM_FAULTS SBXSIM_LATENCY_MS SBXSIM_SBX_VERSION SBXSIM_TAG_FORM SBXSIM_POLICY_INIT SBXSIM_POLICY_DUP \
	SBXSIM_BANDWIDTH SBXSIM_PULL_MS SBXSIM_POLICY_UNINITIALISED SBXSIM_EXEC_DETACH SBXSIM_AUTOSTOP_S
mkdir -p "$HOME"
simdir=$(dirname "$sim")
export PATH="$simdir:$PATH" SBXAPPLY_SBX="$simdir/sbx"
[ -x "$SBXAPPLY_SBX" ] || { ln -sf "$sim" "$work/sbx" && export SBXAPPLY_SBX="$work/sbx"; }

# Distinctive secret values: global and sandbox secrets, sensitive env (by name, and marked)
tag=$$$RANDOM
export RELI_GH="ghp-reli-global-$tag" RELI_ANT="sk-reli-sandbox-$tag" RELI_TOK="tok-reli-env-$tag"
literal="pw-reli-literal-$tag"
printf '%s\n' "$RELI_GH" "$RELI_ANT" "$RELI_TOK" "$literal" >"$work/secret-values"

# --- the two files -------------------------------------------------------------------------
mkdir -p "$work/files"
# the guide's example, workspace in the world, secrets and sensitive env added
{
	sed 's#workspace: \.#workspace: ws#' "$top/examples/claude-dmr/sandbox.yaml"
	printf '      API_TOKEN: ${RELI_TOK}\n'
	printf '      DB_PASSWORD: {value: "%s", sensitive: true}\n' "$literal"
	printf '    secrets:\n      anthropic: ${RELI_ANT}\n'
	printf 'secrets:\n  github: ${RELI_GH}\n'
} >"$work/files/guide.yaml"
# larger: 3 models (one with runtime settings), a package, global and sandbox rules, 4 sandboxes
{
	printf 'version: 1\nproject: reli-gen\n'
	printf 'models:\n  ai/smollm2:\n  ai/qwen3-coder:\n    context_size: 16384\n  ai/gpt-oss:\n'
	printf 'packages:\n  gpt-oss:32k:\n    from: ai/gpt-oss\n    context_size: 32000\n'
	printf 'policy:\n  allow: [localhost:12434, api.example.com, "*.reli.example"]\n  deny: [telemetry.example.com]\n'
	printf 'env:\n  ANTHROPIC_BASE_URL: http://host.docker.internal:12434\n  API_TOKEN: ${RELI_TOK}\n'
	printf 'secrets:\n  github: ${RELI_GH}\n'
	printf 'sandboxes:\n'
	for i in 1 2 3 4; do
		agent=claude
		[ $i = 2 ] && agent=codex
		[ $i = 4 ] && agent=shell
		printf '  box-%s:\n    agent: %s\n    workspace: ws%s\n    model: ai/smollm2\n' $i $agent $i
		printf '    env:\n      BOX: "%s"\n      DB_PASSWORD: {value: "%s", sensitive: true}\n' $i "$literal"
		[ $i -le 2 ] && printf '    policy:\n      allow: [box%s.reli.example]\n' $i
		[ $i = 1 ] && printf '    secrets:\n      anthropic: ${RELI_ANT}\n'
	done
} >"$work/files/gen.yaml"
project_of() { sed -n 's/^project: *//p' "$work/files/$1.yaml"; }

# new_world SCENARIO: a fresh world in a new directory (its workspaces, the file)
nworld=0
new_world() {
	nworld=$((nworld + 1))
	world_env "$work/w$nworld"
	mkdir -p "$S" "$ST" "$W/ws" "$W/ws1" "$W/ws2" "$W/ws3" "$W/ws4"
	cp "$work/files/$1.yaml" "$W/sandbox.yaml"
	F=$W/sandbox.yaml
	P=$(project_of "$1")
}
apply() {
	local sub=
	case ${1:-} in plan | diff | down) sub=$1 && shift ;; esac
	"$bin" $sub -f "$F" --runner "$R" --state-dir "$ST" "$@"
}

# end_world: scan it for secrets and crashes, then remove it
secrets_found=0 sanitizer=0
end_world() {
	stop_runner
	local hits
	hits=$(secret_hits "$W")
	if [ -n "$hits" ]; then
		secrets_found=$((secrets_found + $(echo "$hits" | wc -l)))
		echo "$hits" | sed 's/^/    SECRET VALUE IN: /'
	fi
	if sanitizer_report "$W"/*.err "$W"/runner.log; then
		sanitizer=$((sanitizer + 1))
		echo "    SANITIZER REPORT in $W"
		grep -hE -A5 'Sanitizer|runtime error:' "$W"/*.err | head -20 | sed 's/^/      /'
	fi
	[ $keep = 1 ] || rm -rf "$W"
}

# check_world SCENARIO LABEL: after the last apply, the world against the clean baseline.
# Adds to lost, duplicated, adopted_accident, owner_wrong; returns 1 on any problem.
check_world() {
	local base=$work/base-$1 bad=0 l
	world_items >"$W/items"
	l=$(LC_ALL=C comm -23 <(uniq "$base.items") <(uniq "$W/items"))
	if [ -n "$l" ]; then
		lost=$((lost + $(echo "$l" | wc -l)))
		echo "    $2: LOST: $(echo "$l" | tr '\n' ';' | cut -c1-300)"
		bad=1
	fi
	l=$(uniq -d "$W/items")
	if [ -n "$l" ]; then
		duplicated=$((duplicated + $(echo "$l" | wc -l)))
		echo "    $2: DUPLICATED: $(echo "$l" | tr '\n' ';' | cut -c1-300)"
		bad=1
	fi
	origins "$P" >"$W/origins"
	# what the clean run created must be recorded as created (never adopted, never missing)
	l=$(grep ' created$' "$base.origins" | sed 's/ created$//' | while read -r k n; do
		o=$(grep -F "$k $n " "$W/origins" | awk -v k="$k" -v n="$n" '$1 == k && $2 == n { print $3 }')
		[ "$o" = created ] || echo "$k $n ${o:-missing}"
	done)
	if [ -n "$l" ]; then
		if echo "$l" | grep -q ' adopted$'; then
			adopted_accident=$((adopted_accident + $(echo "$l" | grep -c ' adopted$')))
		fi
		owner_wrong=$((owner_wrong + $(echo "$l" | wc -l)))
		echo "    $2: OWNERSHIP: $(echo "$l" | tr '\n' ';')"
		bad=1
	fi
	return $bad
}

# converge LABEL: apply without faults, then diff --refresh; 0 when both exit 0
converge() {
	apply >"$W/recover.out" 2>"$W/recover.err"
	local a=$?
	apply diff --refresh >"$W/diff.out" 2>"$W/diff.err"
	local d=$?
	if [ $a != 0 ] || [ $d != 0 ]; then
		echo "    $1: NOT CONVERGED: apply exit $a, diff exit $d"
		sed 's/^/      /' "$W/recover.err" | tail -8
		return 1
	fi
}

# --- baselines: a clean apply of each file; the calls it makes ------------------------------
ops_of_calls() {
	# calls.log -> "OP<TAB>N<TAB>label": the fault OP sbxsim matches, the call's ordinal among
	# calls of that OP, and a readable label
	awk '
	/"kind":"sbx"/ {
		s = $0; sub(/.*"argv":\["/, "", s); n = split(s, a, "\",\"")
		i = 2; while (i <= n && substr(a[i], 1, 1) == "-") i++
		op = "sbx"; if (i <= n) { sub(/"\].*/, "", a[i]); op = "sbx." a[i] }
		if (i < n && (a[i] == "policy" || a[i] == "secret") && substr(a[i + 1], 1, 1) != "-") { t = a[i + 1]; sub(/"\].*/, "", t); op = op "." t }
		label = "sbx"; for (j = 2; j <= n && j <= 6; j++) { t = a[j]; sub(/"\].*/, "", t); if (index(t, "\\n")) t = "SCRIPT"; if (length(t) > 24) t = substr(t, 1, 21) "..."; label = label " " t }
		print op "\t" (++c[op]) "\t" label; next }
	/"kind":"http"/ {
		m = $0; sub(/.*"method":"/, "", m); sub(/".*/, "", m)
		p = $0; sub(/.*"path":"/, "", p); sub(/".*/, "", p)
		op = "http." m " " p
		print op "\t" (++c[op]) "\t" m " " p
		if (m == "POST" && p == "/models/create") print "pull\t" (++c["pull"]) "\tpull stream"
	}' "$1"
}

t0=$(date +%s)
for sc in guide gen; do
	[ $quick = 1 ] && [ $sc = gen ] && continue
	new_world $sc
	start_runner
	apply >"$W/base.out" 2>"$W/base.err"
	brc=$?
	apply diff --refresh >"$W/diff.out" 2>&1
	drc=$?
	if [ $brc != 0 ] || [ $drc != 0 ]; then
		echo "baseline $sc: apply exit $brc, diff exit $drc: the harness cannot run"
		cat "$W/base.err"
		exit 1
	fi
	world_items >"$work/base-$sc.items"
	origins "$P" >"$work/base-$sc.origins"
	ops_of_calls "$S/calls.log" >"$work/calls-$sc"
	cp "$S/calls.log" "$work/calls-$sc.log"
	ncalls=$(wc -l <"$work/calls-$sc")
	echo "clean apply of $sc: $ncalls external calls ($(cut -f1 "$work/calls-$sc" | sort -u | wc -l) kinds)," \
		"$(wc -l <"$work/base-$sc.items") things in the world, $(grep -c ' created$' "$work/base-$sc.origins") created by it"
	end_world
done

# --- 1. the fault matrix ---------------------------------------------------------------------
trials=0 injected=0 converged=0 lost=0 duplicated=0 adopted_accident=0 owner_wrong=0 crashes=0 leaks=0
hang_bounded=0 hang_exit_bad=0
sbx_actions="exit:1:sbxsim-fault status:2 hang garbage truncate"
http_actions="status:500 status:503 hang garbage truncate"
pull_actions="cut:50 drop:50 error:50:registry-fault hang"
hang_bound=12
[ $quick = 1 ] && hang_bound=4

# fault_trial SCENARIO OP N ACTION LABEL
fault_trial() {
	local sc=$1 op=$2 n=$3 action=$4 label=$5 rule="$2#$3=$4"
	trials=$((trials + 1))
	new_world "$sc"
	start_runner "SBXSIM_FAULTS=$rule"
	local bound=60
	case $op:$action in http.* | pull:*) [ "$action" = hang ] && bound=$hang_bound ;; esac
	bounded $bound "$W/fault.out" "$W/fault.err" \
		env "SBXSIM_FAULTS=$rule" SBXAPPLY_SBX_TIMEOUT_MS=700 "$bin" -f "$F" --runner "$R" --state-dir "$ST"
	local frc=$rc ok=1
	# the fault cannot fire again: its counter jumps past it
	flock "$S/lock" sh -c 'printf "{\"%s\": 1000000}\n" "$1" >"$2/counters.json"' sh "$op" "$S"
	local reached
	reached=$(ops_of_calls "$S/calls.log" | awk -F'\t' -v op="$op" '$1 == op' | wc -l)
	[ "$reached" -ge "$n" ] && injected=$((injected + 1))
	if [ $timed_out = 1 ]; then
		hang_bounded=$((hang_bounded + 1))
		if [ $frc != 130 ]; then
			hang_exit_bad=$((hang_exit_bad + 1))
			echo "    $sc $rule: SIGTERM after ${bound}s: exit $frc, not 130"
			ok=0
		fi
	elif [ $frc -ge 128 ] || sanitizer_report "$W/fault.err"; then
		crashes=$((crashes + 1))
		echo "    $sc $rule: CRASH: exit $frc"
		tail -5 "$W/fault.err" | sed 's/^/      /'
		ok=0
	fi
	leaked_procs || {
		leaks=$((leaks + $?))
		echo "    $sc $rule: process leak above (exit $frc)"
		ok=0
	}
	if converge "$sc $rule"; then
		converged=$((converged + 1))
	else
		ok=0
	fi
	check_world "$sc" "$sc $rule" || ok=0
	[ $ok = 1 ] || echo "  FAILED: $sc $rule ($label): fault run exit $frc"
	end_world
}

for sc in guide gen; do
	[ $quick = 1 ] && [ $sc = gen ] && continue
	k=0
	declare -A done_op=()
	while IFS=$'\t' read -r op n label; do
		case $op in
		sbx*) actions=$sbx_actions ;;
		pull) actions=$pull_actions ;;
		*) actions=$http_actions ;;
		esac
		# each distinct call once (a help probe and the command itself are two), its first time
		key=$op
		case $label in *--help*) key="$op help" ;; esac
		[ $quick = 1 ] && key=$op
		[ -n "${done_op[$key]:-}" ] && continue
		done_op[$key]=1
		if [ $quick = 1 ]; then
			# one fault per call kind, turning through the actions
			set -- $actions
			shift $((k % $#))
			actions=$1
			[ "$actions" = hang ] && [ "${op%%.*}" != sbx ] && actions=status:500
			k=$((k + 1))
		fi
		for action in $actions; do
			fault_trial "$sc" "$op" "$n" "$action" "$label"
		done
	done <"$work/calls-$sc"
	unset done_op
done
t1=$(date +%s)
f_lost=$lost f_dup=$duplicated f_adopted=$adopted_accident f_owner=$owner_wrong

# --- 2. kill -9 at a random moment -----------------------------------------------------------
ktrials=20
[ $quick = 1 ] && ktrials=5
ksc=gen
[ $quick = 1 ] && ksc=guide
kconverged=0 k_adopted_before=$adopted_accident k_lost_before=$lost k_dup_before=$duplicated k_owner_before=$owner_wrong killed_mid=0
# how long a slow apply takes (the window for the kill)
new_world $ksc
start_runner SBXSIM_LATENCY_MS=150 SBXSIM_PULL_MS=800
s=$(date +%s%N)
SBXSIM_LATENCY_MS=150 apply >"$W/slow.out" 2>"$W/slow.err"
slow_ms=$((($(date +%s%N) - s) / 1000000))
end_world
echo "kill -9 window: an apply of $ksc with 150 ms latency per call takes $slow_ms ms"
for i in $(seq "$ktrials"); do
	new_world $ksc
	start_runner SBXSIM_LATENCY_MS=150 SBXSIM_PULL_MS=800
	at=$((RANDOM % (slow_ms > 100 ? slow_ms : 100)))
	SBXSIM_LATENCY_MS=150 "$bin" -f "$F" --runner "$R" --state-dir "$ST" >"$W/kill.out" 2>"$W/kill.err" &
	victim=$!
	sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
	kill -0 "$victim" 2>/dev/null && killed_mid=$((killed_mid + 1))
	kill -KILL "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	ok=1
	leaked_procs || {
		leaks=$((leaks + $?))
		echo "    kill trial $i at ${at} ms: process leak above"
		ok=0
	}
	# the runner stays (its pulls go on); the next apply runs without latency
	creating=$(origins "$P" | grep -c ' creating$')
	if converge "kill trial $i at ${at} ms"; then kconverged=$((kconverged + 1)); else ok=0; fi
	check_world $ksc "kill trial $i at ${at} ms" || ok=0
	[ $ok = 1 ] || echo "  FAILED: kill trial $i at $at ms ($creating in-flight intents)"
	end_world
done
k_adopted=$((adopted_accident - k_adopted_before))
k_lost=$((lost - k_lost_before))
k_dup=$((duplicated - k_dup_before))
k_owner=$((owner_wrong - k_owner_before))
t2=$(date +%s)

# --- 3. the state directory full, then read-only, mid-run --------------------------------------
# diskfull.sh runs in a user and mount namespace (a tmpfs of its own); without one, the
# state directory is replaced by a file between actions, which stops root too.
dsc=gen
[ $quick = 1 ] && dsc=guide
disk_line=
for mode in full readonly; do
	new_world $dsc
	start_runner SBXSIM_LATENCY_MS=120
	how="tmpfs"
	if ! unshare -rm true 2>/dev/null; then how="file"; fi
	if [ $how = tmpfs ]; then
		SBXSIM_LATENCY_MS=120 unshare -rm bash "$here/diskfull.sh" "$mode" "$bin" "$F" "$R" "$ST" "$W" >"$W/disk.log" 2>&1
	else
		SBXSIM_LATENCY_MS=120 bash "$here/diskfull.sh" "$mode-file" "$bin" "$F" "$R" "$ST" "$W" >"$W/disk.log" 2>&1
	fi
	d1=$(sed -n 's/^first exit //p' "$W/disk.log")
	d2=$(sed -n 's/^second exit //p' "$W/disk.log")
	cp "$W/disk.err" "$W/disk1.err" 2>/dev/null
	ok=1
	[ "$d1" = 7 ] || ok=0
	[ "$d2" = 0 ] || ok=0
	# after the restored run: the inventory is back on the plain directory (diskfull.sh copied it)
	converge "$mode" || ok=0
	check_world $dsc "state dir $mode" || ok=0
	intact="ownership intact"
	[ $ok = 1 ] || { intact="FAILED"; sed 's/^/    /' "$W/disk.log" | tail -15; disk_bad=1; }
	case $mode in
	full) disk_line="disk full ($how): exit ${d1:-none}, then ${d2:-none}, $intact" ;;
	readonly) disk_line="$disk_line; read-only state dir ($how): exit ${d1:-none}, then ${d2:-none}, $intact" ;;
	esac
	end_world
done
t3=$(date +%s)

# --- 4. secrets: plan -o json, a saved plan, apply of it, diff, down --------------------------
for sc in guide gen; do
	[ $quick = 1 ] && [ $sc = gen ] && continue
	new_world $sc
	start_runner
	apply plan -o json >"$W/plan.json" 2>"$W/plan.err"
	apply plan -out "$W/saved.plan" >"$W/plan2.out" 2>"$W/plan2.err"
	"$bin" apply "$W/saved.plan" --runner "$R" --state-dir "$ST" >"$W/saved.out" 2>"$W/saved.err"
	[ $? = 0 ] || echo "  secret scenario $sc: apply of the saved plan failed"
	apply diff --refresh -o json >"$W/diff.json" 2>"$W/diff.err"
	apply plan --refresh --show-secrets >/dev/null 2>&1 # shown on request only: not kept
	apply down --yes >"$W/down.out" 2>"$W/down.err"
	ps -eo args >"$W/ps.txt"
	end_world
done
[ -n "$(secret_hits "$work")" ] && secrets_found=$((secrets_found + $(secret_hits "$work" | wc -l)))
t4=$(date +%s)

# --- summary ---------------------------------------------------------------------------------
echo
echo "faults injected $injected (of $trials trials), converged $converged/$trials, lost $f_lost, duplicated $f_dup," \
	"adopted by accident $f_adopted, ownership wrong $f_owner, crashes $crashes, sanitizer reports $sanitizer, leaked processes $leaks"
echo "hangs outliving sbxapply's HTTP timeouts, stopped by SIGTERM after ${hang_bound} s: $hang_bounded, exit other than 130: $hang_exit_bad"
echo "kill -9 trials $ktrials ($killed_mid still running when killed): converged $kconverged/$ktrials, adopted by accident $k_adopted, ownership wrong $k_owner, lost $k_lost, duplicated $k_dup"
echo "$disk_line"
echo "secret values found in outputs and files: $secrets_found"
echo "time: faults $((t1 - t0)) s, kill -9 $((t2 - t1)) s, state dir $((t3 - t2)) s, secrets $((t4 - t3)) s"
fail=0
[ "$converged" = "$trials" ] && [ "$kconverged" = "$ktrials" ] || fail=1
[ $lost = 0 ] && [ $duplicated = 0 ] && [ $adopted_accident = 0 ] && [ $owner_wrong = 0 ] || fail=1
[ $crashes = 0 ] && [ $sanitizer = 0 ] && [ $leaks = 0 ] && [ $hang_exit_bad = 0 ] || fail=1
[ -z "${disk_bad:-}" ] && [ $secrets_found = 0 ] || fail=1
[ $fail = 0 ] && echo "reliability: PASS" || echo "reliability: FAIL"
exit $fail
