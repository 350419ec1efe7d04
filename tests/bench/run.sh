#!/bin/bash
# The benchmark: sbxapply against sbxsim, each row with its baseline measured in the same run.
#   tests/bench/run.sh BUILD_DIR [--quick]
# Full: 5 to 10 minutes on 2 cores (much of it validating 100,000 entries); --quick: about
# a minute (fewer latencies and sizes).
# Prints markdown tables (README's "Benchmark" section holds a copy). Needs bash, curl,
# python3 and /usr/bin/time. Everything lives in a temporary directory; nothing is left.
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [--quick]}" && pwd)
quick=false
[ "${2:-}" = "--quick" ] && quick=true
here=$(cd "$(dirname "$0")" && pwd)
bin=$build/sbxapply sim=$build/tests/sim/sbxsim
for f in "$bin" "$sim" "$build/tests/sim/sbx"; do
	[ -x "$f" ] || { echo "run.sh: $f missing: build first" >&2; exit 2; }
done
work=$(mktemp -d)
runner_pid=
cleanup() {
	[ -n "$runner_pid" ] && kill "$runner_pid" 2>/dev/null && wait "$runner_pid" 2>/dev/null
	[ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null && wait "$watcher" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
unset GITHUB_ACTIONS MODEL_RUNNER_HOST DOCKER_HOST DOCKER_CONTEXT SBXSIM_FAULTS SBXSIM_PULL_MS SBXSIM_SBX_VERSION \
	http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_COLOR=1 DOCKER_CONFIG="$work/docker" SBXAPPLY_SBX="$build/tests/sim/sbx" PATH="$build/tests/sim:$PATH"

now() { date +%s.%N; }
# world NAME: the simulator's state and sbxsim's inventory for one scenario
world() {
	export SBXSIM_STATE_DIR="$work/$1/sim" XDG_STATE_HOME="$work/$1/xdg"
	mkdir -p "$SBXSIM_STATE_DIR" "$XDG_STATE_HOME"
	W="$work/$1"
}
# runner MS [ENV=V...]: (re)starts the world's runner with MS of latency per call, sbx gets the same
runner() {
	[ -n "$runner_pid" ] && kill "$runner_pid" 2>/dev/null && wait "$runner_pid" 2>/dev/null
	export SBXSIM_LATENCY_MS=$1
	shift
	rm -f "$SBXSIM_STATE_DIR/runner.addr"
	env "$@" "$sim" runner --listen 127.0.0.1:0 >"$work/runner.log" 2>&1 &
	runner_pid=$!
	while [ ! -s "$SBXSIM_STATE_DIR/runner.addr" ]; do sleep 0.02; done
	R="http://$(cat "$SBXSIM_STATE_DIR/runner.addr")"
}
calls() { wc -l <"$SBXSIM_STATE_DIR/calls.log" | tr -d ' '; }
# best N CMD...: the best wall time of N runs, seconds
best() {
	n=$1
	shift
	b=
	for _ in $(seq "$n"); do
		: >"$SBXSIM_STATE_DIR/calls.log"
		t0=$(now)
		"$@" >"$work/last.out" 2>"$work/last.err"
		t=$(echo "$(now) - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
		calls >"$work/calls.n"
	done
	echo "$b"
}
# the calls of best's last run (best runs in a subshell)
last_calls() { cat "$work/calls.n"; }
fmt() { printf '%.3f' "$1"; }
ratio() { printf '%.1f' "$(echo "$1 / $2" | bc -l)"; }
diffq() { "$bin" -f "$W/sandbox.yaml" --runner "$R" diff -q "$@"; }

# --- the scenarios, set up at 0 ms by sbxapply and by the script ----------------------------
setup_guide() {
	world guide
	cp "$build/../examples/claude-dmr/sandbox.yaml" "$W/" 2>/dev/null || cp "$here/../../examples/claude-dmr/sandbox.yaml" "$W/"
	printf '%s\n' "model ai/devstral-small-2" "model ai/gpt-oss" "package gpt-oss:32k ai/gpt-oss 32000" \
		"rule localhost:12434" "sandbox claude-dmr claude $W" \
		"env claude-dmr ANTHROPIC_BASE_URL http://host.docker.internal:12434" >"$W/guide.spec"
	runner 0
	"$bin" -f "$W/sandbox.yaml" --runner "$R" apply --yes -q >/dev/null 2>"$work/setup.err" || cat "$work/setup.err"
	"$here/guide.sh" "$W/guide.spec" "$R" >/dev/null
}
# setup_gen NAME MODELS PACKAGES RULES SANDBOXES
setup_gen() {
	world "$1"
	"$here/gen.sh" "$W" "$2" "$3" "$4" "$5"
	python3 "$here/seed_models.py" "$SBXSIM_STATE_DIR" bench/m "$2"
	runner 0
	"$bin" -f "$W/sandbox.yaml" --runner "$R" apply --yes -q --parallelism 16 >/dev/null 2>"$work/setup.err" ||
		cat "$work/setup.err"
	"$here/guide.sh" "$W/guide.spec" "$R" >/dev/null
}

if $quick; then
	lats="0 50" sweep="1 10" sweep_lat=50 reps=2 idle=5 sizes="1000 10000"
	large="50 10 30 10" widened="2 1 21 10"
else
	lats="0 50 150" sweep="1 10 50 200" sweep_lat=150 reps=3 idle=10 sizes="1000 10000 100000"
	large="200 50 100 50" widened="2 1 21 10"
fi
echo "# sbxapply benchmark ($(nproc) cores, $(date -u +%Y-%m-%d), $($quick && echo quick || echo full))"
echo
echo "## No-op reconcile against the guide's commands as an idempotent script (tests/bench/guide.sh)"
echo
echo "sbxapply diff (the env blocks it wrote are vouched for by its inventory, not read back) and diff --refresh (every"
echo "block read, 32 at a time) vs guide.sh on the same world; calls = sbx invocations + HTTP requests (sbxsim's calls.log)."
echo
echo "| scenario | ms/call | sbxapply | calls | sbxapply --refresh | calls | guide.sh | calls | script / sbxapply | script / sbxapply --refresh |"
echo "|---|---|---|---|---|---|---|---|---|---|"
setup_guide
setup_gen widened $widened
setup_gen large $large
for name in guide widened large; do
	case $name in
	guide) label="guide's example (2 models, 1 package, 1 rule, 1 sandbox)" ;;
	widened) label="guide widened (${widened// /, }: models, packages, rules, sandboxes)" ;;
	large) label="generated (${large// /, }: models, packages, rules, sandboxes)" ;;
	esac
	l_list=$lats
	[ "$name" = widened ] && l_list="$lats 100"
	for l in $l_list; do
		world "$name"
		runner "$l"
		a=$(best "$reps" diffq)
		ac=$(last_calls)
		ar=$(best "$reps" diffq --refresh)
		arc=$(last_calls)
		g=$(best 1 "$here/guide.sh" "$W/guide.spec" "$R")
		gc=$(last_calls)
		echo "| $label | $l | $(fmt "$a") s | $ac | $(fmt "$ar") s | $arc | $(fmt "$g") s | $gc | $(ratio "$g" "$a")x | $(ratio "$g" "$ar")x |"
	done
done

echo
echo "## No-op diff vs number of sandboxes ($sweep_lat ms per call; 1 model, 1 rule, one env each)"
echo
echo "| sandboxes | calls | default (vouched) | rounds (time / latency) | --refresh (32 reads) | calls | --refresh --parallelism 64 | rounds |"
echo "|---|---|---|---|---|---|---|---|"
rounds() { printf '%.1f' "$(echo "$1 * 1000 / $sweep_lat" | bc -l)"; }
for n in $sweep; do
	setup_gen "sweep$n" 1 0 1 "$n"
	runner "$sweep_lat"
	a=$(best "$reps" diffq)
	c=$(last_calls)
	r=$(best "$reps" diffq --refresh)
	rc=$(last_calls)
	b=$(best "$reps" diffq --refresh --parallelism 64)
	echo "| $n | $c | $(fmt "$a") s | $(rounds "$a") | $(fmt "$r") s | $rc | $(fmt "$b") s | $(rounds "$b") |"
done

echo
echo "## Apply from scratch vs the critical path of its plan, and vs the script"
echo
echo "Critical path: one observation (the time of \`plan\` on the same world, measured) plus the longest chain of"
echo "depends_on in \`plan -o json\`, each action one call of the latency, a pull SBXSIM_PULL_MS more (and no"
echo "less than the pulls take two at a time, the runner's limit, plus one call). Pulls of different sizes (SBXSIM_BANDWIDTH):"
echo "the best split of their downloads (sizes from GET /models/{ref}?remote=true) over the two slots, plus one call."
echo
echo "| scenario | ms/call | pull ms | apply | critical path | apply / critical path | guide.sh | script / apply |"
echo "|---|---|---|---|---|---|---|---|"
# script_time NAME SPEC LATENCY [RUNNER_ENV...]: guide.sh applying SPEC from scratch, in a world of its own
# (@W@ in SPEC stands for that world's directory); seconds in script_s (not a subshell: it starts a runner)
script_time() {
	local name=$1 spec=$2 lat=$3
	shift 3
	world "$name"
	mkdir -p "$W/ws"
	printf '%s\n' "${spec//@W@/$W}" >"$W/guide.spec"
	runner "$lat" "$@"
	script_s=$(best 1 "$here/guide.sh" "$W/guide.spec" "$R")
}
# row LABEL LATENCY PULL APPLY CRITICAL_PATH SCRIPT
row() {
	echo "| $1 | $2 | $3 | $(fmt "$4") s | $(fmt "$5") s | $(printf '%.2f' "$(echo "$4 / $5" | bc -l)") | $(fmt "$6") s | $(ratio "$6" "$4")x |"
}
# apply_row NAME YAML LATENCY PULL_MS LABEL SPEC
apply_row() {
	world "$1"
	cp "$2" "$W/sandbox.yaml"
	mkdir -p "$W/ws"
	runner "$3" SBXSIM_PULL_MS="$4"
	"$bin" -f "$W/sandbox.yaml" --runner "$R" plan -o json >"$W/plan.json" 2>/dev/null
	p=$(best 1 "$bin" -f "$W/sandbox.yaml" --runner "$R" plan -q)
	chain=$(python3 - "$W/plan.json" "$3" "$4" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1])); lat, pull = float(sys.argv[2]), float(sys.argv[3])
acts = {a["id"]: a for a in plan["actions"] if a["action"] not in ("noop", "adopt")}
memo = {}
def cost(a):
    c = lat + (pull if a["kind"] == "model" and a["action"] == "create" else 0)
    return c
def longest(i):
    if i not in memo:
        a = acts[i]
        memo[i] = cost(a) + max([longest(d) for d in a["depends_on"] if d in acts] or [0])
    return memo[i]
chain = max([longest(i) for i in acts] or [0])
# the runner pulls two at a time: the pulls alone need ceil(pulls / 2) pull times
pulls = sum(1 for a in acts.values() if a["kind"] == "model" and a["action"] == "create")
print(max(chain, -(-pulls // 2) * (pull + lat) + (lat if len(acts) > pulls else 0)) / 1000)
PY
)
	a=$(best 1 "$bin" -f "$W/sandbox.yaml" --runner "$R" apply --yes -q)
	cp=$(echo "$p + $chain" | bc -l)
	script_time "$1-script" "$6" "$3" SBXSIM_PULL_MS="$4"
	row "$5" "$3" "$4" "$a" "$cp" "$script_s"
}
apply_lat=100
$quick && apply_lat=50
env_line="env @BOX@ ANTHROPIC_BASE_URL http://host.docker.internal:12434"
apply_row scratch1 "$here/../../examples/claude-dmr/sandbox.yaml" "$apply_lat" 1000 "guide's example" \
	"$(printf '%s\n' "model ai/devstral-small-2" "model ai/gpt-oss" "package gpt-oss:32k ai/gpt-oss 32000" \
		"rule localhost:12434" "sandbox claude-dmr claude @W@" "${env_line/@BOX@/claude-dmr}")"
printf 'version: 1\nproject: scratch\nmodels:\n  ai/smollm2:\n  ai/devstral-small-2:\n  ai/qwen3-coder:\n  ai/gpt-oss:\npackages:\n  gpt-oss:32k:\n    from: ai/gpt-oss\n    context_size: 32000\npolicy:\n  allow:\n    - localhost:12434\nsandboxes:\n  box:\n    agent: claude\n    workspace: ws\n    model: gpt-oss:32k\n    env:\n      ANTHROPIC_BASE_URL: http://host.docker.internal:12434\n' >"$work/four.yaml"
apply_row scratch2 "$work/four.yaml" "$apply_lat" 1000 "4 pulls (2 slots), a package on the last" \
	"$(printf '%s\n' "model ai/smollm2" "model ai/devstral-small-2" "model ai/qwen3-coder" "model ai/gpt-oss" \
		"package gpt-oss:32k ai/gpt-oss 32000" "rule localhost:12434" "sandbox box claude @W@/ws" "${env_line/@BOX@/box}")"

# Pulls of different sizes, each as long as its download (SBXSIM_BANDWIDTH): the critical path is the best
# split of the downloads over the runner's two slots (sizes from GET /models/{ref}?remote=true), plus one call.
world sizes
printf 'version: 1\nproject: sizes\nmodels:\n  ai/gpt-oss:\n  ai/smollm2:\n  ai/devstral-small-2:\n  ai/qwen3-coder:\n' >"$W/sandbox.yaml"
bw=4000000000
runner "$apply_lat" SBXSIM_BANDWIDTH=$bw
pull_sizes=$(for m in ai/gpt-oss ai/smollm2 ai/devstral-small-2 ai/qwen3-coder; do
	curl -s "$R/models/$m?remote=true" | python3 -c 'import json, sys; print(json.load(sys.stdin)["config"]["size"])'
done | paste -sd';')
p=$(best 1 "$bin" -f "$W/sandbox.yaml" --runner "$R" plan -q)
chain=$(python3 - "$pull_sizes" "$bw" "$apply_lat" <<'PY'
import itertools, sys
unit = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
sizes = [float(n) * unit[u] for n, u in (s.split() for s in sys.argv[1].split(";"))]
bw, lat = float(sys.argv[2]), float(sys.argv[3]) / 1000
best = min(max(sum(a), sum(sizes) - sum(a)) for r in range(len(sizes) + 1) for a in itertools.combinations(sizes, r))
print(best / bw + lat)
PY
)
a=$(best 1 "$bin" -f "$W/sandbox.yaml" --runner "$R" apply --yes -q)
cp=$(echo "$p + $chain" | bc -l)
script_time sizes-script "$(printf 'model %s\n' ai/gpt-oss ai/smollm2 ai/devstral-small-2 ai/qwen3-coder)" "$apply_lat" \
	SBXSIM_BANDWIDTH=$bw
row "4 pulls of 0.26 to 17.3 GiB at $((bw / 1000000000)) GB/s (2 slots; the largest waiting one next)" "$apply_lat" "by size" \
	"$a" "$cp" "$script_s"

echo
echo "## Validate (sbxapply validate on tests/bench/bench_validate's generated file)"
echo
echo "| entries | file | time | max RSS |"
echo "|---|---|---|---|"
for n in $sizes; do
	"$build/tests/bench/bench_validate" "$n" --write "$work/v$n.yaml" >/dev/null
	/usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin" -f "$work/v$n.yaml" validate -q >/dev/null 2>&1
	t=$(best 3 "$bin" -f "$work/v$n.yaml" validate -q)
	echo "| $n | $(($(stat -c %s "$work/v$n.yaml") / 1024)) KiB | $(printf '%.0f' "$(echo "$t * 1000" | bc -l)") ms | $(($(cut -d' ' -f2 "$work/time.txt") / 1024)) MiB |"
done

echo
echo "## Watch"
echo
world watch
printf 'version: 1\nproject: watched\nmodels:\n  ai/smollm2:\n' >"$W/sandbox.yaml"
runner 0
"$bin" watch -f "$W/sandbox.yaml" --runner "$R" --progress plain >"$W/watch.out" 2>"$W/watch.err" &
watcher=$!
waitfor() { i=0; while [ "$(grep -cF -- "$1" "$W/watch.err")" -lt "$2" ] && [ $i -lt 600 ]; do sleep 0.02; i=$((i + 1)); done; }
waitfor "for changes" 1
lat_list=
for k in 1 2 3 4 5; do
	: >"$SBXSIM_STATE_DIR/calls.log"
	t0=$(now)
	printf 'version: 1\nproject: watched\nmodels:\n  ai/smollm2:\n# save %s\n' "$k" >"$W/sandbox.yaml.tmp"
	mv "$W/sandbox.yaml.tmp" "$W/sandbox.yaml"
	i=0
	while [ ! -s "$SBXSIM_STATE_DIR/calls.log" ] && [ $i -lt 500 ]; do sleep 0.005; i=$((i + 1)); done
	first=$(head -1 "$SBXSIM_STATE_DIR/calls.log" | sed 's/.*"ts":\([0-9.]*\).*/\1/')
	lat_list="$lat_list $(printf '%.0f' "$(echo "($first - $t0) * 1000" | bc -l)")"
	waitfor "for changes" $((k + 1))
done
ticks() { awk '{print $14 + $15}' "/proc/$watcher/stat"; }
c0=$(ticks)
sleep "$idle"
c1=$(ticks)
kill -INT "$watcher"
wait "$watcher" 2>/dev/null
watcher=
echo "| measure | value |"
echo "|---|---|"
echo "| save to first observation call (5 saves, ms; --debounce 150ms default) |$lat_list |"
echo "| idle CPU over ${idle} s (utime+stime ticks) | $((c1 - c0)) |"
