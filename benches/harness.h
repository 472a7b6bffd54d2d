/*
 * sigx benchmarks: the harness shared by every C mechanism.
 *
 * One binary = harness.c + one mech_*.c file. The harness owns the
 * workloads (self, pingpong, flood), the pinning, the timing and the
 * output; a mechanism only knows how to get ready for a set of signals and
 * how to block until at least one of them arrived ("pump"), reporting each
 * delivery it learns about through bench_event(). So every mechanism runs in
 * exactly the same loop, with the same signal and the same CPUs.
 *
 * Not part of the test suite: run scripts/bench.sh.
 */
#ifndef SIGX_BENCH_HARNESS_H
#define SIGX_BENCH_HARNESS_H

#include <stdint.h>

/* Extra accounting a mechanism can report after a flood. -1 = not known. */
struct bench_acct {
    int64_t counted_lost;     /* deliveries the mechanism itself counted as lost */
    int64_t reported_dropped; /* sum of `dropped` seen in returned records (sigx) */
    int64_t stats_delivered;  /* sigx_stats_get(data signal).delivered */
    int64_t stats_dropped;    /* sigx_stats_get(data signal).dropped */
    int64_t stats_queued;     /* sigx_stats_get(data signal).queued */
};

struct bench_mech {
    const char *name;
    /* 1 if the mechanism hands over si_value (so the flood can be checked
     * value by value), 0 if it only says "signal N arrived". */
    int has_value;
    /* Get ready to receive the `n` signals in `signos` (called once per
     * process, after pinning and after any fork). Exit on failure. */
    void (*setup)(const int *signos, int n);
    /* Block until at least one delivery is known, then report every
     * delivery that is available now with bench_event(). */
    void (*pump)(void);
    /* Optional: fill what the mechanism knows about losses (flood only). */
    void (*account)(int data_signo, struct bench_acct *acct);
    /* Optional (flood only): after the end marker, report every delivery
     * the mechanism can still produce without waiting. A mechanism whose
     * flow control keeps deliveries queued in the kernel (sigx) may see the
     * marker overtake them; this collects them inside the timed window. */
    void (*drain)(void);
};

/* Each mech_*.c file defines this table, terminated by a NULL name. */
extern const struct bench_mech bench_mechs[];

/* The timer workload: how a mechanism makes the POSIX timer whose expiries
 * it takes. Optional: a mech_*.c file that supports the workload defines
 * bench_timers[], one entry per mechanism name, terminated by a NULL name
 * (the declaration is weak, so files without it still link). */
struct bench_timer {
    const char *mech; /* the mechanism's name in bench_mechs[] */
    /* Create a disarmed CLOCK_MONOTONIC timer that sends `signo`. */
    void (*create)(int signo);
    /* Arm it to expire once, at CLOCK_MONOTONIC time `at_ns`. */
    void (*arm_at)(uint64_t at_ns);
};
extern const struct bench_timer bench_timers[] __attribute__((weak));

/* Called by mechanisms, in normal context, once per delivery they report. */
void bench_event(int signo, uint64_t value);

/* Print a message with errno and exit(2). */
void bench_die(const char *what);

#endif
