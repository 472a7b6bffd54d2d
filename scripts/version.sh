#!/usr/bin/env bash
# Prints sigx's version, read from the [package] table of Cargo.toml (the
# only place it is written). Scripts that need it call this; CMake reads the
# same line with file(STRINGS) in CMakeLists.txt.
#   scripts/version.sh            0.2.0
#   scripts/version.sh --soname   0 (the soname's number: the major version)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(awk '
    /^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version[ \t]*=/ { sub(/^[^"]*"/, ""); sub(/".*$/, ""); print; exit }
' Cargo.toml)
[ -n "$version" ] || { echo "$0: no version in the [package] table of Cargo.toml" >&2; exit 1; }
case ${1:-} in
    "") echo "$version" ;;
    --soname) echo "${version%%.*}" ;;
    *) echo "usage: $0 [--soname]" >&2; exit 2 ;;
esac
