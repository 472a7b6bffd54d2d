#!/usr/bin/env bash
# Build libsigx (cargo through CMake) and the examples, then run the demo:
# a short walk through catching signals, alarms and blocking.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/examples/demo
