# The Docker Desktop socket: every runner path under /exp/vDD4.40 (docs/backends.md §1).
. "$(dirname "$0")/lib.sh"
SOCK="$T/docker.sock"
SBXSIM_PULL_MS=30 start_runner --unix "$SOCK"
U() {
	curl -sS --noproxy '*' --max-time 10 --unix-socket "$SOCK" -o "$T/ubody" -w '%{http_code}' "$@" >"$T/ustatus"
	USTATUS=$(cat "$T/ustatus")
	UBODY=$(cat "$T/ubody")
}
U http://localhost/exp/vDD4.40/models
check_eq "prefixed list" "200 []" "$USTATUS $UBODY"
U http://localhost/models
check_eq "unprefixed is the engine's 404" '404 {"message":"page not found"}' "$USTATUS $UBODY"
U -H 'Accept: application/json' -d '{"from":"ai/smollm2"}' http://localhost/exp/vDD4.40/models/create
check_has "pull over the socket" "$(tail -n 1 "$T/ubody")" "Model pulled successfully"
U http://localhost/exp/vDD4.40/models/ai/smollm2:latest
check_has "inspect over the socket" "$USTATUS $UBODY" '200 {"id":"sha256:f07b04c0'
req GET /models/smollm2
check_eq "same store over TCP" 200 "$STATUS"
check_has "transport logged" "$(cat "$SBXSIM_STATE_DIR/calls.log")" '"path":"/exp/vDD4.40/models","transport":"unix"}'
finish
