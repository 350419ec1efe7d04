# POST /models/create: the streamed pull (docs/backends.md §3).
. "$(dirname "$0")/lib.sh"
SBXSIM_BANDWIDTH=2000000000 start_runner

pull ai/smollm2
check_eq "pull status" 200 "$STATUS"
check_eq "pull content type" "application/json" "$CTYPE"
NPROG=$(grep -c '^{"type":"progress","message":"Downloaded: [0-9.]* MB","total":268801358,"layer":{"id":"sha256:[0-9a-f]\{64\}","size":[0-9]*,"current":[0-9]*},"mode":"pull"}$' "$T/body")
[ "$NPROG" -ge 4 ] || fail "want several progress lines, got $NPROG"
NLAYERS=$(grep -o '"layer":{"id":"sha256:[0-9a-f]*"' "$T/body" | sort -u | wc -l | tr -d ' ')
check_eq "two layers streamed" 2 "$NLAYERS"
check_eq "last line is success" '{"type":"success","message":"Model pulled successfully","total":0,"layer":{"size":0,"current":0},"mode":"pull"}' "$(tail -n 1 "$T/body")"
check_eq "lines are progress or success only" "$(wc -l <"$T/body")" "$((NPROG + 1))"

req GET /models
check_eq "store after pull" '[{"id":"sha256:f07b04c0ce95ce9db15aa26a4ac54e9cafc6c369feb5e7ff2efa527c48a1d4ed","tags":["docker.io/ai/smollm2:latest"],"created":1751039531,"config":{"format":"gguf","quantization":"IQ2_XXS/Q4_K_M","parameters":"361.82 M","architecture":"llama","size":"256.35 MiB","gguf":{"general.architecture":"llama","llama.context_length":"8192"}}}]' "$BODY"

pull smollm2
check_eq "cached pull" '{"type":"success","message":"Using cached model: 256.35 MiB","total":0,"layer":{"size":0,"current":0},"mode":"pull"}' "$BODY"

req POST /models/create -d '{"from":"docker.io/ai/smollm2:latest"}'
check_eq "plain text pull is html escaped" '{&#34;type&#34;:&#34;success&#34;,&#34;message&#34;:&#34;Using cached model: 256.35 MiB&#34;,&#34;total&#34;:0,&#34;layer&#34;:{&#34;size&#34;:0,&#34;current&#34;:0},&#34;mode&#34;:&#34;pull&#34;}' "$BODY"
check_eq "plain text content type" "text/plain; charset=utf-8" "$CTYPE"

pull ai/does-not-exist
check_eq "unknown model" "404 Model not found" "$STATUS $BODY"
pull "Bad Ref!"
check_eq "invalid ref" "400 Invalid model reference" "$STATUS $BODY"
pull someorg/private-model
check_eq "private model" "401 Unauthorized" "$STATUS $BODY"
stop_runner

# At most two pulls at once: the third gets no answer at all until a slot frees.
SBXSIM_PULL_MS=1500 start_runner
for m in ai/gpt-oss ai/qwen3-coder ai/devstral-small-2; do
	f=$(echo "$m" | tr / _)
	curl -sS --noproxy '*' --max-time 20 -D "$T/h.$f" -o "$T/b.$f" -H 'Accept: application/json' \
		-d "{\"from\":\"$m\"}" "$URL/models/create" &
	PIDS="${PIDS:-} $!"
	sleep 0.1
done
sleep 0.5
check_has "first pull answered" "$(cat "$T/h.ai_gpt-oss")" "HTTP/1.1 200 OK"
check_has "second pull answered" "$(cat "$T/h.ai_qwen3-coder")" "HTTP/1.1 200 OK"
check_eq "third pull blocks silently" "" "$(cat "$T/h.ai_devstral-small-2")"
req GET /models
check_eq "other requests are not blocked" "200" "$STATUS"
check_eq "GET /models answered while the third pull still waited" "" "$(cat "$T/h.ai_devstral-small-2")"
wait $PIDS
check_has "third pull ran after a slot freed" "$(cat "$T/h.ai_devstral-small-2")" "HTTP/1.1 200 OK"
check_has "third pull succeeded" "$(tail -n 1 "$T/b.ai_devstral-small-2")" '"type":"success"'
check_eq "the third, and only it, is logged as queued" 1 "$(grep -c '"kind":"pull-queued"' "$SBXSIM_STATE_DIR/calls.log")"
check_has "naming it" "$(grep '"kind":"pull-queued"' "$SBXSIM_STATE_DIR/calls.log")" "ai/devstral-small-2"
NL=$(grep -o '"layer":{"id":"sha256:[0-9a-f]*"' "$T/b.ai_devstral-small-2" | sort -u | wc -l | tr -d ' ')
check_eq "devstral has three parallel layers" 3 "$NL"
req GET /models
check_eq "four models stored" 4 "$(echo "$BODY" | grep -o '"id":"sha256' | wc -l | tr -d ' ')"
# the next pull, asked the moment one ends (its last line read), finds its slot free
: >"$SBXSIM_STATE_DIR/calls.log"
for m in ai/gpt-oss ai/qwen3-coder; do
	"$SBXSIM" registry bump "$m" >/dev/null
	(curl -sS --noproxy '*' -o /dev/null -d "{\"from\":\"$m\"}" "$URL/models/create" &&
		curl -sS --noproxy '*' -o /dev/null -d '{"from":"ai/smollm2:135M-Q4_K_M"}' "$URL/models/create") &
	PIDS2="${PIDS2:-} $!"
done
wait $PIDS2
check_eq "a client that keeps to two pulls is never queued" 0 "$(grep -c '"kind":"pull-queued"' "$SBXSIM_STATE_DIR/calls.log")"

# A client that goes away frees its slot.
"$SBXSIM" registry bump ai/gpt-oss >/dev/null
"$SBXSIM" registry bump ai/qwen3-coder >/dev/null
for m in ai/gpt-oss ai/qwen3-coder; do
	curl -s --noproxy '*' --max-time 0.3 -o /dev/null -d "{\"from\":\"$m\"}" "$URL/models/create"
done
curl -s --noproxy '*' --max-time 0.5 -D "$T/h.after" -o /dev/null -d '{"from":"ai/smollm2:135M-Q4_K_M"}' "$URL/models/create"
check_has "slots freed by disconnects" "$(cat "$T/h.after")" "HTTP/1.1 200 OK"
finish
