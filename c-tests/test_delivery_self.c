/* A process signalling itself: the fields of each record (sigx_info in
 * sigx.h). sigx_raise sends to the calling thread (SI_TKILL), sigx_send
 * uses sigqueue (SI_QUEUE plus the value); seq counts from 1, time_ns is the
 * CLOCK_MONOTONIC reading taken by the handler, reserved fields are zero. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

/* Fields every record sent by this process has. */
static void check_common(const sigx_info *info, int signo, uint64_t seq,
                         uint64_t t_before, uint64_t t_after)
{
    ASSERT_EQ(info->signo, signo);
    ASSERT_EQ(info->pid, getpid());
    ASSERT_U64_EQ(info->uid, getuid());
    ASSERT_EQ(info->status, 0);
    ASSERT_EQ(info->reserved0, 0);
    ASSERT_U64_EQ(info->reserved1, 0);
    ASSERT_U64_EQ(info->dropped, 0);
    ASSERT_U64_EQ(info->seq, seq);
    /* The handler ran between the two readings of the same clock. */
    ASSERT_TRUE(info->time_ns != 0);
    ASSERT_TRUE(info->time_ns >= t_before && info->time_ns <= t_after);
}

int main(void)
{
    const int rt = SIGRTMIN + 5;
    const uint64_t values[] = {0, 1, UINT64_C(0x1122334455667788), UINT64_MAX,
                               UINT64_C(0x8000000000000000)};
    sigx_info info;
    sigx_stats st;
    uint64_t t0, t1, last_time;

    roomy_sigpending(); /* see helpers.h */
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_install(rt, 0));

    /* sigx_raise: to this thread, handled before it returns. */
    t0 = now_ns();
    ASSERT_OK(sigx_raise(SIGUSR1));
    t1 = now_ns();
    ASSERT_OK(sigx_stats_get(SIGUSR1, &st));
    ASSERT_U64_EQ(st.delivered, 1);
    ASSERT_U64_EQ(st.queued, 1);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 10000));
    check_common(&info, SIGUSR1, 1, t0, t1);
    ASSERT_EQ(info.code, SI_TKILL);
    ASSERT_U64_EQ(info.value, 0);
    last_time = info.time_ns;

    /* sigx_send: sigqueue to our own pid carries the value through. */
    t0 = now_ns();
    ASSERT_OK(sigx_send(getpid(), SIGUSR2, values[2]));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR2), &info, 10000));
    t1 = now_ns();
    check_common(&info, SIGUSR2, 2, t0, t1);
    ASSERT_EQ(info.code, SI_QUEUE);
    ASSERT_U64_EQ(info.value, values[2]);
    ASSERT_TRUE(info.time_ns >= last_time);
    last_time = info.time_ns;

    /* A real-time signal, every value (all 64 bits), seq keeps counting. */
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        t0 = now_ns();
        ASSERT_OK(sigx_send(getpid(), rt, values[i]));
        ASSERT_OK(sigx_wait(SIGX_BIT(rt), &info, 10000));
        t1 = now_ns();
        check_common(&info, rt, 3 + i, t0, t1);
        ASSERT_EQ(info.code, SI_QUEUE);
        ASSERT_U64_EQ(info.value, values[i]);
        ASSERT_TRUE(info.time_ns >= last_time);
        last_time = info.time_ns;
    }

    /* Several queued at once come out in order, times non-decreasing. */
    for (int i = 0; i < 10; i++)
        ASSERT_OK(sigx_raise(rt));
    for (uint64_t seq = 8; seq < 18; seq++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(rt), &info, 0));
        ASSERT_U64_EQ(info.seq, seq);
        ASSERT_EQ(info.code, SI_TKILL);
        ASSERT_TRUE(info.time_ns >= last_time);
        last_time = info.time_ns;
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(rt), &info, 0), SIGX_ERR_TIMEOUT);

    /* The figures agree: 17 deliveries, nothing dropped or left. */
    ASSERT_OK(sigx_stats_get(0, &st));
    ASSERT_U64_EQ(st.delivered, 17);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(st.high_water, 10);
    TEST_PASS("test_delivery_self");
    return 0;
}
