#!/usr/bin/env bash
# README command 2: install what is missing, build, and run every test with
# ctest: unit, storage and RPC tests on SQLite and on a throwaway PostgreSQL
# (started and stopped by ctest fixtures), CLI and restart tests against the
# real binaries, buf lint, and a Node.js @grpc/grpc-js client; then the
# domain's unit suites and the storage and RPC suites under ASan+UBSan and
# every fuzz target for a few seconds (scripts/sanitize.sh, about 12 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"
cd ..
scripts/sanitize.sh
