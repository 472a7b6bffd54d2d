#!/usr/bin/env bash
# Run the C test suites under AddressSanitizer + UndefinedBehaviorSanitizer,
# under ThreadSanitizer, and the Release build under valgrind memcheck.
#
#   scripts/check-sanitizers.sh [asan] [tsan] [valgrind]   (default: all three)
#
# Environment:
#   SIGX_CHECK_PREFIX  build directories are <prefix>asan, <prefix>tsan,
#                      <prefix>release (default: build-check-)
#   SIGX_STRESS_DIV    how much smaller the floods are (default: 10 under the
#                      sanitizers, 20 under valgrind; the suites read it)
#   JOBS               parallel build jobs (default 2)
#
# The sanitizers instrument the C tests (CMake option SIGX_SANITIZE); the Rust
# library is built by cargo as usual and is not instrumented, so they check
# the C side, the C ABI contract as the tests see it, every allocation
# (ASan and valgrind replace malloc for the whole process, libsigx included)
# and leaks. valgrind checks the uninstrumented Release library itself.
#
# Exits non-zero if any suite fails; the failing tests' output is printed.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PREFIX=${SIGX_CHECK_PREFIX:-build-check-}
JOBS=${JOBS:-2}
LABELS='^(api|delivery|callback|alarm|mask|send|chain|fork|leak|misuse|safety|stress|host|child|timer)$'

# Tests that cannot run under a given tool, with the reason:
#
# - test_safety_handler (asan, tsan): its shim interposes malloc and
#   pthread_mutex_lock to catch them inside a signal handler; the sanitizer
#   runtimes take malloc first, so the shim's self-test would fail for a
#   reason unrelated to sigx (CMake also marks it DISABLED there).
ASAN_SKIP='^(test_safety_handler)$'
# - ThreadSanitizer intercepts sigaction -- libsigx's calls too, since its
#   runtime comes first in the link order -- installs a handler of its own and
#   runs the program's handler later, at its next synchronisation point. So
#   under TSan queued real-time signals merge into one, siginfo (pid, value)
#   is lost, a raised signal is handled only after raise() returned, the
#   sa_mask read back differs, and a handler that clobbers errno is reported
#   even though sigx restores it. The tests below assert exactly those kernel
#   semantics and fail for that reason alone (checked one by one). TSan still
#   runs the rest, test_stress_concurrency included (which then skips its
#   delivery accounting), for data races and lock-order inversions in sigx's
#   registry, gate and callback locking.
TSAN_SKIP='^(test_safety_handler|test_api_install|test_callback_basic|test_chain_previous|test_delivery_errno|test_delivery_fd_storm|test_delivery_overflow|test_delivery_self|test_delivery_threads|test_misuse_matrix|test_safety_errno|test_send_reraise|test_stress_flood|test_stress_fork)$'
# The issue #11 floods for the same reasons: their values must come back
# one by one, and sigx_raise must have run the handler when it returns
# (checked against the new core; test_delivery_drain_loop, _fd_mask and
# test_fork_fd_number pass under TSan).
TSAN_SKIP="${TSAN_SKIP%')$'}|test_delivery_early_flood|test_delivery_waiter_exit|test_mask_sampling|test_mask_spawn_flood|test_mask_unblock_raise)\$"
# Issue #13's tests of the same kind: 1,024 timers firing one real-time
# signal (merged), deadlines that must interrupt a blocking call and be
# recorded before sigx_deadline(sig, 0) returns (deferred handlers), and a
# child forked from a threaded process expecting a timer's signal (not
# delivered there under TSan). The other timer tests run under TSan.
TSAN_SKIP="${TSAN_SKIP%')$'}|test_timer_many|test_timer_deadline_calls|test_timer_deadline_repeat|test_fork_timers)\$"
# The same two TSan behaviours again: a record's sender (pid, uid) is gone,
# which is what the sender filters and test_fork_fd_number's record check
# read; and a handler deferred to TSan's next synchronisation point can miss
# the eventfd a sleeping poll waits on (test_delivery_drain_loop, seen under
# load).
TSAN_SKIP="${TSAN_SKIP%')$'}|test_host_filter|test_host_filter_flood|test_fork_fd_number|test_delivery_drain_loop)\$"
# - test_safety_handler (valgrind): valgrind replaces malloc & co. in every
#   object, the shim's definitions included, so the shim's self-test cannot
#   see an allocation in a handler. Everything else runs under memcheck, with
#   the floods divided by SIGX_STRESS_DIV (20): valgrind serialises threads
#   and delivers signals only between translated blocks, which changes the
#   timing, not what must hold. (valgrind also keeps SIGRTMAX for itself;
#   test_misuse_matrix probes for that and expects SIGX_ERR_SYSTEM there.)
VALGRIND_SKIP='^(test_safety_handler)$'

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(asan tsan valgrind)

failed=()

configure_build() { # dir, extra cmake args...
    local dir=$1
    shift
    cmake -S "$ROOT" -B "$dir" -DSIGX_BUILD_EXAMPLES=OFF "$@" >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log"; return 1; }
    cmake --build "$dir" -j"$JOBS" >"$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; return 1; }
}

run_ctest() { # tool, dir, skip-regex
    local tool=$1 dir=$2 skip=$3
    echo "== $tool: ctest in $dir (skipping: ${skip})"
    if ! ctest --test-dir "$dir" -L "$LABELS" -E "$skip" --output-on-failure \
        --timeout 600 2>&1 | tee "$dir.ctest.log" | grep -E '^( *[0-9]+/[0-9]+ Test|.*tests passed|.*FAILED|.*Failed|.*Timeout|.*SEGFAULT|ERROR: |WARNING: ThreadSanitizer|SUMMARY: )'; then
        :
    fi
    if ! grep -q '100% tests passed' "$dir.ctest.log"; then
        failed+=("$tool")
    fi
}

# Run every selected test of build dir $1 (except those matching $2) under
# memcheck, with the command, environment and working directory ctest would
# use (read from `ctest --show-only=json-v1`). A test fails if valgrind
# reports an error (exit 97), a definite leak, or the test itself fails.
run_valgrind() { # dir, skip-regex
    local dir=$1 skip=$2
    ctest --test-dir "$dir" -L "$LABELS" -E "$skip" --show-only=json-v1 >"$dir.tests.json"
    python3 - "$dir" "$ROOT/scripts/valgrind.supp" <<'PY'
import json, os, subprocess, sys, time

build, supp = sys.argv[1], sys.argv[2]
tests = json.load(open(build + ".tests.json"))["tests"]
bad = []
for t in tests:
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    if props.get("DISABLED"):
        continue
    env = dict(os.environ)
    for kv in props.get("ENVIRONMENT", []):
        k, _, v = kv.partition("=")
        env[k] = v
    cmd = ["valgrind", "--quiet", "--error-exitcode=97", "--leak-check=full",
           "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
           "--track-fds=no", "--child-silent-after-fork=yes",
           "--suppressions=" + supp] + t["command"]
    start = time.time()
    try:
        p = subprocess.run(cmd, cwd=props.get("WORKING_DIRECTORY", build), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=900)
        out, rc = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace"), "timeout"
    took = time.time() - start
    ok = rc == 0
    print(f"{'ok  ' if ok else 'FAIL'} {t['name']:32} {took:7.1f} s"
          + ("" if ok else f"  (exit {rc})"), flush=True)
    if not ok:
        bad.append(t["name"])
        print(out[-6000:], flush=True)
print(f"valgrind: {len(tests) - len(bad)} of {len(tests)} clean", flush=True)
sys.exit(1 if bad else 0)
PY
}

for tool in "${tools[@]}"; do
    case $tool in
    asan)
        dir=$ROOT/${PREFIX}asan
        configure_build "$dir" -DCMAKE_BUILD_TYPE=Debug -DSIGX_SANITIZE=address,undefined -DSIGX_CARGO_PROFILE=release
        # detect_leaks: LSan runs at exit. abort_on_error makes a report fail
        # the test even where the test forks and the child reports.
        SIGX_STRESS_DIV=${SIGX_STRESS_DIV:-10} \
            ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            run_ctest asan "$dir" "$ASAN_SKIP"
        ;;
    tsan)
        dir=$ROOT/${PREFIX}tsan
        configure_build "$dir" -DCMAKE_BUILD_TYPE=Debug -DSIGX_SANITIZE=thread -DSIGX_CARGO_PROFILE=release
        # report_signal_unsafe: TSan flags malloc & co. called from a signal
        # handler it sees (the tests' own raw handlers).
        SIGX_STRESS_DIV=${SIGX_STRESS_DIV:-10} \
            TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=1" \
            run_ctest tsan "$dir" "$TSAN_SKIP"
        ;;
    valgrind)
        dir=$ROOT/${PREFIX}release
        configure_build "$dir" -DCMAKE_BUILD_TYPE=Release
        echo "== valgrind: every selected test of $dir under memcheck"
        SIGX_VALGRIND=1 SIGX_STRESS_DIV=${SIGX_STRESS_DIV:-20} run_valgrind "$dir" "$VALGRIND_SKIP" ||
            failed+=(valgrind)
        ;;
    *)
        echo "unknown tool: $tool (asan, tsan, valgrind)" >&2
        exit 2
        ;;
    esac
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all clean: ${tools[*]}"
