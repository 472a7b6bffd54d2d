#!/usr/bin/env bash
# Regenerate include/sigx.h from the Rust sources with cbindgen 0.29.4.
#   scripts/gen-header.sh          write include/sigx.h
#   scripts/gen-header.sh --check  fail if include/sigx.h is stale
set -euo pipefail
cd "$(dirname "$0")/.."
want=0.29.4
if ! command -v cbindgen >/dev/null 2>&1; then
    echo "cbindgen not found: cargo install cbindgen --locked --version $want" >&2
    exit 1
fi
have=$(cbindgen --version | awk '{print $2}')
if [ "$have" != "$want" ]; then
    echo "cbindgen $have found, $want required: cargo install cbindgen --locked --version $want" >&2
    exit 1
fi
if [ "${1:-}" = "--check" ]; then
    if ! cbindgen --quiet --config cbindgen.toml --crate sigx --output include/sigx.h --verify; then
        echo "include/sigx.h is stale: run scripts/gen-header.sh and commit the result" >&2
        exit 1
    fi
    echo "include/sigx.h is up to date"
else
    cbindgen --quiet --config cbindgen.toml --crate sigx --output include/sigx.h
    echo "wrote include/sigx.h"
fi
