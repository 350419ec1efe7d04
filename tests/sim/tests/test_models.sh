# Inspect, tag, delete and repackage (docs/backends.md §2 and §4).
. "$(dirname "$0")/lib.sh"
SBXSIM_PULL_MS=30 start_runner
ID=sha256:f07b04c0ce95ce9db15aa26a4ac54e9cafc6c369feb5e7ff2efa527c48a1d4ed

pull ai/smollm2
for ref in ai/smollm2 smollm2 ai/smollm2:latest docker.io/ai/smollm2:latest index.docker.io/ai/smollm2 \
	AI/SmolLM2 "$ID" f07b04c0ce95 f07b04c0ce95ce9db15aa26a4ac54e9cafc6c369feb5e7ff2efa527c48a1d4ed; do
	req GET "/models/$ref"
	check_has "inspect $ref" "$STATUS $BODY" "200 {\"id\":\"$ID\""
done
# ?remote=true: what the registry holds, before any pull (no tags: model-runner's ToModelFromArtifact)
req GET "/models/ai/devstral-small-2?remote=true"
check_has "remote lookup" "$STATUS $BODY" '200 {"id":"sha256:'
check_has "remote size" "$BODY" '"size":"14.17 GiB"'
check_not_has "remote has no tags" "$BODY" '"tags"'
req GET /models/ai/devstral-small-2
check_eq "and pulls nothing" "404 model not found" "$STATUS $BODY"
req GET "/models/ai/no-such-model?remote=true"
check_eq "remote not found" "404 model not found" "$STATUS $BODY"
req GET "/models/ai/smollm2?remote=1"
check_has "remote id is the pulled one" "$STATUS $BODY" "200 {\"id\":\"$ID\""

req GET /models/ai/smollm2:LATEST
check_eq "tag keeps its case" "404 model not found" "$STATUS $BODY"

# Tag: adds R:T, and moves it away from any other model.
req POST "/models/ai/smollm2/tag?repo=someorg/foo&tag=v2"
check_eq "tag answer" '201 {"message":"Model tagged successfully with \"someorg/foo:v2\"","target":"someorg/foo:v2"}' "$STATUS $BODY"
req POST "/models/ai/smollm2/tag?repo=someorg/foo"
check_eq "tag needs repo and tag" "400 missing repo or tag query parameter" "$STATUS $BODY"
req POST "/models/ai/nothing/tag?repo=a&tag=b"
check_eq "tag of a missing model" "404 model not found" "$STATUS $BODY"

# The partial-name quirk: "foo" answers with someorg/foo:v2.
req GET /models/foo
check_has "partial name fallback" "$STATUS $BODY" "200 {\"id\":\"$ID\",\"tags\":[\"docker.io/ai/smollm2:latest\",\"docker.io/someorg/foo:v2\"]"
req GET /models/fo
check_eq "partial means the whole name part" "404 model not found" "$STATUS $BODY"

pull ai/smollm2:135M-Q4_K_M
req POST "/models/ai/smollm2:135M-Q4_K_M/tag?repo=someorg/foo&tag=v2"
check_eq "tag moved" 201 "$STATUS"
req GET /models/ai/smollm2
check_has "old owner lost the tag" "$BODY" '"tags":["docker.io/ai/smollm2:latest"]'

# Delete: by one tag of several untags only; by id needs force.
req POST "/models/ai/smollm2/tag?repo=ai/smollm2&tag=second"
req DELETE /models/ai/smollm2:second
check_eq "untag only" '200 [{"Untagged":"docker.io/ai/smollm2:second"}]' "$STATUS $BODY"
req POST "/models/ai/smollm2/tag?repo=ai/smollm2&tag=second"
req DELETE "/models/$ID"
check_eq "409 without force" '409 unable to delete "'"$ID"'" (must be forced) due to multiple tag references: resource conflict' "$STATUS $BODY"
req DELETE "/models/$ID?force=true"
check_eq "forced delete" '200 [{"Untagged":"docker.io/ai/smollm2:latest"},{"Untagged":"docker.io/ai/smollm2:second"},{"Deleted":"'"$ID"'"}]' "$STATUS $BODY"
req DELETE /models/ai/smollm2
check_eq "delete missing" "404 model not found" "$STATUS $BODY"

# Repackage: a variant with its own id and config.context_size.
pull ai/gpt-oss
req GET /models/ai/gpt-oss
BASE=$(echo "$BODY" | sed 's/^{"id":"\([^"]*\)".*/\1/')
req POST /models/ai/gpt-oss/repackage -d '{"target":"gpt-oss:32k","context_size":32000}'
check_eq "repackage answer" '201 {"message":"Model repackaged successfully as \"gpt-oss:32k\"","source":"ai/gpt-oss","target":"gpt-oss:32k"}' "$STATUS $BODY"
req GET /models/gpt-oss:32k
check_has "variant tagged" "$BODY" '"tags":["docker.io/ai/gpt-oss:32k"]'
check_has "variant context size" "$BODY" '"context_size":32000'
check_not_has "variant has a new id" "$BODY" "$BASE"
req GET /models/ai/gpt-oss
check_not_has "base has no context_size" "$BODY" "context_size"
req POST /models/ai/gpt-oss/repackage -d '{"context_size":32000}'
check_eq "target is required" "400 target is required" "$STATUS $BODY"
req POST /models/ai/nothing/repackage -d '{"target":"x:1"}'
check_eq "repackage missing" "404 model not found" "$STATUS $BODY"

# A new upload in the registry: re-pull moves the tag, old variants keep the old base.
"$SBXSIM" registry bump ai/gpt-oss >/dev/null
pull ai/gpt-oss
check_has "re-pull downloads" "$(tail -n 1 "$T/body")" "Model pulled successfully"
req GET /models/ai/gpt-oss
check_not_has "new digest" "$BODY" "$BASE"
req GET "/models/$BASE"
check_has "old base kept, untagged" "$BODY" '"tags":[]'
req GET /models/gpt-oss:32k
check_has "variant still there" "$STATUS" 200
stop_runner

# The older store layout writes tags without docker.io/.
export SBXSIM_STATE_DIR="$T/state-short"
SBXSIM_TAG_FORM=short SBXSIM_PULL_MS=30 start_runner
pull smollm2
req GET /models
check_has "short tag form" "$BODY" '"tags":["ai/smollm2:latest"]'
req GET /models/docker.io/ai/smollm2:latest
check_eq "lookup normalises both sides" 200 "$STATUS"
finish
