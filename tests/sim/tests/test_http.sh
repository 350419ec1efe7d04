# Transport-level behaviour of the simulated runner (docs/backends.md §1, §5).
. "$(dirname "$0")/lib.sh"
start_runner

req GET /models
check_eq "empty list status" 200 "$STATUS"
check_eq "empty list body" "[]" "$BODY"
check_eq "list content type" "application/json" "$CTYPE"
check_has "server timing header" "$(cat "$T/headers")" "Server-Timing: sbxsim;dur="

req GET /models/ai/smollm2:latest
check_eq "missing model status" 404 "$STATUS"
check_eq "missing model body (Go http.Error)" "model not found" "$BODY"
check_eq "missing model content type" "text/plain; charset=utf-8" "$CTYPE"
BYTES=$(od -An -c "$T/body" | tr -d ' \n')
check_eq "exact error bytes" 'modelnotfound\n' "$BYTES"

req GET /nothing/here
check_eq "unknown path" "404 404 page not found" "$STATUS $BODY"
req PUT /models
check_eq "wrong method" "405 Method Not Allowed" "$STATUS $BODY"

req GET /engines/status
check_eq "engines status" '200 {"llama.cpp":"Running: llama.cpp latest-cpu (sha256:2f7c4e1b9a03) version: b6480","vllm":"Not Installed"}' "$STATUS $BODY"

req POST /v1/messages -H 'Content-Type: application/json' \
	-d '{"model":"ai/devstral-small-2","max_tokens":32,"messages":[{"role":"user","content":"Say hello"}]}'
check_eq "anthropic not found" '404 {"type":"error","error":{"type":"not_found_error","message":"Model not found: ai/devstral-small-2"}}' "$STATUS $BODY"
check_eq "anthropic error is json" "application/json" "$CTYPE"

req POST /models/create -d 'not json'
check_eq "bad pull body" "400 invalid request body" "$STATUS $BODY"

LOG=$(cat "$SBXSIM_STATE_DIR/calls.log")
check_has "call log records GET /models" "$LOG" '"kind":"http","method":"GET","path":"/models","transport":"tcp"}'
check_has "call log records POST" "$LOG" '"method":"POST","path":"/v1/messages"'
check_eq "one log line per request" 7 "$(wc -l <"$SBXSIM_STATE_DIR/calls.log" | tr -d ' ')"
finish
