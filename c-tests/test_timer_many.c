/* 1,024 timers at once, each with its own cookie, all firing: every one of
 * them delivers exactly one record. Ids are positive, distinct and never
 * reused: deleted ids are SIGX_ERR_NOT_FOUND for set, get and delete, and
 * new timers get new ids. */
#include "test.h"
#include "helpers.h"

#include <signal.h>

#define N 1024
#define MS 1000000ull

static int ids[N];
static unsigned char seen[N];

int main(void)
{
    int sig = SIGRTMIN + 5;
    sigx_info info;
    roomy_sigpending();
    ASSERT_OK(sigx_install(sig, 0));
    int before = proc_timers();
    for (int i = 0; i < N; i++) {
        ids[i] = -1;
        ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, 0, 1000 + (uint64_t)i, &ids[i]));
        ASSERT_GT(ids[i], 0);
        if (i > 0)
            ASSERT_GT(ids[i], ids[i - 1]); /* distinct (increasing, in fact) */
    }
    ASSERT_EQ(proc_timers(), before + N);
    for (int i = 0; i < N; i++)
        ASSERT_OK(sigx_timer_set(ids[i], 10 * MS + (uint64_t)(i % 7) * MS, 0, 0));
    for (int got = 0; got < N; got++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 10000));
        ASSERT_EQ(info.code, SI_TIMER);
        ASSERT_GE(info.value, 1000);
        ASSERT_LT(info.value, 1000 + N);
        ASSERT_EQ(seen[info.value - 1000], 0);
        seen[info.value - 1000] = 1;
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 50), SIGX_ERR_TIMEOUT);
    TEST_PASS("1,024 timers at once, one record each");

    int max_id = ids[N - 1];
    for (int i = 0; i < N; i++)
        ASSERT_OK(sigx_timer_delete(ids[i]));
    ASSERT_EQ(proc_timers(), before);
    for (int i = 0; i < N; i += 97) {
        uint64_t left = 5, every = 6;
        ASSERT_EQ(sigx_timer_delete(ids[i]), SIGX_ERR_NOT_FOUND);
        ASSERT_EQ(sigx_timer_set(ids[i], MS, 0, 0), SIGX_ERR_NOT_FOUND);
        ASSERT_EQ(sigx_timer_get(ids[i], &left, &every), SIGX_ERR_NOT_FOUND);
        ASSERT_U64_EQ(left, 5); /* untouched */
        ASSERT_U64_EQ(every, 6);
    }
    /* New timers never get an old id, also after everything was deleted. */
    for (int i = 0; i < 16; i++) {
        int id = -1;
        ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_REALTIME, 0, 0, &id));
        ASSERT_GT(id, max_id);
        max_id = id;
        ASSERT_OK(sigx_timer_delete(id));
    }
    ASSERT_EQ(proc_timers(), before);
    TEST_PASS("deleted ids are not found, and never reused");
    return 0;
}
