/* Issue #12: SIGX_CHAIN calls the predecessor with the arguments it
 * expects, even while uninstall + re-install switch between a one-argument
 * and a three-argument predecessor under a flood.
 *
 * Two predecessors of the test's own: `plain` (void h(int), no SA_SIGINFO)
 * and `full` (SA_SIGINFO: h(int, siginfo_t *, void *)). A child process
 * floods SIGRTMIN+4 at this process and a thread raises it at itself; two
 * waiter threads take the records (and run most handlers). The main thread,
 * with the signal blocked, repeats: sigx_uninstall (the current predecessor
 * is back), sigaction with the *other* predecessor, sigx_install(sig,
 * SIGX_CHAIN). Whether a predecessor is called by the kernel directly
 * (between uninstall and install) or chained by sigx:
 *   - `full` must get signo, a siginfo_t * that points at a siginfo for this
 *     signal (si_signo == sig, si_code SI_QUEUE or SI_TKILL) and a non-NULL
 *     ucontext pointer;
 *   - `plain` must get the right signo.
 * Before v0.2 the chained function and "takes siginfo" were two atomics, so
 * a handler running across the switch could pair them wrongly and call
 * `full` with one argument (its siginfo and ucontext then whatever the
 * registers held).
 *
 * A wrongly called `full` may see any pointer, so it dereferences siginfo
 * and ucontext only if they lie near its own stack frame, where the kernel
 * puts them (on the stack the handler runs on); anything else is counted
 * as a violation. Under ThreadSanitizer the runtime passes copies of its
 * own elsewhere, so there the pointers are only checked for NULL.
 *
 * Switches for 2 s (20 s with SIGX_LONG=1), at least 1,000 of them. */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"
#include "reliability.h"
#include "churn.h"

#include <pthread.h>
#include <sys/wait.h>

#define WAITERS 2
#define NEAR_BYTES (256 * 1024)

static int sig;
static long plain_calls, full_calls, violations;
static int stop;

static int near_here(const void *p, const void *here)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)here;
    return (a > b ? a - b : b - a) < NEAR_BYTES;
}

static void plain(int signo)
{
    if (signo != sig)
        SEQ_ADD(&violations, 1);
    SEQ_ADD(&plain_calls, 1);
}

static void full(int signo, siginfo_t *si, void *ctx)
{
    /* The real frame (a local's address may be on ASan's fake stack). */
    const void *here = __builtin_frame_address(0);
    int ok = signo == sig && si != NULL && ctx != NULL;
    if (ok && !REL_UNDER_TSAN)
        ok = near_here(si, here) && near_here(ctx, here);
    if (ok)
        ok = si->si_signo == sig &&
             (REL_UNDER_TSAN || si->si_code == SI_QUEUE || si->si_code == SI_TKILL);
    if (!ok)
        SEQ_ADD(&violations, 1);
    SEQ_ADD(&full_calls, 1);
}

static void *waiter_main(void *arg)
{
    (void)arg;
    while (!SEQ_LOAD(&stop)) {
        sigx_info info;
        int rc = sigx_wait(SIGX_BIT(sig), &info, 50);
        if (rc != SIGX_OK && rc != SIGX_ERR_TIMEOUT && rc != SIGX_ERR_NOT_INSTALLED)
            TEST_FAIL_("sigx_wait returned %d (%s)", rc, sigx_strerror(rc));
        if (rc == SIGX_ERR_NOT_INSTALLED) /* between uninstall and install */
            sched_yield();
    }
    return NULL;
}

static void *raiser_main(void *arg)
{
    (void)arg;
    for (unsigned long n = 0; !SEQ_LOAD(&stop); n++) {
        int rc = rel_raise(sig);
        if (rc != SIGX_OK)
            TEST_FAIL_("sigx_raise returned %d (%s)", rc, sigx_strerror(rc));
        if (n % 64 == 0)
            rel_valgrind_breather();
    }
    return NULL;
}

int main(void)
{
    roomy_sigpending();
    rel_prefault_stack();
    sig = sigx_rtmin() + 4;
    const uint64_t run_ns = churn_duration_ms(2000) * 1000000u;

    churn_set_plain(sig, plain);
    ASSERT_OK(sigx_install(sig, SIGX_CHAIN));

    int stop_pipe[2];
    ASSERT_SYS(pipe(stop_pipe));
    pid_t me = getpid();
    fflush(NULL);
    pid_t flooder = fork();
    ASSERT_SYS(flooder);
    if (flooder == 0) {
        close(stop_pipe[1]);
        rel_burst_flooder(me, &sig, 1, stop_pipe[0]);
    }
    close(stop_pipe[0]);

    pthread_t waiters[WAITERS], raiser;
    for (int i = 0; i < WAITERS; i++)
        ASSERT_EQ(pthread_create(&waiters[i], NULL, waiter_main, NULL), 0);
    ASSERT_EQ(pthread_create(&raiser, NULL, raiser_main, NULL), 0);
    /* The switching thread runs no handler: they run on the others, at
     * the same time as the switches. */
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));

    long iterations = 0;
    uint64_t start = now_ns();
    for (long i = 0; i < 1000 || now_ns() - start < run_ns; i++, iterations++) {
        ASSERT_OK(sigx_uninstall(sig));
        if (i % 2 == 0)
            churn_set_siginfo(sig, full);
        else
            churn_set_plain(sig, plain);
        ASSERT_OK(sigx_install(sig, SIGX_CHAIN));
    }

    churn_write_byte(stop_pipe[1]);
    reap_clean(flooder, "flooder");
    SEQ_STORE(&stop, 1);
    ASSERT_EQ(pthread_join(raiser, NULL), 0);
    for (int i = 0; i < WAITERS; i++)
        ASSERT_EQ(pthread_join(waiters[i], NULL), 0);

    /* Deterministic end: `full` chained by sigx, on this thread. */
    ASSERT_OK(sigx_uninstall(sig));
    churn_set_siginfo(sig, full);
    ASSERT_OK(sigx_install(sig, SIGX_CHAIN));
    sigx_info info;
    while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK) {
    }
    long before = SEQ_LOAD(&full_calls);
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL)); /* pending ones arrive now */
    ASSERT_OK(rel_raise(sig));
    for (;;) { /* the raised one is the newest record */
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 10000));
        if (info.code == SI_TKILL || REL_UNDER_TSAN)
            break;
    }
    ASSERT_GT(SEQ_LOAD(&full_calls), before);
    ASSERT_OK(sigx_uninstall(sig));

    sigx_stats st = stats_of(sig);
    printf("%ld switches: %ld calls of the one-argument predecessor, %ld of the "
           "three-argument one, %ld with wrong arguments; sigx saw %llu deliveries\n",
           iterations, SEQ_LOAD(&plain_calls), SEQ_LOAD(&full_calls),
           SEQ_LOAD(&violations), (unsigned long long)st.delivered);
    ASSERT_EQ(SEQ_LOAD(&violations), 0);
    ASSERT_GT(SEQ_LOAD(&plain_calls), 0);
    ASSERT_GT(SEQ_LOAD(&full_calls), 0);
    TEST_PASS("test_chain_arity");
    return 0;
}
