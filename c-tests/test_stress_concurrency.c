/* Concurrency: threads install, uninstall, ignore and (un)register callbacks
 * in loops, on shared and on separate signals, while a flooder process
 * sends all of those signals and other threads wait and dispatch.
 *
 * What must hold (besides no crash and no deadlock, which the ctest
 * TIMEOUT catches):
 *  - every call returns one of the statuses its contract allows;
 *  - RETIRED: once sigx_uninstall() has returned, sigx's handler never runs
 *    for that signal again: its `delivered` figure stays put while the
 *    flood keeps arriving (at the test's own handler, which uninstall put
 *    back). The signal is unblocked in exactly one thread (the one that
 *    uninstalls it), so no delivery can be in flight on another thread
 *    when uninstall returns;
 *  - CALLBACK: once sigx_on(signo, NULL) has returned, the callback
 *    registered before never starts again (each registration carries a
 *    generation in `user`; a callback running with an outdated generation
 *    is a violation);
 *  - for the signals nobody churns (STABLE_RT, STABLE_STD) the accounting
 *    identity holds at the end: returned + queued + dropped == delivered,
 *    and for the real-time one delivered == what the flooder sent (queued
 *    real-time signals are never merged), with no value returned twice.
 *
 * The signals that may be restored to their original disposition get a
 * no-op handler of the test's own first, so no flood can kill the
 * process; SIG_DFL is only ever set on SIGWINCH, whose default is to
 * ignore it. */
#include "test.h"
#include "reliability.h"

#include <poll.h>
#include <pthread.h>

enum {
    STABLE_RT,  /* rtmin: installed once, never touched again */
    STABLE_STD, /* SIGUSR1: same, a standard (coalescing) signal */
    SHARED_RT1, /* rtmin+1 .. : churned by two threads at once */
    SHARED_RT2,
    SHARED_STD, /* SIGUSR2 */
    SHARED_WINCH, /* SIGWINCH: also SIG_DFL and SIGX_ONESHOT */
    OWN_RT,     /* rtmin+3: churned by one thread of its own */
    CALLBACK_RT, /* rtmin+4: callback generations */
    RETIRED_RT, /* rtmin+5: uninstalled once, never reinstalled */
    NSIG_USED
};

static int sig[NSIG_USED];
static long churn_ops, callback_cycles, retire_before, retire_after;

/* Counted by the test's own handlers (what uninstall restores). */
static long noop_hits[65];

static void noop_plain(int signo)
{
    SEQ_ADD(&noop_hits[signo], 1);
}

static void noop_info(int signo, siginfo_t *si, void *ctx)
{
    (void)si;
    (void)ctx;
    SEQ_ADD(&noop_hits[signo], 1);
}

static void set_raw_handler(int signo, int with_info)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (with_info) {
        sa.sa_flags |= SA_SIGINFO;
        sa.sa_sigaction = noop_info;
    } else {
        sa.sa_handler = noop_plain;
    }
    ASSERT_SYS(sigaction(signo, &sa, NULL));
}

enum { WAITERS = 2, DISPATCHERS = 2 };
static int stop_waiters;
static int failures;

static void fail_once(const char *what, int signo, int rc)
{
    if (SEQ_ADD(&failures, 1) <= 10)
        fprintf(stderr, "FAIL: %s (signal %d): returned %d (%s)\n", what, signo, rc,
                sigx_strerror(rc));
}

/* ---- waiters: take records of every flooded signal ---------------------- */

struct taken {
    long records[65];
    uint64_t dropped[65];
    unsigned char *stable_values; /* STABLE_RT value -> times taken */
};
static long stable_value_room;

static void account(struct taken *t, const sigx_info *info)
{
    if (info->signo < 1 || info->signo > 64) {
        fail_once("record with a bad signo", info->signo, 0);
        return;
    }
    t->records[info->signo]++;
    t->dropped[info->signo] += info->dropped;
    if (info->signo == sig[STABLE_RT]) {
        if (info->code != SI_QUEUE || (long)info->value >= stable_value_room)
            fail_once("STABLE_RT record with a bad code or value", info->signo, 0);
        else if (t->stable_values[info->value]++ != 0)
            fail_once("STABLE_RT value taken twice by one thread", info->signo, 0);
    }
}

static uint64_t flood_mask;

static void *waiter_main(void *arg)
{
    struct taken *t = arg;
    while (!SEQ_LOAD(&stop_waiters)) {
        sigx_info info;
        int rc = sigx_wait(flood_mask, &info, 100);
        if (rc == SIGX_OK)
            account(t, &info);
        else if (rc != SIGX_ERR_TIMEOUT)
            fail_once("sigx_wait", 0, rc); /* the stable signals stay installed */
    }
    return NULL;
}

/* ---- dispatchers and callbacks ----------------------------------------- */

static long churn_callback_runs;
static uintptr_t current_gen; /* generation allowed to run for CALLBACK_RT */
static uintptr_t last_ran_gen;
static long gen_runs, gen_violations;

static void churn_callback(const sigx_info *info, void *user)
{
    (void)user;
    long n = SEQ_ADD(&churn_callback_runs, 1);
    /* A callback may remove itself (or its signal) from inside. */
    if (n % 97 == 0) {
        int rc = sigx_on(info->signo, NULL, NULL);
        if (rc != SIGX_OK)
            fail_once("sigx_on(NULL) from a callback", info->signo, rc);
    }
}

static void gen_callback(const sigx_info *info, void *user)
{
    (void)info;
    uintptr_t gen = (uintptr_t)user;
    if (gen != SEQ_LOAD(&current_gen))
        SEQ_ADD(&gen_violations, 1);
    SEQ_STORE(&last_ran_gen, gen);
    SEQ_ADD(&gen_runs, 1);
}

static void *dispatcher_main(void *arg)
{
    (void)arg;
    while (!SEQ_LOAD(&stop_waiters)) {
        int rc = sigx_dispatch(100);
        if (rc == SIGX_ERR_NOT_INSTALLED) {
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL); /* no callback registered right now */
        } else if (rc < 0 && rc != SIGX_ERR_TIMEOUT) {
            fail_once("sigx_dispatch", 0, rc);
        }
    }
    return NULL;
}

/* ---- churners ----------------------------------------------------------- */

static unsigned next_rand(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

struct churner {
    const int *signals;
    int nsignals;
    unsigned seed;
};

static void churn_one(int s, unsigned r)
{
    int rc;
    switch (r % 9) {
    case 0:
    case 1: {
        uint32_t flags = (r >> 4) & (SIGX_INTERRUPT | SIGX_CHAIN);
        if (s == SIGWINCH && (r >> 6) % 3 == 0)
            flags |= SIGX_ONESHOT; /* a reset to SIG_DFL only ignores it */
        if ((rc = sigx_install(s, flags)) != SIGX_OK)
            fail_once("sigx_install", s, rc);
        break;
    }
    case 2:
        rc = sigx_uninstall(s);
        if (rc != SIGX_OK && rc != SIGX_ERR_NOT_INSTALLED)
            fail_once("sigx_uninstall", s, rc);
        break;
    case 3:
        if ((rc = sigx_ignore(s)) != SIGX_OK)
            fail_once("sigx_ignore", s, rc);
        break;
    case 4:
        if ((rc = sigx_on(s, churn_callback, NULL)) != SIGX_OK)
            fail_once("sigx_on", s, rc);
        break;
    case 5:
        if ((rc = sigx_on(s, NULL, NULL)) != SIGX_OK)
            fail_once("sigx_on(NULL)", s, rc);
        break;
    case 6:
        rc = sigx_set_capacity(s, 16 + (r >> 5) % 2048);
        if (rc != SIGX_OK && rc != SIGX_ERR_BUSY)
            fail_once("sigx_set_capacity", s, rc);
        break;
    case 7:
        rc = sigx_is_installed(s);
        if (rc != 0 && rc != 1)
            fail_once("sigx_is_installed", s, rc);
        break;
    default:
        if (s == SIGWINCH) {
            if ((rc = sigx_default(s)) != SIGX_OK)
                fail_once("sigx_default", s, rc);
        } else {
            sigx_stats st;
            if ((rc = sigx_stats_get(s, &st)) != SIGX_OK)
                fail_once("sigx_stats_get", s, rc);
        }
        break;
    }
}

static void *churner_main(void *arg)
{
    struct churner *c = arg;
    unsigned state = c->seed;
    for (long i = 0; i < churn_ops; i++) {
        unsigned r = next_rand(&state);
        churn_one(c->signals[r % (unsigned)c->nsignals], r >> 3);
    }
    return NULL;
}

/* Registers a callback generation, lets it run (or not), removes it. */
static void *callback_owner_main(void *arg)
{
    (void)arg;
    int s = sig[CALLBACK_RT];
    for (uintptr_t gen = 1; gen <= (uintptr_t)callback_cycles; gen++) {
        SEQ_STORE(&current_gen, gen);
        int rc = sigx_on(s, gen_callback, (void *)gen);
        if (rc != SIGX_OK)
            fail_once("sigx_on(gen)", s, rc);
        if (gen % 10 == 0) {
            /* Every tenth generation must run: raise the signal here (the
             * waiters leave its records to the dispatchers) and wait until
             * some callback of this generation has run. */
            if ((rc = rel_raise(s)) != SIGX_OK)
                fail_once("sigx_raise", s, rc);
            long long start = now_ms();
            while (SEQ_LOAD(&last_ran_gen) != gen) {
                sched_yield();
                if (now_ms() - start > 30000) {
                    fail_once("a callback generation never ran within 30 s", s, 0);
                    break;
                }
            }
        } else {
            /* Give this generation a chance to run; not required. */
            for (int spin = 0; spin < 200 && SEQ_LOAD(&last_ran_gen) != gen; spin++)
                sched_yield();
        }
        switch (gen % 4) {
        case 0:
            rc = sigx_uninstall(s);
            break;
        case 1:
            rc = sigx_ignore(s);
            break;
        default:
            rc = sigx_on(s, NULL, NULL);
            break;
        }
        if (rc != SIGX_OK)
            fail_once("removing the callback", s, rc);
        /* From here on, generation `gen` must never start again. */
        SEQ_STORE(&current_gen, 0);
    }
    return NULL;
}

/* ---- the retired signal ------------------------------------------------- */

static int retire_done, stop_retirer;
static uint64_t retired_delivered;

static void wait_until(long *counter, long at_least, const char *what)
{
    long long start = now_ms();
    while (SEQ_LOAD(counter) < at_least) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL); /* signals interrupt it: EINTR is fine */
        if (now_ms() - start > 60000) {
            fprintf(stderr, "FAIL: %s: %ld of %ld after 60 s\n", what, SEQ_LOAD(counter),
                    at_least);
            exit(1);
        }
    }
}

static long retired_sigx_seen(void)
{
    return (long)stats_of(sig[RETIRED_RT]).delivered;
}

static void *retirer_main(void *arg)
{
    (void)arg;
    int s = sig[RETIRED_RT];
    uint64_t one = SIGX_BIT(s);
    /* Only this thread may run handlers for it. */
    ASSERT_OK(sigx_unblock(one, NULL));

    long long start = now_ms();
    while (retired_sigx_seen() < retire_before) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
        if (now_ms() - start > 60000) {
            fprintf(stderr, "FAIL: retired signal never flooded\n");
            exit(1);
        }
    }
    ASSERT_OK(sigx_uninstall(s));
    /* Any handler for `s` ran on this thread, so none is in flight now. */
    retired_delivered = stats_of(s).delivered;
    long noop_before = SEQ_LOAD(&noop_hits[s]);
    wait_until(&noop_hits[s], noop_before + retire_after,
               "retired signal reaching the restored handler");
    ASSERT_U64_EQ(stats_of(s).delivered, retired_delivered);
    ASSERT_EQ(sigx_is_installed(s), 0);
    SEQ_STORE(&retire_done, 1);

    /* Keep absorbing the flood of `s` (it is blocked everywhere else, so
     * it would pile up in the kernel's queue) until told to stop. */
    while (!SEQ_LOAD(&stop_retirer)) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* ---- the flooder process ------------------------------------------------ */

/* Sends every signal in turn until a byte arrives on `stop_fd`, then writes
 * how many of each it sent successfully to `report_fd` and exits 0. */
static void flooder(pid_t target, int stop_fd, int report_fd)
{
    long sent[NSIG_USED];
    memset(sent, 0, sizeof sent);
    uint64_t value = 0;
    for (unsigned long round = 0;; round++) {
        if (round % 32 == 0) {
            struct pollfd p = {stop_fd, POLLIN, 0};
            if (poll(&p, 1, 0) > 0)
                break;
            rel_pace();
            rel_valgrind_breather();
        }
        for (int k = 0; k < NSIG_USED; k++) {
            uint64_t v = k == STABLE_RT ? value : 0;
            for (unsigned attempt = 0;; attempt++) {
                int rc = sigx_send(target, sig[k], v);
                if (rc == SIGX_OK) {
                    sent[k]++;
                    if (k == STABLE_RT)
                        value++;
                    break;
                }
                if (rc != SIGX_ERR_SYSTEM || errno != EAGAIN)
                    _exit(3);
                if (k != STABLE_RT)
                    break; /* only the stable one must arrive in full */
                rel_backoff(attempt);
            }
        }
    }
    if (write(report_fd, sent, sizeof sent) != (ssize_t)sizeof sent)
        _exit(4);
    _exit(0);
}

/* The accounting identity and the real-time counts, once nothing is in
 * flight; `taken` has WAITERS + 1 entries (the last is the final drain). */
static void check_accounting(struct taken *taken, const long *sent)
{
    ASSERT_GT(SEQ_LOAD(&gen_runs), 0);

    /* The accounting identity for what nobody churned. */
    int checked[3] = {sig[STABLE_RT], sig[STABLE_STD], sig[RETIRED_RT]};
    for (int i = 0; i < 3; i++) {
        int s = checked[i];
        long records = 0;
        uint64_t reported = 0;
        for (int t = 0; t <= WAITERS; t++) {
            records += taken[t].records[s];
            reported += taken[t].dropped[s];
        }
        sigx_stats st = stats_of(s);
        ASSERT_U64_EQ(st.queued, 0);
        ASSERT_U64_EQ((uint64_t)records + st.dropped, st.delivered);
        if (s != sig[RETIRED_RT])
            ASSERT_U64_EQ(reported, st.dropped);
        else
            ASSERT_TRUE(reported <= st.dropped);
    }
    /* Real-time signals are queued, never merged: all that was sent (plus
     * the final one) reached sigx's handler, and no value came twice. */
    ASSERT_U64_EQ(stats_of(sig[STABLE_RT]).delivered, (uint64_t)sent[STABLE_RT] + 1);
    for (long v = 0; v <= sent[STABLE_RT]; v++) {
        int n = 0;
        for (int t = 0; t <= WAITERS; t++)
            n += taken[t].stable_values[v];
        if (n > 1)
            TEST_FAIL_("STABLE_RT value %ld taken %d times", v, n);
    }
}

int main(void)
{
    rel_prefault_stack();
    const int rt = sigx_rtmin();
    sig[STABLE_RT] = rt;
    sig[STABLE_STD] = SIGUSR1;
    sig[SHARED_RT1] = rt + 1;
    sig[SHARED_RT2] = rt + 2;
    sig[SHARED_STD] = SIGUSR2;
    sig[SHARED_WINCH] = SIGWINCH;
    sig[OWN_RT] = rt + 3;
    sig[CALLBACK_RT] = rt + 4;
    sig[RETIRED_RT] = rt + 5;

    churn_ops = rel_scaled(20000, 500);
    callback_cycles = rel_scaled(3000, 100);
    retire_before = rel_scaled(2000, 50);
    retire_after = rel_scaled(2000, 50);

    /* Dispositions to fall back to: the test's own no-op handlers. */
    for (int k = 0; k < NSIG_USED; k++)
        set_raw_handler(sig[k], k % 2);
    /* What the waiters take: everything but CALLBACK_RT, whose records are
     * left to the dispatchers (so that a raised one reaches its callback). */
    flood_mask = 0;
    for (int k = 0; k < NSIG_USED; k++)
        if (k != CALLBACK_RT)
            flood_mask |= SIGX_BIT(sig[k]);

    /* The stable real-time queue is large enough that the waiters, not the
     * capacity, decide; drops are still possible and are accounted. */
    ASSERT_OK(sigx_set_capacity(sig[STABLE_RT], 4096));
    ASSERT_OK(sigx_install(sig[STABLE_RT], 0));
    ASSERT_OK(sigx_install(sig[STABLE_STD], SIGX_CHAIN));
    ASSERT_OK(sigx_install(sig[RETIRED_RT], 0));
    /* Every thread created from here on has RETIRED blocked; the retirer
     * unblocks it for itself. */
    ASSERT_OK(sigx_block(SIGX_BIT(sig[RETIRED_RT]), NULL));

    stable_value_room = 1L << 24;

    int stop_pipe[2], report_pipe[2];
    ASSERT_SYS(pipe(stop_pipe));
    ASSERT_SYS(pipe(report_pipe));
    pid_t me = getpid();
    fflush(NULL);
    pid_t flood_pid = fork();
    ASSERT_SYS(flood_pid);
    if (flood_pid == 0) {
        close(stop_pipe[1]);
        close(report_pipe[0]);
        flooder(me, stop_pipe[0], report_pipe[1]);
    }
    close(stop_pipe[0]);
    close(report_pipe[1]);

    pthread_t waiters[WAITERS], dispatchers[DISPATCHERS], churners[3], owner, retirer;
    struct taken taken[WAITERS + 1];
    memset(taken, 0, sizeof taken);
    for (int i = 0; i <= WAITERS; i++) {
        taken[i].stable_values = calloc((size_t)stable_value_room, 1);
        ASSERT_TRUE(taken[i].stable_values != NULL);
    }
    for (int i = 0; i < WAITERS; i++)
        ASSERT_EQ(pthread_create(&waiters[i], NULL, waiter_main, &taken[i]), 0);
    for (int i = 0; i < DISPATCHERS; i++)
        ASSERT_EQ(pthread_create(&dispatchers[i], NULL, dispatcher_main, NULL), 0);

    static const int shared_idx[] = {SHARED_RT1, SHARED_RT2, SHARED_STD, SHARED_WINCH};
    int shared[4], own[1] = {0};
    for (int i = 0; i < 4; i++)
        shared[i] = sig[shared_idx[i]];
    own[0] = sig[OWN_RT];
    struct churner ch[3] = {
        {shared, 4, 1u},
        {shared, 4, 2u},
        {own, 1, 3u},
    };
    for (int i = 0; i < 3; i++)
        ASSERT_EQ(pthread_create(&churners[i], NULL, churner_main, &ch[i]), 0);
    ASSERT_EQ(pthread_create(&owner, NULL, callback_owner_main, NULL), 0);
    ASSERT_EQ(pthread_create(&retirer, NULL, retirer_main, NULL), 0);

    for (int i = 0; i < 3; i++)
        ASSERT_EQ(pthread_join(churners[i], NULL), 0);
    ASSERT_EQ(pthread_join(owner, NULL), 0);
    /* The retirer fails by itself if its signal stops arriving. */
    while (!SEQ_LOAD(&retire_done)) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }

    /* Stop the flood and learn what was sent. */
    char byte = 1;
    ASSERT_EQ(write(stop_pipe[1], &byte, 1), 1);
    long sent[NSIG_USED];
    size_t have = 0;
    while (have < sizeof sent) {
        ssize_t n = read(report_pipe[0], (char *)sent + have, sizeof sent - have);
        if (n < 0 && errno == EINTR)
            continue;
        ASSERT_GT(n, 0);
        have += (size_t)n;
    }
    reap_clean(flood_pid, "flooder");

    SEQ_STORE(&stop_waiters, 1);
    SEQ_STORE(&stop_retirer, 1);
    for (int i = 0; i < WAITERS; i++)
        ASSERT_EQ(pthread_join(waiters[i], NULL), 0);
    for (int i = 0; i < DISPATCHERS; i++)
        ASSERT_EQ(pthread_join(dispatchers[i], NULL), 0);
    ASSERT_EQ(pthread_join(retirer, NULL), 0);

    /* Only this thread is left. One more delivery of each stable signal
     * makes sure drops that happened after the last record was taken get
     * reported too; then wait until nothing is pending or in flight. */
    ASSERT_OK(sigx_setmask(0, NULL));
    ASSERT_OK(sigx_raise(sig[STABLE_STD]));
    ASSERT_OK(rel_send(me, sig[STABLE_RT], (uint64_t)sent[STABLE_RT]));
    rel_quiesce(flood_mask);

    struct taken *drain = &taken[WAITERS];
    sigx_info info;
    int rc;
    while ((rc = sigx_wait(flood_mask, &info, 0)) == SIGX_OK)
        account(drain, &info);
    ASSERT_TRUE(rc == SIGX_ERR_TIMEOUT || rc == SIGX_ERR_NOT_INSTALLED);

    ASSERT_EQ(SEQ_LOAD(&failures), 0);
    ASSERT_EQ(SEQ_LOAD(&gen_violations), 0);
    /* The retired signal: nothing after uninstall. */
    ASSERT_U64_EQ(stats_of(sig[RETIRED_RT]).delivered, retired_delivered);
    if (REL_UNDER_TSAN) {
        /* What TSan checks here is the locking and the races; the kernel's
         * delivery semantics are not what it runs (see reliability.h). */
        puts("ThreadSanitizer build: delivery accounting not asserted");
    } else {
        check_accounting(taken, sent);
    }

    long total_sent = 0;
    for (int k = 0; k < NSIG_USED; k++)
        total_sent += sent[k];
    sigx_stats all = stats_of(0);
    printf("concurrency: %ld signals sent by 1 flooder (%ld stable real-time), "
           "%llu seen by sigx, %llu dropped; %ld churn ops x 3 threads, "
           "%ld callback generations (%ld runs, %ld churn callbacks); retired after %llu, "
           "then %ld more went to the restored handler\n",
           total_sent, sent[STABLE_RT], (unsigned long long)all.delivered,
           (unsigned long long)all.dropped, churn_ops, callback_cycles, SEQ_LOAD(&gen_runs),
           SEQ_LOAD(&churn_callback_runs), (unsigned long long)retired_delivered,
           SEQ_LOAD(&noop_hits[sig[RETIRED_RT]]));
    for (int i = 0; i <= WAITERS; i++)
        free(taken[i].stable_values);
    TEST_PASS("test_stress_concurrency");
    return 0;
}
