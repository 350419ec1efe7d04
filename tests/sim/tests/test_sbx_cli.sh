# The sbx CLI surface over the release matrix (tests/sim/README.md, the
# release table): version formats, global flags, unknown flags and
# commands, the missing-sandbox error, and what each command's --help lists.
. "$(dirname "$0")/lib.sh"

HEX40='[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]*'

# has_if COND NAME HAYSTACK NEEDLE: NEEDLE present when COND is true, absent otherwise.
has_if() {
	if [ "$1" = yes ]; then check_has "$2" "$3" "$4"; else check_not_has "$2" "$3" "$4"; fi
}
yes_if() {
	if [ "$@" ]; then echo yes; else echo no; fi
}

# help_ok V CMD...: --help exits 0, prints nothing on stderr, cobra's sections.
help_ok() {
	_v=$1
	shift
	run_sbx "$@" --help
	check_eq "$_v sbx $* --help exit" "0 " "$RC $ERR"
	check_has "$_v sbx $* --help Usage" "$OUT" "
Usage:
  sbx"
	check_has "$_v sbx $* --help Flags" "$OUT" "
Flags:
"
	check_has "$_v sbx $* --help -h" "$OUT" "  -h, --help"
	HELP=$OUT
}

for V in $RELEASES; do
	release "$V"

	# --- version: two lines before v0.32 (version@v0.28.1.txt), one after.
	run_sbx version
	if [ "$N" -lt 3200 ]; then
		check_like "$V version" "$RC $OUT" "0 Client Version:  v$V $HEX40
Server Version:  v$V $HEX40"
	else
		check_like "$V version" "$RC $OUT" "0 sbx version: v$V $HEX40"
		run_sbx -D version
		check_like "$V -D version: the two-line form" "$OUT" "Client Version:  v$V *"
	fi
	"$SBXSIM" daemon stop
	run_sbx -D version
	check_like "$V version with the daemon down" "$OUT" "*
Server Version:  Unavailable"
	"$SBXSIM" daemon start
	run_sbx version --json
	if [ "$N" -lt 4200 ]; then
		check_eq "$V no version --json" "1 ERROR: unknown flag: --json" "$RC $ERR"
	else
		check_like "$V version --json" "$RC $OUT" '0 {
  "client": {
    "version": "v'"$V"'",*'
	fi

	# --- global flags: -D/--debug and -h/--help; --cloud from v0.42; --no-input
	# in no release before v0.54 (v0.54 is the assumption for testing).
	help_ok "$V" ""
	check_has "$V root Flags -D" "$HELP" "  -D, --debug"
	has_if "$(yes_if "$N" -ge 4200)" "$V root --cloud" "$HELP" "      --cloud "
	has_if "$(yes_if "$N" -ge 5400)" "$V root --no-input" "$HELP" "      --no-input"
	check_not_has "$V root no --format" "$HELP" "--format"
	help_ok "$V" ls
	check_has "$V ls Global Flags" "$HELP" "Global Flags:
"
	has_if "$(yes_if "$N" -ge 4200)" "$V ls global --cloud" "$HELP" "      --cloud "
	has_if "$(yes_if "$N" -ge 5400)" "$V ls global --no-input" "$HELP" "      --no-input"
	for form in "--no-input ls --json" "ls --no-input --json"; do
		# shellcheck disable=SC2086
		run_sbx $form
		if [ "$N" -ge 5400 ]; then
			check_like "$V sbx $form" "$RC $OUT" '0 {*'
		else
			check_eq "$V sbx $form" "1  ERROR: unknown flag: --no-input" "$RC $OUT $ERR"
		fi
	done

	# --- unknown flags fail before anything happens: no banner, daemon still down.
	"$SBXSIM" daemon stop
	run_sbx ls --bogus
	check_eq "$V unknown flag" "1  ERROR: unknown flag: --bogus" "$RC $OUT $ERR"
	run_sbx ls -z
	check_eq "$V unknown shorthand" "1 ERROR: unknown shorthand flag: 'z' in -z" "$RC $ERR"
	run_sbx --bogus version
	check_eq "$V unknown global flag" "1 ERROR: unknown flag: --bogus" "$RC $ERR"
	run_sbx ls --format json
	check_eq "$V ls --format exists in no release" "1 ERROR: unknown flag: --format" "$RC $ERR"
	run_sbx create shell --name x . --cpus many
	check_eq "$V bad int" "1 ERROR: invalid argument \"many\" for \"--cpus\" flag: strconv.ParseInt: parsing \"many\": invalid syntax" "$RC $ERR"
	check_eq "$V the daemon was not started" stopped "$("$SBXSIM" daemon status)"
	"$SBXSIM" daemon start

	# --- unknown commands: help and exit 0 before v0.39, an error after.
	run_sbx frobnicate
	if [ "$N" -lt 3900 ]; then
		check_like "$V unknown command shows help" "$RC $OUT" "0 Docker Sandboxes creates*Usage:*"
	else
		check_eq "$V unknown command" "1 ERROR: unknown command \"frobnicate\" for \"sbx\"" "$RC $ERR"
	fi
	run_sbx policy frobnicate
	if [ "$N" -lt 3900 ]; then
		check_like "$V unknown subcommand shows the group's help" "$RC $OUT" "0 Manage persistent access policies*"
	else
		check_eq "$V unknown subcommand" "1 ERROR: unknown command \"frobnicate\" for \"sbx policy\"" "$RC $ERR"
	fi

	# --- a missing sandbox (error-exec-no-sandbox@unknown-i504.txt, then v0.42's wording).
	run_sbx stop ghost
	if [ "$N" -lt 4200 ]; then
		check_eq "$V missing sandbox" "1 ERROR: no sandbox named 'ghost'

To create one:
  sbx create AGENT WORKSPACE" "$RC $ERR"
	else
		check_eq "$V missing sandbox" "1 ERROR: sandbox 'ghost' not found" "$RC $ERR"
	fi

	# --- what each command's help lists.
	help_ok "$V" policy
	has_if "$(yes_if "$N" -lt 3400)" "$V policy lists set-default" "$HELP" "  set-default "
	has_if "$(yes_if "$N" -ge 3400)" "$V policy lists init" "$HELP" "  init "
	has_if "$(yes_if "$N" -ge 3500)" "$V policy lists check" "$HELP" "  check "
	check_has "$V policy footer" "$HELP" 'Use "sbx policy [command] --help" for more information about a command.'
	for verb in allow deny; do
		help_ok "$V" policy $verb network
		if [ "$N" -lt 2900 ]; then
			check_has "$V $verb usage" "$HELP" "  sbx policy $verb network RESOURCES [flags]"
		elif [ "$N" -lt 3200 ]; then
			check_has "$V $verb usage" "$HELP" "  sbx policy $verb network [-g | SANDBOX] RESOURCES [flags]"
		else
			check_has "$V $verb usage" "$HELP" "  sbx policy $verb network [--sandbox SANDBOX] RESOURCES [flags]"
		fi
		has_if "$(yes_if "$N" -ge 2900 -a "$N" -lt 3200)" "$V $verb -g listed" "$HELP" "-g, --global"
		has_if "$(yes_if "$N" -ge 3200)" "$V $verb --sandbox listed" "$HELP" "--sandbox string"
	done
	help_ok "$V" policy rm network
	check_has "$V rm network --id" "$HELP" "      --id string "
	check_has "$V rm network --resource" "$HELP" "      --resource string "
	has_if "$(yes_if "$N" -ge 2900 -a "$N" -lt 3200)" "$V rm network usage" "$HELP" "sbx policy rm network [-g | SANDBOX] [flags]"
	help_ok "$V" policy ls
	has_if "$(yes_if "$N" -ge 2900)" "$V policy ls [SANDBOX]" "$HELP" "sbx policy ls [SANDBOX] [flags]"
	has_if "$(yes_if "$N" -ge 3500)" "$V policy ls --json" "$HELP" "      --json "
	has_if "$(yes_if "$N" -ge 3500)" "$V policy ls --wide" "$HELP" "      --wide "
	help_ok "$V" secret
	check_has "$V secret lists set" "$HELP" "  set         Create or update a secret"
	help_ok "$V" secret set
	if [ "$N" -lt 3800 ]; then
		check_has "$V secret set usage" "$HELP" "  sbx secret set [-g | sandbox] [service] [flags]"
		check_has "$V secret set -g" "$HELP" "  -g, --global "
	else
		check_has "$V secret set usage" "$HELP" "  sbx secret set [SERVICE] [flags]"
		check_has "$V secret set --sandbox" "$HELP" "      --sandbox string "
		check_not_has "$V secret set -g hidden" "$HELP" "--global"
	fi
	has_if "$(yes_if "$N" -lt 3800)" "$V service aws" "$HELP" " aws,"
	has_if "$(yes_if "$N" -ge 4200)" "$V service copilot" "$HELP" " copilot,"
	help_ok "$V" run
	check_not_has "$V run -d is hidden" "$HELP" "  -d, --detached"
	has_if "$(yes_if "$N" -ge 3900)" "$V run -e" "$HELP" "  -e, --env stringArray"
	has_if "$(yes_if "$N" -lt 3300)" "$V run SANDBOX | AGENT" "$HELP" "sbx run [flags] SANDBOX | AGENT"
	help_ok "$V" create
	has_if "$(yes_if "$N" -ge 3900)" "$V create -e" "$HELP" "  -e, --env stringArray"
	has_if "$(yes_if "$N" -lt 4200)" "$V create needs PATH" "$HELP" "sbx create [flags] AGENT PATH [PATH...]"
	check_has "$V create lists agents" "$HELP" "  shell        Create a sandbox for shell"
	help_ok "$V" rm
	has_if "$(yes_if "$N" -ge 2900)" "$V rm -f" "$HELP" "  -f, --force "
	help_ok "$V" exec
	check_has "$V exec usage" "$HELP" "  sbx exec [flags] SANDBOX COMMAND [ARG...]"
	check_has "$V exec -d" "$HELP" "  -d, --detach "
	help_ok "$V" stop
	check_has "$V stop usage" "$HELP" "  sbx stop SANDBOX [SANDBOX...]"
	help_ok "$V" version
	has_if "$(yes_if "$N" -ge 4200)" "$V version --json" "$HELP" "      --json "
	help_ok "$V" ls
	check_has "$V ls alias" "$HELP" "Aliases:
  ls, list"
	check_not_has "$V ls has no --format" "$HELP" "--format"
done

# One table for all: the markdown in README.md is `sbxsim sbx-releases`.
"$SBXSIM" sbx-releases >"$T/table.md"
README="$TESTS_DIR/../README.md"
CHECKS=$((CHECKS + 1))
grep -qxF -f "$T/table.md" "$README" && [ "$(grep -cxF -f "$T/table.md" "$README")" = "$(wc -l <"$T/table.md")" ] || {
	fail "README.md carries the output of sbxsim sbx-releases"
	grep -vxF -f "$README" "$T/table.md" | head -5
}
SBXSIM_SBX_VERSION=0.x "$SBX" version >/dev/null 2>&1
check_eq "a bad version is refused" 2 "$?"
SBXSIM_SBX_VERSION=v0.33.0 "$SBX" version >"$T/v"
check_eq "v0.N.M works" "sbx version: v0.33.0 d7da69cb30eb3000c4d4ef0c848ffe84f32058bf" "$(cat "$T/v")"
SBXSIM_SBX_VERSION=old "$SBX" version >"$T/v"
check_like "old is v0.31.2" "$(cat "$T/v")" "Client Version:  v0.31.2 *"
SBXSIM_SBX_VERSION=new "$SBX" version >"$T/v"
check_like "new is v0.45.1" "$(cat "$T/v")" "sbx version: v0.45.1 *"
unset SBXSIM_SBX_VERSION
"$SBX" version >"$T/v"
check_like "the default is v0.45.1" "$(cat "$T/v")" "sbx version: v0.45.1 *"
"$SBXSIM" sbx version >"$T/v2"
check_eq "sbxsim sbx is the same CLI" "$(cat "$T/v")" "$(cat "$T/v2")"
finish
