#!/usr/bin/env bash
# Proves that a CMake build tree rebuilds libsigx when anything cargo
# depends on changes, and only then, on a scratch copy of the source tree
# (the real one is never touched):
#
#   check_rebuild.sh --cmake cmake --source S --work W --rust-source src/lib.rs
#
#   1. a Debug build tree builds cargo's dev profile, inside the build tree
#   2. building again changes nothing (no copy rewritten, nothing relinked)
#   3. touching Cargo.lock makes the build run cargo
#   4. a new function in a .rs file is in the rebuilt libsigx.so.X.Y.Z
#   5. a change of Cargo.toml (a profile setting) rebuilds the library
set -euo pipefail

cmake_exe=cmake source_dir= work= rust_source=
while [ $# -gt 0 ]; do
    case $1 in
        --cmake) cmake_exe=$2 ;;
        --source) source_dir=$2 ;;
        --work) work=$2 ;;
        --rust-source) rust_source=$2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift 2
done
for v in source_dir work rust_source; do
    [ -n "${!v}" ] || { echo "$0: missing --${v//_/-}" >&2; exit 2; }
done

step() { printf '\n== %s\n' "$*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/src"
src=$work/src build=$work/build

step "copy $source_dir (without build trees, target/ and .git) to $src"
tar -C "$source_dir" --exclude=./.git --exclude='./build*' --exclude=./target \
    --exclude='*/target' -cf - . | tar -C "$src" -xf -
[ -f "$src/$rust_source" ] || die "no $rust_source in the copy"

build() {
    "$cmake_exe" --build "$build" --target sigx_cargo >"$work/build.log" 2>&1 \
        || { cat "$work/build.log"; die "build failed"; }
}
lib() { compgen -G "$build/lib/libsigx.so.*.*.*" | head -n 1; }
stamp() { stat -c %Y.%y "$1"; }

step "1. configure and build a Debug tree"
"$cmake_exe" -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
    -DSIGX_BUILD_TESTS=OFF -DSIGX_BUILD_EXAMPLES=OFF >"$work/configure.log" \
    || { cat "$work/configure.log"; die "configure failed"; }
build
[ -f "$build/cargo/debug/libsigx.so" ] || die "Debug did not build cargo's dev profile into the build tree"
[ ! -e "$build/cargo/release" ] || die "Debug built the release profile too"
[ ! -e "$src/target" ] || die "cargo wrote into the source tree"
so=$(lib)
[ -n "$so" ] || die "no versioned library in $build/lib"
echo "ok: $so from cargo's dev profile in $build/cargo"

step "2. build again: nothing changes"
before=$(stamp "$so") before_a=$(stamp "$build/lib/libsigx.a")
build
[ "$(stamp "$so")" = "$before" ] && [ "$(stamp "$build/lib/libsigx.a")" = "$before_a" ] \
    || die "an up-to-date build rewrote the library"
echo "ok: library untouched"

step "3. touch Cargo.lock: cargo runs"
touch "$src/Cargo.lock"
build
grep -q 'Finished' "$work/build.log" || { cat "$work/build.log"; die "cargo did not run after Cargo.lock changed"; }
echo "ok: cargo ran ($(grep 'Finished' "$work/build.log" | head -n 1 | sed 's/^ *//'))"

step "4. a new function in $rust_source"
cat >>"$src/$rust_source" <<'RS'

/// Added by c-tests/packaging/check_rebuild.sh to a scratch copy.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_rebuild_probe() -> i32 {
    7
}
RS
build
nm -D --defined-only "$so" | grep -Eq ' sigx_rebuild_probe(@@SIGX_[0-9.]+)?$' \
    || { cat "$work/build.log"; die "the rebuilt $so lacks the new function"; }
[ "$(stamp "$so")" != "$before" ] || die "$so was not rewritten"
echo "ok: $so exports sigx_rebuild_probe"

step "5. change Cargo.toml's dev profile"
before=$(stamp "$so")
sum=$(sha256sum <"$so")
if grep -q '^\[profile\.dev\]' "$src/Cargo.toml"; then
    sed -i 's/^\[profile\.dev\]$/[profile.dev]\nopt-level = 1/' "$src/Cargo.toml"
else
    printf '\n[profile.dev]\nopt-level = 1\n' >>"$src/Cargo.toml"
fi
build
[ "$(sha256sum <"$so")" != "$sum" ] || { cat "$work/build.log"; die "$so did not change after Cargo.toml changed"; }
echo "ok: $so rebuilt with the new profile"

printf '\nPASS: CMake rebuilds libsigx after Cargo.lock, .rs and Cargo.toml changes, and only then\n'
