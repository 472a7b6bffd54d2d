#!/usr/bin/env bash
# Run every test suite of sigx: Rust (unit, property, loom), the header
# check, and through CMake/ctest the C tests, the examples, packaging
# (install + find_package + pkg-config + ABI + header modes) and the Python
# bindings; then the C tests again under sanitizers and valgrind.
#
#   scripts/test.sh           everything
#   SIGX_QUICK=1 scripts/test.sh   skip the sanitizer/valgrind pass
#
# Needs: cargo (with clippy, rustfmt), cbindgen 0.29.4, cmake >= 3.16, a C
# compiler and g++, pkg-config, valgrind, python3 with venv and pytest,
# abidiff (abigail-tools), git (the old-binary test builds 0.1.0 from the
# history); scripts/deps.sh installs whatever of these the machine lacks (and
# says so). Go and Node.js are optional: the runtimes examples run where
# they exist.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --all --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "include/sigx.h matches cbindgen's output"
scripts/gen-header.sh --check

step "cargo test --workspace (unit, integration, property tests; the sigx command)"
cargo test --workspace

step "loom model checks of the ring, the event count and descriptor arming"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib loom_tests

step "C tests, examples, packaging, Python and runtimes (ctest)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ -z "${SIGX_QUICK:-}" ] && [ -x scripts/check-sanitizers.sh ]; then
    step "C tests under sanitizers and valgrind"
    scripts/check-sanitizers.sh
fi

step "all test suites passed"
