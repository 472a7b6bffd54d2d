#!/usr/bin/env bash
# Writes the ABI description (libabigail's abidw XML) of libsigx.so as built
# from a commit of this repository: the baseline that
# c-tests/packaging/check_abi_baseline.sh compares every later build with.
#
#   abi/make-baseline.sh 7e0c7db abi/sigx-0.1.0.abi
#
# The commit is built from `git archive` in a temporary directory, with debug
# information (the types of the parameters and structures come from DWARF;
# the released library has none, its code is the same). abidw's
# --headers-dir is not used: it keeps the types declared in the given
# headers, and in a Rust library's DWARF every type is declared in a .rs
# file, so it would filter nothing. Paths and source locations are left out
# so that the file depends on the commit only.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 COMMIT OUTPUT.abi" >&2; exit 2; }
commit=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$commit" | tar -x -C "$tmp"
(cd "$tmp" && CARGO_PROFILE_RELEASE_DEBUG=true CARGO_PROFILE_RELEASE_STRIP=none \
    cargo build --quiet --release --lib --target-dir "$tmp/target")
abidw --no-corpus-path --no-comp-dir-path --no-show-locs \
    --out-file "$out" "$tmp/target/release/libsigx.so"
echo "wrote $out ($(grep -c '<elf-symbol ' "$out") symbols) from $commit"
