/* The misuse tests' shared half (test_misuse_*): the rules for signal
 * numbers, written from sigx.h (which numbers are valid, reserved,
 * uncatchable or faults, and what each kind of entry point must answer for
 * them), and a snapshot of everything a bad call must leave alone,
 * compared after every checked call:
 *
 *   per signal   the disposition (handler, sa_flags, sa_mask), and what
 *                sigx_is_installed, sigx_stats_get, sigx_disposition_get
 *                and sigx_refused say
 *   process      sigx_stats_get(0), sigx_refused(0), sigx_displaced,
 *                sigx_valid_signals, the calling thread's mask, the
 *                pending set, ITIMER_REAL, sigx_fd, sigx_dispatch(0) (the
 *                callbacks), the kernel's timers, the open descriptors and
 *                pidfds, and this thread's sigx_deadline_expired
 *
 * Usage: set rtmin_ and rtmax_, call probe_refused(), set the baseline
 * state up and take(&baseline); then EXPECT(call, status) for each bad
 * call. A valid call that changes the state on purpose is undone, or the
 * test updates `baseline` for what it changed, before the next comparison.
 *
 * Meant for one test per executable: the globals are that test's. */
#ifndef SIGX_TEST_MISUSE_H
#define SIGX_TEST_MISUSE_H

#include "test.h"
#include "reliability.h"

#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000 /* glibc adds it to every sigaction it sets */
#endif

/* ---- the rules, written from sigx.h ------------------------------------ */

static int rtmin_, rtmax_;

/* Signals whose disposition this system will not let a program change even
 * though the C library calls them valid (valgrind keeps SIGRTMAX for
 * itself, for one). sigaction fails there, so sigx must answer
 * SIGX_ERR_SYSTEM with errno EINVAL and change nothing. Found by installing
 * a handler on each and putting the old disposition back. */
static int refused[65];

static inline void probe_handler(int signo)
{
    (void)signo;
}

static inline void probe_refused(void)
{
    for (int s = 1; s <= 64; s++) {
        struct sigaction cur, probe;
        if (s == SIGKILL || s == SIGSTOP || (s >= 32 && s < rtmin_))
            continue;
        memset(&probe, 0, sizeof probe);
        probe.sa_handler = probe_handler;
        sigemptyset(&probe.sa_mask);
        if (sigaction(s, &probe, &cur) != 0) {
            refused[s] = 1;
            printf("note: this system refuses sigaction(%d): %s\n", s, strerror(errno));
            continue;
        }
        ASSERT_SYS(sigaction(s, &cur, NULL));
    }
}

static inline int is_valid(int s)
{
    return (s >= 1 && s <= 31) || (s >= rtmin_ && s <= rtmax_ && s <= 64);
}
static inline int is_reserved(int s)
{
    return s >= 32 && s < rtmin_;
}
static inline int is_uncatchable(int s)
{
    return s == SIGKILL || s == SIGSTOP;
}
static inline int is_fault(int s)
{
    return s == SIGSEGV || s == SIGBUS || s == SIGFPE || s == SIGILL;
}
/* sigx_install, sigx_on, sigx_set_capacity(signo != 0). */
static inline int rule_catchable(int s)
{
    if (is_reserved(s))
        return SIGX_ERR_FORBIDDEN;
    if (!is_valid(s))
        return SIGX_ERR_SIGNAL;
    if (is_uncatchable(s))
        return SIGX_ERR_UNCATCHABLE;
    if (is_fault(s))
        return SIGX_ERR_FORBIDDEN;
    return SIGX_OK;
}
/* sigx_ignore, sigx_default, sigx_uninstall (before the state check). */
static inline int rule_disposable(int s)
{
    if (is_reserved(s))
        return SIGX_ERR_FORBIDDEN;
    if (!is_valid(s))
        return SIGX_ERR_SIGNAL;
    if (is_uncatchable(s))
        return SIGX_ERR_UNCATCHABLE;
    return SIGX_OK;
}
/* Look-ups and figures: any valid signal. */
static inline int rule_valid(int s)
{
    return is_valid(s) ? SIGX_OK : SIGX_ERR_SIGNAL;
}
/* sigx_send, sigx_raise: 0 (existence check) or a valid signal. */
static inline int rule_sendable(int s)
{
    return s == 0 || is_valid(s) ? SIGX_OK : SIGX_ERR_SIGNAL;
}
/* sigx_reraise. */
static inline int rule_reraise(int s)
{
    if (is_reserved(s))
        return SIGX_ERR_FORBIDDEN;
    return is_valid(s) ? SIGX_OK : SIGX_ERR_SIGNAL;
}

/* ---- the state, and comparing it ------------------------------------------ */

struct snapshot {
    void *handler[65];
    int flags[65];
    uint64_t sa_mask[65];
    int installed[65];
    sigx_stats stats[65];
    sigx_stats all;
    uint64_t thread_mask;
    uint64_t kernel_pending;
    struct itimerval timer;
    int fd;
    int dispatch;
    uint64_t valid;
    /* v0.2: what sigx_disposition_get says (sigx's own flags included),
     * sigx_refused per signal and in all, sigx_displaced, the kernel's
     * timers (sigx_timer_* and deadlines), this process's descriptors and
     * pidfds (sigx_fd_mask, child watches), and this thread's deadline. */
    sigx_disposition disp[65];
    uint64_t refused_count[65];
    uint64_t refused_all;
    uint64_t displaced;
    int timers;
    int fds;
    int pidfds;
    int deadline_expired;
};

static inline uint64_t mask_of(const sigset_t *set)
{
    uint64_t m = 0;
    for (int s = 1; s <= 64; s++)
        if (!is_reserved(s) && sigismember(set, s) == 1)
            m |= SIGX_BIT(s);
    return m;
}

static inline void take(struct snapshot *snap)
{
    memset(snap, 0, sizeof *snap);
    for (int s = 1; s <= 64; s++) {
        if (is_reserved(s))
            continue; /* glibc refuses sigaction on its own signals */
        struct sigaction sa;
        ASSERT_SYS(sigaction(s, NULL, &sa));
        snap->handler[s] = (sa.sa_flags & SA_SIGINFO) ? (void *)(uintptr_t)sa.sa_sigaction
                                                       : (void *)(uintptr_t)sa.sa_handler;
        snap->flags[s] = sa.sa_flags & ~SA_RESTORER;
        snap->sa_mask[s] = mask_of(&sa.sa_mask);
        if (is_valid(s)) {
            snap->installed[s] = sigx_is_installed(s);
            ASSERT_OK(sigx_stats_get(s, &snap->stats[s]));
            ASSERT_OK(sigx_disposition_get(s, &snap->disp[s]));
            snap->disp[s].sa_flags &= ~(uint64_t)SA_RESTORER;
            ASSERT_OK(sigx_refused(s, &snap->refused_count[s]));
        }
    }
    ASSERT_OK(sigx_stats_get(0, &snap->all));
    sigset_t cur;
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, NULL, &cur), 0);
    snap->thread_mask = mask_of(&cur);
    sigset_t pend;
    ASSERT_SYS(sigpending(&pend));
    snap->kernel_pending = mask_of(&pend);
    ASSERT_SYS(getitimer(ITIMER_REAL, &snap->timer));
    snap->fd = sigx_fd();
    snap->dispatch = sigx_dispatch(0);
    snap->valid = sigx_valid_signals();
    ASSERT_OK(sigx_refused(0, &snap->refused_all));
    snap->displaced = sigx_displaced();
    snap->timers = proc_timers();
    snap->fds = count_fds(&snap->pidfds);
    snap->deadline_expired = sigx_deadline_expired();
}

static struct snapshot baseline;
static long checks;

static inline int stats_equal(const sigx_stats *a, const sigx_stats *b)
{
    return a->delivered == b->delivered && a->dropped == b->dropped && a->queued == b->queued &&
           a->high_water == b->high_water;
}

/* Compare the current state with the baseline; `what` names the call. */
static inline void expect_unchanged(const char *what, int line)
{
    struct snapshot now;
    take(&now);
    const char *diff = NULL;
    int at = 0;
    for (int s = 1; s <= 64 && diff == NULL; s++) {
        at = s;
        if (now.handler[s] != baseline.handler[s])
            diff = "handler";
        else if (now.flags[s] != baseline.flags[s])
            diff = "sa_flags";
        else if (now.sa_mask[s] != baseline.sa_mask[s])
            diff = "sa_mask";
        else if (now.installed[s] != baseline.installed[s])
            diff = "sigx_is_installed";
        else if (!stats_equal(&now.stats[s], &baseline.stats[s]))
            diff = "sigx_stats_get";
        else if (memcmp(&now.disp[s], &baseline.disp[s], sizeof now.disp[s]) != 0)
            diff = "sigx_disposition_get";
        else if (now.refused_count[s] != baseline.refused_count[s])
            diff = "sigx_refused";
    }
    if (diff == NULL) {
        at = 0;
        if (!stats_equal(&now.all, &baseline.all))
            diff = "sigx_stats_get(0)";
        else if (now.thread_mask != baseline.thread_mask)
            diff = "thread mask";
        else if (now.kernel_pending != baseline.kernel_pending)
            diff = "pending signals";
        else if (memcmp(&now.timer, &baseline.timer, sizeof now.timer) != 0)
            diff = "ITIMER_REAL";
        else if (now.fd != baseline.fd)
            diff = "sigx_fd";
        else if (now.dispatch != baseline.dispatch)
            diff = "sigx_dispatch(0) (callbacks)";
        else if (now.valid != baseline.valid)
            diff = "sigx_valid_signals";
        else if (now.refused_all != baseline.refused_all)
            diff = "sigx_refused(0)";
        else if (now.displaced != baseline.displaced)
            diff = "sigx_displaced";
        else if (now.timers != baseline.timers)
            diff = "the kernel's timers (/proc/self/timers)";
        else if (now.fds != baseline.fds)
            diff = "open descriptors";
        else if (now.pidfds != baseline.pidfds)
            diff = "pidfds";
        else if (now.deadline_expired != baseline.deadline_expired)
            diff = "sigx_deadline_expired";
    }
    if (diff != NULL)
        TEST_FAIL_("line %d: %s changed %s (signal %d)", line, what, diff, at);
}

static inline void check_status(const char *what, int line, int got, int want)
{
    checks++;
    if (got != want)
        TEST_FAIL_("line %d: %s returned %d (%s), expected %d (%s)", line, what, got,
                   sigx_strerror(got), want, sigx_strerror(want));
    expect_unchanged(what, line);
}

/* A call that must fail (or succeed without effect) and change nothing. */
#define EXPECT(call, want) check_status(#call, __LINE__, (call), (want))
#define EXPECT_NULL(call)                                                      \
    do {                                                                       \
        checks++;                                                              \
        if ((call) != NULL)                                                    \
            TEST_FAIL_("line %d: %s is not NULL", __LINE__, #call);            \
        expect_unchanged(#call, __LINE__);                                     \
    } while (0)

#endif
