#!/usr/bin/env bash
# Measure sigx against the kernel's floor and its peers; print markdown.
#
#   scripts/bench.sh                 build everything into build-bench/, run, print
#   SIGX_BENCH_REPS=7 scripts/bench.sh
#
# Not part of the test suite (timings are not assertions). Builds:
#   - libsigx.so with `cargo build --release` (its own target dir under build-bench/)
#   - the C benchmark programs (benches/*.c) with gcc -O2, the lower-bound
#     models of sigx's paths (benches/mech_model.c) among them
#   - benches/peers (signal-hook's iterator), a Cargo project of its own
#   - the libuv row, if pkg-config finds libuv (otherwise skipped with a note)
# then runs benches/run.py, which prints one table (rows = mechanisms,
# columns = workloads, medians with min–max and the ratio to sigwaitinfo
# measured in the same repetition), the flood accounting, the callgrind
# instruction counts and the strace system-call counts. The same text is
# saved to build-bench/bench.md.
#
# Environment: SIGX_BENCH_REPS (default 5), SIGX_BENCH_SELF_N (50000),
# SIGX_BENCH_PINGPONG_N (20000), SIGX_BENCH_FLOOD_N (200000),
# SIGX_BENCH_TIMER_N (2000), SIGX_BENCH_TIMER_US (200),
# SIGX_BENCH_WORKLOADS ("self pingpong flood flood-thread timer"),
# SIGX_BENCH_CALLGRIND=0 / SIGX_BENCH_STRACE=0 to skip those parts,
# SIGX_BENCH_CALLGRIND_N (2000), SIGX_BENCH_CPU (receiver CPU, 0),
# SIGX_BENCH_SENDER_CPU (flood sender CPU, 1 if there are two),
# SIGX_BENCH_RAW=<file> to keep every raw JSON result.
# See docs/PERFORMANCE.md for what the numbers mean.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out="$root/build-bench"
lib="$out/lib"
mkdir -p "$lib"

log() { printf '[bench] %s\n' "$*" >&2; }

log "building libsigx (cargo build --release)"
cargo build --quiet --release -p sigx --lib --target-dir "$out/cargo-target"
# Lay the library out with its soname, as the CMake build does.
version=$(scripts/version.sh) soversion=$(scripts/version.sh --soname)
cp -f "$out/cargo-target/release/libsigx.so" "$lib/libsigx.so.$version"
ln -sf "libsigx.so.$version" "$lib/libsigx.so.$soversion"
ln -sf "libsigx.so.$soversion" "$lib/libsigx.so"

cflags=(-O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -pthread)
log "building the C programs (gcc -O2)"
gcc "${cflags[@]}" -o "$out/bench_sender" benches/sender.c
gcc "${cflags[@]}" -o "$out/bench_kernel" benches/harness.c benches/mech_kernel.c
gcc "${cflags[@]}" -o "$out/bench_model" benches/harness.c benches/mech_model.c
gcc "${cflags[@]}" -Iinclude -o "$out/bench_sigx" benches/harness.c benches/mech_sigx.c \
    -L"$lib" -lsigx -Wl,-rpath,"$lib"
rm -f "$out/bench_uv"
if pkg-config --exists libuv 2>/dev/null; then
    # shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
    gcc "${cflags[@]}" $(pkg-config --cflags libuv) -o "$out/bench_uv" \
        benches/harness.c benches/mech_uv.c $(pkg-config --libs libuv)
else
    log "libuv not found by pkg-config: its row will be skipped"
fi

log "building the signal-hook peer (benches/peers)"
rm -f "$out/sigx-bench-peers"
if cargo build --quiet --release --locked --manifest-path benches/peers/Cargo.toml \
    --target-dir "$out/peers-target"; then
    cp -f "$out/peers-target/release/sigx-bench-peers" "$out/sigx-bench-peers"
else
    log "the signal-hook peer did not build: its row will be skipped"
fi

for tool in valgrind strace; do
    command -v "$tool" >/dev/null 2>&1 || log "$tool not found: its part of the report is skipped"
done

log "running (about 3 minutes with the defaults; progress below)"
python3 benches/run.py "$out" | tee "$out/bench.md"
