#!/bin/sh
# README and --help agree: every sbxapply option the README names exists in some
# command's --help (or the global options). Options of other programs (sbx, docker,
# the test scripts) are told apart by where they are written: an option is taken as
# sbxapply's when its code span or code line starts with `sbxapply`, `build/sbxapply`,
# or with the option itself (`--prune`); `sbx policy ls --json` is sbx's.
# Usage: test_readme_options.sh SBXAPPLY README
set -u
bin=$1
readme=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset GITHUB_ACTIONS # annotations only where a test asks for them
export XDG_STATE_HOME="$tmp/xdg" NO_COLOR=1

"$bin" --help >"$tmp/help" || exit 1
for c in $(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' "$tmp/help"); do
	"$bin" "$c" --help >>"$tmp/help" || exit 1
done
grep -oE -- '(^|[ ,])--[a-z][a-z-]*' "$tmp/help" | sed 's/^[ ,]//' | sort -u >"$tmp/known"

# fenced code: the lines of an sbxapply command, with their \-continuations
awk '/^```/ { code = !code; next }
	code && /^(build\/)?sbxapply / { print; cont = /\\$/; next }
	code && cont { print; cont = /\\$/; next }
	{ cont = 0 }' "$readme" >"$tmp/code"
# inline code spans outside fences (they may wrap across lines)
awk '/^```/ { code = !code; next } !code' "$readme" | awk 'BEGIN { RS = "`" } NR % 2 == 0 { gsub(/\n/, " "); print }' |
	grep -E '^((build/)?sbxapply |-)' >"$tmp/spans"
cat "$tmp/code" "$tmp/spans" | grep -oE -- '(^|[ [(|=])--[a-z][a-z-]*' | sed 's/^[ [(|=]//' | sort -u >"$tmp/named"

n=$(wc -l <"$tmp/named")
[ "$n" -ge 20 ] || { echo "FAIL: only $n options found in $readme: the extraction is broken"; exit 1; }
missing=$(comm -23 "$tmp/named" "$tmp/known")
if [ -n "$missing" ]; then
	echo "FAIL: $readme names options no --help lists:"
	for o in $missing; do grep -n -- "$o" "$readme" | head -3 | sed "s/^/  $o: /"; done
	exit 1
fi
echo "readme options: all $n options the README names are in --help"
