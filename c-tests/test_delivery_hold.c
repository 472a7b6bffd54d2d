/* Flow control for real-time floods (ctest: RUN_SERIAL).
 *
 * A single-threaded program waits in sigx_wait while a child floods it with
 * far more real-time signals than the queue holds (default capacity 1024).
 * Every delivery runs sigx's handler on the waiting thread itself, so
 * without flow control the ring would overflow while the waiter cannot run.
 * sigx holds the signal back in the kernel (blocked on the waiting thread)
 * while the ring is full and lets it in again once there is room, so:
 *   - every value arrives exactly once and nothing is dropped;
 *   - the thread's signal mask is the same after the flood as before;
 *   - a waiter that stops waiting while holding gets the signal released by
 *     its next wait, and a wait never sleeps on a held signal. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#define FLOOD 60000

static unsigned char seen[FLOOD];

static pid_t flood(int signo, int count)
{
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        for (int i = 0; i < count; i++)
            if (queue_retry(parent, signo, (uint64_t)i) != 0)
                _exit(2);
        _exit(0);
    }
    return child;
}

static void reap_ok(pid_t child)
{
    int status;
    ASSERT_SYS(waitpid(child, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
}

static uint64_t thread_mask(void)
{
    uint64_t mask;
    ASSERT_OK(sigx_block(0, &mask));
    return mask;
}

static void test_delivery_hold_lossless(void)
{
    int sig = sigx_rtmin() + 3;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_install(sig, 0));
    pid_t child = flood(sig, FLOOD);

    sigx_info info;
    uint64_t dropped = 0;
    for (int got = 0; got < FLOOD; got++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
        ASSERT_EQ(info.signo, sig);
        ASSERT_LT(info.value, FLOOD);
        ASSERT_EQ(seen[info.value], 0);
        seen[info.value] = 1;
        dropped += info.dropped;
    }
    reap_ok(child);
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_U64_EQ(dropped, 0);

    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, FLOOD);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_LE(st.high_water, 1024);
    /* Nothing stays blocked once the flood is over. */
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("flood of 60000 received without loss, mask restored");
}

/* The waiter stops while the ring is full and the signal is held back; its
 * next wait drains and releases it, and a wait with nothing queued does not
 * sleep on a held signal (it would hang: ctest's TIMEOUT would say so). */
static void test_delivery_hold_released_by_next_wait(void)
{
    int sig = sigx_rtmin() + 4;
    const int cap = 16, total = 200;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(sig, (uint32_t)cap));
    ASSERT_OK(sigx_install(sig, 0));
    pid_t child = flood(sig, total);

    sigx_info info;
    int got = 0;
    uint64_t dropped = 0;
    /* Take one record, then let the child finish sending while we do not
     * wait: whatever the ring cannot take is either dropped (counted) or,
     * if this thread holds the signal back, kept by the kernel. */
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
    got++;
    dropped += info.dropped;
    reap_ok(child);
    while (got + (int)dropped < total) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
        got++;
        dropped += info.dropped;
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, (uint64_t)total);
    ASSERT_U64_EQ((uint64_t)got + st.dropped, (uint64_t)total);
    ASSERT_U64_EQ(dropped, st.dropped);
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("held signal released by the next wait");
}

int main(void)
{
    roomy_sigpending();
    test_delivery_hold_lossless();
    test_delivery_hold_released_by_next_wait();
    return 0;
}
