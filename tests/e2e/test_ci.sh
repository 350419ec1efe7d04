#!/bin/sh
# sbxapply in CI and from habits, against sbxsim: GitHub annotations of plan
# changes at the lines that declare them, the Markdown plan for a pull-request
# comment (no secret value, even with --show-secrets), `diff -q` printing no
# plan, the file found from a subdirectory, and `down --project` once the file
# is gone.
# Usage: test_ci.sh SBXAPPLY SBXSIM
. "$(dirname "$0")/lib.sh"
use_sim_sbx
export SBXSIM_POLICY_INIT=balanced
unset GITHUB_ACTIONS GITHUB_WORKSPACE
SECRET=sk-ci-secret-0123456789
export SBXAPPLY_CI_KEY=$SECRET
mkdir -p "$work/repo/project/src"
cat >"$work/repo/sandbox.yaml" <<'YAML'
version: 1
project: ci-demo
models:
  ai/smollm2:
policy:
  allow:
    - localhost:12434
sandboxes:
  dev:
    agent: claude
    workspace: project
    model: ai/smollm2
    env:
      ANTHROPIC_BASE_URL: http://host.docker.internal:12434
      SERVICE_TOKEN: ${SBXAPPLY_CI_KEY}
YAML
F="$work/repo/sandbox.yaml"
start_runner SBXSIM_PULL_MS=20

# 1. diff -q: the exit code says it, no plan is printed
sbxapply diff -q -f "$F" --runner "$R"
check "diff -q: changes pending" is "$rc" 1
check "diff -q prints no plan" is "$(cat "$work/out")" ""

# 2. annotations at the declaring lines, from GITHUB_ACTIONS alone, paths from the checkout
(cd "$work/repo" && GITHUB_ACTIONS=true GITHUB_WORKSPACE="$work/repo" "$bin" diff --runner "$R" >"$work/out" 2>"$work/err")
rc=$?
check "github: diff exits 1" is "$rc" 1
check "github: the model at line 4" has out "::notice file=sandbox.yaml,line=4,title=sbxapply%3A create model ai/smollm2::not present"
check "github: the rule at line 7" has out "::notice file=sandbox.yaml,line=7,title=sbxapply%3A create policy rule allow localhost%3A12434::"
check "github: the sandbox at line 9" has out "::notice file=sandbox.yaml,line=9,title=sbxapply%3A create sandbox dev::"
check "github: the env masked" has out "SERVICE_TOKEN: (sensitive)"
check "github: the text plan too" has out "Plan: 4 to create"

# 3. Markdown for the comment: summary, collapsed details, never a secret
sbxapply plan -o markdown --show-secrets -f "$F" --runner "$R"
check "markdown: exits 1" is "$rc" 1
check "markdown: summary" has out "**Plan: 4 to create, 0 to update, 0 to replace, 0 to delete.**"
check "markdown: details" has out "<details><summary>4 actions</summary>"
check "markdown: diff lines" has out "+ create sandbox dev"
check "markdown: masked even with --show-secrets" lacks out "$SECRET"
check "markdown: says sensitive" has out "SERVICE_TOKEN: (sensitive)"
cp "$work/out" "$work/plan.md"

# 4. from a subdirectory, the file is found upward
(cd "$work/repo/project/src" && "$bin" --runner "$R" >"$work/out" 2>"$work/err")
rc=$?
check "apply from a subdirectory" is "$rc" 0
check "says which file" has err "using ../../sandbox.yaml (found in a parent directory)"
sbxapply diff -q -f "$F" --runner "$R"
check "then in sync" is "$rc" 0
check "markdown in sync" sh -c "'$bin' diff -o markdown -f '$F' --runner '$R' | grep -qF '**No changes.**'"

# 5. down --project with the file gone: from the inventory alone
mv "$F" "$work/gone.yaml"
calls_reset
sbxapply down --project ci-demo --runner "$R" --dry-run
check "down --project --dry-run" is "$rc" 0
check "down --project plans the sandbox" has out "- delete sandbox dev"
check "dry run deletes nothing" is "$(calls_count '"(rm|remove)"|"DELETE"')" 0
sbxapply down --project ci-demo --runner "$R" --yes -q
check "down --project --yes" is "$rc" 0
check "down -q prints no plan" is "$(cat "$work/out")" ""
check "the sandbox is gone" sh -c "! sbx ls --json | grep -q '\"dev\"'"
check "the model is gone" sh -c "! curl -sf '$R/models' | grep -q smollm2"
sbxapply down --project ci-demo --runner "$R" --yes
check "a second down finds nothing to delete" is "$rc" 0
check "nothing to delete" has out "No changes"
finish
