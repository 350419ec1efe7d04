#!/bin/sh
# Checks the include graph of reconciler/ against the layers' allowed arrows
# (each sbx_layer's DEPS in reconciler/**/CMakeLists.txt) and prints the graph
# as it is: for each folder, the folders its files include.
# Usage: layers.sh [SOURCE_ROOT]   (exit 1 when an include crosses a missing arrow)
set -eu
root=${1:-$(dirname "$0")/../..}
cd "$root/reconciler"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# folder <TAB> target <TAB> deps (space separated)
find . -name CMakeLists.txt | sort | while read -r f; do
	awk '
	/^sbx_layer\(/ { sub(/.*sbx_layer\(/, ""); target = $1; folder = $2; mode = ""; next }
	target != "" && /SOURCES/ { mode = "src"; next }
	target != "" && /DEPS/ { mode = "deps"; next }
	target != "" && mode == "deps" {
		line = $0; done = (line ~ /\)/); gsub(/[()]/, "", line)
		n = split(line, w, /[ \t]+/)
		for (i = 1; i <= n; i++) if (w[i] ~ /^sbx_/) deps[target] = deps[target] " " w[i]
		if (done) { printf "%s\t%s\t%s\n", folder, target, deps[target]; target = "" }
		next
	}
	target != "" && /\)/ && mode == "src" { printf "%s\t%s\t\n", folder, target; target = "" }
	' "$f"
done > "$tmp/layers"

target_of() { awk -F'\t' -v f="$1" '$1 == f { print $2 }' "$tmp/layers"; }
deps_of() { awk -F'\t' -v f="$1" '$1 == f { print $3 }' "$tmp/layers"; }

bad=0
: > "$tmp/edges"
while IFS="$(printf '\t')" read -r folder target deps; do
	for src in "$folder"/*.c "$folder"/*.h; do
		[ -f "$src" ] || continue
		grep -o '#include "[^"]*/[^"]*"' "$src" | sed 's/#include "//; s/"$//' | while read -r inc; do
			dir=$(dirname "$inc")
			[ "$dir" = "$folder" ] && continue
			want=$(target_of "$dir")
			if [ -z "$want" ]; then
				echo "$src: includes '$inc', which is in no layer"
				echo x >> "$tmp/bad"
				continue
			fi
			echo "$folder $dir" >> "$tmp/edges"
			case " $deps " in
			*" $want "*) ;;
			*) echo "$src: includes '$inc' but $target may not use $want (allowed:$deps)"; echo x >> "$tmp/bad" ;;
			esac
		done
	done
done < "$tmp/layers"
[ -s "$tmp/bad" ] && bad=1

echo "include graph (folder -> folders it includes; allowed arrows from the CMake DEPS):"
awk -F'\t' '{ print $1 }' "$tmp/layers" | while read -r folder; do
	used=$(awk -v f="$folder" '$1 == f { print $2 }' "$tmp/edges" | sort -u | tr '\n' ' ')
	printf '  %-14s -> %s\n' "$folder" "${used:-(libc and its own files only)}"
done
if [ "$bad" -ne 0 ]; then
	echo "FAILED: includes that cross a missing arrow are listed above"
	exit 1
fi
echo "every include follows an allowed arrow"
