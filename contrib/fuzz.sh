#!/usr/bin/env bash
# Fuzzes with libFuzzer for SECONDS (default 600):
#   contrib/fuzz.sh [SECONDS] [config|sbx|state]
# config (default): the sandbox.yaml loader and validator, seeded with examples/;
# sbx: the parsers of sbx's output (versions, lists, policy tables, env blocks);
# state: DMR's JSON answers (model list, runtime configs), the pull's NDJSON
# progress stream, the inventory and the saved-plan reader.
# Needs clang and libclang-rt-14-dev (contrib/setup.sh --fuzz installs them).
# Findings land in build-fuzz/findings/; the corpus grows in build-fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
target=${2:-config}
CC=clang cmake -S . -B build-fuzz -DSBXAPPLY_FUZZ=ON -DSBXAPPLY_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
mkdir -p build-fuzz/findings
case $target in
config)
	cmake --build build-fuzz --target fuzz_config -j"$(nproc)" >/dev/null
	mkdir -p build-fuzz/corpus
	find examples -name '*.yaml' -exec cp {} build-fuzz/corpus/ \;
	exec build-fuzz/tests/fuzz/fuzz_config build-fuzz/corpus \
		-dict=tests/fuzz/sandbox.dict -max_total_time="$seconds" -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix=build-fuzz/findings/ -print_final_stats=1 ;;
sbx)
	cmake --build build-fuzz --target fuzz_sbx_output -j"$(nproc)" >/dev/null
	mkdir -p build-fuzz/corpus-sbx
	cp tests/fuzz/seeds-sbx/* build-fuzz/corpus-sbx/
	exec build-fuzz/tests/fuzz/fuzz_sbx_output build-fuzz/corpus-sbx -max_total_time="$seconds" \
		-max_len=8192 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=build-fuzz/findings/sbx- -print_final_stats=1 ;;
state)
	cmake --build build-fuzz --target fuzz_state -j"$(nproc)" >/dev/null
	mkdir -p build-fuzz/corpus-state
	cp tests/fuzz/seeds-state/* build-fuzz/corpus-state/
	exec build-fuzz/tests/fuzz/fuzz_state build-fuzz/corpus-state -dict=tests/fuzz/state.dict \
		-max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=build-fuzz/findings/state- -print_final_stats=1 ;;
*)
	echo "usage: contrib/fuzz.sh [SECONDS] [config|sbx|state]" >&2; exit 2 ;;
esac
