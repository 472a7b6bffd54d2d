/* Issue #12: sigx_on must not reset the flags of a concurrent
 * sigx_install(sig, SIGX_CHAIN).
 *
 * A foreign handler (the test's own, with SA_SIGINFO) owns SIGUSR2 first.
 * Each round starts with SIGUSR2 not caught by sigx (uninstalled: the
 * foreign handler is back), then two threads start together:
 *   A: sigx_install(SIGUSR2, SIGX_CHAIN);
 *   B: sigx_on(SIGUSR2, cb, NULL) on even rounds (which installs with flags
 *      0 *if sigx does not catch the signal yet*), sigx_on(SIGUSR2, NULL,
 *      NULL) on odd ones.
 * Whatever the order, the last install with flags was A's: either B's
 * sigx_on came first (then A's install set SIGX_CHAIN after it) or it found
 * the signal caught and kept its flags. So once both returned, a raised
 * SIGUSR2 must be recorded *and* reach the foreign handler. Before v0.2,
 * sigx_on looked at "caught" outside the registry lock and could re-install
 * with flags 0 right after A's install.
 *
 * The threads' start offsets are steered (as in test_api_oneshot_race) so
 * that B's call starts while A's install runs. ThreadSanitizer runs a
 * raised signal's handler late; the test waits for the record, which the
 * chained call follows on the same thread, so it does not depend on it. */
#include "test.h"
#include "reliability.h"
#include "churn.h"

#include <pthread.h>

#define SIG SIGUSR2

static long foreign_calls;
static long rounds;
static pthread_barrier_t start_line, finish_line;
static int done;
static long round_no;
static int32_t offset; /* B starts this many spin turns after A (< 0: before) */
static uint64_t a_start_ns, a_end_ns, b_start_ns;

static void foreign(int signo, siginfo_t *si, void *ctx)
{
    (void)si;
    (void)ctx;
    if (signo == SIG)
        SEQ_ADD(&foreign_calls, 1);
}

static void callback(const sigx_info *info, void *user)
{
    (void)info;
    (void)user; /* never dispatched: the records are taken by sigx_wait */
}

static void *chain_main(void *arg)
{
    uint32_t rnd = 0x2545f491u;
    (void)arg;
    for (;;) {
        pthread_barrier_wait(&start_line);
        if (SEQ_LOAD(&done))
            return NULL;
        churn_delay(-SEQ_LOAD(&offset), &rnd);
        SEQ_STORE(&a_start_ns, now_ns());
        ASSERT_OK(sigx_install(SIG, SIGX_CHAIN));
        SEQ_STORE(&a_end_ns, now_ns());
        pthread_barrier_wait(&finish_line);
    }
}

static void *on_main(void *arg)
{
    uint32_t rnd = 0x6c078965u;
    (void)arg;
    for (;;) {
        pthread_barrier_wait(&start_line);
        if (SEQ_LOAD(&done))
            return NULL;
        churn_delay(SEQ_LOAD(&offset), &rnd);
        SEQ_STORE(&b_start_ns, now_ns());
        if (SEQ_LOAD(&round_no) % 2 == 0)
            ASSERT_OK(sigx_on(SIG, callback, NULL));
        else
            ASSERT_OK(sigx_on(SIG, NULL, NULL));
        pthread_barrier_wait(&finish_line);
    }
}

int main(void)
{
    rounds = rel_scaled(20000, 500);
    churn_set_siginfo(SIG, foreign);
    ASSERT_EQ(pthread_barrier_init(&start_line, NULL, 3), 0);
    ASSERT_EQ(pthread_barrier_init(&finish_line, NULL, 3), 0);
    pthread_t a, b;
    ASSERT_EQ(pthread_create(&a, NULL, chain_main, NULL), 0);
    ASSERT_EQ(pthread_create(&b, NULL, on_main, NULL), 0);

    long lost_chain = 0, overlapped = 0;
    for (long r = 0; r < rounds; r++) {
        /* Not caught by sigx: the foreign handler is the disposition. */
        int rc = sigx_uninstall(SIG);
        ASSERT_TRUE(rc == SIGX_OK || (r == 0 && rc == SIGX_ERR_NOT_INSTALLED));
        ASSERT_EQ(sigx_is_installed(SIG), 0);
        SEQ_STORE(&round_no, r);

        pthread_barrier_wait(&start_line);
        pthread_barrier_wait(&finish_line);

        uint64_t as = SEQ_LOAD(&a_start_ns), ae = SEQ_LOAD(&a_end_ns);
        uint64_t bs = SEQ_LOAD(&b_start_ns);
        if (bs >= as && bs <= ae)
            overlapped++;
        int32_t off = SEQ_LOAD(&offset) + (bs < (as + ae) / 2 ? 16 : -16);
        SEQ_STORE(&offset, off > 100000 || off < -100000 ? 0 : off);

        ASSERT_EQ(sigx_is_installed(SIG), 1);
        long before = SEQ_LOAD(&foreign_calls);
        ASSERT_OK(sigx_raise(SIG));
        sigx_info info;
        ASSERT_OK(sigx_wait(SIGX_BIT(SIG), &info, 10000));
        ASSERT_EQ(info.signo, SIG);
        ASSERT_EQ(sigx_wait(SIGX_BIT(SIG), &info, 0), SIGX_ERR_TIMEOUT);
        if (SEQ_LOAD(&foreign_calls) != before + 1 && lost_chain++ < 5)
            fprintf(stderr, "round %ld (B: sigx_on(%s)): the foreign handler was %s\n", r,
                    r % 2 == 0 ? "cb" : "NULL",
                    SEQ_LOAD(&foreign_calls) == before ? "not called" : "called twice");
    }
    SEQ_STORE(&done, 1);
    pthread_barrier_wait(&start_line);
    ASSERT_EQ(pthread_join(a, NULL), 0);
    ASSERT_EQ(pthread_join(b, NULL), 0);

    printf("%ld rounds (%ld with B's call starting during A's install): "
           "%ld lost the chained call\n", rounds, overlapped, lost_chain);
    ASSERT_EQ(lost_chain, 0);
    ASSERT_OK(sigx_uninstall(SIG));
    ASSERT_TRUE(churn_kernel_handler(SIG, NULL) == (uintptr_t)foreign);
    TEST_PASS("test_chain_on_race");
    return 0;
}
