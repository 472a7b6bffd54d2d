/* sigx_timer_*: a timer on each clock sends its signal with code SI_TIMER,
 * value == cookie, pid/uid 0; never before its time; sigx_timer_get reports
 * what is left and the interval; an absolute REALTIME deadline fires at
 * (never before) that wall-clock time, and one already past at once; the
 * CPU clocks count only CPU time (of the process, of the creating thread).
 * Timing is asserted one way only: an expiry is never early. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#define WAIT_MS 10000
#define MS 1000000ull

static int sig;

static void expect_timer_record(const sigx_info *info, uint64_t cookie)
{
    ASSERT_EQ(info->signo, sig);
    ASSERT_EQ(info->code, SI_TIMER);
    ASSERT_U64_EQ(info->value, cookie);
    ASSERT_EQ(info->pid, 0);
    ASSERT_EQ(info->uid, 0);
    ASSERT_GE(info->status, 0);
}

/* A one-shot relative timer on a wall-time clock. */
static void one_shot(int clock, uint64_t cookie)
{
    int id = -1;
    uint64_t left = 1, every = 1;
    sigx_info info;
    ASSERT_OK(sigx_timer_create(sig, clock, 0, cookie, &id));
    ASSERT_GT(id, 0);
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_U64_EQ(left, 0); /* created disarmed */
    ASSERT_U64_EQ(every, 0);
    uint64_t t0 = now_ns();
    ASSERT_OK(sigx_timer_set(id, 30 * MS, 0, 0));
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_GT(left, 0);
    ASSERT_LE(left, 30 * MS);
    ASSERT_U64_EQ(every, 0);
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, WAIT_MS));
    expect_timer_record(&info, cookie);
    ASSERT_EQ(info.status, 0);
    ASSERT_GE(info.time_ns - t0, 30 * MS); /* never early */
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_U64_EQ(left, 0); /* a one-shot is disarmed after it fired */
    /* Only one record: it was a one-shot. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 50), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_timer_delete(id));
}

/* Periodic: the interval is reported, and records keep coming. */
static void periodic(void)
{
    int id = -1;
    uint64_t left = 0, every = 0;
    sigx_info info;
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, 0, 77, &id));
    ASSERT_OK(sigx_timer_set(id, 5 * MS, 3 * MS, 0));
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_U64_EQ(every, 3 * MS);
    for (int i = 0; i < 5; i++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, WAIT_MS));
        expect_timer_record(&info, 77);
    }
    /* Disarm: remaining 0 (the interval goes with it). */
    ASSERT_OK(sigx_timer_set(id, 0, 3 * MS, 0));
    ASSERT_OK(sigx_timer_get(id, &left, &every));
    ASSERT_U64_EQ(left, 0);
    ASSERT_U64_EQ(every, 0);
    ASSERT_OK(sigx_timer_delete(id));
    while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK) {
    }
}

/* An absolute REALTIME deadline: fires at that wall-clock time, never
 * before; one in the past fires at once. */
static void absolute_realtime(void)
{
    int id = -1;
    struct timespec now;
    sigx_info info;
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_REALTIME, 0, 0xabcdef, &id));
    ASSERT_SYS(clock_gettime(CLOCK_REALTIME, &now));
    uint64_t at = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec + 40 * MS;
    ASSERT_OK(sigx_timer_set(id, at, 0, SIGX_TIMER_ABSTIME));
    uint64_t left = 0;
    ASSERT_OK(sigx_timer_get(id, &left, NULL)); /* relative, even for ABSTIME */
    ASSERT_GT(left, 0);
    ASSERT_LE(left, 40 * MS);
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, WAIT_MS));
    ASSERT_SYS(clock_gettime(CLOCK_REALTIME, &now));
    ASSERT_GE((uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec, at);
    expect_timer_record(&info, 0xabcdef);

    /* One second after the Epoch: long past. */
    ASSERT_OK(sigx_timer_set(id, 1000000000u, 0, SIGX_TIMER_ABSTIME));
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, WAIT_MS));
    expect_timer_record(&info, 0xabcdef);
    ASSERT_OK(sigx_timer_delete(id));
}

/* Process CPU time: fires only once the process has used that much CPU. */
static void process_cpu(void)
{
    int id = -1;
    sigx_info info;
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_PROCESS_CPU, 0, 3, &id));
    struct timespec ts;
    ASSERT_SYS(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts));
    uint64_t cpu0 = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    ASSERT_OK(sigx_timer_set(id, 30 * MS, 0, 0));
    /* Sleeping uses no CPU: nothing in 100 ms of sleep. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 100), SIGX_ERR_TIMEOUT);
    uint64_t deadline = now_ns() + (uint64_t)WAIT_MS * MS;
    int r;
    while ((r = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_ERR_TIMEOUT) {
        if (now_ns() > deadline)
            TEST_FAIL_("%s", "PROCESS_CPU timer never fired");
        burn_cpu_ns(MS);
    }
    ASSERT_OK(r);
    expect_timer_record(&info, 3);
    ASSERT_SYS(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts));
    ASSERT_GE((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec - cpu0, 30 * MS);
    ASSERT_OK(sigx_timer_delete(id));
}

/* Thread CPU time: counts the creating thread only. */
static int thread_timer_id = -1;

static void *burner(void *arg)
{
    (void)arg;
    /* Another thread's CPU time: the main thread's THREAD_CPU timer must
     * not see it. 100 ms of CPU, more than the timer's 30 ms. */
    burn_cpu_ns(100 * MS);
    return NULL;
}

static void thread_cpu(void)
{
    sigx_info info;
    pthread_t t;
    ASSERT_OK(sigx_timer_create(sig, SIGX_CLOCK_THREAD_CPU, 0, 4, &thread_timer_id));
    uint64_t cpu0 = thread_cpu_ns();
    ASSERT_OK(sigx_timer_set(thread_timer_id, 30 * MS, 0, 0));
    ASSERT_EQ(pthread_create(&t, NULL, burner, NULL), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    /* The burner used 100 ms of CPU, this thread almost none: no expiry. */
    ASSERT_LT(thread_cpu_ns() - cpu0, 30 * MS);
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    uint64_t deadline = now_ns() + (uint64_t)WAIT_MS * MS;
    int r;
    while ((r = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_ERR_TIMEOUT) {
        if (now_ns() > deadline)
            TEST_FAIL_("%s", "THREAD_CPU timer never fired");
        burn_cpu_ns(MS);
    }
    ASSERT_OK(r);
    expect_timer_record(&info, 4);
    ASSERT_GE(thread_cpu_ns() - cpu0, 30 * MS);
    ASSERT_OK(sigx_timer_delete(thread_timer_id));
}

int main(void)
{
    roomy_sigpending();
    sig = SIGRTMIN + 3;
    ASSERT_OK(sigx_install(sig, 0));

    one_shot(SIGX_CLOCK_MONOTONIC, 1);
    one_shot(SIGX_CLOCK_REALTIME, 2);
    one_shot(SIGX_CLOCK_BOOTTIME, UINT64_MAX); /* any 64-bit cookie */
    TEST_PASS("one-shot timers on MONOTONIC, REALTIME, BOOTTIME");
    periodic();
    TEST_PASS("periodic timer, interval reported, disarm");
    absolute_realtime();
    TEST_PASS("absolute REALTIME deadline, and one already past");
    process_cpu();
    TEST_PASS("PROCESS_CPU timer counts CPU time, not sleep");
    thread_cpu();
    TEST_PASS("THREAD_CPU timer counts the creating thread only");
    ASSERT_EQ(proc_timers(), 0);
    return 0;
}
