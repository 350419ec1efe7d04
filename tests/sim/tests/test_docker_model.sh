# The docker CLI plugin: handshake and endpoint discovery (status --json).
. "$(dirname "$0")/lib.sh"
DM="$BIN_DIR/docker-model"
unset GITHUB_ACTIONS MODEL_RUNNER_HOST

check_eq "plugin metadata" '{"SchemaVersion":"0.1.0","Vendor":"Docker Inc.","Version":"v1.2.6","ShortDescription":"Docker Model Runner"}' \
	"$("$DM" docker-cli-plugin-metadata)"
# Not running: asked at the port this test's runner just gave up, never at the default
# localhost:12434, where a real runner may be listening.
start_runner
DEAD=$URL
stop_runner
OUT=$(MODEL_RUNNER_HOST=$DEAD "$DM" model status --json)
check_eq "not running" 0 "$?"
check_has "not running, json" "$OUT" '{"running":false,"backends":{}'
MODEL_RUNNER_HOST=$DEAD "$DM" model status >/dev/null
check_eq "not running, text exits 1" 1 "$?"

start_runner
OUT=$("$DM" model status --json)
check_eq "status --json with the runner on a custom port" "{\"running\":true,\"backends\":{\"llama.cpp\":\"Running: llama.cpp latest-cpu (sha256:2f7c4e1b9a03) version: b6480\",\"vllm\":\"Not Installed\"},\"kind\":\"Docker Engine (Manual Install)\",\"endpoint\":\"$URL/v1/\",\"endpointHost\":\"$URL/v1/\"}" "$OUT"
OUT=$(MODEL_RUNNER_HOST="$URL/" "$SBXSIM" docker-model model status)
check_eq "text status" "Docker Model Runner is running

Status:
llama.cpp: Running: llama.cpp latest-cpu (sha256:2f7c4e1b9a03) version: b6480
vllm: Not Installed" "$OUT"
check_has "liveness as the CLI does it" "$(cat "$SBXSIM_STATE_DIR/calls.log")" '"method":"GET","path":"/models","transport":"tcp"}'
check_has "then engines/status" "$(cat "$SBXSIM_STATE_DIR/calls.log")" '"method":"GET","path":"/engines/status","transport":"tcp"}'
"$DM" model pull ai/smollm2 2>"$T/err"
check_eq "other commands are not simulated" "1 sbxsim: 'docker model pull' is not simulated" "$? $(cat "$T/err")"
finish
