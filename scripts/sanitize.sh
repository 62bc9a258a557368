#!/usr/bin/env bash
# The sanitizer build's part of the test command (scripts/test.sh): the
# domain's unit suites under AddressSanitizer and UndefinedBehaviorSanitizer
# (clang, CMakePresets.json `asan`, in build-asan/), then every libFuzzer
# target for a few seconds from its seed corpus (KOKEMUS_FUZZ_SECONDS, 5).
# Longer fuzz runs by hand: scripts/fuzz.sh 600.
set -euo pipefail
cd "$(dirname "$0")/.."
suites=(validation_test listing_test orders_test availability_test order_lifecycle_test
        offer_rounds_test filling_test notifications_test sign_in_test matching_test
        statistics_test rate_limit_test)
cmake --preset asan >/dev/null
cmake --build build-asan --target "${suites[@]}"
for t in "${suites[@]}"; do
  echo "sanitized: $t"
  build-asan/bin/"$t" --gtest_brief=1
done
scripts/fuzz.sh "${KOKEMUS_FUZZ_SECONDS:-5}"
