#!/usr/bin/env bash
# Regenerate include/sigx.h from the Rust sources with cbindgen 0.29.4.
#   scripts/gen-header.sh          write include/sigx.h
#   scripts/gen-header.sh --check  fail if include/sigx.h is stale
# The SIGX_VERSION_* macros come from Cargo.toml's version (the only place
# it is written): cbindgen.toml holds @SIGX_VERSION_MAJOR@ & co., replaced in
# a temporary copy of it.
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
version=$(scripts/version.sh)
IFS=. read -r major minor patch <<<"${version%%[-+]*}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e "s/@SIGX_VERSION_MAJOR@/$major/" -e "s/@SIGX_VERSION_MINOR@/$minor/" \
    -e "s/@SIGX_VERSION_PATCH@/$patch/" cbindgen.toml >"$tmp/cbindgen.toml"
if [ "${1:-}" = "--check" ]; then
    if ! cbindgen --quiet --config "$tmp/cbindgen.toml" --crate sigx-core --output include/sigx.h --verify; then
        echo "include/sigx.h is stale: run scripts/gen-header.sh and commit the result" >&2
        exit 1
    fi
    echo "include/sigx.h is up to date"
else
    cbindgen --quiet --config "$tmp/cbindgen.toml" --crate sigx-core --output include/sigx.h
    echo "wrote include/sigx.h"
fi
