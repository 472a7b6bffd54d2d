/* Issue #12, the "172,701 missing" scenario: a caught signal's queue is
 * never swapped (sigx_set_capacity in sigx.h: SIGX_ERR_BUSY while caught).
 *
 * Three threads raise SIGUSR1 at themselves as fast as they can while the
 * main thread, ITERATIONS times (200,000, divided by SIGX_STRESS_DIV, x10
 * with SIGX_LONG=1): changes the default capacity (sigx_set_capacity(0, n),
 * n varying), re-installs SIGUSR1 (sigx_install(SIGUSR1, 0)) and drains
 * what is queued with sigx_wait. The capacities are small, so queues fill
 * and drops happen: they must be counted, never lost.
 *
 * At the end (raisers stopped and joined, so no delivery is in progress;
 * everything drained; one more delivery to report the last drops):
 *   delivered == returned + queued + dropped, with 0 missing,
 * and the drops reported in returned records add up to the figure.
 *
 * Before v0.2 a re-install after a default-capacity change replaced the
 * empty queue of the caught signal, and a handler that had already loaded
 * the old queue pushed into one nobody read: records vanished uncounted. */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"
#include "reliability.h"
#include "churn.h"

#include <pthread.h>

#define RAISERS 3

static int stop_raisers;
static long raised[RAISERS];

static void *raiser_main(void *arg)
{
    long *count = arg;
    while (!SEQ_LOAD(&stop_raisers)) {
        int rc = rel_raise(SIGUSR1); /* pthread_kill to this thread */
        if (rc != SIGX_OK)
            TEST_FAIL_("sigx_raise returned %d (%s)", rc, sigx_strerror(rc));
        (*count)++;
    }
    return NULL;
}

/* Records returned and drops they reported. */
static uint64_t returned, reported;

static int drain(long at_most)
{
    sigx_info info;
    int rc = SIGX_OK;
    for (long n = 0; n < at_most; n++) {
        rc = sigx_wait(SIGX_BIT(SIGUSR1), &info, 0);
        if (rc != SIGX_OK)
            break;
        ASSERT_EQ(info.signo, SIGUSR1);
        returned++;
        reported += info.dropped;
    }
    if (rc != SIGX_OK && rc != SIGX_ERR_TIMEOUT)
        TEST_FAIL_("sigx_wait returned %d (%s)", rc, sigx_strerror(rc));
    return rc;
}

int main(void)
{
    roomy_sigpending();
    rel_prefault_stack();
    const long iterations = rel_scaled(200000, 2000);
    /* Small and all different: every change would have meant a new queue
     * of a new size before v0.2. */
    static const uint32_t capacities[] = {1, 2, 3, 5, 8, 13, 21, 34, 55, 7, 4, 16};
    const long ncap = (long)(sizeof capacities / sizeof capacities[0]);

    ASSERT_OK(sigx_set_capacity(0, 64));
    ASSERT_OK(sigx_install(SIGUSR1, 0));

    pthread_t raisers[RAISERS];
    for (int i = 0; i < RAISERS; i++)
        ASSERT_EQ(pthread_create(&raisers[i], NULL, raiser_main, &raised[i]), 0);

    for (long i = 0; i < iterations; i++) {
        ASSERT_OK(sigx_set_capacity(0, capacities[i % ncap]));
        ASSERT_OK(sigx_install(SIGUSR1, 0));
        drain(256);
        /* The queue of a caught signal: never available for a change. */
        if (i % 1024 == 0)
            ASSERT_EQ(sigx_set_capacity(SIGUSR1, 8), SIGX_ERR_BUSY);
    }

    SEQ_STORE(&stop_raisers, 1);
    long total_raised = 0;
    for (int i = 0; i < RAISERS; i++) {
        ASSERT_EQ(pthread_join(raisers[i], NULL), 0);
        total_raised += raised[i];
    }

    /* Each raise ran its handler on its own thread before returning, and
     * those threads are gone: nothing is in flight. Drain, then one more
     * delivery (on this thread, recorded before raise returns) carries the
     * drops not reported yet. */
    while (drain(1L << 30) == SIGX_OK) {
    }
    ASSERT_OK(sigx_raise(SIGUSR1));
    while (drain(1L << 30) == SIGX_OK) {
    }

    sigx_stats st = stats_of(SIGUSR1);
    long long missing = (long long)st.delivered -
                        (long long)(returned + st.queued + st.dropped);
    printf("%ld iterations, %ld raised + 1: delivered=%llu returned=%llu queued=%llu "
           "dropped=%llu (reported %llu) missing=%lld\n",
           iterations, total_raised, (unsigned long long)st.delivered,
           (unsigned long long)returned, (unsigned long long)st.queued,
           (unsigned long long)st.dropped, (unsigned long long)reported, missing);
    ASSERT_EQ(missing, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(reported, st.dropped);
    ASSERT_GT(returned, 0);
    if (!REL_UNDER_TSAN) /* TSan may merge raised signals (see reliability.h) */
        ASSERT_U64_EQ(st.delivered, (uint64_t)total_raised + 1);
    TEST_PASS("test_stress_capacity_reinstall");
    return 0;
}
