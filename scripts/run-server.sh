#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the server on the
# embedded default database (SQLite in data/, created on first run).
# Extra arguments go to kokemus-server (for example --listen 0.0.0.0:50051).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/bin/kokemus-server --database data/kokemus.db "$@"
