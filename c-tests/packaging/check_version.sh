#!/usr/bin/env bash
# One version: Cargo.toml's [package] version (the only place it is written)
# and everything derived from it agree.
#
#   check_version.sh --source S --cmake-version X.Y.Z --lib LIB --pc PC
#       --config-version CV --cc CC --work W [--cli SIGX] [--python PY]
#
# Compared with Cargo.toml's version: CMake's project version; the
# SIGX_VERSION_* macros of S/include/sigx.h and sigx_version() of LIB (a
# small program prints both); LIB's file name (libsigx.so.X.Y.Z); the
# generated sigx.pc and sigxConfigVersion.cmake; `sigx --version`; and the
# Python package's sigx.__version__ and sigx.version() (bindings/python).
set -euo pipefail
source_dir= cmake_version= lib= pc= config_version= cc=cc work= cli= python=
while [ $# -gt 0 ]; do
    case $1 in
        --source) source_dir=$2 ;;
        --cmake-version) cmake_version=$2 ;;
        --lib) lib=$2 ;;
        --pc) pc=$2 ;;
        --config-version) config_version=$2 ;;
        --cc) cc=$2 ;;
        --work) work=$2 ;;
        --cli) cli=$2 ;;
        --python) python=$2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift 2
done
for v in source_dir cmake_version lib pc config_version work; do
    [ -n "${!v}" ] || { echo "$0: missing an argument ($v)" >&2; exit 2; }
done
mkdir -p "$work"

version=$("$source_dir/scripts/version.sh")
echo "Cargo.toml: $version"
failures=0
agree() {
    local what=$1 got=$2
    if [ "$got" = "$version" ]; then
        echo "ok: $what: $got"
    else
        echo "FAIL: $what says '$got', Cargo.toml says '$version'"
        failures=$((failures + 1))
    fi
}

agree "CMake project(VERSION)" "$cmake_version"
agree "library file name" "$(basename "$lib" | sed -n 's/^libsigx\.so\.//p')"
agree "sigx.pc Version" "$(sed -n 's/^Version: *//p' "$pc" 2>/dev/null)"
agree "sigxConfigVersion.cmake" "$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$config_version" 2>/dev/null)"

cat >"$work/print_version.c" <<'C'
#include <stdio.h>
#include <sigx.h>
int main(void)
{
    printf("%d.%d.%d\n%s\n", SIGX_VERSION_MAJOR, SIGX_VERSION_MINOR, SIGX_VERSION_PATCH, sigx_version());
    return 0;
}
C
"$cc" -std=c99 -Wall -Werror -I"$source_dir/include" "$work/print_version.c" "$lib" -o "$work/print_version"
{ read -r from_header; read -r from_library; } < <(LD_LIBRARY_PATH=$(dirname "$lib") "$work/print_version")
agree "sigx.h SIGX_VERSION_MAJOR.MINOR.PATCH" "$from_header"
agree "sigx_version()" "$from_library"

if [ -n "$cli" ]; then
    agree "sigx --version" "$("$cli" --version | sed -n 's/^sigx //p')"
fi

if [ -z "$python" ]; then
    echo "FAIL: no Python interpreter was found at configure time: the Python package's version is unchecked"
    failures=$((failures + 1))
else
    py_out=$(cd "$work" && SIGX_LIBRARY=$lib PYTHONPATH=$source_dir/bindings/python PYTHONDONTWRITEBYTECODE=1 \
        "$python" -c 'import sigx; print(sigx.__version__); print(sigx.version())') || py_out=
    agree "Python sigx.__version__" "$(sed -n 1p <<<"$py_out")"
    agree "Python sigx.version()" "$(sed -n 2p <<<"$py_out")"
fi

[ $failures -eq 0 ] || { echo "$failures place(s) disagree with Cargo.toml"; exit 1; }
echo "PASS: every place says $version"
