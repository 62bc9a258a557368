#!/usr/bin/env bash
# Configures and builds Kokemus into build/ with CMake and Ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
# Configure every time (a second or two): it picks up packages installed since,
# such as GoogleTest when the tests run after the server was first built.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
