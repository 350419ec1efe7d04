#!/bin/sh
# The command line as a user meets it: exit codes, help, options, stdin, colour.
# Usage: test_cli.sh SBXAPPLY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# hermetic: any state goes under $tmp, and nothing inherited names a runner or an sbx
export XDG_STATE_HOME="$tmp/xdg" DOCKER_CONFIG="$tmp/docker"
unset GITHUB_ACTIONS MODEL_RUNNER_HOST DOCKER_HOST DOCKER_CONTEXT SBXAPPLY_SBX SBXAPPLY_SBX_TIMEOUT_MS
pass=0 fail=0 skipped=

# run EXPECTED_RC ARGS...: runs sbxapply, keeps stdout in $tmp/out and stderr in $tmp/err
run() {
	want=$1; shift
	env NO_COLOR=1 "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then return 0; fi
	echo "FAIL: sbxapply $* exited $rc, want $want"; sed 's/^/  err: /' "$tmp/err"
	return 1
}
has() { # has FILE TEXT
	if grep -qF -- "$2" "$tmp/$1"; then return 0; fi
	echo "FAIL: $1 lacks '$2'"; sed 's/^/  /' "$tmp/$1"; return 1
}
lacks() {
	if ! grep -qF -- "$2" "$tmp/$1"; then return 0; fi
	echo "FAIL: $1 has '$2'"; return 1
}
check() { # check NAME COMMANDS...: counts one test
	name=$1; shift
	"$@"
	case $? in
	0) pass=$((pass + 1)) ;;
	77) skipped="$skipped $name" ;; # a tool this machine lacks: said, not counted as a pass
	*) echo "  in: $name"; fail=$((fail + 1)) ;;
	esac
}

# version asks the runner for its version: a runner that is not there is said, and exit stays 0
t_version() {
	run 0 --version --runner "unix://$tmp/no-runner.sock" && has out "sbxapply 0.1.0 (libyaml " &&
		run 0 version --runner "unix://$tmp/no-runner.sock" && has out "libcurl" && has out "runner:"
}
t_help() {
	run 0 --help && has out "Usage: sbxapply [-f FILE] COMMAND" && has out "validate" && has out "schema" &&
	has out "3    invalid configuration" && has out "6    locked by another run"
}
t_help_lists_only_what_works() {
	run 0 --help || return 1
	for verb in completion; do
		if grep -qE "^  $verb " "$tmp/out"; then echo "FAIL: --help lists '$verb', which does not exist yet"; return 1; fi
	done
	for verb in apply diff plan run verify down watch validate doctor schema version; do
		grep -qE "^  $verb " "$tmp/out" || { echo "FAIL: --help does not list '$verb'"; return 1; }
	done
	run 2 completion && has err "unknown command 'completion'"
}
t_no_command_is_apply() {
	(cd "$tmp" && env NO_COLOR=1 "$bin" >"$tmp/out" 2>"$tmp/err"); rc=$?
	[ "$rc" -eq 3 ] && has err "cannot read 'sandbox.yaml': No such file or directory"
}
t_unknown_command() { run 2 valdate && has err "unknown command 'valdate'; did you mean 'validate'?"; }
t_unknown_option() { run 2 validate --frobnicate && has err "unknown option '--frobnicate'"; }
t_missing_value() { run 2 validate -f && has err "option '-f' needs a value"; }
t_bad_output() { run 2 validate -o yaml -f "$src/examples/minimal/sandbox.yaml" && has err "unknown output format 'yaml'"; }
t_option_not_taken() { run 2 schema -o json && has err "'schema' takes no --output option"; }
t_extra_argument() { run 2 validate extra && has err "validate takes no arguments"; }
# each command takes only the options it uses, and its --help offers only those
t_options_only_where_used() {
	run 2 doctor --refresh && has err "'doctor' takes no --refresh option" &&
		run 2 version --show-secrets && has err "'version' takes no --show-secrets option" &&
		run 2 verify --refresh && has err "'verify' takes no --refresh option" &&
		run 2 init --from-host --show-secrets && has err "'init' takes no --show-secrets option" &&
		run 0 doctor --help && lacks out "--refresh" && lacks out "--show-secrets" && has out "--runner URL" &&
		run 0 diff --help && has out "--refresh" && has out "--show-secrets" && has out "--adopt" &&
		run 0 status --help && has out "--refresh" && lacks out "--show-secrets"
}
t_command_help() { run 0 validate --help && has out "Usage: sbxapply validate" && has out "-o, --output FORMAT"; }
t_file_forms() {
	f="$src/examples/minimal/sandbox.yaml"
	run 0 validate -f "$f" && run 0 validate --file "$f" && run 0 validate --file="$f" && run 0 -f "$f" validate &&
	run 0 validate "-f$f"
}
t_default_file() {
	(cd "$src/examples/claude-dmr" && env NO_COLOR=1 "$bin" validate >"$tmp/out" 2>"$tmp/err") &&
	has out "sandbox.yaml is valid: project claude-dmr, 2 models, 1 package, 1 sandbox"
}
t_missing_file() {
	run 3 validate -f "$tmp/nope.yaml" && has err "cannot read '$tmp/nope.yaml': No such file or directory" &&
		lacks err "init --from-host" || return 1
	# no -f and none found upward: say so, and the two ways on (skipped if a parent of $tmp has one)
	mkdir -p "$tmp/empty/sub" && d="$tmp/empty/sub"
	while [ "$d" != / ]; do [ -e "$d/sandbox.yaml" ] && return 77; d=$(dirname "$d"); done
	for cmd in validate diff down; do
		(cd "$tmp/empty/sub" && env NO_COLOR=1 "$bin" $cmd >"$tmp/out" 2>"$tmp/err" </dev/null)
		[ $? -eq 3 ] && has err "no sandbox.yaml in this directory or any parent; name the file with -f FILE" &&
			has err "'sbxapply init --from-host'" || { echo "FAIL: $cmd"; return 1; }
	done
}
t_stdin() {
	(cd "$src/examples/claude-dmr" && env NO_COLOR=1 "$bin" validate -f - <sandbox.yaml >"$tmp/out" 2>"$tmp/err") &&
	has out "<stdin> is valid"
	printf 'version: 1\nmodels: [x]\n' >"$tmp/in.yaml"
	env NO_COLOR=1 "$bin" validate -f - <"$tmp/in.yaml" >"$tmp/out" 2>"$tmp/err"
	[ $? -eq 3 ] && has err "<stdin>:2:9: 'models' must be"
}
t_quiet() { run 0 validate -q -f "$src/examples/minimal/sandbox.yaml" && [ ! -s "$tmp/out" ]; }
t_json_invalid() {
	run 3 validate -o json -f "$src/examples/invalid/unknown-keys.yaml" && has out '"valid": false' &&
	has out '"error_count": 6' && has out '"line": 3' && has out "\"message\": \"unknown key 'modles' in the top level; did you mean 'models'?\"" &&
	[ ! -s "$tmp/err" ]
}
t_json_valid() {
	run 0 validate -o json -f "$src/examples/claude-dmr/sandbox.yaml" && has out '"valid": true' && has out '"sandboxes": 1'
}
t_warnings_exit_zero() {
	printf 'version: 1\nenv:\n  A: ${SBXAPPLY_CLI_TEST_UNSET}\n' >"$tmp/warn.yaml"
	run 0 validate -f "$tmp/warn.yaml" && has err "warning: variable SBXAPPLY_CLI_TEST_UNSET is not set"
}
t_dotenv_beside_file() {
	mkdir -p "$tmp/proj"
	printf 'version: 1\nmodels:\n  ai/smollm2:\n    context_size: ${CTX:?}\n' >"$tmp/proj/sandbox.yaml"
	printf '# comment\nCTX=4096\n' >"$tmp/proj/.env"
	run 0 validate -f "$tmp/proj/sandbox.yaml" &&
	CTX=bad run 3 validate -f "$tmp/proj/sandbox.yaml" && has err "the interpolated value 'bad' is not a whole number"
}
t_schema_matches_file() { run 0 schema && cmp -s "$tmp/out" "$src/schema/sandbox.schema.json"; }
t_colour_only_on_a_terminal() {
	command -v script >/dev/null || return 77
	script -qec "$bin validate -f $src/examples/invalid/env.yaml" /dev/null >"$tmp/tty" 2>&1
	grep -q "$(printf '\033')\[" "$tmp/tty" || { echo "FAIL: no colour on a terminal"; return 1; }
	NO_COLOR=1 script -qec "$bin validate -f $src/examples/invalid/env.yaml" /dev/null >"$tmp/tty" 2>&1
	! grep -q "$(printf '\033')\[" "$tmp/tty" || { echo "FAIL: colour despite NO_COLOR"; return 1; }
	"$bin" validate -f "$src/examples/invalid/env.yaml" >"$tmp/out" 2>"$tmp/err"
	! grep -q "$(printf '\033')" "$tmp/err" || { echo "FAIL: colour into a pipe"; return 1; }
}

# ---- CI (README "In CI") ----
ci_file() { # a file that only the developer's machine can apply: unset secret, missing workspace and mount
	mkdir -p "$tmp/ci"
	printf 'version: 1\nproject: ci\nsecrets:\n  anthropic: ${SBXAPPLY_CLI_UNSET_KEY}\nsandboxes:\n  box:\n    agent: claude\n    workspace: gone\n    mounts: [/nonexistent/sbxapply-cli:ro]\n' >"$tmp/ci/sandbox.yaml"
}
t_unset_secret_reported_once() {
	ci_file
	run 3 validate -f "$tmp/ci/sandbox.yaml" &&
	has err "4:14: secret 'anthropic' is empty: variable SBXAPPLY_CLI_UNSET_KEY is not set" &&
	[ "$(grep -c 'SBXAPPLY_CLI_UNSET_KEY is not set' "$tmp/err")" -eq 1 ] || { echo "FAIL: the unset secret is reported more than once"; return 1; }
}
t_offline_warns_for_machine_facts() {
	ci_file
	run 0 validate --offline -f "$tmp/ci/sandbox.yaml" &&
	has err "4:14: warning: secret 'anthropic' is empty" && has err "8:16: warning: workspace 'gone' is not a directory" &&
	has err "9:14: warning: mount '/nonexistent/sbxapply-cli' is not a directory" &&
	run 3 validate --offline --strict -f "$tmp/ci/sandbox.yaml" &&
	run 2 diff --offline -f "$tmp/ci/sandbox.yaml" && has err "'diff' takes no --offline option"
}
t_github_annotations() {
	ci_file
	run 3 validate --format github -f "$tmp/ci/sandbox.yaml" &&
	has out "::error file=$tmp/ci/sandbox.yaml,line=8,col=16,title=sbxapply%3A invalid::workspace 'gone' is not a directory" &&
	lacks err "    workspace: gone" &&
	# GITHUB_ACTIONS picks the format; paths are relative to GITHUB_WORKSPACE; properties escape : and ,
	mkdir -p "$tmp/ci/a,b" && cp "$tmp/ci/sandbox.yaml" "$tmp/ci/a,b/" &&
	GITHUB_ACTIONS=true GITHUB_WORKSPACE="$tmp/ci" run 3 validate -f "$tmp/ci/a,b/sandbox.yaml" &&
	has out "::error file=a%2Cb/sandbox.yaml,line=4,col=14,title=sbxapply%3A invalid::secret 'anthropic' is empty" &&
	GITHUB_ACTIONS=true run 0 validate --offline -f "$tmp/ci/sandbox.yaml" &&
	has out "::warning file=$tmp/ci/sandbox.yaml,line=9,col=14,title=sbxapply%3A warning::mount" &&
	# another format asked for wins
	GITHUB_ACTIONS=true run 3 validate --format text -f "$tmp/ci/sandbox.yaml" && lacks out "::error" &&
	has err "8:16: workspace 'gone'" &&
	GITHUB_ACTIONS=true run 3 validate -o json -f "$tmp/ci/sandbox.yaml" && lacks out "::error" && has out '"valid": false' &&
	run 2 validate --format github -o json -f "$tmp/ci/sandbox.yaml" && has err "cannot be combined with -o json" &&
	run 2 validate --format gitlab && has err "unknown format 'gitlab'; use text or github"
}
t_markdown_only_for_plans() {
	run 2 validate -o markdown -f "$src/examples/minimal/sandbox.yaml" && has err "use text or json" &&
	run 0 plan --help && has out "markdown (for a pull-request comment)"
}
t_pre_commit_hook() {
	hook="$src/contrib/pre-commit-hook"
	mkdir -p "$tmp/hook"
	printf 'version: 1\nmodels: [x]\n' >"$tmp/hook/bad.yaml"
	SBXAPPLY="$bin" "$hook" "$src/examples/minimal/sandbox.yaml" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: hook on a valid file"; return 1; }
	SBXAPPLY="$bin" "$hook" "$src/examples/minimal/sandbox.yaml" "$tmp/hook/bad.yaml" >"$tmp/out" 2>"$tmp/err" &&
		{ echo "FAIL: hook passed an invalid file"; return 1; }
	has err "bad.yaml:2:9: 'models' must be" || return 1
	command -v git >/dev/null || return 77
	# as a git hook: the staged sandbox.yaml files
	(cd "$tmp/hook" && git init -q . && mkdir -p sub && cp bad.yaml sub/sandbox.yaml && git add sub/sandbox.yaml &&
		SBXAPPLY="$bin" "$hook") >"$tmp/out" 2>"$tmp/err" && { echo "FAIL: git hook passed a staged invalid file"; return 1; }
	has err "sub/sandbox.yaml:2:9:" &&
	(cd "$tmp/hook" && cp "$src/examples/minimal/sandbox.yaml" sub/sandbox.yaml && git add sub/sandbox.yaml &&
		SBXAPPLY="$bin" "$hook") >"$tmp/out" 2>"$tmp/err"
}

# ---- habits ----
t_file_found_upward() {
	mkdir -p "$tmp/up/a/b"
	cp "$src/examples/minimal/sandbox.yaml" "$tmp/up/"
	(cd "$tmp/up/a/b" && env NO_COLOR=1 "$bin" validate >"$tmp/out" 2>"$tmp/err") &&
	has err "sbxapply: using ../../sandbox.yaml (found in a parent directory)" && has out "../../sandbox.yaml is valid" &&
	(cd "$tmp/up" && env NO_COLOR=1 "$bin" validate >"$tmp/out" 2>"$tmp/err") && lacks err "using" &&
	(cd "$tmp/up/a/b" && env NO_COLOR=1 "$bin" validate -q >"$tmp/out" 2>"$tmp/err") && [ ! -s "$tmp/err" ]
}
t_apply_yaml_suggests_f() {
	run 2 apply "$src/examples/minimal/sandbox.yaml" &&
	has err "is not a plan file written by 'sbxapply plan -out'; to apply a sandbox.yaml, name it with -f: sbxapply apply -f $src/examples/minimal/sandbox.yaml"
}
t_command_help_has_its_exit_codes() {
	run 0 validate --help && has out "3    invalid configuration" && lacks out "6    locked by another run" &&
	lacks out "1    diff, plan" &&
	run 0 diff --help && has out "1    diff, plan: changes pending" && lacks out "8    apply:" &&
	run 0 apply --help && has out "8    apply: some changes are blocked" && lacks out "1    diff, plan" &&
	run 0 --help && has out "1    diff, plan" && has out "8    apply:" && has out "130  interrupted"
}
t_down_project_without_file() {
	run 2 down --project 'Not/A/Name' && has err "'Not/A/Name' is not a project name" &&
	run 2 down --project ghost && has err "no inventory for project 'ghost' in $tmp/xdg/sbxapply" &&
	run 2 down --project ghost -f "$src/examples/minimal/sandbox.yaml" && has err "either -f FILE or --project NAME" &&
	run 2 validate --project x && has err "'validate' takes no --project option"
}

for t in t_version t_help t_help_lists_only_what_works t_no_command_is_apply t_unknown_command t_unknown_option \
	t_missing_value t_bad_output t_option_not_taken t_extra_argument t_options_only_where_used t_command_help t_file_forms \
	t_default_file t_missing_file t_stdin t_quiet t_json_invalid t_json_valid t_warnings_exit_zero \
	t_dotenv_beside_file t_schema_matches_file t_colour_only_on_a_terminal \
	t_unset_secret_reported_once t_offline_warns_for_machine_facts t_github_annotations t_markdown_only_for_plans t_pre_commit_hook \
	t_file_found_upward t_apply_yaml_suggests_f t_command_help_has_its_exit_codes t_down_project_without_file; do
	check "$t" "$t"
done
echo "cli: $pass passed, $fail failed${skipped:+, skipped (a tool missing):$skipped}"
[ "$fail" -eq 0 ]
