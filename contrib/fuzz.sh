#!/usr/bin/env bash
# Fuzzes the loader and validator with libFuzzer for SECONDS (default 600).
#   contrib/fuzz.sh [SECONDS]
# Needs clang and libclang-rt-14-dev (contrib/setup.sh --fuzz installs them).
# Findings land in build-fuzz/findings/; the corpus grows in build-fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
CC=clang cmake -S . -B build-fuzz -DSBXAPPLY_FUZZ=ON -DSBXAPPLY_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz --target fuzz_config -j"$(nproc)" >/dev/null
mkdir -p build-fuzz/corpus build-fuzz/findings
find examples -name '*.yaml' -exec cp {} build-fuzz/corpus/ \;
exec build-fuzz/tests/fuzz/fuzz_config build-fuzz/corpus \
	-dict=tests/fuzz/sandbox.dict -max_total_time="$seconds" -max_len=8192 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix=build-fuzz/findings/ -print_final_stats=1
