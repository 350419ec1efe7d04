#!/usr/bin/env bash
# The C sources under .clang-format (one list, for both uses; files not yet added count too):
#   contrib/format.sh          reformat them in place
#   contrib/format.sh --check  fail, naming each spot, where one is not formatted (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(-i)
[ "${1:-}" = --check ] && mode=(--dry-run -Werror)
git ls-files -z --cached --others --exclude-standard -- 'reconciler/*.[ch]' 'tests/unit/*.[ch]' 'tests/sim/src/*.[ch]' 'tests/sim/tests/*.c' \
	'tests/fuzz/*.c' 'tests/tools/*.c' 'tests/bench/*.c' | xargs -0 clang-format "${mode[@]}"
[ "${1:-}" = --check ] && echo "format: every C file matches .clang-format"
exit 0
