/* Misuse matrix: every exported function against every kind of bad argument
 * returns the status sigx.h documents, in the order of its checks
 * (pointers and flag/timeout/mask values first, then the signal number,
 * then state), and leaves everything as it was: the disposition of every
 * signal, what sigx says is installed, every figure, the calling thread's
 * mask, the pending set, the interval timer, the eventfd and the
 * callbacks. Out-parameters must not be written on failure.
 *
 * Part 1 is a table of hand-picked bad calls. Part 2 is exhaustive: every
 * signo in [-1, 65] (plus INT_MIN and INT_MAX) through every entry point
 * that takes one, with the expected status computed from the rules below,
 * not from the library. Calls that succeed are undone and the state is
 * compared again. */
#include "test.h"
#include "misuse.h"

#include <limits.h>
#include <pthread.h>

/* ---- the baseline --------------------------------------------------------- */

static int rt_queued;   /* installed, capacity 4, 6 raised: 4 queued, 2 dropped */
static int rt_blocked;  /* blocked in this thread */
static long raw_term_hits;

static void raw_term(int signo)
{
    (void)signo;
    SEQ_ADD(&raw_term_hits, 1);
}

static void noop_callback(const sigx_info *info, void *user)
{
    (void)info;
    (void)user;
}

/* Signals the baseline uses: success paths in part 2 leave them alone. */
static int in_baseline(int s)
{
    return s == SIGUSR1 || s == SIGUSR2 || s == SIGHUP || s == SIGTERM || s == SIGPIPE ||
           s == SIGWINCH || s == rt_queued || s == rt_blocked;
}

static void set_up_baseline(void)
{
    rt_queued = rtmin_ + 1;
    rt_blocked = rtmin_ + 5;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = raw_term;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    ASSERT_SYS(sigaction(SIGTERM, &sa, NULL));

    ASSERT_OK(sigx_install(SIGUSR1, SIGX_INTERRUPT));
    ASSERT_OK(sigx_ignore(SIGUSR2));
    ASSERT_OK(sigx_default(SIGPIPE));
    ASSERT_OK(sigx_on(SIGHUP, noop_callback, NULL));
    ASSERT_OK(sigx_set_capacity(rt_queued, 4));
    ASSERT_OK(sigx_install(rt_queued, 0));
    for (int i = 0; i < 6; i++)
        ASSERT_OK(rel_raise(rt_queued));
    ASSERT_OK(sigx_block(SIGX_BIT(SIGWINCH) | SIGX_BIT(rt_blocked), NULL));
    ASSERT_TRUE(sigx_fd() >= 0);
    take(&baseline);
    ASSERT_U64_EQ(baseline.stats[rt_queued].queued, 4);
    ASSERT_U64_EQ(baseline.stats[rt_queued].dropped, 2);
    ASSERT_EQ(baseline.dispatch, SIGX_ERR_TIMEOUT); /* a callback, nothing queued */
}

/* ---- part 1: the table ----------------------------------------------------- */

static const int bad_signals[] = {0, -1, 65, INT_MAX, INT_MIN, 32, 33, 100, 128, -64};
#define NBAD ((int)(sizeof bad_signals / sizeof bad_signals[0]))

static void part1_signals(void)
{
    const uint32_t bad_flags[] = {16, 32, 0x80000000u, UINT32_MAX, SIGX_CHAIN | 16};
    const uint32_t bad_caps[] = {0, 1048577, UINT32_MAX};
    const int odd[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL};

    for (int i = 0; i < NBAD; i++) {
        int s = bad_signals[i];
        int cat = s == 0 ? SIGX_ERR_SIGNAL : rule_catchable(s);
        EXPECT(sigx_install(s, 0), cat);
        for (size_t f = 0; f < sizeof bad_flags / sizeof bad_flags[0]; f++)
            EXPECT(sigx_install(s, bad_flags[f]), SIGX_ERR_ARGUMENT); /* flags first */
        EXPECT(sigx_on(s, noop_callback, NULL), cat);
        EXPECT(sigx_on(s, NULL, NULL), cat);
        EXPECT(sigx_ignore(s), rule_disposable(s));
        EXPECT(sigx_default(s), rule_disposable(s));
        EXPECT(sigx_uninstall(s), rule_disposable(s));
        EXPECT(sigx_is_installed(s), SIGX_ERR_SIGNAL);
        for (size_t c = 0; c < sizeof bad_caps / sizeof bad_caps[0]; c++)
            EXPECT(sigx_set_capacity(s, bad_caps[c]), SIGX_ERR_ARGUMENT); /* value first */
        if (s != 0)
            EXPECT(sigx_set_capacity(s, 10), rule_catchable(s));
        sigx_stats st;
        memset(&st, 0xA5, sizeof st);
        EXPECT(sigx_stats_get(s, NULL), SIGX_ERR_ARGUMENT); /* pointer first */
        if (s != 0) {
            EXPECT(sigx_stats_get(s, &st), SIGX_ERR_SIGNAL);
            ASSERT_U64_EQ(st.delivered, 0xA5A5A5A5A5A5A5A5ull); /* not written */
        }
        if (s == 0) {
            int rc = sigx_send(INT_MAX, 0, 1); /* existence check: no such pid */
            int err = errno;
            check_status("sigx_send(INT_MAX, 0)", __LINE__, rc, SIGX_ERR_SYSTEM);
            ASSERT_EQ(err, ESRCH);
        } else {
            EXPECT(sigx_send(INT_MAX, s, 1), SIGX_ERR_SIGNAL);
        }
        EXPECT(sigx_send(-1, s == 0 ? -1 : s, 1), SIGX_ERR_SIGNAL); /* never reaches kill */
        EXPECT(sigx_send(0, s == 0 ? 65 : s, 1), SIGX_ERR_SIGNAL);
        if (s != 0) {
            EXPECT(sigx_raise(s), SIGX_ERR_SIGNAL);
            EXPECT(sigx_reraise(s), rule_reraise(s));
            EXPECT(sigx_default_action(s), SIGX_ERR_SIGNAL);
            EXPECT(sigx_is_catchable(s), SIGX_ERR_SIGNAL);
        }
        EXPECT_NULL(sigx_name(s));
        EXPECT_NULL(sigx_describe(s));
    }
    EXPECT(sigx_raise(0), SIGX_OK);
    EXPECT(sigx_reraise(0), SIGX_ERR_SIGNAL);
    EXPECT(sigx_stats_get(0, NULL), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_set_capacity(0, 1024), SIGX_OK); /* the default stays the default */

    /* Valid numbers that sigx must still refuse. */
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        int s = odd[i];
        EXPECT(sigx_install(s, 0), rule_catchable(s));
        EXPECT(sigx_install(s, SIGX_ONESHOT | SIGX_CHAIN | SIGX_INTERRUPT), rule_catchable(s));
        EXPECT(sigx_install(s, 0x100), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_on(s, noop_callback, NULL), rule_catchable(s));
        EXPECT(sigx_on(s, NULL, NULL), rule_catchable(s));
        EXPECT(sigx_set_capacity(s, 10), rule_catchable(s));
        EXPECT(sigx_set_capacity(s, 0), SIGX_ERR_ARGUMENT);
        if (is_uncatchable(s)) {
            EXPECT(sigx_ignore(s), SIGX_ERR_UNCATCHABLE);
            EXPECT(sigx_default(s), SIGX_ERR_UNCATCHABLE);
            EXPECT(sigx_uninstall(s), SIGX_ERR_UNCATCHABLE);
        } else {
            EXPECT(sigx_uninstall(s), SIGX_ERR_NOT_INSTALLED); /* fault signals */
        }
        EXPECT(sigx_is_installed(s), 0);
        EXPECT(sigx_is_catchable(s), 0);
        int rc = sigx_send(INT_MAX, s, 0);
        int err = errno;
        check_status("sigx_send(INT_MAX, valid signal)", __LINE__, rc, SIGX_ERR_SYSTEM);
        ASSERT_EQ(err, ESRCH);
    }

    /* State comes last. */
    EXPECT(sigx_uninstall(SIGTERM), SIGX_ERR_NOT_INSTALLED); /* the test's own handler */
    EXPECT(sigx_uninstall(SIGINT), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_set_capacity(SIGUSR1, 10), SIGX_ERR_BUSY);   /* caught */
    EXPECT(sigx_set_capacity(rt_queued, 10), SIGX_ERR_BUSY); /* caught, records */
    EXPECT(sigx_set_capacity(SIGUSR1, 0), SIGX_ERR_ARGUMENT); /* value before state */
    EXPECT(sigx_set_capacity(SIGUSR1, 1048577), SIGX_ERR_ARGUMENT);
}

static void part1_waiting(void)
{
    sigx_info info;
    memset(&info, 0x5A, sizeof info);
    const uint64_t ok = SIGX_BIT(SIGUSR1);
    const int64_t bad_timeouts[] = {-2, -3, -1000, INT64_MIN};
    for (size_t i = 0; i < sizeof bad_timeouts / sizeof bad_timeouts[0]; i++) {
        EXPECT(sigx_wait(ok, &info, bad_timeouts[i]), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_wait(0, NULL, bad_timeouts[i]), SIGX_ERR_ARGUMENT);
        EXPECT(sigx_dispatch(bad_timeouts[i]), SIGX_ERR_ARGUMENT);
    }
    EXPECT(sigx_wait(0, &info, 0), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_wait(0, &info, -1), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_wait(ok, NULL, 0), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_wait(ok, NULL, -1), SIGX_ERR_ARGUMENT);
    /* Nothing installed in the mask and nothing queued: an answer, at once,
     * even with "forever". */
    const uint64_t never = SIGX_BIT(32) | SIGX_BIT(33) | SIGX_BIT(SIGKILL) | SIGX_BIT(SIGSTOP) |
                           SIGX_BIT(SIGTERM) | SIGX_BIT(SIGUSR2) | SIGX_BIT(SIGPIPE) |
                           SIGX_BIT(64);
    EXPECT(sigx_wait(never, &info, -1), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_wait(SIGX_BIT(32), &info, 0), SIGX_ERR_NOT_INSTALLED);
    EXPECT(sigx_wait(SIGX_BIT(SIGKILL), &info, 1000), SIGX_ERR_NOT_INSTALLED);
    /* Installed, nothing queued: a timeout, not an error. */
    EXPECT(sigx_wait(ok, &info, 0), SIGX_ERR_TIMEOUT);
    EXPECT(sigx_wait(ok | never, &info, 1), SIGX_ERR_TIMEOUT);
    sigx_info pattern;
    memset(&pattern, 0x5A, sizeof pattern);
    ASSERT_TRUE(memcmp(&info, &pattern, sizeof info) == 0); /* never written */
    EXPECT(sigx_dispatch(0), SIGX_ERR_TIMEOUT);

    EXPECT(sigx_kernel_pending(NULL), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_block(0, NULL), SIGX_OK);
    EXPECT(sigx_unblock(0, NULL), SIGX_OK);
    EXPECT(sigx_setmask(baseline.thread_mask, NULL), SIGX_OK);
    uint64_t old = 0;
    EXPECT(sigx_block(0, &old), SIGX_OK);
    ASSERT_U64_EQ(old, baseline.thread_mask);
    /* Everything at once is accepted (KILL, STOP, 32, 33 ignored) and can
     * be put back exactly. */
    ASSERT_OK(sigx_block(SIGX_ALL, &old));
    uint64_t all_blocked = 0;
    ASSERT_OK(sigx_block(0, &all_blocked));
    ASSERT_U64_EQ(all_blocked, sigx_valid_signals() & ~(SIGX_BIT(SIGKILL) | SIGX_BIT(SIGSTOP)));
    EXPECT(sigx_setmask(old, NULL), SIGX_OK);
    ASSERT_OK(sigx_unblock(SIGX_ALL, &old));
    EXPECT(sigx_setmask(old, NULL), SIGX_OK);

    uint64_t rem = 77;
    EXPECT(sigx_alarm(0, 0, NULL), SIGX_OK); /* cancels nothing */
    EXPECT(sigx_alarm(0, 500, &rem), SIGX_OK); /* delay 0: the interval is ignored */
    ASSERT_U64_EQ(rem, 0);
}

static void part1_lookups(void)
{
    EXPECT(sigx_number(NULL), SIGX_ERR_ARGUMENT);
    EXPECT(sigx_number(""), SIGX_ERR_ARGUMENT);
    static const char *const junk[] = {
        "0", "32", "33", "65", "-1", "+2", " 2", "2 ", "0x2", "2.0", "1e1", "SIG", "sig",
        "SIGSIGINT", "SIGINT ", " SIGINT", "SIG INT", "INTERRUPT", "SIGRTMIN+", "SIGRTMIN-1",
        "SIGRTMIN+31", "SIGRTMAX-31", "RTMAX+1", "RTMIN++1", "SIGRTMIN+-1", "RT", "SIGRT",
        "99999999999999999999", "4294967298", "-2147483648", "\xff\xfe\xfd", "\xc3\xa9",
        "SIGINT\xff", "\x80", "SIG\xe2\x82\xac", "SIGCANCEL", "SIGSETXID", "SIGEMT",
        "SIGLOST", "SIGINFO", "SIGUNUSED",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        check_status(junk[i], __LINE__, sigx_number(junk[i]), SIGX_ERR_SIGNAL);

    /* A megabyte of text: rejected, not read past its NUL, no crash. */
    size_t big = 1 << 20;
    char *mb = malloc(big + 1);
    ASSERT_TRUE(mb != NULL);
    memset(mb, 'A', big);
    mb[big] = 0;
    EXPECT(sigx_number(mb), SIGX_ERR_SIGNAL);
    memset(mb, '0', big);
    mb[big - 1] = '2'; /* "000...0002": a number, but far too long to be a name */
    EXPECT(sigx_number(mb), SIGX_ERR_SIGNAL);
    for (size_t i = 0; i < big; i++)
        mb[i] = (char)(0x80 | (i & 0x7f)); /* not UTF-8, not ASCII */
    EXPECT(sigx_number(mb), SIGX_ERR_SIGNAL);
    memcpy(mb, "INT", 4); /* a NUL after "INT": the rest is never looked at */
    EXPECT(sigx_number(mb), SIGINT);
    free(mb);
    EXPECT(sigx_number("SIGINT\0junk"), SIGINT);
    EXPECT(sigx_number("KILL"), SIGKILL); /* a name, even if it cannot be caught */

    const char *generic = sigx_strerror(INT_MIN);
    ASSERT_TRUE(generic != NULL);
    const int odd_status[] = {INT_MIN, INT_MAX, 1, 2, -14, -100, -1000};
    for (size_t i = 0; i < sizeof odd_status / sizeof odd_status[0]; i++)
        ASSERT_STREQ(sigx_strerror(odd_status[i]), generic);
    for (int st = SIGX_OK; st >= SIGX_ERR_BUSY; st--)
        ASSERT_TRUE(strcmp(sigx_strerror(st), generic) != 0);
    ASSERT_STREQ(sigx_version(), SIGX_TEST_VERSION);
    ASSERT_EQ(sigx_rtmin(), SIGRTMIN);
    ASSERT_EQ(sigx_rtmax(), SIGRTMAX);
    EXPECT(sigx_fd(), baseline.fd);
}

/* ---- part 2: every signo through every entry point -------------------------- */

static void undo_to_baseline(int s, const char *what)
{
    ASSERT_OK(sigx_uninstall(s));
    char buf[96];
    snprintf(buf, sizeof buf, "%s + sigx_uninstall(%d)", what, s);
    /* The figures of `s` may have moved (raise); compare them apart. */
    baseline.stats[s] = stats_of(s);
    baseline.all = stats_of(0);
    expect_unchanged(buf, __LINE__);
}

static void part2_one(int s)
{
    char what[96];
    int cat = rule_catchable(s), disp = rule_disposable(s), val = rule_valid(s);
    const int fresh = is_valid(s) && !in_baseline(s) && !refused[s];

    /* Look-ups: pure. */
    const char *name = sigx_name(s);
    ASSERT_EQ(name != NULL, val == SIGX_OK);
    ASSERT_EQ(sigx_describe(s) != NULL, val == SIGX_OK);
    if (name != NULL)
        ASSERT_EQ(sigx_number(name), s);
    int act = sigx_default_action(s);
    if (val == SIGX_OK)
        ASSERT_TRUE(act >= SIGX_ACTION_TERMINATE && act <= SIGX_ACTION_CONTINUE);
    else
        ASSERT_EQ(act, SIGX_ERR_SIGNAL);
    int catchable = sigx_is_catchable(s);
    ASSERT_EQ(catchable, val != SIGX_OK ? SIGX_ERR_SIGNAL : cat == SIGX_OK);
    if (s >= 1 && s <= 64)
        ASSERT_EQ((sigx_valid_signals() & SIGX_BIT(s)) != 0, val == SIGX_OK);
    snprintf(what, sizeof what, "look-ups of %d", s);
    expect_unchanged(what, __LINE__);

    sigx_stats st;
    snprintf(what, sizeof what, "sigx_stats_get(%d)", s);
    check_status(what, __LINE__, sigx_stats_get(s, &st), s == 0 ? SIGX_OK : val);
    int inst = sigx_is_installed(s);
    ASSERT_EQ(inst, val != SIGX_OK ? SIGX_ERR_SIGNAL : baseline.installed[s]);

    /* Sending: to a pid that cannot exist, so nothing is delivered. */
    snprintf(what, sizeof what, "sigx_send(INT_MAX, %d)", s);
    int sr = sigx_send(INT_MAX, s, 9);
    int err = errno;
    check_status(what, __LINE__, sr, rule_sendable(s) == SIGX_OK ? SIGX_ERR_SYSTEM : SIGX_ERR_SIGNAL);
    if (sr == SIGX_ERR_SYSTEM)
        ASSERT_EQ(err, ESRCH);

    if (is_valid(s) && refused[s]) {
        /* Only handlers are refused there (valgrind lets SIG_IGN and
         * SIG_DFL through), so only install and sigx_on are checked. */
        int rc = sigx_install(s, 0);
        int err = errno;
        check_status("sigx_install(refused signal)", __LINE__, rc, SIGX_ERR_SYSTEM);
        ASSERT_EQ(err, EINVAL);
        rc = sigx_on(s, noop_callback, NULL);
        err = errno;
        check_status("sigx_on(refused signal)", __LINE__, rc, SIGX_ERR_SYSTEM);
        ASSERT_EQ(err, EINVAL);
        check_status("sigx_uninstall(refused)", __LINE__, sigx_uninstall(s), SIGX_ERR_NOT_INSTALLED);
        return;
    }

    /* Every call whose rule says "error" must fail that way, changing
     * nothing; the ones that succeed are checked and undone. */
    snprintf(what, sizeof what, "sigx_install(%d)", s);
    if (cat != SIGX_OK) {
        check_status(what, __LINE__, sigx_install(s, 0), cat);
        snprintf(what, sizeof what, "sigx_on(%d)", s);
        check_status(what, __LINE__, sigx_on(s, noop_callback, NULL), cat);
        check_status(what, __LINE__, sigx_on(s, NULL, NULL), cat);
        if (s != 0) {
            snprintf(what, sizeof what, "sigx_set_capacity(%d)", s);
            check_status(what, __LINE__, sigx_set_capacity(s, 1024), cat);
        }
    } else if (fresh) {
        ASSERT_OK(sigx_install(s, 0));
        ASSERT_EQ(sigx_is_installed(s), 1);
        undo_to_baseline(s, what);
        snprintf(what, sizeof what, "sigx_on(%d, cb)", s);
        ASSERT_OK(sigx_on(s, noop_callback, NULL));
        ASSERT_EQ(sigx_is_installed(s), 1);
        undo_to_baseline(s, what);
        snprintf(what, sizeof what, "sigx_on(%d, NULL)", s);
        check_status(what, __LINE__, sigx_on(s, NULL, NULL), SIGX_OK); /* changes nothing */
        snprintf(what, sizeof what, "sigx_set_capacity(%d, 1024)", s);
        check_status(what, __LINE__, sigx_set_capacity(s, 1024), SIGX_OK);
        /* Raise it while caught: recorded, then taken. */
        ASSERT_OK(sigx_install(s, 0));
        ASSERT_OK(rel_raise(s));
        sigx_info info;
        ASSERT_OK(sigx_wait(SIGX_BIT(s), &info, 10000));
        ASSERT_EQ(info.signo, s);
        snprintf(what, sizeof what, "sigx_install + sigx_raise(%d)", s);
        undo_to_baseline(s, what);
    }

    snprintf(what, sizeof what, "sigx_ignore/default/uninstall(%d)", s);
    if (disp != SIGX_OK) {
        check_status(what, __LINE__, sigx_ignore(s), disp);
        check_status(what, __LINE__, sigx_default(s), disp);
        check_status(what, __LINE__, sigx_uninstall(s), disp);
    } else if (fresh) {
        check_status(what, __LINE__, sigx_uninstall(s), SIGX_ERR_NOT_INSTALLED);
        ASSERT_OK(sigx_ignore(s));
        ASSERT_EQ(sigx_is_installed(s), 0);
        if (is_fault(s))
            ASSERT_OK(rel_raise(s)); /* ignored: a raised (not real) fault is discarded */
        undo_to_baseline(s, what);
        ASSERT_OK(sigx_default(s));
        undo_to_baseline(s, what);
    }

    snprintf(what, sizeof what, "sigx_raise/reraise(%d)", s);
    if (rule_sendable(s) != SIGX_OK)
        check_status(what, __LINE__, sigx_raise(s), SIGX_ERR_SIGNAL);
    if (rule_reraise(s) != SIGX_OK) {
        check_status(what, __LINE__, sigx_reraise(s), rule_reraise(s));
    } else if (fresh && (act == SIGX_ACTION_IGNORE || act == SIGX_ACTION_CONTINUE)) {
        /* The default action returns: reraise restores SIG_DFL (already
         * the disposition here) and raises it, which does nothing. */
        check_status(what, __LINE__, sigx_reraise(s), SIGX_OK);
    }

    /* Masks: bit s - 1 exists only for 1 ..= 64. */
    if (s >= 1 && s <= 64 && !in_baseline(s)) {
        uint64_t old, now;
        ASSERT_OK(sigx_block(SIGX_BIT(s), &old));
        ASSERT_OK(sigx_block(0, &now));
        int held = val == SIGX_OK && !is_uncatchable(s);
        ASSERT_EQ((now & SIGX_BIT(s)) != 0, held);
        snprintf(what, sizeof what, "sigx_block(%d) + sigx_setmask", s);
        check_status(what, __LINE__, sigx_setmask(old, NULL), SIGX_OK);
        sigx_info info;
        snprintf(what, sizeof what, "sigx_wait(bit %d)", s);
        check_status(what, __LINE__, sigx_wait(SIGX_BIT(s), &info, 0), SIGX_ERR_NOT_INSTALLED);
    }
}

int main(void)
{
    rtmin_ = SIGRTMIN;
    rtmax_ = SIGRTMAX;
    probe_refused();
    set_up_baseline();

    part1_signals();
    part1_waiting();
    part1_lookups();
    TEST_PASS("misuse: the table of bad calls");

    for (int s = -1; s <= 65; s++)
        part2_one(s);
    part2_one(INT_MIN);
    part2_one(INT_MAX);
    TEST_PASS("misuse: every signo in [-1, 65] through every entry point");

    ASSERT_EQ(SEQ_LOAD(&raw_term_hits), 0);
    printf("misuse: %ld checked calls, each followed by a full state comparison\n", checks);
    TEST_PASS("test_misuse_matrix");
    return 0;
}
