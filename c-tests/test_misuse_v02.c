/* Misuse of the v0.2 functions: every bad input sigx.h documents a status
 * for, through sigx_fd_mask, sigx_on_release, sigx_timer_create/set/get/
 * delete, sigx_deadline, sigx_deadline_expired, sigx_child_watch/unwatch,
 * sigx_kernel_pending, sigx_disposition_get, sigx_displaced, sigx_filter,
 * sigx_refused and the limits of sigx_set_capacity. Each bad call must
 * return the documented status, in the documented order of checks
 * (pointers and flag/clock/timeout/accept values first, then the signal
 * number, then state), write no out-parameter (pre-filled with a pattern
 * and compared), and leave the state as it was: the full snapshot of
 * misuse.h (dispositions, figures, masks, pending set, timers, descriptors,
 * pidfds, deadline, refused counts, displacement) after every call, plus
 * the baseline's own timer, deadline, filter, callback and child watch.
 *
 * Why: test_misuse_matrix covers the v0.1 functions only, and the v0.2
 * ones hold more state that a failed call could disturb (timers, pidfds,
 * per-mask descriptors, a thread's deadline, a filter). The expected
 * statuses come from sigx.h, never from running the library. A few valid
 * calls are made and undone (a timer created and deleted, a deadline
 * replaced, a watch dropped and renewed, a registration released) so that
 * the comparisons are not vacuous, and documented errors that need a
 * history (a deleted timer, a reaped child, a displaced signal, a
 * SIGX_ONESHOT signal the kernel reset) are made to happen.
 *
 * SIGCHLD stays blocked in this thread: a child's exit then stays pending
 * in the kernel until a wait takes it, so the figures only move when the
 * test says. Nothing here sleeps to synchronise. */
#include "test.h"
#include "misuse.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define HOUR_MS 3600000
#define HOUR_NS 3600000000000ull
#define ID_PATTERN (-0x5A5A5A5A)
#define U64_PATTERN 0xA5A5A5A5A5A5A5A5ull

/* ---- the baseline --------------------------------------------------------- */

static int rt_queued;   /* installed, capacity 4, 6 raised: 4 queued, 2 dropped */
static int rt_blocked;  /* blocked in this thread, one delivery pending in the kernel */
static int rt_filtered; /* installed with SIGX_CHAIN, filter: the kernel only */
static int rt_fresh;    /* untouched: the valid calls of the test use it */
static uint64_t user_mask;
static int user_fd;      /* sigx_fd_mask(user_mask) */
static int live_timer;   /* SIGUSR1, armed for an hour, every hour */
static int idle_timer;   /* SIGUSR2 on the wall clock, disarmed */
static int masks_made;   /* distinct masks given to sigx_fd_mask */
static int children_ok;  /* pidfds here */
static pid_t watched;    /* a live child, watched with flags 0 */
static int watched_gate[2];
static int hup_token;
static long releases;
static void *last_released;
static long raw_hits;

static void noop_callback(const sigx_info *info, void *user)
{
    (void)info;
    (void)user;
}

static void count_release(void *user)
{
    SEQ_ADD(&releases, 1);
    last_released = user;
}

static void raw_handler(int signo)
{
    (void)signo;
    SEQ_ADD(&raw_hits, 1);
}

static void set_raw(int signo, void (*h)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sigemptyset(&sa.sa_mask);
    ASSERT_SYS(sigaction(signo, &sa, NULL));
}

/* The baseline's timer must still be as it was set: armed, every hour. */
static void expect_live_timer(const char *what)
{
    uint64_t left = 0, every = 0;
    ASSERT_OK(sigx_timer_get(live_timer, &left, &every));
    if (every != HOUR_NS || left == 0 || left > HOUR_NS)
        TEST_FAIL_("%s: the armed timer now says %llu ns left, every %llu ns", what,
                   (unsigned long long)left, (unsigned long long)every);
    ASSERT_OK(sigx_timer_get(idle_timer, &left, &every));
    ASSERT_U64_EQ(left, 0);
    ASSERT_U64_EQ(every, 0);
}

/* Take every record of `mask` queued now (SIGCHLD: also the deliveries the
 * kernel holds, this thread blocks it), until the wait says `last`
 * (TIMEOUT for a caught signal, NOT_INSTALLED for one that is not), then
 * note the figures moved. */
static void drain_and_rebase(uint64_t mask, int last)
{
    sigx_info info;
    int rc;
    while ((rc = sigx_wait(mask, &info, 0)) == SIGX_OK) {
    }
    ASSERT_EQ(rc, last);
    take(&baseline);
}

static void set_up_baseline(void)
{
    rt_queued = rtmin_ + 1;
    rt_filtered = rtmin_ + 3;
    rt_blocked = rtmin_ + 5;
    rt_fresh = rtmin_ + 7;
    user_mask = SIGX_BIT(SIGUSR1) | SIGX_BIT(rt_queued);

    set_raw(SIGTERM, raw_handler); /* someone else's handler */
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_INTERRUPT));
    ASSERT_OK(sigx_ignore(SIGUSR2));
    ASSERT_OK(sigx_default(SIGPIPE));
    ASSERT_OK(sigx_on_release(SIGHUP, noop_callback, &hup_token, count_release));
    ASSERT_OK(sigx_set_capacity(rt_queued, 4));
    ASSERT_OK(sigx_install(rt_queued, 0));
    for (int i = 0; i < 6; i++)
        ASSERT_OK(rel_raise(rt_queued));
    ASSERT_OK(sigx_install(rt_filtered, SIGX_CHAIN));
    ASSERT_OK(sigx_filter(rt_filtered, SIGX_FROM_KERNEL));
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    ASSERT_OK(sigx_block(SIGX_BIT(SIGWINCH) | SIGX_BIT(rt_blocked) | SIGX_BIT(SIGCHLD), NULL));
    ASSERT_OK(rel_raise(rt_blocked)); /* held by the kernel */

    ASSERT_TRUE(sigx_fd() >= 0);
    user_fd = sigx_fd_mask(user_mask);
    ASSERT_TRUE(user_fd >= 0);
    masks_made = 2;

    ASSERT_OK(sigx_timer_create(SIGUSR1, SIGX_CLOCK_MONOTONIC, 0, 0x11, &live_timer));
    ASSERT_OK(sigx_timer_set(live_timer, HOUR_NS, HOUR_NS, 0));
    ASSERT_OK(sigx_timer_create(SIGUSR2, SIGX_CLOCK_REALTIME, 0, 0x22, &idle_timer));
    ASSERT_TRUE(live_timer > 0 && idle_timer > live_timer);
    ASSERT_OK(sigx_deadline(SIGUSR1, HOUR_MS));

    children_ok = children_supported("test_misuse_v02: child watches");
    if (children_ok) {
        ASSERT_SYS(pipe(watched_gate));
        watched = spawn_gated(watched_gate, CHILD_EXIT, 0);
        close(watched_gate[0]);
        ASSERT_OK(sigx_child_watch(watched, 0));
    }

    take(&baseline);
    ASSERT_U64_EQ(baseline.stats[rt_queued].queued, 4);
    ASSERT_U64_EQ(baseline.stats[rt_queued].dropped, 2);
    ASSERT_EQ(baseline.dispatch, SIGX_ERR_TIMEOUT); /* a callback, nothing queued */
    ASSERT_U64_EQ(baseline.displaced, 0);
    ASSERT_EQ(baseline.timers, 3); /* the two timers and the deadline */
    ASSERT_EQ(baseline.pidfds, children_ok ? 1 : 0);
    ASSERT_EQ(baseline.deadline_expired, 0);
    ASSERT_TRUE((baseline.kernel_pending & SIGX_BIT(rt_blocked)) != 0);
    ASSERT_EQ(baseline.disp[SIGUSR1].kind, SIGX_DISP_SIGX);
    ASSERT_EQ(baseline.disp[SIGUSR1].sigx_flags, SIGX_INTERRUPT);
    ASSERT_EQ(baseline.disp[rt_filtered].sigx_flags, SIGX_CHAIN);
    ASSERT_EQ(baseline.disp[SIGTERM].kind, SIGX_DISP_FOREIGN);
    ASSERT_EQ(poll_readable(user_fd, 0), 1); /* rt_queued has records */
}

/* Signals the baseline uses, and the test's own: the sweep of part 2
 * leaves them alone. */
static int in_baseline(int s)
{
    return s == SIGUSR1 || s == SIGUSR2 || s == SIGHUP || s == SIGTERM || s == SIGPIPE ||
           s == SIGWINCH || s == SIGCHLD || s == rt_queued || s == rt_blocked ||
           s == rt_filtered || s == rt_fresh;
}

static const int bad_signals[] = {0, -1, 65, INT_MAX, INT_MIN, 32, 33, 100, 128, -64};
#define NBAD ((int)(sizeof bad_signals / sizeof bad_signals[0]))
static const int odd_signals[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#define NODD ((int)(sizeof odd_signals / sizeof odd_signals[0]))

/* ---- part 1: the table ----------------------------------------------------- */

static void part1_fd_mask(void)
{
    EXPECT(sigx_fd_mask(0), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_fd_mask(SIGX_ALL), baseline.fd); /* sigx_fd is this mask's */
    EXPECT(sigx_fd_mask(user_mask), user_fd);    /* the same mask, the same descriptor */

    /* Only 0 is refused: a mask of signals sigx cannot catch (the C
     * library's, KILL, STOP) gets a descriptor, which never polls readable
     * since nothing of it can be queued. */
    const uint64_t never = SIGX_BIT(32) | SIGX_BIT(33) | SIGX_BIT(SIGKILL) | SIGX_BIT(SIGSTOP);
    int fd = sigx_fd_mask(never);
    ASSERT_TRUE(fd >= 0);
    masks_made++;
    ASSERT_TRUE(fd != baseline.fd && fd != user_fd);
    ASSERT_EQ(sigx_fd_mask(never), fd);
    ASSERT_EQ(poll_readable(fd, 0), 0);
    take(&baseline); /* its descriptors are there for good */
    sigx_info info;
    EXPECT(sigx_wait(never, &info, 0), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_fd_mask(0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(poll_readable(fd, 0), 0);
}

static void part1_on_release(void)
{
    static int token;
    for (int i = 0; i < NBAD; i++) {
        int s = bad_signals[i];
        EXPECT(sigx_on_release(s, noop_callback, &token, count_release), rule_catchable(s));
        EXPECT(sigx_on_release(s, noop_callback, &token, NULL), rule_catchable(s));
        EXPECT(sigx_on_release(s, NULL, &token, count_release), rule_catchable(s));
    }
    for (int i = 0; i < NODD; i++) {
        int s = odd_signals[i];
        EXPECT(sigx_on_release(s, noop_callback, &token, count_release), rule_catchable(s));
        EXPECT(sigx_on_release(s, NULL, NULL, count_release), rule_catchable(s));
    }
    ASSERT_EQ(SEQ_LOAD(&releases), 0); /* "on error ... release is not called" */

    /* Valid: register, replace (the first finalizer runs, once), remove
     * with cb NULL (its release is not used), uninstall: as before. */
    static int first, second, third;
    ASSERT_OK(sigx_on_release(rt_fresh, noop_callback, &first, count_release));
    ASSERT_EQ(sigx_is_installed(rt_fresh), 1);
    ASSERT_EQ(SEQ_LOAD(&releases), 0);
    ASSERT_OK(sigx_on_release(rt_fresh, noop_callback, &second, count_release));
    ASSERT_EQ(SEQ_LOAD(&releases), 1);
    ASSERT_TRUE(last_released == &first);
    ASSERT_OK(sigx_on_release(rt_fresh, NULL, &third, count_release));
    ASSERT_EQ(SEQ_LOAD(&releases), 2);
    ASSERT_TRUE(last_released == &second);
    ASSERT_EQ(sigx_is_installed(rt_fresh), 1); /* removing a callback keeps the install */
    ASSERT_OK(sigx_uninstall(rt_fresh));
    ASSERT_EQ(SEQ_LOAD(&releases), 2); /* &third was never registered */
    expect_unchanged("sigx_on_release(rt_fresh) replaced, removed, uninstalled", __LINE__);
    SEQ_STORE(&releases, 0);
    last_released = NULL;
}

static void expect_create(int signo, int clock, uint32_t flags, int with_id, int want, int line)
{
    int id = ID_PATTERN;
    char what[96];
    snprintf(what, sizeof what, "sigx_timer_create(%d, clock %d, flags 0x%x, %s)", signo, clock,
             flags, with_id ? "&id" : "NULL");
    check_status(what, line, sigx_timer_create(signo, clock, flags, 7, with_id ? &id : NULL),
                 want);
    if (id != ID_PATTERN)
        TEST_FAIL_("line %d: %s wrote *id = %d", line, what, id);
}

static void part1_timer_create(void)
{
    const int bad_clocks[] = {-1, 5, 6, 100, INT_MIN, INT_MAX};
    const uint32_t bad_flags[] = {2, 4, 0x80000000u, UINT32_MAX, SIGX_TIMER_THREAD | 2};
    const int ok_clocks[] = {SIGX_CLOCK_MONOTONIC, SIGX_CLOCK_REALTIME, SIGX_CLOCK_BOOTTIME,
                             SIGX_CLOCK_PROCESS_CPU, SIGX_CLOCK_THREAD_CPU};

    /* Arguments first: a NULL id, then the clock and the flags, whatever
     * the signal. */
    expect_create(SIGUSR1, SIGX_CLOCK_MONOTONIC, 0, 0, SIGX_ERR_ARGUMENT, __LINE__);
    for (int i = 0; i < NBAD; i++) {
        int s = bad_signals[i];
        expect_create(s, SIGX_CLOCK_MONOTONIC, 0, 0, SIGX_ERR_ARGUMENT, __LINE__);
        expect_create(s, -1, 2, 0, SIGX_ERR_ARGUMENT, __LINE__);
        for (size_t c = 0; c < sizeof bad_clocks / sizeof bad_clocks[0]; c++)
            expect_create(s, bad_clocks[c], 0, 1, SIGX_ERR_ARGUMENT, __LINE__);
        for (size_t f = 0; f < sizeof bad_flags / sizeof bad_flags[0]; f++)
            expect_create(s, SIGX_CLOCK_MONOTONIC, bad_flags[f], 1, SIGX_ERR_ARGUMENT, __LINE__);
        expect_create(s, SIGX_CLOCK_MONOTONIC, 0, 1, rule_catchable(s), __LINE__);
        expect_create(s, SIGX_CLOCK_THREAD_CPU, SIGX_TIMER_THREAD, 1, rule_catchable(s), __LINE__);
    }
    for (int i = 0; i < NODD; i++) {
        int s = odd_signals[i];
        expect_create(s, 7, 0, 1, SIGX_ERR_ARGUMENT, __LINE__);
        expect_create(s, SIGX_CLOCK_REALTIME, 8, 1, SIGX_ERR_ARGUMENT, __LINE__);
        expect_create(s, SIGX_CLOCK_MONOTONIC, 0, 0, SIGX_ERR_ARGUMENT, __LINE__);
        for (size_t c = 0; c < sizeof ok_clocks / sizeof ok_clocks[0]; c++)
            expect_create(s, ok_clocks[c], SIGX_TIMER_THREAD, 1, rule_catchable(s), __LINE__);
    }
    expect_live_timer("after the bad sigx_timer_create calls");

    /* Valid on every clock, for the process and for this thread; created
     * and deleted, the state is as before. Ids are positive and new. */
    int last = idle_timer;
    for (size_t c = 0; c < sizeof ok_clocks / sizeof ok_clocks[0]; c++) {
        for (uint32_t flags = 0; flags <= SIGX_TIMER_THREAD; flags++) {
            int id = ID_PATTERN;
            ASSERT_OK(sigx_timer_create(rt_fresh, ok_clocks[c], flags, 99, &id));
            ASSERT_GT(id, last);
            last = id;
            ASSERT_EQ(proc_timers(), baseline.timers + 1);
            ASSERT_OK(sigx_timer_delete(id));
            EXPECT(sigx_timer_delete(id), SIGX_ERR_NOT_FOUND); /* twice: reported */
        }
    }
    /* sigx need not catch the signal: an ignored one, someone else's. */
    int id;
    ASSERT_OK(sigx_timer_create(SIGUSR2, SIGX_CLOCK_MONOTONIC, 0, 1, &id));
    ASSERT_OK(sigx_timer_delete(id));
    ASSERT_OK(sigx_timer_create(SIGTERM, SIGX_CLOCK_BOOTTIME, 0, 1, &id));
    ASSERT_OK(sigx_timer_delete(id));
    expect_unchanged("timers created and deleted", __LINE__);
}

/* What a thread timer's thread does: create one, and exit. */
static void *thread_timer_body(void *arg)
{
    int *id = arg;
    ASSERT_OK(sigx_timer_create(rt_fresh, SIGX_CLOCK_MONOTONIC, SIGX_TIMER_THREAD, 5, id));
    ASSERT_OK(sigx_timer_set(*id, HOUR_NS, 0, 0));
    return NULL;
}

static void expect_unknown_timer(int id, int line)
{
    char what[80];
    uint64_t left = U64_PATTERN, every = U64_PATTERN;
    snprintf(what, sizeof what, "timer id %d", id);
    check_status(what, line, sigx_timer_set(id, HOUR_NS, 0, 0), SIGX_ERR_NOT_FOUND);
    check_status(what, line, sigx_timer_set(id, 0, 0, 0), SIGX_ERR_NOT_FOUND);
    check_status(what, line, sigx_timer_set(id, 1, 1, SIGX_TIMER_ABSTIME), SIGX_ERR_NOT_FOUND);
    check_status(what, line, sigx_timer_set(id, 1, 0, 2), SIGX_ERR_ARGUMENT); /* flags first */
    check_status(what, line, sigx_timer_get(id, &left, &every), SIGX_ERR_NOT_FOUND);
    check_status(what, line, sigx_timer_get(id, &left, NULL), SIGX_ERR_NOT_FOUND);
    check_status(what, line, sigx_timer_get(id, NULL, &every), SIGX_ERR_NOT_FOUND);
    check_status(what, line, sigx_timer_get(id, NULL, NULL), SIGX_ERR_NOT_FOUND);
    if (left != U64_PATTERN || every != U64_PATTERN)
        TEST_FAIL_("line %d: sigx_timer_get(%d) wrote its out-parameters on failure", line, id);
    check_status(what, line, sigx_timer_delete(id), SIGX_ERR_NOT_FOUND);
}

static void part1_timer_ids(void)
{
    const uint32_t bad_flags[] = {2, 0x80000000u, UINT32_MAX, SIGX_TIMER_ABSTIME | 4};

    /* Unknown flags on the live timer: refused, the timer as it was. */
    for (size_t f = 0; f < sizeof bad_flags / sizeof bad_flags[0]; f++) {
        EXPECT(sigx_timer_set(live_timer, 1, 1, bad_flags[f]), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_timer_set(live_timer, 0, 0, bad_flags[f]), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_timer_set(idle_timer, 1, 0, bad_flags[f]), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_timer_set(-1, 1, 0, bad_flags[f]), SIGX_ERR_ARGUMENT);
    }
    expect_live_timer("after sigx_timer_set with unknown flags");

    /* Ids it never returned. */
    int next;
    ASSERT_OK(sigx_timer_create(rt_fresh, SIGX_CLOCK_MONOTONIC, 0, 1, &next));
    ASSERT_OK(sigx_timer_delete(next));
    take(&baseline);
    const int unknown[] = {0, -1, -2, INT_MIN, INT_MAX, next, next + 1, next + 1000,
                           -live_timer};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        expect_unknown_timer(unknown[i], __LINE__);

    /* A timer deleted while armed. */
    int id;
    ASSERT_OK(sigx_timer_create(rt_fresh, SIGX_CLOCK_MONOTONIC, 0, 1, &id));
    ASSERT_OK(sigx_timer_set(id, HOUR_NS, HOUR_NS, 0));
    ASSERT_OK(sigx_timer_delete(id));
    expect_unknown_timer(id, __LINE__);

    /* A thread timer, deleted by its thread's exit (the destructors have
     * run when pthread_join returns). */
    pthread_t t;
    id = ID_PATTERN;
    ASSERT_EQ(pthread_create(&t, NULL, thread_timer_body, &id), 0);
    ASSERT_EQ(timed_join(t, NULL, 60), 0);
    ASSERT_TRUE(id > 0);
    expect_unknown_timer(id, __LINE__);

    /* Times: every uint64_t is a time (no status for "out of range"). The
     * largest arm the timer, far away; first_ns 0 disarms it and its
     * interval is then ignored. */
    uint64_t left = U64_PATTERN, every = U64_PATTERN;
    ASSERT_OK(sigx_timer_create(rt_fresh, SIGX_CLOCK_MONOTONIC, 0, 1, &id));
    ASSERT_OK(sigx_timer_set(id, UINT64_MAX, UINT64_MAX, 0));
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_TRUE(left > HOUR_NS && every > HOUR_NS);
    ASSERT_OK(sigx_timer_set(id, 0, 12345, 0));
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_U64_EQ(left, 0);
    ASSERT_U64_EQ(every, 0);
    ASSERT_OK(sigx_timer_set(id, 0, UINT64_MAX, SIGX_TIMER_ABSTIME));
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_U64_EQ(left, 0);
    ASSERT_OK(sigx_timer_set(id, UINT64_MAX, 0, SIGX_TIMER_ABSTIME)); /* centuries ahead */
    ASSERT_OK(sigx_timer_get(id, &left, NULL));
    ASSERT_TRUE(left > HOUR_NS);
    ASSERT_EQ(sigx_timer_set(id, 1, 0, 2), SIGX_ERR_ARGUMENT);
    ASSERT_OK(sigx_timer_get(id, &left, &every)); /* unchanged by the failure */
    ASSERT_TRUE(left > HOUR_NS);
    ASSERT_U64_EQ(every, 0);
    ASSERT_OK(sigx_timer_delete(id));
    expect_unknown_timer(id, __LINE__);
    expect_unchanged("timer ids", __LINE__);
    expect_live_timer("after the unknown ids");
}

static void part1_deadline(void)
{
    const int64_t bad_timeouts[] = {-2, -3, -1000, INT64_MIN};
    const int any[] = {SIGUSR1, SIGUSR2, 0, -1, SIGKILL, SIGSEGV, 32, INT_MIN, INT_MAX};
    for (size_t t = 0; t < sizeof bad_timeouts / sizeof bad_timeouts[0]; t++)
        for (size_t i = 0; i < sizeof any / sizeof any[0]; i++)
            EXPECT(sigx_deadline(any[i], bad_timeouts[t]), SIGX_ERR_ARGUMENT);
    for (int i = 0; i < NBAD; i++) {
        EXPECT(sigx_deadline(bad_signals[i], HOUR_MS), rule_catchable(bad_signals[i]));
        EXPECT(sigx_deadline(bad_signals[i], 0), rule_catchable(bad_signals[i]));
    }
    for (int i = 0; i < NODD; i++)
        EXPECT(sigx_deadline(odd_signals[i], HOUR_MS), rule_catchable(odd_signals[i]));

    /* Not caught by sigx "that way" (with SIGX_INTERRUPT, without
     * SIGX_ONESHOT): ignored, default, someone else's, untouched, caught
     * restarting (sigx_on's flags 0, SIGX_CHAIN). */
    const int not_that_way[] = {SIGUSR2, SIGPIPE, SIGTERM, SIGINT, SIGWINCH, SIGHUP,
                                rt_queued, rt_filtered, rt_blocked, SIGCHLD, rt_fresh};
    for (size_t i = 0; i < sizeof not_that_way / sizeof not_that_way[0]; i++) {
        EXPECT(sigx_deadline(not_that_way[i], HOUR_MS), SIGX_ERR_NOT_INSTALLED);
        EXPECT(sigx_deadline(not_that_way[i], 0), SIGX_ERR_NOT_INSTALLED);
    }
    struct snapshot orig = baseline;
    ASSERT_OK(sigx_install(rt_fresh, SIGX_INTERRUPT | SIGX_ONESHOT));
    take(&baseline);
    EXPECT(sigx_deadline(rt_fresh, HOUR_MS), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_deadline(rt_fresh, 0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_uninstall(rt_fresh));
    baseline = orig;
    expect_unchanged("rt_fresh installed SIGX_ONESHOT and uninstalled", __LINE__);
    ASSERT_EQ(sigx_deadline_expired(), 0);

    /* Valid: replacing the deadline (same count of timers, not expired),
     * the longest timeout, and clearing with any signal. */
    EXPECT(sigx_deadline(SIGUSR1, HOUR_MS), SIGX_OK);
    EXPECT(sigx_deadline(SIGUSR1, INT64_MAX), SIGX_OK);
    const int clear_with[] = {0, -1, INT_MIN, SIGKILL, 32, SIGSEGV, SIGUSR2, SIGUSR1};
    for (size_t i = 0; i < sizeof clear_with / sizeof clear_with[0]; i++) {
        ASSERT_OK(sigx_deadline(clear_with[i], -1));
        ASSERT_EQ(proc_timers(), baseline.timers - 1);
        ASSERT_OK(sigx_deadline(clear_with[i], -1)); /* twice: fine */
        ASSERT_EQ(sigx_deadline_expired(), 0);
        /* No deadline: the failures must not arm one. */
        ASSERT_EQ(sigx_deadline(SIGUSR2, HOUR_MS), SIGX_ERR_NOT_INSTALLED);
        ASSERT_EQ(sigx_deadline(SIGUSR1, -2), SIGX_ERR_ARGUMENT);
        ASSERT_EQ(proc_timers(), baseline.timers - 1);
        ASSERT_OK(sigx_deadline(SIGUSR1, HOUR_MS));
        expect_unchanged("sigx_deadline cleared and set again", __LINE__);
    }

    /* Expired at once: sigx_deadline_expired says 1 until cleared; the
     * failures in between do not change that. The expiry is one record. */
    ASSERT_OK(sigx_deadline(SIGUSR1, 0));
    ASSERT_EQ(sigx_deadline_expired(), 1);
    ASSERT_EQ(sigx_deadline(SIGUSR2, HOUR_MS), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_deadline(SIGKILL, HOUR_MS), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_deadline(SIGUSR1, -5), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_deadline_expired(), 1);
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 60000));
    ASSERT_EQ(info.signo, SIGUSR1);
    ASSERT_EQ(info.code, SI_TIMER);
    ASSERT_U64_EQ(info.value >> 32, 0x5167DEAD);
    ASSERT_OK(sigx_deadline(SIGUSR1, -1));
    ASSERT_EQ(sigx_deadline_expired(), 0);
    ASSERT_OK(sigx_deadline(SIGUSR1, HOUR_MS));
    ASSERT_EQ(sigx_deadline_expired(), 0);
    baseline.stats[SIGUSR1] = stats_of(SIGUSR1);
    baseline.all = stats_of(0);
    expect_unchanged("sigx_deadline(SIGUSR1, 0), taken, cleared, set again", __LINE__);
    expect_live_timer("after the deadlines");
}

/* A thread that waits for EOF on a pipe, so that its id is known. */
struct parked {
    int fds[2];
    pid_t tid;
};

static void *parked_body(void *arg)
{
    struct parked *p = arg;
    char c;
    SEQ_STORE(&p->tid, my_tid());
    while (read(p->fds[0], &c, 1) < 0 && errno == EINTR) {
    }
    return NULL;
}

static void part1_children(void)
{
    const int bad_pids[] = {0, -1, -2, INT_MIN, -(int)getpid()};
    const uint32_t bad_flags[] = {2, 4, 0x80000000u, UINT32_MAX, SIGX_CHILD_REAP | 2};
    for (size_t i = 0; i < sizeof bad_pids / sizeof bad_pids[0]; i++) {
        EXPECT(sigx_child_watch(bad_pids[i], 0), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_child_watch(bad_pids[i], SIGX_CHILD_REAP), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_child_watch(bad_pids[i], UINT32_MAX), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_child_unwatch(bad_pids[i]), SIGX_ERR_ARGUMENT);
    }
    for (size_t f = 0; f < sizeof bad_flags / sizeof bad_flags[0]; f++) {
        EXPECT(sigx_child_watch(getpid(), bad_flags[f]), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_child_watch(INT_MAX, bad_flags[f]), SIGX_ERR_ARGUMENT);
        if (children_ok)
            EXPECT(sigx_child_watch(watched, bad_flags[f]), SIGX_ERR_ARGUMENT);
    }
    if (!children_ok) {
        EXPECT(sigx_child_watch(getpid(), 0), SIGX_ERR_UNSUPPORTED);
        return;
    }

    /* Not children of ours: this process, its parent, init, no process,
     * one of our own threads. */
    struct snapshot orig = baseline;
    struct parked park;
    pthread_t t;
    ASSERT_SYS(pipe(park.fds));
    park.tid = 0;
    ASSERT_EQ(pthread_create(&t, NULL, parked_body, &park), 0);
    while (SEQ_LOAD(&park.tid) == 0)
        sched_yield();
    take(&baseline); /* the pipe's two descriptors */
    const int strangers[] = {getpid(), getppid(), 1, INT_MAX, park.tid};
    for (size_t i = 0; i < sizeof strangers / sizeof strangers[0]; i++) {
        if (strangers[i] == watched)
            continue;
        EXPECT(sigx_child_watch(strangers[i], 0), SIGX_ERR_NOT_FOUND);
        EXPECT(sigx_child_watch(strangers[i], SIGX_CHILD_REAP), SIGX_ERR_NOT_FOUND);
        EXPECT(sigx_child_unwatch(strangers[i]), SIGX_ERR_NOT_FOUND);
    }
    close(park.fds[1]);
    ASSERT_EQ(timed_join(t, NULL, 60), 0);
    close(park.fds[0]);
    baseline = orig;
    expect_unchanged("the parked thread gone", __LINE__);

    /* Watching the watched child again only updates its flags; dropping
     * the watch closes its pidfd, and a second unwatch is NOT_FOUND. */
    EXPECT(sigx_child_watch(watched, SIGX_CHILD_REAP), SIGX_OK);
    EXPECT(sigx_child_watch(watched, 0), SIGX_OK);
    ASSERT_OK(sigx_child_unwatch(watched));
    ASSERT_EQ(count_fds(NULL), baseline.fds - 1);
    take(&baseline);
    EXPECT(sigx_child_unwatch(watched), SIGX_ERR_NOT_FOUND);
    EXPECT(sigx_child_unwatch(watched), SIGX_ERR_NOT_FOUND);
    ASSERT_OK(sigx_child_watch(watched, 0));
    baseline = orig;
    expect_unchanged("the watch dropped and renewed", __LINE__);

    /* SIGCHLD not caught: NOT_INSTALLED, after the argument checks and
     * before the look for the child. */
    ASSERT_OK(sigx_uninstall(SIGCHLD));
    take(&baseline);
    EXPECT(sigx_child_watch(getpid(), 0), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_child_watch(INT_MAX, SIGX_CHILD_REAP), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_child_watch(watched, 0), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_child_watch(-1, 0), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_child_watch(watched, 2), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_child_unwatch(INT_MAX), SIGX_ERR_NOT_FOUND);
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    baseline = orig;
    expect_unchanged("SIGCHLD uninstalled and installed again", __LINE__);

    /* A child whose exit record was taken (reaped by sigx): no longer
     * watched, no longer a child. */
    int gate[2];
    ASSERT_SYS(pipe(gate));
    pid_t kid = spawn_gated(gate, CHILD_EXIT, 7);
    close(gate[0]);
    take(&baseline); /* the gate's descriptor */
    EXPECT(sigx_child_unwatch(kid), SIGX_ERR_NOT_FOUND); /* a child, not watched */
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP));
    close(gate[1]);
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 60000));
    ASSERT_EQ(info.pid, kid);
    ASSERT_EQ(info.code, CLD_EXITED);
    ASSERT_EQ(info.status, 7);
    drain_and_rebase(SIGX_BIT(SIGCHLD), SIGX_ERR_TIMEOUT); /* the kernel's own record is never returned */
    ASSERT_EQ(baseline.pidfds, orig.pidfds);
    ASSERT_EQ(baseline.kernel_pending, orig.kernel_pending);
    errno = 0;
    ASSERT_EQ(waitpid(kid, NULL, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);
    EXPECT(sigx_child_unwatch(kid), SIGX_ERR_NOT_FOUND);
    EXPECT(sigx_child_watch(kid, 0), SIGX_ERR_NOT_FOUND);
    EXPECT(sigx_child_watch(kid, SIGX_CHILD_REAP), SIGX_ERR_NOT_FOUND);

    /* A child reaped by the program before any watch. */
    ASSERT_SYS(pipe(gate));
    kid = spawn_gated(gate, CHILD_EXIT, 0);
    close(gate[0]);
    close(gate[1]);
    reap_clean(kid, "unwatched child");
    drain_and_rebase(SIGX_BIT(SIGCHLD), SIGX_ERR_TIMEOUT);
    EXPECT(sigx_child_watch(kid, 0), SIGX_ERR_NOT_FOUND);
    EXPECT(sigx_child_unwatch(kid), SIGX_ERR_NOT_FOUND);
}

static void part1_hosts(void)
{
    sigx_disposition d, pattern;
    memset(&pattern, 0xA5, sizeof pattern);
    uint64_t count = U64_PATTERN;

    /* Pointers first. */
    const int any[] = {SIGUSR1, SIGKILL, 0, -1, 32, 65, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof any / sizeof any[0]; i++) {
        EXPECT(sigx_disposition_get(any[i], NULL), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_refused(any[i], NULL), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_kernel_pending(NULL), SIGX_ERR_ARGUMENT);
    }
    for (int i = 0; i < NBAD; i++) {
        int s = bad_signals[i];
        memcpy(&d, &pattern, sizeof d);
        EXPECT(sigx_disposition_get(s, &d), SIGX_ERR_SIGNAL);
        ASSERT_TRUE(memcmp(&d, &pattern, sizeof d) == 0);
        if (s != 0) {
            EXPECT(sigx_refused(s, &count), SIGX_ERR_SIGNAL);
            ASSERT_U64_EQ(count, U64_PATTERN);
        }
    }
    /* SIGKILL and SIGSTOP are valid here: always the default. */
    for (int i = 0; i < 2; i++) {
        memcpy(&d, &pattern, sizeof d);
        EXPECT(sigx_disposition_get(odd_signals[i], &d), SIGX_OK);
        ASSERT_EQ(d.kind, SIGX_DISP_DEFAULT);
        ASSERT_EQ(d.sigx_flags, 0);
        ASSERT_U64_EQ(d.handler, 0);
        ASSERT_TRUE(d.module == NULL);
        EXPECT(sigx_refused(odd_signals[i], &count), SIGX_OK);
        ASSERT_U64_EQ(count, 0);
    }
    EXPECT(sigx_refused(0, &count), SIGX_OK);
    ASSERT_U64_EQ(count, baseline.refused_all);
    uint64_t pend = U64_PATTERN;
    EXPECT(sigx_kernel_pending(&pend), SIGX_OK);
    ASSERT_U64_EQ(pend, baseline.kernel_pending);
    EXPECT(sigx_displaced(), 0);

    /* sigx_filter: the accept set first, then the signal, then state. */
    const uint32_t bad_accept[] = {0, 32, 64, 0x80000000u, UINT32_MAX, SIGX_FROM_ANY | 32};
    const int filter_sigs[] = {SIGUSR1, rt_filtered, SIGUSR2, 0, -1, SIGKILL, SIGSEGV, 32,
                               INT_MIN};
    for (size_t a = 0; a < sizeof bad_accept / sizeof bad_accept[0]; a++)
        for (size_t i = 0; i < sizeof filter_sigs / sizeof filter_sigs[0]; i++)
            EXPECT(sigx_filter(filter_sigs[i], bad_accept[a]), SIGX_ERR_ARGUMENT);
    for (int i = 0; i < NBAD; i++)
        EXPECT(sigx_filter(bad_signals[i], SIGX_FROM_SELF), rule_catchable(bad_signals[i]));
    for (int i = 0; i < NODD; i++) {
        EXPECT(sigx_filter(odd_signals[i], SIGX_FROM_ANY), rule_catchable(odd_signals[i]));
        EXPECT(sigx_filter(odd_signals[i], SIGX_FROM_ROOT), rule_catchable(odd_signals[i]));
    }
    const int uncaught[] = {SIGUSR2, SIGPIPE, SIGTERM, SIGINT, SIGWINCH, rt_blocked, rt_fresh};
    for (size_t i = 0; i < sizeof uncaught / sizeof uncaught[0]; i++) {
        EXPECT(sigx_filter(uncaught[i], SIGX_FROM_SELF), SIGX_ERR_NOT_INSTALLED);
        EXPECT(sigx_filter(uncaught[i], SIGX_FROM_ANY), SIGX_ERR_NOT_INSTALLED);
    }
    /* Valid: a filter set and removed again (SIGX_FROM_ANY). */
    ASSERT_OK(sigx_filter(SIGUSR1, SIGX_FROM_SELF | SIGX_FROM_PARENT));
    ASSERT_OK(sigx_filter(SIGUSR1, SIGX_FROM_ANY));
    EXPECT(sigx_filter(SIGHUP, SIGX_FROM_ANY), SIGX_OK); /* no filter, none set */

    /* A SIGX_ONESHOT signal the kernel reset is not caught any more. */
    struct snapshot orig = baseline;
    ASSERT_OK(sigx_install(rt_fresh, SIGX_ONESHOT));
    ASSERT_OK(rel_raise(rt_fresh));
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(rt_fresh), &info, 60000));
    ASSERT_EQ(sigx_is_installed(rt_fresh), 0);
    take(&baseline);
    EXPECT(sigx_filter(rt_fresh, SIGX_FROM_SELF), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_deadline(rt_fresh, HOUR_MS), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_displaced(), 0); /* a reset is not a displacement */
    ASSERT_OK(sigx_uninstall(rt_fresh));
    orig.stats[rt_fresh] = stats_of(rt_fresh);
    orig.all = stats_of(0);
    baseline = orig;
    expect_unchanged("rt_fresh SIGX_ONESHOT, delivered, uninstalled", __LINE__);

    /* Displaced: someone else's handler replaced sigx's. Filter and
     * deadline see it uncaught; uninstall, ignore and default leave the
     * other handler in place, forget sigx's state and say DISPLACED. */
    for (int how = 0; how < 3; how++) {
        ASSERT_OK(sigx_install(rt_fresh, SIGX_INTERRUPT));
        set_raw(rt_fresh, raw_handler);
        take(&baseline);
        ASSERT_U64_EQ(baseline.displaced, SIGX_BIT(rt_fresh));
        ASSERT_EQ(baseline.installed[rt_fresh], 0);
        ASSERT_EQ(baseline.disp[rt_fresh].kind, SIGX_DISP_FOREIGN);
        ASSERT_U64_EQ(baseline.disp[rt_fresh].handler, (uint64_t)(uintptr_t)raw_handler);
        EXPECT(sigx_filter(rt_fresh, SIGX_FROM_SELF), SIGX_ERR_NOT_INSTALLED);
        EXPECT(sigx_deadline(rt_fresh, HOUR_MS), SIGX_ERR_NOT_INSTALLED);
        EXPECT(sigx_wait(SIGX_BIT(rt_fresh), &info, 0), SIGX_ERR_NOT_INSTALLED);
        EXPECT(sigx_wait(SIGX_BIT(rt_fresh), &info, -1), SIGX_ERR_NOT_INSTALLED);
        EXPECT(sigx_displaced(), SIGX_BIT(rt_fresh));
        int rc = how == 0 ? sigx_uninstall(rt_fresh)
                          : how == 1 ? sigx_ignore(rt_fresh) : sigx_default(rt_fresh);
        ASSERT_EQ(rc, SIGX_ERR_DISPLACED);
        ASSERT_EQ(sigx_displaced(), 0); /* forgotten */
        ASSERT_EQ(sigx_disposition_get(rt_fresh, &d), SIGX_OK);
        ASSERT_EQ(d.kind, SIGX_DISP_FOREIGN); /* left in place */
        ASSERT_EQ(sigx_uninstall(rt_fresh), SIGX_ERR_NOT_INSTALLED);
        set_raw(rt_fresh, SIG_DFL);
        baseline = orig;
        expect_unchanged("rt_fresh displaced, forgotten, reset by hand", __LINE__);
    }
    ASSERT_EQ(SEQ_LOAD(&raw_hits), 0);
}

static void part1_capacity(void)
{
    const uint32_t bad[] = {0, SIGX_CAPACITY_MAX + 1, SIGX_CAPACITY_MAX * 2, UINT32_MAX};
    const int sigs[] = {0, rt_fresh, SIGUSR1, rt_queued, SIGKILL, 32, -1, 65, INT_MIN};
    for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++)
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            EXPECT(sigx_set_capacity(sigs[i], bad[c]), SIGX_ERR_ARGUMENT); /* value first */
    for (int i = 0; i < NBAD; i++)
        if (bad_signals[i] != 0)
            EXPECT(sigx_set_capacity(bad_signals[i], SIGX_CAPACITY_MAX),
                   rule_catchable(bad_signals[i]));
    for (int i = 0; i < NODD; i++)
        EXPECT(sigx_set_capacity(odd_signals[i], 1), rule_catchable(odd_signals[i]));
    EXPECT(sigx_set_capacity(SIGUSR1, SIGX_CAPACITY_MAX), SIGX_ERR_BUSY); /* caught */
    EXPECT(sigx_set_capacity(rt_queued, 1), SIGX_ERR_BUSY);
    EXPECT(sigx_set_capacity(SIGCHLD, 1), SIGX_ERR_BUSY);
    /* The bounds themselves are accepted (no visible effect until the
     * next install); signo 0 never says BUSY. */
    EXPECT(sigx_set_capacity(rt_fresh, 1), SIGX_OK);
    EXPECT(sigx_set_capacity(rt_fresh, SIGX_CAPACITY_MAX), SIGX_OK);
    EXPECT(sigx_set_capacity(0, SIGX_CAPACITY_MAX), SIGX_OK);
    EXPECT(sigx_set_capacity(0, 1), SIGX_OK);
    EXPECT(sigx_set_capacity(0, SIGX_CAPACITY_DEFAULT), SIGX_OK);

    /* Not caught, but records queued: BUSY until they are taken. */
    struct snapshot orig = baseline;
    ASSERT_OK(sigx_set_capacity(rt_fresh, 2));
    ASSERT_OK(sigx_install(rt_fresh, 0));
    for (int i = 0; i < 3; i++)
        ASSERT_OK(rel_raise(rt_fresh));
    ASSERT_OK(sigx_uninstall(rt_fresh));
    take(&baseline);
    ASSERT_U64_EQ(baseline.stats[rt_fresh].queued, 2);
    ASSERT_U64_EQ(baseline.stats[rt_fresh].dropped, 1);
    EXPECT(sigx_set_capacity(rt_fresh, 2), SIGX_ERR_BUSY);
    EXPECT(sigx_set_capacity(rt_fresh, SIGX_CAPACITY_MAX), SIGX_ERR_BUSY);
    EXPECT(sigx_set_capacity(rt_fresh, 0), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_set_capacity(0, 100), SIGX_OK);
    EXPECT(sigx_set_capacity(0, SIGX_CAPACITY_DEFAULT), SIGX_OK);
    drain_and_rebase(SIGX_BIT(rt_fresh), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_set_capacity(rt_fresh, SIGX_CAPACITY_DEFAULT), SIGX_OK);
    orig.stats[rt_fresh] = baseline.stats[rt_fresh];
    orig.all = baseline.all;
    baseline = orig;
    expect_unchanged("rt_fresh queued, uninstalled, drained", __LINE__);
}

/* ---- part 2: every signo through every v0.2 entry point that takes one ---- */

static void part2_one(int s)
{
    char what[96];
    const int cat = rule_catchable(s), val = rule_valid(s);
    const int fresh = is_valid(s) && !in_baseline(s) && !refused[s];
    sigx_disposition d;
    uint64_t count;
    int id;

    snprintf(what, sizeof what, "sigx_disposition_get(%d)", s);
    memset(&d, 0xA5, sizeof d);
    check_status(what, __LINE__, sigx_disposition_get(s, &d), val);
    if (val == SIGX_OK) {
        /* What the kernel says, as the snapshot's sigaction saw it. */
        void *h = baseline.handler[s];
        int kind = h == (void *)(uintptr_t)SIG_DFL   ? SIGX_DISP_DEFAULT
                   : h == (void *)(uintptr_t)SIG_IGN ? SIGX_DISP_IGNORE
                   : baseline.installed[s] == 1      ? SIGX_DISP_SIGX
                                                     : SIGX_DISP_FOREIGN;
        ASSERT_EQ(d.kind, kind);
        /* Less the C library's own signals, which the snapshot leaves
         * out (valgrind and TSan report them in sa_mask, glibc does not). */
        uint64_t reserved = 0;
        for (int r = 32; r < rtmin_; r++)
            reserved |= SIGX_BIT(r);
        ASSERT_U64_EQ(d.sa_mask & ~reserved, baseline.sa_mask[s]);
        ASSERT_U64_EQ(d.handler, kind == SIGX_DISP_FOREIGN ? (uint64_t)(uintptr_t)h : 0);
        if (kind != SIGX_DISP_SIGX)
            ASSERT_EQ(d.sigx_flags, 0);
        ASSERT_TRUE(d.reserved[0] == 0 && d.reserved[1] == 0 && d.reserved[2] == 0);
    } else {
        sigx_disposition pattern;
        memset(&pattern, 0xA5, sizeof pattern);
        ASSERT_TRUE(memcmp(&d, &pattern, sizeof d) == 0);
    }

    snprintf(what, sizeof what, "sigx_refused(%d)", s);
    count = U64_PATTERN;
    check_status(what, __LINE__, sigx_refused(s, &count), s == 0 ? SIGX_OK : val);
    if (s != 0 && val != SIGX_OK)
        ASSERT_U64_EQ(count, U64_PATTERN);
    else
        ASSERT_U64_EQ(count, s == 0 ? baseline.refused_all : baseline.refused_count[s]);

    snprintf(what, sizeof what, "sigx_timer_create(%d)", s);
    id = ID_PATTERN;
    check_status(what, __LINE__, sigx_timer_create(s, SIGX_CLOCK_MONOTONIC, 0, 3, NULL),
                 SIGX_ERR_ARGUMENT);
    if (cat != SIGX_OK) {
        check_status(what, __LINE__, sigx_timer_create(s, SIGX_CLOCK_MONOTONIC, 0, 3, &id), cat);
        ASSERT_EQ(id, ID_PATTERN);
    } else if (fresh) {
        ASSERT_OK(sigx_timer_create(s, SIGX_CLOCK_MONOTONIC, 0, 3, &id));
        ASSERT_GT(id, 0);
        ASSERT_OK(sigx_timer_delete(id));
        expect_unchanged(what, __LINE__);
    }

    snprintf(what, sizeof what, "sigx_deadline(%d)", s);
    check_status(what, __LINE__, sigx_deadline(s, -2), SIGX_ERR_ARGUMENT);
    if (cat != SIGX_OK)
        check_status(what, __LINE__, sigx_deadline(s, HOUR_MS), cat);
    else
        check_status(what, __LINE__, sigx_deadline(s, HOUR_MS),
                     s == SIGUSR1 ? SIGX_OK : SIGX_ERR_NOT_INSTALLED);

    snprintf(what, sizeof what, "sigx_filter(%d)", s);
    check_status(what, __LINE__, sigx_filter(s, 0), SIGX_ERR_ARGUMENT);
    if (cat != SIGX_OK)
        check_status(what, __LINE__, sigx_filter(s, SIGX_FROM_SELF), cat);
    else if (fresh || refused[s])
        check_status(what, __LINE__, sigx_filter(s, SIGX_FROM_SELF), SIGX_ERR_NOT_INSTALLED);

    snprintf(what, sizeof what, "sigx_on_release(%d)", s);
    if (cat != SIGX_OK) {
        check_status(what, __LINE__, sigx_on_release(s, noop_callback, &hup_token, count_release),
                     cat);
    } else if (is_valid(s) && refused[s]) {
        int rc = sigx_on_release(s, noop_callback, &hup_token, count_release);
        int err = errno;
        check_status(what, __LINE__, rc, SIGX_ERR_SYSTEM);
        ASSERT_EQ(err, EINVAL);
    } else if (fresh) {
        static int mine;
        ASSERT_OK(sigx_on_release(s, noop_callback, &mine, count_release));
        ASSERT_EQ(sigx_is_installed(s), 1);
        ASSERT_OK(sigx_uninstall(s));
        ASSERT_EQ(SEQ_LOAD(&releases), 1);
        ASSERT_TRUE(last_released == &mine);
        SEQ_STORE(&releases, 0);
        expect_unchanged(what, __LINE__);
    }
    ASSERT_EQ(SEQ_LOAD(&releases), 0);
}

/* ---- part 3: what the kernel refuses -------------------------------------- */

/* Whether the kernel itself refuses a POSIX timer now (EAGAIN while the
 * user's RLIMIT_SIGPENDING is used up: older kernels count each timer). */
static int kernel_refuses_timers(void)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = rt_fresh;
    int kid;
    if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &kid) == 0) {
        ASSERT_SYS(syscall(SYS_timer_delete, kid));
        return 0;
    }
    ASSERT_EQ(errno, EAGAIN);
    return 1;
}

static void part3_sigpending(void)
{
    struct rlimit old, none;
    ASSERT_SYS(getrlimit(RLIMIT_SIGPENDING, &old));
    none = old;
    none.rlim_cur = 0;
    ASSERT_SYS(setrlimit(RLIMIT_SIGPENDING, &none));
    int refuses = kernel_refuses_timers();
    if (refuses) {
        int id = ID_PATTERN;
        int rc = sigx_timer_create(SIGUSR1, SIGX_CLOCK_MONOTONIC, 0, 1, &id);
        int err = errno;
        check_status("sigx_timer_create, no room for timers", __LINE__, rc, SIGX_ERR_SYSTEM);
        ASSERT_EQ(err, EAGAIN);
        ASSERT_EQ(id, ID_PATTERN);
        rc = sigx_deadline(SIGUSR1, 5);
        err = errno;
        check_status("sigx_deadline, no room for timers", __LINE__, rc, SIGX_ERR_SYSTEM);
        ASSERT_EQ(err, EAGAIN); /* the armed deadline stays as it was */
    }
    ASSERT_SYS(setrlimit(RLIMIT_SIGPENDING, &old));
    expect_live_timer("after RLIMIT_SIGPENDING 0");
    printf("ok - no room for timers (RLIMIT_SIGPENDING 0)%s\n",
           refuses ? "" : " (skipped: this kernel does not count timers against it)");
}

/* Leave exactly `room` descriptors free: the soft RLIMIT_NOFILE becomes
 * one above the highest descriptor open now, and the holes below it are
 * filled with copies of 0 (closed again by nofile_end). While it lasts,
 * nothing here may open a descriptor, take() included. */
static int fillers[4096];
static int nfillers;
static struct rlimit nofile_old;

static void nofile_begin(int room)
{
    int highest = 0, fd;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    ASSERT_TRUE(d != NULL);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && atoi(e->d_name) > highest)
            highest = atoi(e->d_name);
    closedir(d);
    ASSERT_SYS(getrlimit(RLIMIT_NOFILE, &nofile_old));
    struct rlimit lim = nofile_old;
    lim.rlim_cur = (rlim_t)highest + 1; /* the directory's own descriptor was below */
    ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &lim));
    nfillers = 0;
    while ((fd = dup(0)) >= 0) {
        ASSERT_TRUE(nfillers < (int)(sizeof fillers / sizeof fillers[0]));
        fillers[nfillers++] = fd;
    }
    ASSERT_EQ(errno, EMFILE);
    ASSERT_GE(nfillers, room);
    for (int i = 0; i < room; i++)
        close(fillers[--nfillers]);
}

static void nofile_end(void)
{
    while (nfillers > 0)
        close(fillers[--nfillers]);
    ASSERT_SYS(setrlimit(RLIMIT_NOFILE, &nofile_old));
}

static void part3_nofile(void)
{
    if (getenv("SIGX_VALGRIND") != NULL) {
        printf("ok - descriptors used up (skipped under valgrind, which keeps RLIMIT_NOFILE)\n");
        return;
    }
    int gate[2];
    pid_t kid = 0;
    if (children_ok) {
        ASSERT_SYS(pipe(gate));
        kid = spawn_gated(gate, CHILD_EXIT, 0);
        close(gate[0]);
        take(&baseline);
    }

    /* No descriptor left: a new mask, a new watch fail with EMFILE; what
     * needs no new descriptor still works. The statuses are kept and
     * checked once descriptors are back (an assertion may need one). */
    int rc[8], err[8];
    nofile_begin(0);
    rc[0] = sigx_fd_mask(SIGX_BIT(SIGUSR1));
    err[0] = errno;
    rc[1] = sigx_fd_mask(user_mask);
    rc[2] = sigx_fd_mask(0);
    rc[3] = rc[4] = rc[5] = SIGX_ERR_SYSTEM;
    err[3] = EMFILE;
    if (children_ok) {
        rc[3] = sigx_child_watch(kid, 0);
        err[3] = errno;
        rc[4] = sigx_child_unwatch(kid);
        rc[5] = sigx_child_watch(watched, 0); /* already watched: no new pidfd */
    }
    /* One descriptor free: enough for a mask's first one, not for all. */
    nofile_end();
    nofile_begin(1);
    rc[6] = sigx_fd_mask(SIGX_BIT(SIGUSR2));
    err[6] = errno;
    nofile_end();

    check_status("sigx_fd_mask, no descriptor left", __LINE__, rc[0], SIGX_ERR_SYSTEM);
    ASSERT_EQ(err[0], EMFILE);
    ASSERT_EQ(rc[1], user_fd); /* an existing one needs none */
    ASSERT_EQ(rc[2], SIGX_ERR_ARGUMENT);
    if (children_ok) {
        check_status("sigx_child_watch, no descriptor left", __LINE__, rc[3], SIGX_ERR_SYSTEM);
        ASSERT_EQ(err[3], EMFILE);
        ASSERT_EQ(rc[4], SIGX_ERR_NOT_FOUND);
        ASSERT_EQ(rc[5], SIGX_OK);
    }
    check_status("sigx_fd_mask, one descriptor left", __LINE__, rc[6], SIGX_ERR_SYSTEM);
    ASSERT_EQ(err[6], EMFILE);

    if (children_ok) {
        close(gate[1]);
        reap_clean(kid, "the child of the descriptor test");
        drain_and_rebase(SIGX_BIT(SIGCHLD), SIGX_ERR_TIMEOUT);
    }
    TEST_PASS("misuse v0.2: descriptors used up");
}

/* ---- part 4: the parent's ids in a forked child -------------------------- */

static void part4_fork(void)
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        /* The child has no timers, no deadline and watches nothing. */
        uint64_t left = U64_PATTERN;
        int bad = 0;
        bad |= sigx_timer_get(live_timer, &left, NULL) != SIGX_ERR_NOT_FOUND;
        bad |= left != U64_PATTERN;
        bad |= (sigx_timer_set(idle_timer, HOUR_NS, 0, 0) != SIGX_ERR_NOT_FOUND) << 1;
        bad |= (sigx_timer_delete(live_timer) != SIGX_ERR_NOT_FOUND) << 2;
        bad |= (sigx_deadline_expired() != 0) << 3;
        if (children_ok)
            bad |= (sigx_child_unwatch(watched) != SIGX_ERR_NOT_FOUND) << 4;
        bad |= (sigx_timer_set(live_timer, 1, 0, 2) != SIGX_ERR_ARGUMENT) << 5;
        bad |= (proc_timers() != 0) << 6;
        _exit(bad);
    }
    int status = wait_child(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        TEST_FAIL_("forked child: status 0x%x (bits of failed checks)", status);
    drain_and_rebase(SIGX_BIT(SIGCHLD), SIGX_ERR_TIMEOUT);
    expect_live_timer("after the fork");
}

/* ---- part 5: descriptors for 64 masks, then BUSY ------------------------- */

static void part5_fd_busy(void)
{
    int fds[65];
    int made = 0, rc = 0;
    uint64_t k;
    for (k = 1; k <= 64; k++) {
        rc = sigx_fd_mask(SIGX_BIT(64) | k);
        if (rc < 0)
            break;
        fds[made++] = rc;
        masks_made++;
    }
    ASSERT_EQ(rc, SIGX_ERR_BUSY);
    /* BUSY once 64 masks besides SIGX_ALL have descriptors (masks_made
     * counts sigx_fd()'s too). The wait above that slept on a mask holding
     * a signal its thread blocks (SIGCHLD) took none of these places. */
    ASSERT_EQ(masks_made, 64 + 1);
    take(&baseline);
    EXPECT(sigx_fd_mask(SIGX_BIT(64) | k), SIGX_ERR_BUSY);
    EXPECT(sigx_fd_mask(SIGX_BIT(SIGUSR2)), SIGX_ERR_BUSY);
    EXPECT(sigx_fd_mask(0), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_fd_mask(user_mask), user_fd);
    EXPECT(sigx_fd_mask(SIGX_ALL), baseline.fd);
    EXPECT(sigx_fd(), baseline.fd);
    for (int i = 0; i < made; i++)
        EXPECT(sigx_fd_mask(SIGX_BIT(64) | (uint64_t)(i + 1)), fds[i]);
}

static void finish(void)
{
    ASSERT_OK(sigx_deadline(SIGUSR1, -1));
    ASSERT_OK(sigx_timer_delete(live_timer));
    ASSERT_OK(sigx_timer_delete(idle_timer));
    ASSERT_EQ(sigx_timer_delete(live_timer), SIGX_ERR_NOT_FOUND);
    ASSERT_EQ(proc_timers(), 0);

    /* The filter set at the start is still there: a delivery from this
     * process is refused, and counted. */
    ASSERT_OK(rel_raise(rt_filtered));
    uint64_t count = 0;
    ASSERT_OK(sigx_refused(rt_filtered, &count));
    ASSERT_U64_EQ(count, 1);
    expect_stats(rt_filtered, 1, 0, 0, STATS_ANY);

    if (children_ok) {
        sigx_info info;
        close(watched_gate[1]);
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 60000));
        ASSERT_EQ(info.pid, watched);
        ASSERT_EQ(info.code, CLD_EXITED);
        reap_clean(watched, "the watched child"); /* flags 0: still waitable */
        ASSERT_EQ(sigx_child_unwatch(watched), SIGX_ERR_NOT_FOUND);
    }

    /* The baseline's registration is released once, when removed. */
    ASSERT_EQ(SEQ_LOAD(&releases), 0);
    ASSERT_OK(sigx_uninstall(SIGHUP));
    ASSERT_EQ(SEQ_LOAD(&releases), 1);
    ASSERT_TRUE(last_released == &hup_token);
    ASSERT_EQ(SEQ_LOAD(&raw_hits), 0);
}

int main(void)
{
    rtmin_ = SIGRTMIN;
    rtmax_ = SIGRTMAX;
    roomy_sigpending();
    probe_refused();
    set_up_baseline();

    part1_fd_mask();
    part1_on_release();
    part1_timer_create();
    part1_timer_ids();
    part1_deadline();
    part1_children();
    part1_hosts();
    part1_capacity();
    TEST_PASS("misuse v0.2: the table of bad calls");

    for (int s = -1; s <= 65; s++)
        part2_one(s);
    part2_one(INT_MIN);
    part2_one(INT_MAX);
    TEST_PASS("misuse v0.2: every signo in [-1, 65] through every v0.2 entry point");

    part3_sigpending();
    part3_nofile();
    part4_fork();
    TEST_PASS("misuse v0.2: the parent's timers and watches in a forked child");
    part5_fd_busy();
    TEST_PASS("misuse v0.2: sigx_fd_mask BUSY beyond 64 masks");

    finish();
    printf("misuse v0.2: %ld checked calls, each followed by a full state comparison\n", checks);
    TEST_PASS("test_misuse_v02");
    return 0;
}
