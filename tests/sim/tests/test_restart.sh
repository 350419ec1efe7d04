# What survives a runner restart: models and tags yes, runtime configs no.
. "$(dirname "$0")/lib.sh"
SBXSIM_PULL_MS=30 start_runner
pull ai/smollm2
req POST "/models/ai/smollm2/tag?repo=mine&tag=keep"
req POST /engines/_configure -d '{"model":"ai/smollm2","context-size":8192}'
req GET /models
BEFORE=$BODY
OLDADDR=$ADDR
stop_runner
check_eq "runner removes its address file" "no" "$([ -e "$SBXSIM_STATE_DIR/runner.addr" ] && echo yes || echo no)"

SBXSIM_PULL_MS=30 start_runner
req GET /models
check_eq "models and tags survive" "$BEFORE" "$BODY"
check_has "tag kept" "$BODY" '"docker.io/ai/mine:keep"'
req GET /engines/_configure
check_eq "runtime configs are lost" "[]" "$BODY"

# Configs belong to a digest: a re-pull to a new digest loses them.
req POST /engines/_configure -d '{"model":"ai/smollm2","context-size":8192}'
"$SBXSIM" registry bump ai/smollm2 >/dev/null
pull ai/smollm2
req GET "/engines/_configure?model=ai/smollm2"
check_eq "config gone after tag moved to a new digest" "[]" "$BODY"
req GET /engines/_configure
check_eq "and not kept for the old digest" "[]" "$BODY"

# The store file is the truth: an edit on disk is seen without restart.
echo '[]' >"$SBXSIM_STATE_DIR/models.json"
sleep 0.02
req GET /models
check_eq "store reloaded from disk" "[]" "$BODY"
[ "$OLDADDR" != "" ] || fail "no address"
finish
