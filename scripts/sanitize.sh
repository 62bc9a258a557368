#!/usr/bin/env bash
# The sanitizer build's part of the test command (scripts/test.sh), in
# build-asan/ (clang, CMakePresets.json `asan`: AddressSanitizer and
# UndefinedBehaviorSanitizer):
#   1. the domain's unit suites;
#   2. the storage and RPC suites on SQLite and on a throwaway PostgreSQL (the
#      ctest fixture), but the two 50-way races that take minutes (they run in
#      the normal build), and the API over HTTP/JSON;
#   3. every libFuzzer target for a few seconds from its seed corpus
#      (KOKEMUS_FUZZ_SECONDS, 5). Longer fuzz runs by hand: scripts/fuzz.sh 600.
# About 12 minutes from nothing on 2 cores, most of it building the server.
set -euo pipefail
cd "$(dirname "$0")/.."
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
unit=(validation_test listing_test orders_test availability_test order_lifecycle_test
      offer_rounds_test filling_test notifications_test sign_in_test matching_test
      statistics_test rate_limit_test documents_test transcode_test earnings_test
      identity_code_test payroll_test credentials_test surveys_test)
server=(registry_store_test order_store_test audit_store_test key_store_test
        registry_service_test order_service_test access_service_test http_api_test
        earnings_service_test payroll_service_test training_service_test survey_service_test)
cmake --preset asan >/dev/null
cmake --build build-asan --target "${unit[@]}" "${server[@]}"
for t in "${unit[@]}"; do
  echo "sanitized: $t"
  build-asan/bin/"$t" --gtest_brief=1
done
echo "sanitized: ${server[*]}"
suites="RegistryStoreTest|OrderStoreTest|AuditStoreTest|KeyStoreTest|RegistryServiceTest|OrderServiceTest|AccessServiceTest|EarningsServiceTest|PayrollServiceTest|TrainingServiceTest|SurveyServiceTest"
(cd build-asan && ctest --output-on-failure --timeout 600 -j "$(nproc)" \
  -R "^(postgres\.|Db/($suites)\.|HttpApi\.)" -E "Fifty")
scripts/fuzz.sh "${KOKEMUS_FUZZ_SECONDS:-5}"
