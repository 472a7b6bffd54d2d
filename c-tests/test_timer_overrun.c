/* A periodic timer whose signal stays blocked across several expiries: the
 * kernel keeps one delivery pending and counts the others as overruns, and
 * the record says so in `status`. The signal is blocked in this (only)
 * thread, so sigx_wait takes the delivery straight from the kernel; then
 * unblocked, each record carries the cookie and the overruns add up. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <time.h>

#define MS 1000000ull

static void sleep_ms(long ms)
{
    /* Not synchronisation: letting the timer expire while the signal waits
     * blocked is the point. Restarted after EINTR (nothing should come). */
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ASSERT_EQ(errno, EINTR);
}

int main(void)
{
    int sig = SIGRTMIN + 4, id = -1;
    sigx_info info;
    roomy_sigpending();
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, 0, 0x1234, &id));

    /* Every 2 ms for 100 ms while blocked: one pending delivery, about 49
     * overruns. Assert only "some". */
    uint64_t t0 = now_ns();
    ASSERT_OK(sigx_timer_set(id, 2 * MS, 2 * MS, 0));
    sleep_ms(100);
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 10000));
    uint64_t elapsed = now_ns() - t0;
    ASSERT_EQ(info.code, SI_TIMER);
    ASSERT_U64_EQ(info.value, 0x1234);
    ASSERT_EQ(info.pid, 0);
    ASSERT_EQ(info.uid, 0);
    ASSERT_GT(info.status, 0);
    /* Never more expirations than the time allows. */
    ASSERT_LE((uint64_t)info.status + 1, elapsed / (2 * MS));
    printf("# blocked 100 ms: one record, overrun %d\n", info.status);
    TEST_PASS("overrun counted in status while the signal stays blocked");

    /* Unblocked: records keep coming, each with the cookie. */
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL));
    for (int i = 0; i < 10; i++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 10000));
        ASSERT_EQ(info.code, SI_TIMER);
        ASSERT_U64_EQ(info.value, 0x1234);
        ASSERT_GE(info.status, 0);
    }
    ASSERT_OK(sigx_timer_delete(id));
    TEST_PASS("periodic records after unblocking");

    /* After the delete, nothing more comes (what was queued is drained). */
    while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK) {
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 50), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(proc_timers(), 0);
    TEST_PASS("deleted: no more records");
    return 0;
}
