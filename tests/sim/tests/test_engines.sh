# Runtime configs, OpenAI and Anthropic endpoints (docs/backends.md §2, §5).
. "$(dirname "$0")/lib.sh"
SBXSIM_PULL_MS=30 start_runner
ID=sha256:f07b04c0ce95ce9db15aa26a4ac54e9cafc6c369feb5e7ff2efa527c48a1d4ed

req POST /engines/_configure -d '{"model":"ai/smollm2","context-size":8192}'
check_eq "configure a missing model" "404 model not found" "$STATUS $BODY"
pull ai/smollm2
req POST /engines/_configure -d '{"model":"ai/smollm2","context-size":8192,"runtime-flags":["--temp","0.7"]}'
check_eq "configure accepted" "202 " "$STATUS $BODY"
req GET /engines/_configure
check_eq "configs, capitalised" '200 [{"Backend":"llama.cpp","Model":"ai/smollm2","ModelID":"'"$ID"'","Mode":"completion","Config":{"context-size":8192,"runtime-flags":["--temp","0.7"]}}]' "$STATUS $BODY"
req POST /engines/_configure -d '{"model":"smollm2","context-size":8192,"runtime-flags":["--temp","0.7"]}'
check_eq "same settings again" 202 "$STATUS"
req POST /engines/_configure -d '{"model":"ai/smollm2","context-size":4096}'
check_eq "runner already active" "409 runner already active" "$STATUS $BODY"
req GET "/engines/_configure?model=docker.io/ai/smollm2:latest"
check_has "filter by model" "$BODY" '"ModelID":"'"$ID"'"'
req GET "/engines/_configure?model=ai/gpt-oss"
check_eq "filter, nothing" "[]" "$BODY"
req POST /engines/unload -d '{"all":true}'
check_eq "unload" '200 {"unloaded_runners":1}' "$STATUS $BODY"
req GET /engines/_configure
check_eq "unload drops configs" "[]" "$BODY"
req POST /engines/_configure -d '{"model":"ai/smollm2","context-size":4096}'
check_eq "configure after unload" 202 "$STATUS"

req POST /v1/messages -H 'Content-Type: application/json' \
	-d '{"model":"ai/smollm2","max_tokens":32,"messages":[{"role":"user","content":"Say hello"}]}'
check_eq "messages status" 200 "$STATUS"
check_has "anthropic message" "$BODY" '"type":"message","role":"assistant","model":"ai/smollm2","content":[{"type":"text","text":"Hello! This is sbxsim answering for Docker Model Runner."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":'
req POST /anthropic/v1/messages -d '{"model":"smollm2","max_tokens":8,"messages":[]}'
check_has "anthropic prefix" "$STATUS $BODY" '200 {"id":"msg_'
req POST /v1/messages -d '{"max_tokens":8}'
check_eq "anthropic bad request" '400 {"type":"error","error":{"type":"invalid_request_error","message":"model is required"}}' "$STATUS $BODY"

req GET /engines/v1/models
check_has "openai models" "$BODY" '{"object":"list","data":[{"id":"docker.io/ai/smollm2:latest","object":"model","created":1751039531,"owned_by":"docker"}]}'
req GET /v1/models
check_eq "v1 alias" 200 "$STATUS"
req POST /engines/llama.cpp/v1/chat/completions -d '{"model":"ai/smollm2","messages":[{"role":"user","content":"hi"}]}'
check_has "chat completion" "$BODY" '"object":"chat.completion"'
req POST /engines/v1/chat/completions -d '{"model":"ai/nothing","messages":[]}'
check_eq "chat completion, missing model" "404 model not found" "$STATUS $BODY"
finish
