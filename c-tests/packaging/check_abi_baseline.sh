#!/usr/bin/env bash
# The ABI of this build keeps everything of a committed baseline
# (abi/sigx-0.1.0.abi, abidw's description of 0.1.0): nothing removed,
# nothing changed, additions only.
#
#   check_abi_baseline.sh --baseline B --shipped LIB --source S --work W [--cargo CARGO]
#
# 1. Functions and types: LIB has no debug information, so the same sources
#    are built again with it (cargo, target dir under W), and
#    `abidiff --no-added-syms B <cargo's libsigx.so>` must report nothing: a
#    removed function, a changed parameter or return type, or a changed
#    sigx_info/sigx_stats layout all make it exit non-zero.
# 2. Symbols of LIB itself: `abidiff --no-added-syms B LIB` (ELF symbols
#    only), and every function of B is exported with the default version
#    SIGX_0.1 (name@@SIGX_0.1), every other sigx_ function with a later
#    version node, none unversioned.
#
# Why step 1 uses cargo's own libsigx.so and not a copy linked like LIB:
# 0.1.0 exported its functions unversioned, LIB exports sigx_stats_get@@SIGX_0.1
# & co. abidiff 2.2 identifies a function by its symbol including the
# version, and between `sigx_stats_get` and `sigx_stats_get@@SIGX_0.1` it
# reports neither a removal nor a change: a sigx_stats field shrunk from u64
# to u32 passed unnoticed that way (tried). cargo's libsigx.so is the same
# object code with the symbols named as 0.1.0 named them (rustc's own version
# script leaves them unversioned), so there every change shows. The versions
# themselves are then checked by name in step 2, so a function that lost its
# version or moved to another node cannot pass either. Programs linked
# against 0.1.0 ask for `sigx_wait` without a version, which the dynamic
# linker binds to the default version sigx_wait@@SIGX_0.1
# (check_old_binary.sh runs one).
#
# abidiff's exit status is a bit mask: 4 = an ABI change, 8 = an
# incompatible one, 1/2 = an error; with --no-added-syms, additions alone
# give 0, so any non-zero status fails this test.
set -euo pipefail

baseline= shipped= source_dir= work= cargo=cargo
while [ $# -gt 0 ]; do
    case $1 in
        --baseline) baseline=$2 ;;
        --shipped) shipped=$2 ;;
        --source) source_dir=$2 ;;
        --work) work=$2 ;;
        --cargo) cargo=$2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift 2
done
for v in baseline shipped source_dir work; do
    [ -n "${!v}" ] || { echo "$0: missing --${v//_/-}" >&2; exit 2; }
done

die() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
for tool in abidiff nm; do
    command -v $tool >/dev/null || die "$tool not found (Debian: apt-get install abigail-tools binutils)"
done
[ -f "$baseline" ] || die "no baseline at $baseline"
[ -f "$shipped" ] || die "$shipped does not exist (build first: cmake --build <build dir>)"
mkdir -p "$work"

# abidiff NAME ARGS...: runs abidiff, shows its report, fails on any status but 0.
run_abidiff() {
    local what=$1 status=0
    shift
    echo "+ abidiff $*"
    abidiff "$@" >"$work/abidiff.out" 2>&1 || status=$?
    cat "$work/abidiff.out"
    [ $status -eq 0 ] || die "$what: abidiff exited with $status (4: ABI change, 8: incompatible change, 1/2: error)"
    echo "ok: $what: nothing removed or changed"
}

step "1. functions and types: this source tree built with debug information"
(cd "$source_dir" && CARGO_PROFILE_RELEASE_DEBUG=true CARGO_PROFILE_RELEASE_STRIP=none \
    "$cargo" build --release -p sigx --lib --target-dir "$work/target")
run_abidiff "functions and types" --no-added-syms "$baseline" "$work/target/release/libsigx.so"

step "2. symbols of the shipped $(basename "$shipped")"
run_abidiff "ELF symbols" --no-added-syms "$baseline" "$shipped"
sed -n "s/.*<elf-symbol name='\(sigx_[a-z0-9_]*\)' type='func-type'.*/\1/p" "$baseline" | sort -u >"$work/baseline.syms"
[ -s "$work/baseline.syms" ] || die "no functions found in $baseline (parser broken?)"
nm -D --defined-only "$shipped" | awk '$2 == "T" { print $3 }' | sort -u >"$work/shipped.syms"
failures=0
while read -r name; do
    grep -qx "$name@@SIGX_0.1" "$work/shipped.syms" || {
        echo "FAIL: $name is not exported as $name@@SIGX_0.1 (it is: $(grep -E "^$name(@|\$)" "$work/shipped.syms" || echo missing))"
        failures=$((failures + 1))
    }
done <"$work/baseline.syms"
while read -r sym; do
    name=${sym%%@*}
    grep -qx "$name" "$work/baseline.syms" && continue
    case $sym in
        *@@SIGX_0.1) echo "FAIL: $name is new since the baseline but in node SIGX_0.1 (frozen)"; failures=$((failures + 1)) ;;
        *@@SIGX_*) ;;
        *) echo "FAIL: $sym has no default version node"; failures=$((failures + 1)) ;;
    esac
done <"$work/shipped.syms"
[ $failures -eq 0 ] || die "$failures symbol version problem(s)"
echo "ok: $(wc -l <"$work/baseline.syms") functions of the baseline @@SIGX_0.1, $(($(wc -l <"$work/shipped.syms") - $(wc -l <"$work/baseline.syms"))) later ones in later nodes"
printf '\nPASS: the ABI of %s only adds to %s\n' "$(basename "$shipped")" "$(basename "$baseline")"
