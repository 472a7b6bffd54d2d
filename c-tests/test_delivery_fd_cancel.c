/* sigx_fd and thread cancellation: the handler makes no call that is a
 * cancellation point.
 *
 * sigx's handler writes the eventfd only when it is not readable already
 * (it marks it written first). Were that write a cancellation point, a
 * thread with a deferred cancel pending would be cancelled inside the
 * handler between the mark and the write: the descriptor would never become
 * readable again. Here a worker with a cancel pending takes a delivery in
 * its handler; the descriptor must be readable afterwards, the worker must
 * still be running (it is cancelled only at its own cancellation point),
 * and later deliveries keep the descriptor working. */
#include "test.h"
#include "helpers.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

static atomic_int started, spin = 1, survived;

/* No ASan instrumentation here: the cancel unwinds this frame without
 * running its epilogue, so the redzones ASan puts around the temporaries of
 * <stdatomic.h>'s macros would stay poisoned, and ASan's own thread teardown
 * reuses that stack and reports its own write there (a false positive seen
 * about once in a hundred runs). */
#if defined(__SANITIZE_ADDRESS__)
__attribute__((no_sanitize_address))
#endif
static void *worker(void *arg)
{
    (void)arg;
    atomic_store(&started, 1);
    /* sched_yield is not a cancellation point; it lets valgrind (which
     * delivers signals at system calls) run the handler here. */
    while (atomic_load(&spin))
        sched_yield();
    /* Only reached if the cancel did not act inside the handler. */
    atomic_store(&survived, 1);
    pthread_testcancel();
    return NULL;
}

int main(void)
{
    int sig = SIGUSR1;
    ASSERT_OK(sigx_install(sig, 0));
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(!poll_readable(fd, 0));
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, worker, NULL), 0);
    while (!atomic_load(&started)) {
    }
    ASSERT_EQ(pthread_cancel(t), 0); /* deferred: pending */
    ASSERT_EQ(pthread_kill(t, sig), 0); /* the handler runs on the worker */
    /* Wait (up to 20 s) until the handler on the worker has recorded it. */
    long long t0 = now_ms();
    sigx_stats st;
    do {
        sched_yield();
        ASSERT_OK(sigx_stats_get(sig, &st));
        if (now_ms() - t0 > 20000)
            TEST_FAIL_("the delivery never reached the handler%s", "");
    } while (st.delivered == 0);
    atomic_store(&spin, 0);
    void *ret;
    ASSERT_EQ(pthread_join(t, &ret), 0);
    ASSERT_TRUE(ret == PTHREAD_CANCELED);
    int reached_testcancel = atomic_load(&survived);
    ASSERT_EQ(reached_testcancel, 1);
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.queued, 1);
    ASSERT_TRUE(poll_readable(fd, 0));

    /* And it keeps working: drain, then more deliveries. */
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 0));
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_TRUE(!poll_readable(fd, 0));
    ASSERT_OK(sigx_raise(sig));
    ASSERT_TRUE(poll_readable(fd, 0));
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 0));
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("a cancel pending on the handler's thread does not break sigx_fd");
    return 0;
}
