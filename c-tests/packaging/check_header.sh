#!/usr/bin/env bash
# Header quality: compile c-tests/header/*.c, which include only sigx.h, with
# one compiler and one language standard, as strictly as a user might.
#
#   check_header.sh COMPILER STD INCLUDE_DIR HEADER_TEST_DIR OUT_DIR
#   check_header.sh --macros HEADER HEADER_ALL_C
#
# STD is c99, c11, c++11, c++17, ...; a c++ standard compiles the files as C++.
# --macros fails if sigx.h defines a SIGX_ macro that header_all.c never uses.
set -euo pipefail

if [ "${1:-}" = "--macros" ]; then
    header=$2 all=$3
    missing=()
    # Object-like and function-like macros alike, the include guard SIGX_H too.
    for m in $(sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]\{1,\}\(SIGX_[A-Z0-9_]*\).*/\1/p' "$header" | sort -u); do
        grep -qw "$m" "$all" || missing+=("$m")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "FAIL: $header defines macros that $all never uses: ${missing[*]}"
        echo "      add a use of each to header_all.c, so they are compiled as C and C++."
        exit 1
    fi
    echo "PASS: every SIGX_ macro of $(basename "$header") is used by $(basename "$all")"
    exit 0
fi

[ $# -eq 5 ] || { echo "usage: $0 COMPILER STD INCLUDE_DIR HEADER_TEST_DIR OUT_DIR" >&2; exit 2; }
cc=$1 std=$2 inc=$3 src=$4 out=$5

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "FAIL: compiler '$cc' not found; install it (Debian: apt-get install g++) to check sigx.h as $std."
    exit 1
fi

# -I, not -isystem: warnings inside sigx.h must not be hidden.
flags=(-std="$std" -Wall -Wextra -Werror -pedantic -Wundef -I "$inc")
case $std in
    c++* | gnu++*) flags+=(-x c++) ;;
    *) flags+=(-x c -Wstrict-prototypes -Wmissing-prototypes) ;;
esac

mkdir -p "$out"
for f in header_only header_all; do
    echo "+ $cc ${flags[*]} -c $src/$f.c"
    "$cc" "${flags[@]}" -c "$src/$f.c" -o "$out/$f.$std.o"
done
echo "PASS: sigx.h compiles with $cc ${flags[*]}"
