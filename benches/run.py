#!/usr/bin/env python3
"""Run the sigx benchmarks and print the results as markdown.

Called by scripts/bench.sh after it has built everything into one directory:
bench_kernel, bench_sigx, bench_uv (optional), bench_sender and
sigx-bench-peers. Every measurement is one fresh process printing one JSON
line (see benches/harness.c). Within each repetition every row runs every
workload, rows in a rotated order, so that a ratio to row 1 compares runs
made seconds apart.

Environment (all optional):
  SIGX_BENCH_REPS          repetitions (default 5)
  SIGX_BENCH_SELF_N        signals in the self workload (default 50000)
  SIGX_BENCH_PINGPONG_N    round trips in the ping-pong workload (default 20000)
  SIGX_BENCH_FLOOD_N       signals sent in the flood workloads (default 200000)
  SIGX_BENCH_TIMER_N       timer expiries in the timer workload (default 2000)
  SIGX_BENCH_WORKLOADS     which workloads (default "self pingpong flood flood-thread timer")
  SIGX_BENCH_CALLGRIND     0 skips the callgrind instruction counts
  SIGX_BENCH_CALLGRIND_N   signals per callgrind run (default 2000; runs use N and 3N)
  SIGX_BENCH_STRACE        0 skips the strace system-call counts
  SIGX_BENCH_RAW           write every raw JSON result to this file
plus the harness's SIGX_BENCH_CPU, SIGX_BENCH_SENDER_CPU, SIGX_BENCH_WARMUP,
SIGX_BENCH_TIMER_US.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def env_int(name, default):
    v = os.environ.get(name, "").strip()
    return int(v) if v else default


BIN = sys.argv[1] if len(sys.argv) > 1 else "build-bench"
BIN = os.path.abspath(BIN)
REPS = max(1, env_int("SIGX_BENCH_REPS", 5))
COUNTS = {
    "self": env_int("SIGX_BENCH_SELF_N", 50000),
    "pingpong": env_int("SIGX_BENCH_PINGPONG_N", 20000),
    "flood": env_int("SIGX_BENCH_FLOOD_N", 200000),
    "flood-thread": env_int("SIGX_BENCH_FLOOD_N", 200000),
    "timer": env_int("SIGX_BENCH_TIMER_N", 2000),
}
WORKLOADS = os.environ.get("SIGX_BENCH_WORKLOADS",
                           "self pingpong flood flood-thread timer").split()
TITLES = {
    "self": "self: ns per signal",
    "pingpong": "ping-pong: ns per round trip",
    "flood": "flood, 1 thread: signals/s received",
    "flood-thread": "flood, consumer thread: signals/s received",
    "timer": "timer: expiry → return, ns (median)",
}
TIMEOUT = 60  # seconds for one measurement

os.environ["SIGX_BENCH_SENDER"] = os.path.join(BIN, "bench_sender")


def prog(name):
    return os.path.join(BIN, name)


ROWS = [
    # (key, label, argv prefix)
    ("1", "`sigwaitinfo`, signal blocked (floor)", [prog("bench_kernel"), "sigwaitinfo"]),
    ("2", "`signalfd` + `read`", [prog("bench_kernel"), "signalfd"]),
    ("3", "`sigaction` handler + self-pipe + `poll`", [prog("bench_kernel"), "selfpipe"]),
    ("4", "signal-hook `iterator::Signals`", [prog("sigx-bench-peers"), "signal_hook"]),
    ("5", "libuv `uv_signal_t`", [prog("bench_uv"), "libuv"]),
    ("6", "sigx `sigx_install` + `sigx_wait(-1)`", [prog("bench_sigx"), "sigx_wait"]),
    ("7", "sigx `sigx_fd` + `poll` + `sigx_wait(0)`", [prog("bench_sigx"), "sigx_fd"]),
    ("8", "sigx `sigx_on` + `sigx_dispatch`", [prog("bench_sigx"), "sigx_dispatch"]),
    ("9", "sigx, signal blocked in every thread, `sigx_wait(-1)`",
     [prog("bench_sigx"), "sigx_wait_blocked"]),
    ("R", "reference: `sigsuspend` + bare handler", [prog("bench_kernel"), "sigsuspend"]),
    # Lower bounds (benches/mech_model.c): only the work the contract makes
    # every design of that receiving style do.
    ("M6", "model of row 6's duties: ring + mask read + futex, 1 s re-check",
     [prog("bench_model"), "model_futex"]),
    ("M6'", "model of row 6 without the re-check: ppoll on an eventfd, no timeout",
     [prog("bench_model"), "model_ppoll"]),
    ("M7", "model of row 7's duties: epoll{eventfd, signalfd} + mask read + settle",
     [prog("bench_model"), "model_fd"]),
    ("M7'", "model of v0.1's `sigx_fd`: the bare eventfd, no mask read",
     [prog("bench_model"), "model_fd_v01"]),
]
# Rows whose mechanism makes its own POSIX timer for the timer workload
# (benches/mech_*.c: bench_timers[]); the others show "n/a" there.
TIMER_ROWS = {"1", "2", "3", "6", "7", "8", "9", "R"}


# The models (rows M…) run the latency workloads only.
MODEL_WORKLOADS = {"self", "pingpong"}


def supports(key, workload):
    if key.startswith("M"):
        return workload in MODEL_WORKLOADS
    return workload != "timer" or key in TIMER_ROWS


NOTES = []
if not os.access(prog("bench_uv"), os.X_OK):
    ROWS = [r for r in ROWS if r[0] != "5"]
    NOTES.append("Row 5 skipped: libuv was not found by pkg-config when building.")
if not os.access(prog("sigx-bench-peers"), os.X_OK):
    ROWS = [r for r in ROWS if r[0] != "4"]
    NOTES.append("Row 4 skipped: the signal-hook peer did not build.")


def run_one(argv, workload, n):
    cmd = argv + [workload, str(n)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if p.returncode != 0:
        return None, (p.stderr.strip() or f"exit {p.returncode}")[-200:]
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line), None
    return None, "no output"


def fmt_ns(v):
    return f"{v / 1000:.2f} µs" if v >= 10000 else f"{v:.0f} ns"


def fmt_rate(v):
    if v >= 1e6:
        return f"{v / 1e6:.2f} M/s"
    if v >= 1e3:
        return f"{v / 1e3:.0f} k/s"
    return f"{v:.0f} /s"


def fmt_ratio(v):
    return f"{v:.2f}×" if v >= 0.1 else f"{v:.3f}×"


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def provenance():
    """Which sigx was measured, on what, and how busy the machine was."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = sh("git", "-C", root, "rev-parse", "--short", "HEAD") or "unknown"
    dirty = sh("git", "-C", root, "status", "--porcelain", "--", "src", "Cargo.toml", "build.rs")
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"sigx at commit {commit}{' with uncommitted changes in src/' if dirty else ''}; "
            f"{os.cpu_count()} CPUs ({model}); kernel {os.uname().release}")


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def main():
    raw = []
    load_before = loadavg()
    results = {r[0]: {w: [None] * REPS for w in WORKLOADS} for r in ROWS}
    errors = []
    started = time.time()
    for rep in range(REPS):
        for w in WORKLOADS:
            order = ROWS[rep % len(ROWS):] + ROWS[:rep % len(ROWS)]
            for key, _label, argv in order:
                if not supports(key, w):
                    continue
                res, err = run_one(argv, w, COUNTS[w])
                if res is None:
                    errors.append(f"rep {rep + 1}, row {key}, {w}: {err}")
                    continue
                res["rep"] = rep + 1
                res["row"] = key
                raw.append(res)
                results[key][w][rep] = res
        print(f"[bench] repetition {rep + 1}/{REPS} done after {time.time() - started:.0f} s",
              file=sys.stderr, flush=True)
    wall = time.time() - started

    if os.environ.get("SIGX_BENCH_RAW"):
        with open(os.environ["SIGX_BENCH_RAW"], "w") as f:
            for r in raw:
                f.write(json.dumps(r) + "\n")

    out = []
    out.append(f"### Latency and throughput ({REPS} repetitions, medians with min–max)\n")
    out.append(provenance() + f". Load average before the runs: {load_before}; after: "
               f"{loadavg()}.\n")
    head = "| # | mechanism | " + " | ".join(TITLES[w] for w in WORKLOADS) + " |"
    out.append(head)
    out.append("|" + "---|" * (2 + len(WORKLOADS)))
    spread = []  # (row, workload, (max-min)/median) for the noise note
    for key, label, _ in ROWS:
        cells = []
        for w in WORKLOADS:
            if not supports(key, w):
                cells.append("n/a")
                continue
            vals = [r["value"] for r in results[key][w] if r]
            if not vals:
                cells.append("failed")
                continue
            base = results["1"][w]
            ratios = [r["value"] / b["value"] for r, b in zip(results[key][w], base)
                      if r and b and b["value"] > 0]
            med = statistics.median(vals)
            fmt = fmt_rate if w.startswith("flood") else fmt_ns
            cell = f"{fmt(med)} ({fmt(min(vals))}–{fmt(max(vals))})"
            if key != "1" and ratios:
                cell += (f"<br>**{fmt_ratio(statistics.median(ratios))}** "
                         f"({fmt_ratio(min(ratios))}–{fmt_ratio(max(ratios))})")
            base_vals = [b["value"] for b in base if b]
            if key != "1" and base_vals:
                # Each mechanism's best repetition over the floor's best: the
                # VM swings single ratios by a lot, best-of much less.
                best = (max(vals) / max(base_vals) if w.startswith("flood")
                        else min(vals) / min(base_vals))
                cell += f"<br>best-of {fmt_ratio(best)}"
            if w.startswith("flood"):
                lost = [r["lost"] for r in results[key][w] if r]
                lo, hi = min(lost), max(lost)
                cell += f"<br>lost {lo:,}" if lo == hi else f"<br>lost {lo:,}–{hi:,}"
            if med > 0:
                spread.append((key, w, (max(vals) - min(vals)) / med))
            missing = sum(1 for r in results[key][w] if r is None)
            if missing:
                cell += f"<br>({missing} failed)"
            cells.append(cell)
        out.append(f"| {key} | {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Ratios are to row 1 within the same repetition (median, min–max over "
               "repetitions), and best-of (the row's best repetition over row 1's best): "
               "for the latency columns higher is slower, for the flood "
               "columns lower is slower. \"lost\" = sent minus distinct values received "
               "(minus deliveries received, for mechanisms that pass no value). "
               "Timer: each row takes its expiries from a timer made its own way "
               "(`timer_create` for rows 1–3 and R, `sigx_timer_create` for sigx's); "
               "the kernel's timer and wake-up latency is in every row.")
    if spread:
        worst = max(spread, key=lambda t: t[2])
        med_spread = statistics.median(t[2] for t in spread)
        out.append(f"Noise: the median cell's (max−min)/median is {med_spread:.0%}; the worst "
                   f"is {worst[2]:.0%} (row {worst[0]}, {worst[1]}). Wall time {wall:.0f} s.")
    for n in NOTES:
        out.append(n)
    if errors:
        out.append("")
        out.append("Failed runs:")
        for e in errors:
            out.append(f"- {e}")
    out.append("")
    out.extend(flood_accounting(results))
    if os.environ.get("SIGX_BENCH_CALLGRIND", "1") != "0" and shutil.which("valgrind"):
        out.extend(callgrind_section())
    if os.environ.get("SIGX_BENCH_STRACE", "1") != "0" and shutil.which("strace"):
        out.extend(strace_section())
    print("\n".join(out))


def flood_accounting(results):
    floods = [w for w in WORKLOADS if w.startswith("flood")]
    if not floods:
        return []
    out = ["### Flood accounting (every repetition)\n",
           "| # | workload | received (median) | lost by value/count | counted by the mechanism "
           "| sigx: received + dropped + queued == sent | sender EAGAINs (median) |",
           "|---|---|---|---|---|---|---|"]
    for key, _label, _ in ROWS:
        for w in floods:
            rs = [r for r in results[key][w] if r]
            if not rs:
                continue
            rec = statistics.median(r["received"] for r in rs)
            lost = sorted({r["lost"] for r in rs})
            lost_s = ", ".join(f"{x:,}" for x in lost[:3]) + (" …" if len(lost) > 3 else "")
            counted = [r["counted_lost"] for r in rs if r["counted_lost"] >= 0]
            if counted:
                agree = sum(1 for r in rs if r["counted_lost"] == r["lost"])
                counted_s = f"equal to lost in {agree}/{len(rs)}"
            else:
                counted_s = "—"
            if rs[0]["stats_delivered"] >= 0:
                ok = sum(1 for r in rs
                         if r["received"] + r["stats_dropped"] + r["stats_queued"] == r["n"]
                         and r["stats_delivered"] == r["n"]
                         and r["lost"] == r["stats_dropped"] + r["stats_queued"]
                         and r["reported_dropped"] <= r["stats_dropped"]
                         and r["dup"] == 0 and r["bad"] == 0)
                ident = f"{ok}/{len(rs)}"
            else:
                ident = "—"
            ea = statistics.median(r["sender_eagain"] for r in rs)
            out.append(f"| {key} | {w} | {rec:,.0f} | {lost_s} | {counted_s} | {ident} | {ea:,.0f} |")
    out.append("")
    return out


# --- callgrind: user-space instructions --------------------------------------

def parse_callgrind(path):
    """Exclusive Ir per function, and Ir of the calls each function makes.

    Read from the raw file rather than through callgrind_annotate: its
    "summary" (and so its percentages and totals) leaves out the code that
    runs in signal handlers, which is what we want to see here.
    """
    names, excl, calls = {}, {}, {}
    fn, in_call = None, False

    def name(tok):
        m = re.match(r"\((\d+)\)(?:\s+(.*))?$", tok)
        if not m:
            return tok
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), tok)

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                fn = name(line[3:])
            elif line.startswith("cfn="):
                name(line[4:])
            elif line.startswith("calls="):
                in_call = True
            elif line and (line[0].isdigit() or line[0] in "+-*"):
                parts = line.split()
                if len(parts) < 2:
                    continue
                if in_call:
                    calls[fn] = calls.get(fn, 0) + int(parts[1])
                    in_call = False
                else:
                    excl[fn] = excl.get(fn, 0) + int(parts[1])
    return excl, calls


def callgrind_run(argv, n):
    with tempfile.TemporaryDirectory() as d:
        outf = os.path.join(d, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={outf}", *argv, "self", str(n)]
        env = dict(os.environ, SIGX_BENCH_WARMUP="0")
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        if p.returncode != 0 or not os.path.exists(outf):
            return None
        return parse_callgrind(outf)


HANDLERS = {
    # row: the mechanism's signal handler as callgrind names it
    "3": "sp_handler",
    "4": "signal_hook_registry::handler",
    "6": "sigx_core::handler::handle",
    "7": "sigx_core::handler::handle",
    "8": "sigx_core::handler::handle",
    "R": "ss_handler",
    "M6": "futex_handler",
    "M6'": "ppoll_handler",
    "M7": "fd_handler",
    "M7'": "fd_handler",
}


def callgrind_section():
    n1 = env_int("SIGX_BENCH_CALLGRIND_N", 2000)
    n2 = 3 * n1
    d = n2 - n1
    out = ["### User-space instructions per signal (callgrind, self workload)\n",
           f"Each figure is (Ir at N={n2} − Ir at N={n1}) / {d}, so start-up cancels out; the "
           "counts repeat exactly from run to run. Kernel work (signal frames, system calls) "
           "is not counted. Under valgrind `clock_gettime` is a system call through glibc's "
           "wrapper instead of the vDSO, so the vDSO's own instructions (a few dozen) are "
           "missing from the handler figure.\n",
           "| # | mechanism | whole program per signal | signal handler per delivery (inclusive) |",
           "|---|---|---|---|"]
    detail = {}
    for key, label, argv in ROWS:
        a = callgrind_run(argv, n1)
        b = callgrind_run(argv, n2)
        if a is None or b is None:
            out.append(f"| {key} | {label} | failed | — |")
            continue
        whole = (sum(b[0].values()) - sum(a[0].values())) / d
        hand = "—"
        h = HANDLERS.get(key)
        if h:
            inc = lambda r: r[0].get(h, 0) + r[1].get(h, 0)
            if h in b[0]:
                hand = f"{(inc(b) - inc(a)) / d:.0f} (`{h}`)"
        elif key == "5":
            hand = "n/a (libuv's handler has no symbol)"
        out.append(f"| {key} | {label} | {whole:.0f} | {hand} |")
        if key in ("6", "7", "8"):
            detail[key] = (label, a, b)
    out.append("")
    for key, (label, a, b) in detail.items():
        out.append(f"Where row {key}'s instructions go ({label}), per signal: "
                   "exclusive Ir of each function (its own code plus what was inlined into "
                   "it) and, for sigx's, inclusive Ir (with its callees):\n")
        out.append("```")
        fns = set(a[0]) | set(b[0])
        rows = []
        for fn in fns:
            ex = (b[0].get(fn, 0) - a[0].get(fn, 0)) / d
            inc = ex + (b[1].get(fn, 0) - a[1].get(fn, 0)) / d
            if ex >= 0.5:
                rows.append((ex, inc, fn))
        rows.sort(key=lambda t: -t[0])
        out.append(f"{'exclusive':>9} {'inclusive':>9}  function")
        for ex, inc, fn in rows[:16]:
            sigx = fn.startswith("sigx")
            out.append(f"{ex:9.1f} {(f'{inc:9.1f}' if sigx else ''):>9}  {fn[:100]}")
        out.append("```\n")
    return out


# --- strace: system calls per signal -----------------------------------------

def strace_counts(argv, workload, n):
    with tempfile.TemporaryDirectory() as d:
        outf = os.path.join(d, "st")
        env = dict(os.environ, SIGX_BENCH_WARMUP="0")
        p = subprocess.run(["strace", "-f", "-c", "-o", outf, *argv, workload, str(n)],
                           capture_output=True, text=True, env=env, timeout=600)
        if p.returncode != 0:
            return None
        counts = {}
        with open(outf) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
                    try:
                        calls = int(parts[3])
                    except ValueError:
                        continue
                    counts[parts[-1]] = calls
        return counts


def per_signal(counts, n):
    items = [(name, c / n) for name, c in counts.items() if c >= n // 2]
    items.sort(key=lambda t: (-t[1], t[0]))
    return ", ".join(f"{name} {v:.2f}" for name, v in items) or "none"


def strace_section():
    n = 2000
    out = ["### System calls per signal (strace -f -c)\n",
           f"Calls made at least once per two signals over N={n} (self) or N={n} round "
           "trips (ping-pong; both processes counted, so a round trip is two "
           "deliveries); start-up calls are below that line and left out.\n",
           "| # | mechanism | self, per signal | ping-pong, per round trip |",
           "|---|---|---|---|"]
    for key, label, argv in ROWS:
        s = strace_counts(argv, "self", n)
        pp = strace_counts(argv, "pingpong", n)
        out.append(f"| {key} | {label} | {per_signal(s, n) if s else 'failed'} | "
                   f"{per_signal(pp, n) if pp else 'failed'} |")
    out.append("")
    # The handler with nobody waiting and no sigx_fd: sigx_poll spins on
    # sigx_wait(mask, &info, 0) and never sleeps.
    s = strace_counts([prog("bench_sigx"), "sigx_poll"], "self", n)
    if s is not None:
        # kill is the sender, rt_sigreturn the end of every handler, and
        # rt_sigprocmask (a read of the mask) and rt_sigaction (a read of
        # the disposition, at most once per 10 ms: is sigx still the
        # handler?) belong to the empty `sigx_wait(…, 0)`: it asks which of
        # its signals the thread blocks, to take their deliveries from the
        # kernel. Anything else would be the handler's.
        extra = {k: v for k, v in s.items()
                 if k not in ("kill", "rt_sigreturn", "rt_sigprocmask", "rt_sigaction")}
        big = {k: v for k, v in extra.items() if v >= n // 100}
        verdict = ("none: only kill and rt_sigreturn occur once per signal (and "
                   "the empty poll's rt_sigprocmask and rt_sigaction, not the handler's)"
                   if not big else "YES: " + ", ".join(f"{k} {v}" for k, v in big.items()))
        out.append(f"Handler system calls with nobody waiting and `sigx_fd` never asked for "
                   f"(`sigx_poll`: install, then kill + `sigx_wait(mask, &info, 0)`, N={n}): "
                   f"{verdict}. Counts: {per_signal(s, n)}; every call: "
                   + ", ".join(f"{k} {v}" for k, v in sorted(s.items())) + ".")
        out.append("")
    return out


if __name__ == "__main__":
    main()
