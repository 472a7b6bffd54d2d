#!/usr/bin/env bash
# Exported ABI of the built library:
#  - libsigx.so exports only sigx_* symbols (nm -D --defined-only);
#  - its soname is the expected one, it is marked NODELETE, and it has no
#    RPATH/RUNPATH, no text relocations and no executable stack (readelf);
#  - the functions declared in sigx.h and the functions exported are the
#    same set, and libsigx.a defines every one of them too.
#
#   check_abi.sh SHARED_LIB STATIC_LIB HEADER SONAME C_COMPILER
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: $0 SHARED_LIB STATIC_LIB HEADER SONAME C_COMPILER" >&2; exit 2; }
so=$1 archive=$2 header=$3 soname=$4 cc=$5
for tool in nm readelf; do
    command -v $tool >/dev/null || { echo "FAIL: $tool not found (binutils)"; exit 1; }
done

for f in "$so" "$archive" "$header"; do
    [ -f "$f" ] || { echo "FAIL: $f does not exist (build first: cmake --build <build dir>)"; exit 1; }
done

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Exported symbols. nm prints a versioned symbol as name@@SIGX_0.1 and
# each version node as an absolute symbol of its own (type A, e.g.
# SIGX_0.1): drop the nodes and the version suffixes here
# (check_abi_baseline.sh checks the versions).
nm -D --defined-only "$so" | awk 'NF >= 3 && $2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp/exported"
grep -v '^sigx_' "$tmp/exported" > "$tmp/foreign" || true
if [ -s "$tmp/foreign" ]; then
    fail "$(basename "$so") exports symbols outside the sigx_ namespace:"
    sed 's/^/    /' "$tmp/foreign"
fi

# 2. Dynamic section and program headers.
readelf -dW "$so" > "$tmp/dynamic"
got=$(sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p' "$tmp/dynamic")
[ "$got" = "$soname" ] || fail "soname is '$got', expected '$soname'"
grep -q '(FLAGS_1).*NODELETE' "$tmp/dynamic" || fail "not linked with -z nodelete (no NODELETE in FLAGS_1)"
grep -Eq '\((RPATH|RUNPATH)\)' "$tmp/dynamic" && fail "has an RPATH/RUNPATH: $(grep -E '\((RPATH|RUNPATH)\)' "$tmp/dynamic")"
grep -q TEXTREL "$tmp/dynamic" && fail "has text relocations"
stack=$(readelf -lW "$so" | awk '$1 == "GNU_STACK" { print $(NF-1) }')
[ "$stack" = "RW" ] || fail "GNU_STACK flags are '$stack', expected RW (no executable stack)"

# 3. Declared functions. The preprocessor drops the comments and expands
# attribute macros; then every statement that is not a typedef/struct/enum
# declares the function whose name is the first sigx_xxx( in it.
"$cc" -E -P -x c "$header" | tr '\n' ' ' | tr ';{}' '\n\n\n' \
    | grep -Ev '^[[:space:]]*(typedef|struct|enum)\b' \
    | awk 'match($0, /(^|[^A-Za-z0-9_])sigx_[a-z0-9_]+[ \t]*\(/) {
               name = substr($0, RSTART, RLENGTH); sub(/^[^s]*/, "", name); sub(/[ \t]*\($/, "", name); print name
           }' | sort -u > "$tmp/declared"
[ -s "$tmp/declared" ] || fail "found no function declarations in $header (parser broken?)"
comm -23 "$tmp/declared" "$tmp/exported" > "$tmp/not_exported"
comm -13 "$tmp/declared" "$tmp/exported" | grep '^sigx_' > "$tmp/not_declared" || true
if [ -s "$tmp/not_exported" ]; then
    fail "declared in sigx.h but not exported by $(basename "$so"):"
    sed 's/^/    /' "$tmp/not_exported"
fi
if [ -s "$tmp/not_declared" ]; then
    fail "exported by $(basename "$so") but not declared in sigx.h:"
    sed 's/^/    /' "$tmp/not_declared"
fi

# 4. The static archive defines the same functions.
nm --defined-only "$archive" 2>/dev/null | awk '$2 == "T" { print $3 }' | sort -u > "$tmp/archive"
comm -23 "$tmp/declared" "$tmp/archive" > "$tmp/not_in_archive"
if [ -s "$tmp/not_in_archive" ]; then
    fail "declared in sigx.h but not defined in $(basename "$archive"):"
    sed 's/^/    /' "$tmp/not_in_archive"
fi

if [ $failures -gt 0 ]; then
    echo "$failures ABI check(s) failed"
    exit 1
fi
echo "PASS: $(wc -l < "$tmp/declared") functions declared = exported, soname $soname, NODELETE, no RPATH/TEXTREL/exec stack"
