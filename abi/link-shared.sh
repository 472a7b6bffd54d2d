#!/usr/bin/env bash
# Links libsigx.so from cargo's libsigx.a with the symbol versions of
# abi/sigx.map. The CMake build makes the shipped library this way.
#
#   abi/link-shared.sh CC ARCHIVE VERSION_SCRIPT SONAME OUTPUT [--keep-debug] [LIB...]
#
# Why not cargo's own libsigx.so: rustc links every cdylib with a version
# script of its own (an anonymous node listing the exported functions), and a
# second script from build.rs cannot win: rust-lld (rustc's default linker on
# x86_64 Linux since 1.90) keeps the first assignment of each name, so every
# symbol stays unversioned, and GNU ld refuses to combine an anonymous node
# with named ones. So this links the same object code (the archive holds the
# crate and the parts of std it uses) with the options rustc uses for its
# cdylib (--gc-sections, -z relro/now, --strip-debug, no default libraries,
# the archive's system libraries LIB...), plus our version script, soname
# and NODELETE.
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: $0 CC ARCHIVE VERSION_SCRIPT SONAME OUTPUT [--keep-debug] [LIB...]" >&2; exit 2; }
cc=$1 archive=$2 map=$3 soname=$4 output=$5
shift 5
strip=(-Wl,--strip-debug)
if [ "${1:-}" = --keep-debug ]; then
    strip=()
    shift
fi
libs=()
for lib in "$@"; do
    case $lib in -* | /*) libs+=("$lib") ;; *) libs+=("-l$lib") ;; esac
done
[ -f "$archive" ] || { echo "$0: $archive does not exist" >&2; exit 1; }
mkdir -p "$(dirname "$output")"
# Link to a temporary name, so a failed link never leaves a half-written library.
"$cc" -shared -nodefaultlibs -o "$output.tmp" \
    -Wl,--whole-archive "$archive" -Wl,--no-whole-archive \
    -Wl,--version-script="$map" -Wl,-soname,"$soname" -Wl,-z,nodelete \
    -Wl,--gc-sections -Wl,-z,relro,-z,now -Wl,-O1 -Wl,--eh-frame-hdr -Wl,-z,noexecstack \
    ${strip[@]+"${strip[@]}"} "${libs[@]}"
mv -f "$output.tmp" "$output"
