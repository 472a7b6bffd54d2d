/* 10,000 deadline set/clear cycles, 10,000 timer create/set/delete cycles
 * and 200 threads that each leave with a deadline and a thread timer armed
 * leak nothing: the same descriptors and no kernel timer
 * (/proc/self/timers) afterwards, and nothing fired. Counts are divided by
 * SIGX_STRESS_DIV (sanitizer and valgrind runs). */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>

#define MS 1000000ull

static int sig;

static void *leaves_armed(void *arg)
{
    int id = -1;
    (void)arg;
    ASSERT_OK(sigx_deadline(sig, 3600000));
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, SIGX_TIMER_THREAD, 1, &id));
    ASSERT_OK(sigx_timer_set(id, 3600000 * MS, 0, 0));
    return NULL;
}

int main(void)
{
    long cycles = flood_size(10000, 100), threads = flood_size(200, 20);
    roomy_sigpending();
    sig = SIGRTMIN + 8;
    ASSERT_OK(sigx_install(sig, SIGX_INTERRUPT));
    /* Let sigx make what it makes once (keys, the first slot). */
    ASSERT_OK(sigx_deadline(sig, 3600000));
    ASSERT_OK(sigx_deadline(sig, -1));
    int fds = open_fds();
    ASSERT_EQ(proc_timers(), 0);

    for (long i = 0; i < cycles; i++) {
        ASSERT_OK(sigx_deadline(sig, 3600000));
        if (i % 2)
            ASSERT_OK(sigx_deadline(sig, 1800000)); /* replace */
        ASSERT_OK(sigx_deadline(sig, -1));
    }
    ASSERT_EQ(proc_timers(), 0);
    ASSERT_EQ(open_fds(), fds);
    TEST_PASS("deadline set/clear cycles leak no timer and no descriptor");

    int last = 0;
    for (long i = 0; i < cycles; i++) {
        int id = -1;
        ASSERT_OK(sigx_timer_create(sig, (int)(i % 5), (uint32_t)(i % 2), (uint64_t)i, &id));
        ASSERT_GT(id, last);
        last = id;
        ASSERT_OK(sigx_timer_set(id, 3600000 * MS, 0, 0));
        ASSERT_OK(sigx_timer_delete(id));
    }
    ASSERT_EQ(proc_timers(), 0);
    ASSERT_EQ(open_fds(), fds);
    TEST_PASS("timer create/set/delete cycles leak nothing");

    for (long i = 0; i < threads; i++) {
        pthread_t t;
        ASSERT_EQ(pthread_create(&t, NULL, leaves_armed, NULL), 0);
        ASSERT_EQ(pthread_join(t, NULL), 0);
    }
    ASSERT_EQ(proc_timers(), 0);
    ASSERT_EQ(open_fds(), fds);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, 0);
    TEST_PASS("threads that exit with a deadline and a thread timer armed leak nothing");
    return 0;
}
