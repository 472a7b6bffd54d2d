/* SIGX_TIMER_THREAD: the expiry goes to the creating thread only, so an
 * SIGX_INTERRUPT signal interrupts *its* blocking read and no other
 * thread's; and the timer is deleted when its thread exits: after the
 * join it is SIGX_ERR_NOT_FOUND, /proc/self/timers no longer lists it, and
 * no stray signal comes although it had been armed to fire repeatedly. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define MS 1000000ull

static int sig;
static int report[2];
static int timer_id = -1;

/* Blocks in read on a pipe nobody writes to, until its own timer fires. */
static void *worker(void *arg)
{
    int never[2];
    char c;
    (void)arg;
    ASSERT_SYS(pipe(never));
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, SIGX_TIMER_THREAD, 42, &timer_id));
    uint64_t t0 = now_ns();
    ASSERT_OK(sigx_timer_set(timer_id, 50 * MS, 0, 0));
    ssize_t r = read(never[0], &c, 1);
    ASSERT_EQ(r, -1);
    ASSERT_EQ(errno, EINTR);
    ASSERT_GE(now_ns() - t0, 50 * MS);
    close(never[0]);
    close(never[1]);
    ASSERT_EQ(write(report[1], "i", 1), 1);
    return NULL;
}

/* Armed to fire every millisecond from 30 ms on, then the thread exits
 * at once. */
static void *short_lived(void *arg)
{
    (void)arg;
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, SIGX_TIMER_THREAD, 43, &timer_id));
    ASSERT_OK(sigx_timer_set(timer_id, 30 * MS, MS, 0));
    return NULL;
}

/* A process timer (no SIGX_TIMER_THREAD) made by a thread that exits. */
static void *makes_process_timer(void *arg)
{
    (void)arg;
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, 0, 44, &timer_id));
    ASSERT_OK(sigx_timer_set(timer_id, 20 * MS, 0, 0));
    return NULL;
}

int main(void)
{
    pthread_t t;
    char c;
    sigx_info info;
    roomy_sigpending();
    sig = SIGRTMIN + 7;
    ASSERT_OK(sigx_install(sig, SIGX_INTERRUPT));
    ASSERT_SYS(pipe(report));

    /* The main thread blocks in read too; the worker's timer must not
     * interrupt it: it returns with the worker's byte. */
    ASSERT_EQ(pthread_create(&t, NULL, worker, NULL), 0);
    ssize_t r = read(report[0], &c, 1);
    if (r < 0)
        TEST_FAIL_("main thread's read failed: %s", strerror(errno));
    ASSERT_EQ(c, 'i');
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 0));
    ASSERT_EQ(info.code, SI_TIMER);
    ASSERT_U64_EQ(info.value, 42);
    ASSERT_EQ(sigx_timer_get(timer_id, NULL, NULL), SIGX_ERR_NOT_FOUND);
    ASSERT_EQ(proc_timers(), 0);
    TEST_PASS("a thread timer interrupts its own thread only, and goes with it");

    /* Deleted at exit before it ever fired: nothing comes, ever. */
    ASSERT_EQ(pthread_create(&t, NULL, short_lived, NULL), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(proc_timers(), 0);
    ASSERT_EQ(sigx_timer_get(timer_id, NULL, NULL), SIGX_ERR_NOT_FOUND);
    ASSERT_EQ(sigx_timer_delete(timer_id), SIGX_ERR_NOT_FOUND);
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 300), SIGX_ERR_TIMEOUT);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, 1); /* the first test's only */
    TEST_PASS("a thread timer is deleted at thread exit: no stray signal");

    /* Process timers outlive the thread that created them. */
    ASSERT_EQ(pthread_create(&t, NULL, makes_process_timer, NULL), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(proc_timers(), 1);
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 10000));
    ASSERT_U64_EQ(info.value, 44);
    ASSERT_OK(sigx_timer_delete(timer_id));
    ASSERT_EQ(proc_timers(), 0);
    TEST_PASS("a process timer outlives the thread that created it");
    return 0;
}
