#!/usr/bin/env bash
# A program built against an installed sigx 0.1.0 runs unchanged against the
# library of this build (issue #17: later 0.x versions only add to the ABI;
# see abi/sigx.map).
#
#   check_old_binary.sh --source S --work W --new-lib DIR --new-version X.Y.Z
#       [--commit 7e0c7db] [--cmake cmake] [--cc cc] [--cargo cargo]
#
# 1. Takes the 0.1.0 sources from S's git history (git archive COMMIT) into
#    W, and builds and installs them with their own CMake build into a
#    prefix under W (cargo gets a target dir under W, kept between runs).
# 2. Compiles c-tests/packaging/old_binary.c against that prefix's sigx.h and
#    libsigx.so (it records the soname libsigx.so.0 and unversioned
#    references), and runs it there: it must pass against 0.1.0 itself.
# 3. Runs the same executable with LD_LIBRARY_PATH=DIR (this build's
#    libsigx.so.0): it must pass again and report X.Y.Z.
# S must be a git checkout that contains COMMIT (CI runs from a fresh clone
# of main, which does); otherwise this fails and says so.
set -euo pipefail

source_dir= work= new_lib= new_version= commit=7e0c7db cmake_exe=cmake cc=cc cargo=cargo
while [ $# -gt 0 ]; do
    case $1 in
        --source) source_dir=$2 ;;
        --work) work=$2 ;;
        --new-lib) new_lib=$2 ;;
        --new-version) new_version=$2 ;;
        --commit) commit=$2 ;;
        --cmake) cmake_exe=$2 ;;
        --cc) cc=$2 ;;
        --cargo) cargo=$2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift 2
done
for v in source_dir work new_lib new_version; do
    [ -n "${!v}" ] || { echo "$0: missing an argument ($v)" >&2; exit 2; }
done
die() { echo "FAIL: $*" >&2; exit 1; }
# The program sends itself real-time signals: when another program of the
# same user fills RLIMIT_SIGPENDING, sigqueue fails with EAGAIN and senders
# lose their pid; say so when a run fails.
queue_note() { echo "(this user's queued signals, SigQ: $(sed -n 's/^SigQ:[[:space:]]*//p' /proc/self/status))"; }
step() { printf '\n== %s\n' "$*"; }
run() { echo "+ $*"; "$@"; }

[ -f "$new_lib/libsigx.so.0" ] || die "no libsigx.so.0 in $new_lib (build first: cmake --build <build dir>)"
command -v git >/dev/null || die "git not found: this test builds 0.1.0 from the git history"
git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1 \
    || die "$source_dir is not a git checkout: this test builds sigx 0.1.0 from its history (commit $commit); run it in a clone"
git -C "$source_dir" cat-file -e "$commit^{commit}" 2>/dev/null \
    || die "commit $commit (sigx 0.1.0) is not in the history of $source_dir (a shallow clone? git fetch --unshallow)"

old_src=$work/sigx-$commit prefix=$work/prefix-0.1.0
mkdir -p "$work"
rm -rf "$old_src" "$prefix" "$work/old-build"
step "sigx at $commit: git archive, CMake build, install into $prefix"
mkdir -p "$old_src"
git -C "$source_dir" archive "$commit" | tar -x -C "$old_src"
# W usually lies inside this source tree, whose Cargo.toml is a workspace
# root: an empty [workspace] table keeps the old crate a project of its own
# (cargo refuses to build it otherwise). The file time stays the commit's.
printf '\n[workspace]\n' >>"$old_src/Cargo.toml"
touch -r "$old_src/Cargo.lock" "$old_src/Cargo.toml"
# Tar keeps the commit's file times, so cargo rebuilds nothing on a second run.
run "$cmake_exe" -S "$old_src" -B "$work/old-build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" \
    -DSIGX_BUILD_TESTS=OFF -DSIGX_BUILD_EXAMPLES=OFF -DCARGO="$(command -v "$cargo")" \
    -DSIGX_CARGO_TARGET_DIR="$work/old-target" >"$work/old-configure.log" \
    || { cat "$work/old-configure.log"; die "configuring sigx $commit failed"; }
run "$cmake_exe" --build "$work/old-build" >"$work/old-build.log" 2>&1 \
    || { cat "$work/old-build.log"; die "building sigx $commit failed"; }
run "$cmake_exe" --install "$work/old-build" --prefix "$prefix" >/dev/null
old_libdir=$(dirname "$(find "$prefix" -name 'libsigx.so.0' | head -n 1)")
[ -f "$old_libdir/libsigx.so.0" ] || die "the 0.1.0 install has no libsigx.so.0"
old_version=$(sed -n 's/^Version: //p' "$old_libdir/pkgconfig/sigx.pc")
echo "installed sigx $old_version ($(readlink "$old_libdir/libsigx.so.0"))"

step "old_binary.c compiled and linked against the installed $old_version"
exe=$work/old_binary
run "$cc" -std=c99 -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Werror -I"$prefix/include" \
    "$source_dir/c-tests/packaging/old_binary.c" -L"$old_libdir" -lsigx -o "$exe"
needed=$(readelf -dW "$exe" | grep '(NEEDED)' || true)
[[ $needed == *"[libsigx.so.0]"* ]] || die "$exe does not need libsigx.so.0: $needed"
refs=$(readelf --dyn-syms -W "$exe" | awk '$7 == "UND" && $8 ~ /^sigx_/ { print $8 }')
[ -n "$refs" ] || die "$exe references no sigx_ function"
echo "references: $(echo "$refs" | tr '\n' ' ')"
[[ $refs != *@* ]] || die "references carry versions, yet 0.1.0 had none: $refs"

step "run against the $old_version it was built with"
out=$(LD_LIBRARY_PATH=$old_libdir "$exe") || die "old_binary fails against $old_version itself $(queue_note)"
echo "$out"
[[ $out == *"against sigx $old_version" ]] || die "expected to run against $old_version"

step "run the same executable against this build's library ($new_lib)"
out=$(LD_LIBRARY_PATH=$new_lib "$exe") || die "old_binary built against $old_version fails against $new_version $(queue_note)"
echo "$out"
[[ $out == *"against sigx $new_version" ]] || die "the dynamic linker did not load $new_lib/libsigx.so.0 (expected version $new_version)"
printf '\nPASS: a program built against sigx %s runs unchanged against %s\n' "$old_version" "$new_version"
