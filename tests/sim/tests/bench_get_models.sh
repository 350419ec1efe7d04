# Micro benchmark: how long GET /models takes, measured by the client and
# by the server itself (Server-Timing).  Prints figures, asserts nothing.
. "$(dirname "$0")/lib.sh"
N=${SBXSIM_BENCH_N:-300}
SBXSIM_PULL_MS=20 start_runner
for m in ai/smollm2 ai/gpt-oss ai/qwen3-coder ai/devstral-small-2; do pull "$m"; done
# One curl process, one kept-alive connection: N requests.
i=0
: >"$T/urls"
while [ $i -lt "$N" ]; do
	echo "url = \"$URL/models\"" >>"$T/urls"
	echo 'output = "/dev/null"' >>"$T/urls"
	i=$((i + 1))
done
curl -sS --noproxy '*' -K "$T/urls" -w '%{time_total} %header{server-timing}\n' >"$T/times"
awk -v n="$N" '
{ t = $1 * 1000; split($2, a, "dur="); s = a[2] + 0
  tt += t; ss += s
  if (NR == 1 || s < smin) smin = s
  if (s > smax) smax = s }
END {
  printf "GET /models with 4 models stored, %d requests on one connection\n", n
  printf "  client total per request: mean %.3f ms\n", tt / NR
  printf "  server own time (Server-Timing): mean %.3f ms, min %.3f ms, max %.3f ms\n", ss / NR, smin, smax
}' "$T/times"
finish
