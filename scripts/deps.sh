#!/usr/bin/env bash
# Install what sigx's scripts need and this machine lacks (Debian).
#
#   scripts/deps.sh demo   cmake, make, a C compiler    (scripts/demo.sh)
#   scripts/deps.sh test   + pkg-config, g++, valgrind, libuv1-dev, python3
#                          venv, pytest, cbindgen 0.29.4 (scripts/test.sh)
#   scripts/deps.sh ci     + Go (golang-go), for the runtimes examples (.ci/run)
#
# Says nothing when nothing is missing; says what it installs otherwise.
# Debian packages need root: run as another user, it prints the exact
# command to run and fails. The Rust toolchain (cargo) is assumed: it is
# what this project is built with (https://rustup.rs).
#
# Node.js is not installed here: the Node example runs when `node` and
# `npm` are present, and fetches koffi from npm into the build tree itself.
set -euo pipefail

what=${1:-test}
case $what in demo | test | ci) ;; *)
    echo "usage: $0 demo|test|ci" >&2
    exit 2
    ;;
esac
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v cargo >/dev/null; then
    echo "deps: cargo not found: install the Rust toolchain first (rustup, https://rustup.rs)" >&2
    exit 1
fi

apt_pkgs=()
need() { apt_pkgs+=("$1"); }

# What the demo needs: CMake drives cargo and compiles the C examples.
command -v cmake >/dev/null || need cmake
command -v make >/dev/null || command -v ninja >/dev/null || need make
command -v cc >/dev/null || need gcc

if [ "$what" != demo ]; then
    command -v pkg-config >/dev/null || need pkg-config
    command -v g++ >/dev/null || need g++
    command -v valgrind >/dev/null || need valgrind
    [ -f /usr/include/uv.h ] || need libuv1-dev
    command -v abidiff >/dev/null || need abigail-tools # packaging_abi_baseline
    command -v python3 >/dev/null || need python3
    # venv with pip: the Python package test installs sigx into fresh venvs.
    if command -v python3 >/dev/null && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        need python3-venv
    fi
fi
if [ "$what" = ci ]; then
    command -v go >/dev/null || need golang-go
fi

if [ ${#apt_pkgs[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        {
            echo "deps: missing Debian packages: ${apt_pkgs[*]}"
            echo "deps: run this as root, then try again:"
            echo "    sudo sh -c 'apt-get update && apt-get install -y ${apt_pkgs[*]}'"
        } >&2
        exit 1
    fi
    echo "deps: apt-get install ${apt_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

[ "$what" = demo ] && exit 0

if ! python3 -c 'import pytest' 2>/dev/null; then
    # pip where it may install (a pyenv or venv Python); Debian's own python3
    # refuses pip installs (PEP 668) and has python3-pytest instead.
    echo "deps: pip install pytest"
    if ! python3 -m pip install -q pytest 2>/dev/null; then
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
            echo "deps: pip could not; apt-get install python3-pytest"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pytest >/dev/null
        fi
        python3 -c 'import pytest' 2>/dev/null || {
            echo "deps: could not install pytest; try: python3 -m pip install --user pytest" >&2
            exit 1
        }
    fi
fi

cbindgen_want=0.29.4
if [ "$(cbindgen --version 2>/dev/null | awk '{print $2}')" != "$cbindgen_want" ]; then
    echo "deps: cargo install cbindgen $cbindgen_want"
    cargo install cbindgen --locked --version "$cbindgen_want" -q
fi
