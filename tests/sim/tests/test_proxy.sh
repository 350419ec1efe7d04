# The sandbox's network: every request from `sbx exec` goes through the
# sandbox's policy proxy (src/sbx_proxy.c), which rewrites
# host.docker.internal to localhost, decides with the sandbox's effective
# rules as `policy check` does, refuses in the real proxy's shapes and
# forwards localhost:12434 to the simulated runner.  Also the runner's
# Anthropic routes that the guide's step 5 uses.
. "$(dirname "$0")/lib.sh"
if ! exec_works; then
	echo "SKIP: no root and no unprivileged user namespaces"
	exit 77
fi
export SBXSIM_SBX_VERSION=0.45.1 SBXSIM_POLICY_INIT=balanced
mkdir -p "$T/ws" "$T/ws2" && cd "$T/ws" || exit 1
start_runner
pull ai/smollm2 >/dev/null

# The runner's Anthropic endpoints (docs/backends.md §5), straight from the host.
MSG='{"model":"ai/smollm2","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}'
for p in /v1/messages /anthropic/v1/messages /engines/v1/messages /engines/llama.cpp/v1/messages; do
	req POST "$p" -H 'Content-Type: application/json' -d "$MSG"
	check_eq "POST $p" "200" "$STATUS"
	check_has "POST $p: a message" "$BODY" '"type":"message"'
done
req POST /v1/messages -H 'Content-Type: application/json' -d '{"model":"ai/nope","max_tokens":1,"messages":[]}'
check_eq "missing model" '404 {"type":"error","error":{"type":"not_found_error","message":"Model not found: ai/nope"}}' "$STATUS $BODY"

run_sbx create claude --name box .
cd "$T/ws2" && run_sbx create claude --name other . && cd "$T/ws" || exit 1
# in_box SCRIPT: sh inside the sandbox; its output in OUT
in_box() { run_sbx exec box sh -c "$1"; }
GET='curl -sS -i --max-time 10 http://host.docker.internal:12434/models'

in_box 'env | grep -c "^[Hh][Tt][Tt][Pp][Ss]*_[Pp][Rr][Oo][Xx][Yy]=http://127.0.0.1:"'
check_eq "proxy variables set" 4 "$OUT"
in_box "$GET"
check_has "no rule: 403" "$OUT" "HTTP/1.1 403 Forbidden"
check_has "no rule: the default deny (sbx-releases#611)" "$OUT" "Blocked by network policy: domain localhost:12434
  detail: no matching allow rule - blocked by default deny policy"
check_has "logged" "$(cat "$SBXSIM_STATE_DIR/calls.log")" '"kind":"proxy","sandbox":"box","request":"GET http://host.docker.internal:12434/models","target":"localhost:12434","decision":"denied","rule":null}'

# A rule scoped to another sandbox opens nothing here.
run_sbx policy allow network --sandbox other localhost:12434
in_box "$GET"
check_has "another sandbox's rule" "$OUT" "HTTP/1.1 403 Forbidden"
run_sbx exec other sh -c "$GET"
check_has "its own rule" "$OUT" "HTTP/1.1 200 OK"

run_sbx policy allow network localhost:12434
in_box "$GET"
check_has "allowed: the runner answers" "$OUT" "HTTP/1.1 200 OK"
check_has "allowed: its models" "$OUT" '"tags":["docker.io/ai/smollm2:latest"]'
in_box "curl -sS --max-time 10 http://host.docker.internal:12434/v1/messages -H 'Content-Type: application/json' -d '$MSG'"
check_has "the guide's step 5" "$OUT" '"type":"message"'
in_box "curl -sS -i --max-time 10 http://127.0.0.1:12434/models"
check_has "127.0.0.1 is another resource" "$OUT" "HTTP/1.1 403 Forbidden"
in_box "curl -sS -i --max-time 10 http://localhost:${ADDR##*:}/models"
check_has "the runner's own port needs its own rule" "$OUT" "HTTP/1.1 403 Forbidden"
run_sbx policy allow network "localhost:${ADDR##*:}"
in_box "curl -sS -i --max-time 10 http://localhost:${ADDR##*:}/models"
check_has "the runner's own port, allowed" "$OUT" "HTTP/1.1 200 OK"

# Nothing else exists in the simulated world; HTTPS is not simulated.
run_sbx policy allow network example.com:80
in_box "curl -sS -i --max-time 10 http://example.com/"
check_has "an allowed host that is not simulated" "$OUT" "HTTP/1.1 502 Bad Gateway"
in_box "curl -sS -i --max-time 10 https://example.org/ 2>&1"
check_has "https refused: CONNECT" "$OUT" "CONNECT tunnel failed, response 403"

# The runner gone: the proxy cannot reach it.
stop_runner
in_box "$GET"
check_has "runner stopped: 502" "$OUT" "HTTP/1.1 502 Bad Gateway"
check_has "runner stopped: why" "$OUT" "dial localhost:12434: connection refused"

# Deny rules: the user's, an org's, a preset's (sbx-releases#567).
run_sbx policy deny network --sandbox box localhost:12434
in_box "$GET"
check_has "a local deny" "$OUT" "Blocked by local rule for localhost:12434"
run_sbx policy rm network --sandbox box --resource localhost:12434
"$SBXSIM" seed-rule org acme deny 'localhost:12434' >/dev/null
in_box "$GET"
check_has "an org deny" "$OUT" "Blocked by org policy"

export SBXSIM_STATE_DIR="$T/denyall" SBXSIM_POLICY_INIT=deny-all
run_sbx create claude --name box .
run_sbx policy allow network localhost:12434
in_box "$GET"
check_has "deny-all beats the allow, as policy check says" "$OUT" 'Blocked by network policy: domain localhost:12434
  rule:   "default-deny-all" (domain, deny)
  origin: default'

# The proxy ends with the exec: nothing is left listening.
export SBXSIM_STATE_DIR="$T/state" SBXSIM_POLICY_INIT=balanced
in_box 'echo "$HTTP_PROXY"'
PORT=${OUT##*:}
check_eq "the proxy is gone after the exec" 7 "$(curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$PORT/" ; echo $?)"
finish
