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
unset MODEL_RUNNER_HOST DOCKER_HOST DOCKER_CONTEXT SBXAPPLY_SBX SBXAPPLY_SBX_TIMEOUT_MS
pass=0 fail=0

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
	if "$@"; then pass=$((pass + 1)); else echo "  in: $name"; fail=$((fail + 1)); fi
}

t_version() { run 0 --version && has out "sbxapply 0.1.0 (libyaml " && run 0 version && has out "libcurl"; }
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
t_missing_file() { run 3 validate -f "$tmp/nope.yaml" && has err "cannot read '$tmp/nope.yaml': No such file or directory"; }
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
	command -v script >/dev/null || return 0
	script -qec "$bin validate -f $src/examples/invalid/env.yaml" /dev/null >"$tmp/tty" 2>&1
	grep -q "$(printf '\033')\[" "$tmp/tty" || { echo "FAIL: no colour on a terminal"; return 1; }
	NO_COLOR=1 script -qec "$bin validate -f $src/examples/invalid/env.yaml" /dev/null >"$tmp/tty" 2>&1
	! grep -q "$(printf '\033')\[" "$tmp/tty" || { echo "FAIL: colour despite NO_COLOR"; return 1; }
	"$bin" validate -f "$src/examples/invalid/env.yaml" >"$tmp/out" 2>"$tmp/err"
	! grep -q "$(printf '\033')" "$tmp/err" || { echo "FAIL: colour into a pipe"; return 1; }
}

for t in t_version t_help t_help_lists_only_what_works t_no_command_is_apply t_unknown_command t_unknown_option \
	t_missing_value t_bad_output t_option_not_taken t_extra_argument t_command_help t_file_forms \
	t_default_file t_missing_file t_stdin t_quiet t_json_invalid t_json_valid t_warnings_exit_zero \
	t_dotenv_beside_file t_schema_matches_file t_colour_only_on_a_terminal; do
	check "$t" "$t"
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
