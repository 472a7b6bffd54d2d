#!/usr/bin/env bash
# Build libsigx (cargo through CMake) and the examples, then run the demo:
# a short walk through catching signals, alarms and blocking.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/deps.sh demo
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target example_demo -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/examples/demo
