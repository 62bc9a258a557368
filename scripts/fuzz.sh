#!/usr/bin/env bash
# Runs every libFuzzer target of the sanitizer build for a bounded time, from
# its seed corpus (tests/fuzz/corpus/NAME) and a working corpus in
# build-asan/fuzz/NAME. A crash leaves its input in build-asan/fuzz/ and fails.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 10; longer runs by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
cmake --preset asan >/dev/null
targets=$(sed -n 's/^kokemus_fuzz(\([a-z_]*\) .*/\1/p' tests/fuzz/CMakeLists.txt)
cmake --build build-asan --target $targets
# System libraries' own lifetime caches are not ours to fix (see the file).
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for t in $targets; do
  name=${t%_fuzz}
  mkdir -p "build-asan/fuzz/$name"
  echo "fuzz: $t for ${seconds}s"
  rc=0
  build-asan/bin/"$t" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="build-asan/fuzz/" "build-asan/fuzz/$name" "tests/fuzz/corpus/$name" \
    > "build-asan/fuzz/$name.log" 2>&1 || rc=$?
  grep -E '^(stat::number_of_executed_units|SUMMARY|==[0-9]+==ERROR)' "build-asan/fuzz/$name.log" || true
  if [[ $rc != 0 ]]; then
    echo "fuzz: $t failed (exit $rc); see build-asan/fuzz/$name.log" >&2
    exit 1
  fi
done
