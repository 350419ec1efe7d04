# Fault injection and latency (tests/sim/README.md "Faults").
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/ws" && cd "$T/ws" || exit 1

# Call numbers count across processes.
export SBXSIM_FAULTS='sbx.ls#2=exit:3:sandboxd: connection refused;sbx.version=garbage;sbx.policy.ls=truncate'
run_sbx ls --json
check_eq "call 1 is fine" '0 {
  "sandboxes": []
}' "$RC $OUT"
run_sbx ls --json
check_eq "call 2 fails" "3 sandboxd: connection refused" "$RC $ERR"
run_sbx ls --json
check_eq "call 3 is fine again" 0 "$RC"
check_has "counters persisted" "$(cat "$SBXSIM_STATE_DIR/counters.json")" '"sbx.ls":	3'
run_sbx version
check_not_has "garbage" "$OUT" "sbx version:"
SBXSIM_POLICY_INIT=deny-all "$SBX" policy ls >"$T/full" 2>/dev/null
SBXSIM_FAULTS= SBXSIM_POLICY_INIT=deny-all "$SBX" policy ls >"$T/whole" 2>/dev/null
check_eq "truncated to half" "$(($(wc -c <"$T/whole") / 2))" "$(wc -c <"$T/full" | tr -d ' ')"

# A hung call hangs until killed; the caller's timeout must see it.
SBXSIM_FAULTS='sbx.ls=hang' timeout 0.5 "$SBX" ls --json >/dev/null 2>&1
check_eq "hang" 124 "$?"
SBXSIM_FAULTS='sbx.*#1+=exit:1:down' "$SBX" create shell --name x . 2>"$T/err"
check_eq "prefix pattern" "1 down" "$? $(cat "$T/err")"

# Latency per call.
START=$(date +%s%N)
SBXSIM_FAULTS= SBXSIM_LATENCY_MS=300 "$SBX" version >/dev/null
MS=$((($(date +%s%N) - START) / 1000000))
[ "$MS" -ge 300 ] || fail "latency: call took ${MS} ms"
unset SBXSIM_FAULTS

# HTTP faults.
SBXSIM_FAULTS='http.GET /models#1=status:503;http.GET /models/*#2=garbage;http.GET /engines/status=truncate;http.DELETE /models/*=hang' \
	SBXSIM_PULL_MS=200 start_runner
req GET /models
check_eq "503 first" "503 Service Unavailable" "$STATUS $BODY"
req GET /models
check_eq "then fine" "200 []" "$STATUS $BODY"
req GET /models/a
check_eq "prefix op, call 1" 404 "$STATUS"
req GET /models/a
check_eq "garbage on call 2" "200 <html><body>502 Bad Gateway (sbxsim garbage)</body></html>" "$STATUS $BODY"
req GET /engines/status
check_eq "truncated json" '200 {"llama.cpp":"Running: llama.cpp latest-cpu (sha256:2' "$STATUS $BODY"
curl -sS --noproxy '*' --max-time 0.5 -X DELETE "$URL/models/x" >/dev/null 2>&1
check_eq "hung request times out" 28 "$?"
stop_runner

# A delayed request does not hold up the runner's shutdown.
SBXSIM_FAULTS='http.GET /models=delay:20000' start_runner
curl -s --noproxy '*' --max-time 5 "$URL/models" >/dev/null 2>&1 &
CPID=$!
sleep 0.2
START=$(date +%s%N)
stop_runner
MS=$((($(date +%s%N) - START) / 1000000))
[ "$MS" -lt 2000 ] || fail "runner took ${MS} ms to stop during a delay"
wait "$CPID"

# Pull stream faults: cut (clean EOF), error line, dropped connection, status.
SBXSIM_FAULTS='pull#1=cut:50;pull#2=error:30:registry said no;pull#3=drop:50;pull#4=status:500:disk full' \
	SBXSIM_PULL_MS=200 start_runner
pull ai/smollm2
check_eq "cut: 200" 200 "$STATUS"
check_not_has "cut: no success" "$BODY" '"type":"success"'
check_has "cut: some progress" "$BODY" '"type":"progress"'
pull ai/smollm2
check_eq "error line" '{"type":"error","message":"registry said no","total":0,"layer":{"size":0,"current":0},"mode":"pull"}' "$(tail -n 1 "$T/body")"
check_eq "dropped connection" 18 "$(curl -sS --noproxy '*' -o /dev/null -d '{"from":"ai/smollm2"}' -H 'Accept: application/json' "$URL/models/create" 2>/dev/null; echo $?)"
pull ai/smollm2
check_eq "status fault" "500 disk full" "$STATUS $BODY"
req GET /models
check_eq "failed pulls store nothing" "[]" "$BODY"
pull ai/smollm2
check_has "fifth pull fine" "$(tail -n 1 "$T/body")" "Model pulled successfully"
finish
