#!/bin/bash
# The generated manuals and completions against what --help says, and `__complete`.
# Usage: test_gen.sh SBXAPPLY SOURCE_DIR GENERATED_DIR
# GENERATED_DIR holds the build's sbxapply.1, sandbox.yaml.5, sbxapply.bash, _sbxapply and
# sbxapply.fish (reconciler/cmd/CMakeLists.txt). The commands and options are read from
# `--help` output, not from the tables, so a generator that skips an entry fails here.
set -u
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
bin=$(abs "$1")
src=$(abs "$2")
gen=$(abs "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/xdg" NO_COLOR=1
unset GITHUB_ACTIONS MODEL_RUNNER_HOST SBXAPPLY_SBX
pass=0 fail=0 skipped=
check() { # check NAME COMMANDS...: counts one test
	name=$1; shift
	"$@"
	case $? in
	0) pass=$((pass + 1)) ;;
	77) skipped="$skipped $name" ;; # a tool this machine lacks: said, not counted as a pass
	*) echo "  in: $name"; fail=$((fail + 1)) ;;
	esac
}
fail() { echo "FAIL: $*"; return 1; }

# What --help lists: the commands, and for each its options (long names).
"$bin" --help >"$tmp/help" || exit 1
commands=$(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' "$tmp/help")
[ "$(echo "$commands" | wc -w)" -ge 10 ] || { echo "FAIL: --help lists too few commands: $commands"; exit 1; }
options_of() { "$bin" "$1" --help | awk '/^Options:/ { on = 1; next } /^$/ { on = 0 } on' |
	grep -oE -- '--[a-z][a-z-]*' | sort -u; }
for c in $commands; do options_of "$c" >"$tmp/opts.$c"; done
sort -u "$tmp"/opts.* >"$tmp/all-options"
awk '/^Global options:/ { on = 1; next } /^$/ { on = 0 } on' "$tmp/help" | grep -oE -- '--[a-z][a-z-]*' >>"$tmp/all-options"
sort -u -o "$tmp/all-options" "$tmp/all-options"

t_hidden_commands_not_listed() {
	! grep -q "__complete\|__gen" "$tmp/help" || fail "--help lists a hidden command"
}

# every command and option, in the form each file spells them
t_man_page() {
	sed 's/\\-/-/g' "$gen/sbxapply.1" >"$tmp/man"
	for c in $commands; do grep -q "^\.SS $c\$" "$tmp/man" || fail "sbxapply.1 has no section for $c" || return 1; done
	while read -r o; do grep -qF -- "\\fB$o\\fR" "$tmp/man" || fail "sbxapply.1 lacks $o" || return 1; done <"$tmp/all-options"
	for code in $(sed -n 's/^  \([0-9][0-9]*\)  .*/\1/p' "$tmp/help"); do
		grep -q "^\.B $code\$" "$tmp/man" || fail "sbxapply.1 lacks exit code $code" || return 1
	done
}
t_bash() {
	for c in $commands; do grep -q "^	$c) opts='" "$gen/sbxapply.bash" || fail "bash: no options for $c" || return 1; done
	while read -r o; do grep -qF -- " $o" "$gen/sbxapply.bash" || fail "bash lacks $o" || return 1; done <"$tmp/all-options"
	# per command, exactly the options its --help lists (and the global --no-color)
	for c in $commands; do
		sed -n "s/^	$c) opts='\(.*\)' ;;\$/\1/p" "$gen/sbxapply.bash" | tr ' ' '\n' | grep -- '^--' |
			grep -v -- '--no-color' | sort -u >"$tmp/bash.$c"
		cmp -s "$tmp/bash.$c" "$tmp/opts.$c" || { diff "$tmp/opts.$c" "$tmp/bash.$c"; fail "bash options of $c differ from its --help"; return 1; }
	done
}
t_zsh() {
	for c in $commands; do
		grep -q "^		'$c:" "$gen/_sbxapply" && grep -q "^		$c)\$" "$gen/_sbxapply" || fail "zsh lacks $c" || return 1
	done
	while read -r o; do grep -qF -- "$o" "$gen/_sbxapply" || fail "zsh lacks $o" || return 1; done <"$tmp/all-options"
	if command -v zsh >/dev/null; then zsh -n "$gen/_sbxapply" || fail "zsh -n"; fi
}
t_fish() {
	for c in $commands; do grep -q -- "-a $c -d " "$gen/sbxapply.fish" || fail "fish lacks $c" || return 1; done
	while read -r o; do grep -qE -- "-l ${o#--}( |\$)" "$gen/sbxapply.fish" || fail "fish lacks $o" || return 1; done <"$tmp/all-options"
	if command -v fish >/dev/null; then fish -n "$gen/sbxapply.fish" || fail "fish -n"; fi
}
t_manuals_render() {
	command -v groff >/dev/null || return 77
	for page in sbxapply.1 sandbox.yaml.5; do
		groff -man -Tutf8 -ww -z "$gen/$page" 2>"$tmp/groff" && [ ! -s "$tmp/groff" ] ||
			{ cat "$tmp/groff"; fail "groff warns on $page"; return 1; }
	done
}
# sandbox.yaml(5): every key path the schema has, from the schema file itself
t_sandbox_yaml_5() {
	sed 's/\\-/-/g' "$gen/sandbox.yaml.5" >"$tmp/man5"
	for key in version project runner.endpoint models.MODEL.context_size models.MODEL.runtime_flags \
		packages.PACKAGE.from policy.init custom_secret_services trusted_paths sandboxes.SANDBOX.agent \
		sandboxes.SANDBOX.env.VAR.sensitive sandboxes.SANDBOX.policy.deny sandboxes.SANDBOX.secrets; do
		grep -qF "\\fB$key\\fR" "$tmp/man5" || fail "sandbox.yaml.5 lacks $key" || return 1
	done
	# as many documented keys as the schema has properties
	want=$(grep -c '^ *"[a-z_]*": {$' "$src/schema/sandbox.schema.json")
	got=$(grep -c '^\\fB[a-zA-Z_.]*\\fR (' "$tmp/man5")
	[ "$got" -ge "$((want - 12))" ] || fail "sandbox.yaml.5 documents $got keys, the schema has about $want objects"
}

# the bash function itself: commands, per-command options, names from the file
complete_bash() { # complete_bash WORDS...: the last word is the one being completed
	PATH="$(dirname "$bin"):$PATH" bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_sbxapply; printf "%s\n" "${COMPREPLY[@]}"' sh "$gen/sbxapply.bash" "$@"
}
t_bash_completes() {
	cd "$tmp" || return 1
	[ "$(complete_bash sbxapply vali)" = validate ] || fail "bash: 'vali' does not complete to validate" || return 1
	complete_bash sbxapply validate --st | grep -qx -- --strict || fail "bash: validate --st" || return 1
	! complete_bash sbxapply validate --pr | grep -q . || fail "bash: validate offers --prune" || return 1
	# -o's values, per command, as that command's --help names them
	for c in $commands; do
		grep -qx -- --output "$tmp/opts.$c" || continue
		want=$("$bin" "$c" --help | grep -E '^ +-o, --output' | grep -oE 'text|json|markdown' | sort | tr '\n' ' ')
		got=$(complete_bash sbxapply "$c" -o "" | sort | tr '\n' ' ')
		[ -n "$want" ] && [ "$got" = "$want" ] || fail "bash: $c -o offers '$got', its --help says '$want'" || return 1
	done
	names=$(complete_bash sbxapply -f "$src/examples/full/sandbox.yaml" run "" | sort | tr '\n' ' ')
	[ "$names" = "claude-dmr codex-box " ] || fail "bash: run names are '$names'" || return 1
	names=$(complete_bash sbxapply verify -f "$src/examples/full/sandbox.yaml" c | sort | tr '\n' ' ')
	[ "$names" = "claude-dmr codex-box " ] || fail "bash: verify names are '$names'" || return 1
	# after "--" the words are the agent's: its --model takes the file's models, nothing else is offered
	names=$(complete_bash sbxapply -f "$src/examples/full/sandbox.yaml" run claude-dmr -- --model "" | sort | tr '\n' ' ')
	[ "$names" = "ai/gpt-oss ai/qwen3-coder gpt-oss:32k " ] || fail "bash: run -- --model offers '$names'" || return 1
	names=$(complete_bash sbxapply -f "$src/examples/full/sandbox.yaml" run claude-dmr -- "" | tr -d '\n')
	[ -z "$names" ] || fail "bash: run NAME -- offers '$names'" || return 1
	# an agent's own -f is not taken for sbxapply's: the models still come from the file before "--"
	names=$(complete_bash sbxapply -f "$src/examples/full/sandbox.yaml" run claude-dmr -- -f /nonexistent --model g)
	[ "$names" = "gpt-oss:32k" ] || fail "bash: the agent's -f was taken for sbxapply's ('$names')"
}

# fish's own completer on the generated script (when fish is installed)
t_fish_completes() {
	command -v fish >/dev/null || return 77
	cd "$tmp" || return 1
	mkdir -p "$tmp/home"
	# fish writes its history and variables under HOME: a home of its own keeps the test hermetic
	HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share" \
		XDG_CACHE_HOME="$tmp/home/.cache" PATH="$(dirname "$bin"):$PATH" fish --no-config -c '
		source $argv[1]
		complete -C "sbxapply vali"; echo ---
		complete -C "sbxapply validate --st"; echo ---
		complete -C "sbxapply -f $argv[2] run "; echo ---
		complete -C "sbxapply validate -o "; echo ---
		complete -C "sbxapply -f $argv[2] run claude-dmr -- --model "; echo ---
		complete -C "sbxapply -f $argv[2] run claude-dmr -- "' "$gen/sbxapply.fish" "$src/examples/full/sandbox.yaml" >"$tmp/fish.out" 2>&1 ||
		{ cat "$tmp/fish.out"; fail "fish"; return 1; }
	cut -f1 "$tmp/fish.out" | tr '\n' ' ' >"$tmp/fish.words"
	[ "$(cat "$tmp/fish.words")" = "validate --- --strict --- claude-dmr codex-box --- json text --- ai/gpt-oss ai/qwen3-coder gpt-oss:32k --- " ] ||
		{ cat "$tmp/fish.out"; fail "fish completes '$(cat "$tmp/fish.words")'"; }
}

# zsh's own completer, driven in a pseudo-terminal (zsh/zpty): TAB TAB on a line, then the
# line is killed (never run) and a marker printed; every read waits for a pattern, not a time.
cat >"$tmp/drive.zsh" <<'EOF_ZSH'
zmodload zsh/zpty || exit 77
zpty z zsh -f -i
zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; PATH=$2:\$PATH; cd $3; PS1='> '"
zpty -w z "zstyle ':completion:*' list-prompt ''; setopt nolistbeep autolist nobeep; LISTMAX=1000"
zpty -w z "print READY\"\"MARK"
zpty -r z out '*READYMARK*> '
zpty -n -w z "$4"$'\t\t'
zpty -w z $'\C-u'"print END\"\"MARK"
zpty -r z out '*ENDMARK*'
print -r -- "$out"
zpty -d z
EOF_ZSH
complete_zsh() { # complete_zsh LINE: what zsh showed
	HOME="$tmp/home" timeout 60 zsh -f "$tmp/drive.zsh" "$gen" "$(dirname "$bin")" "$tmp" "$1" 2>&1 | tr -d '\r'
}
t_zsh_completes() {
	command -v zsh >/dev/null && command -v timeout >/dev/null || return 77
	mkdir -p "$tmp/home"
	complete_zsh "sbxapply vali" >"$tmp/z" && grep -q "sbxapply validate" "$tmp/z" || { cat "$tmp/z"; fail "zsh: vali"; return 1; }
	complete_zsh "sbxapply validate --st" >"$tmp/z" && grep -q -- "--strict" "$tmp/z" || { cat "$tmp/z"; fail "zsh: --st"; return 1; }
	complete_zsh "sbxapply -f $src/examples/full/sandbox.yaml run " >"$tmp/z" &&
		grep -q "claude-dmr" "$tmp/z" && grep -q "codex-box" "$tmp/z" || { cat "$tmp/z"; fail "zsh: run names"; return 1; }
	complete_zsh "sbxapply verify -f $src/examples/full/sandbox.yaml cl" >"$tmp/z" &&
		grep -q "claude-dmr" "$tmp/z" || { cat "$tmp/z"; fail "zsh: verify names after the command's -f"; return 1; }
	complete_zsh "sbxapply -f $src/examples/full/sandbox.yaml run claude-dmr -- --model " >"$tmp/z" &&
		grep -q "gpt-oss:32k" "$tmp/z" && grep -q "ai/qwen3-coder" "$tmp/z" && ! grep -q "codex-box" "$tmp/z" ||
		{ cat "$tmp/z"; fail "zsh: run -- --model"; return 1; }
}

# __complete: names from the file, without a backend and without validating
t_complete_names() {
	"$bin" __complete sandboxes -f "$src/examples/full/sandbox.yaml" >"$tmp/out" || return 1
	printf 'claude-dmr\ncodex-box\n' | cmp -s - "$tmp/out" || { cat "$tmp/out"; fail "__complete sandboxes"; return 1; }
	"$bin" __complete models -f "$src/examples/full/sandbox.yaml" >"$tmp/out" || return 1
	printf 'ai/qwen3-coder\nai/gpt-oss\ngpt-oss:32k\n' | cmp -s - "$tmp/out" || { cat "$tmp/out"; fail "__complete models"; return 1; }
}
t_complete_from_file_that_does_not_validate() {
	# an unset ${VAR} fails validate, but the names are still there to complete
	printf 'version: 1\nmodels:\n  ai/smollm2:\nsandboxes:\n  box-one: {agent: claude, workspace: "${NOPE_UNSET_DIR:?}"}\n' >"$tmp/s.yaml"
	"$bin" validate -f "$tmp/s.yaml" >/dev/null 2>&1 && { fail "the file was meant not to validate"; return 1; }
	[ "$("$bin" __complete sandboxes -f "$tmp/s.yaml")" = box-one ] || fail "__complete on a file that does not validate"
}
t_complete_silent_on_errors() {
	"$bin" __complete sandboxes -f "$tmp/missing.yaml" >"$tmp/out" 2>"$tmp/err" || fail "missing file: non-zero" || return 1
	[ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] || fail "missing file: output" || return 1
	printf 'sandboxes: [unclosed\n' >"$tmp/bad.yaml"
	"$bin" __complete sandboxes -f "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err" || fail "bad YAML: non-zero" || return 1
	[ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] || fail "bad YAML: output" || return 1
	"$bin" __complete nonsense >/dev/null 2>&1; [ $? -eq 2 ] || fail "__complete nonsense should exit 2"
}
t_gen_is_what_the_build_installed() {
	"$bin" __gen man | cmp -s - "$gen/sbxapply.1" || fail "__gen man differs from the build's sbxapply.1" || return 1
	"$bin" __gen nonsense >/dev/null 2>&1; [ $? -eq 2 ] || fail "__gen nonsense should exit 2"
}

for t in t_hidden_commands_not_listed t_man_page t_bash t_zsh t_fish t_manuals_render t_sandbox_yaml_5 \
	t_bash_completes t_fish_completes t_zsh_completes t_complete_names t_complete_from_file_that_does_not_validate t_complete_silent_on_errors \
	t_gen_is_what_the_build_installed; do
	check "$t" "$t"
done
echo "gen: $pass passed, $fail failed${skipped:+, skipped (a tool missing):$skipped}"
[ "$fail" -eq 0 ]
