# Shared by tests/reliability/run.sh and diskfull.sh (bash): worlds, the runner, world
# snapshots, inventory origins, the secret scan. No network but 127.0.0.1 ports the
# runner takes itself (port 0); everything lives under $work.

# A world: $1 = directory. Sets W, S (the simulator's state), ST (sbxapply's state dir).
world_env() {
	W=$1
	S=$W/sim
	ST=$W/state
	export SBXSIM_STATE_DIR=$S
}

# start_runner [ENV=VALUE...]: a runner of the current world on a free port; sets $R, $runner_pid
start_runner() {
	rm -f "$S/runner.addr"
	env SBXSIM_PULL_MS=20 "$@" "$sim" runner --listen 127.0.0.1:0 >>"$W/runner.log" 2>&1 &
	runner_pid=$!
	local i=0
	while [ ! -s "$S/runner.addr" ] && [ $i -lt 200 ]; do sleep 0.025; i=$((i + 1)); done
	R="http://$(cat "$S/runner.addr" 2>/dev/null)"
}

stop_runner() {
	if [ -n "${runner_pid:-}" ]; then
		kill "$runner_pid" 2>/dev/null
		wait "$runner_pid" 2>/dev/null
		runner_pid=
	fi
}

# bounded SECONDS OUT ERR CMD...: CMD in the background; SIGTERM after SECONDS, SIGKILL 5 s
# later. Sets $rc (the command's own exit status) and $timed_out (1 when the bound hit).
bounded() {
	local secs=$1 out=$2 err=$3 t=0 p
	shift 3
	"$@" >"$out" 2>"$err" &
	p=$!
	timed_out=0
	while kill -0 "$p" 2>/dev/null; do
		sleep 0.05
		t=$((t + 1))
		if [ $t -eq $((secs * 20)) ]; then
			timed_out=1
			kill -TERM "$p" 2>/dev/null
		elif [ $t -ge $((secs * 20 + 100)) ]; then
			kill -KILL "$p" 2>/dev/null
			break
		fi
	done
	wait "$p" 2>/dev/null
	rc=$?
}

# leaked_procs: processes (but the runner) still running in this world (their SBXSIM_STATE_DIR
# is $S), after a grace of 2 s; prints them and kills them (by pid)
leaked_procs() {
	local n=0 i=0 p found
	while [ $i -lt 40 ]; do
		found=
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			[ "$p" = "${runner_pid:-x}" ] && continue
			[ "$p" = "$$" ] && continue
			tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qxF "SBXSIM_STATE_DIR=$S" || continue
			case $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1) in Z | X | '') continue ;; esac
			found="$found $p"
		done
		[ -z "$found" ] && break
		sleep 0.05
		i=$((i + 1))
	done
	for p in $found; do
		[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" ] || continue
		echo "    leaked process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120)"
		kill -KILL "$p" 2>/dev/null
		n=$((n + 1))
	done
	return $n
}

# world_items: the simulated world as sorted lines, one per thing a file can declare:
# model tags, sandboxes, network rules (scope, decision, resources), secrets (no value),
# and each line of each sandbox's sbxapply env block (as a checksum: values may be secret)
world_items() {
	{
		tr -d ' \t\n' 2>/dev/null <"$S/models.json" | grep -o '"tags":\[[^]]*\]' |
			sed 's/"tags":\[//; s/\]$//' | tr ',' '\n' | tr -d '"' | grep . | sed 's/^/model /'
		tr -d ' \t\n' 2>/dev/null <"$S/sandboxes.json" | grep -o '"name":"[^"]*","agent"' |
			sed 's/"name":"//; s/","agent"//; s/^/sandbox /'
		tr -d ' \t\n' 2>/dev/null <"$S/policies.json" |
			grep -o '"sandbox":[^,]*,"type":"network","decision":"[a-z]*","resources":\[[^]]*\]' |
			sed 's/"type":"network",//; s/^/rule /'
		tr -d ' \t\n' 2>/dev/null <"$S/secrets.json" | grep -o '{"service":"[^}]*}' |
			sed 's/,"value":"[^"]*"//; s/^/secret /'
		local f n
		for f in "$S"/sandboxes/*/etc/sandbox-persistent.sh; do
			[ -f "$f" ] || continue
			n=${f#"$S"/sandboxes/}
			n=${n%%/*}
			sed -n '/^# BEGIN sbxapply/,/^# END sbxapply/p' "$f" | grep -v '^#' | while IFS= read -r l; do
				echo "env $n ${l%%=*} $(printf %s "$l" | cksum | cut -d' ' -f1)"
			done
		done
	} | LC_ALL=C sort
}

# origins PROJECT: "kind name origin" per inventory entry, sorted
origins() {
	tr -d ' \n\t' 2>/dev/null <"$ST/$1.json" |
		grep -o '"kind":"[a-z_]*","name":"[^"]*","origin":"[a-z]*"' |
		sed 's/"kind":"//; s/","name":"/ /; s/","origin":"/ /; s/"$//' | LC_ALL=C sort
}

# secret_hits DIR: files under DIR holding a secret value, but the intended destinations
# (sbxsim's secret store, a sandbox's env file) and the input files (*.yaml, .env)
secret_hits() {
	grep -rlF -f "$work/secret-values" "$1" 2>/dev/null | while IFS= read -r f; do
		case $f in
		*/secret-values | */sim/secrets.json | */sim/sandboxes/*/etc/sandbox-persistent.sh | *.yaml | */.env) ;;
		*) echo "$f" ;;
		esac
	done
}

# sanitizer_report FILE...: a sanitizer's or a crash's trace in these files
sanitizer_report() { grep -lE 'ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer' "$@" 2>/dev/null | grep -q .; }
