/* A waiting thread that exits in the middle of a flood (issue #11,
 * "Receiving without surprises").
 *
 * A thread waits in sigx_wait for a real-time signal while a forked sender
 * floods the process with it; after taking a few thousand records the thread
 * starts a second sender, lets a backlog build up and exits, with the
 * flood still coming. The main thread then takes the rest. Two set-ups, each with its own signal:
 *   A. the signal is blocked in the main thread (only the waiter has it
 *      unblocked): once the waiter is gone, the kernel keeps the rest pending
 *      for the process, and the main thread's waits take it from there;
 *   B. the signal is not blocked anywhere: the main thread's handler records
 *      the rest (the flood is below the default capacity of 65,536).
 * Either way nothing the kernel still held may be counted as dropped:
 * delivered == returned + queued + dropped with dropped == 0, and every
 * value sent comes back exactly once. */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000
#define BACKLOG 4096

static long flood, first_half, exit_after;
static unsigned char *seen;

struct setup {
    const char *name;
    int sig;
    int block_in_main;
    pid_t sender[2];
    int go2[2];     /* the waiter starts the second sender through it */
    int ready[2];   /* the waiter says it is about to wait */
    uint64_t returned, reported_dropped;
    uint64_t waiter_got;
};

static void take(struct setup *s, const sigx_info *info)
{
    ASSERT_EQ(info->signo, s->sig);
    ASSERT_EQ(info->code, SI_QUEUE);
    ASSERT_TRUE(info->value < (uint64_t)flood);
    ASSERT_EQ(info->pid, s->sender[info->value < (uint64_t)first_half ? 0 : 1]);
    if (seen[info->value]++ != 0)
        TEST_FAIL_("%s: value %llu returned twice", s->name, (unsigned long long)info->value);
    s->returned++;
    s->reported_dropped += info->dropped;
}

static void *waiter_main(void *arg)
{
    struct setup *s = arg;
    /* This thread's mask is the program's choice: the signal unblocked. */
    ASSERT_OK(sigx_unblock(SIGX_BIT(s->sig), NULL));
    ASSERT_EQ(write(s->ready[1], "r", 1), 1);
    while (s->waiter_got < (uint64_t)exit_after) {
        sigx_info info;
        int rc = sigx_wait(SIGX_BIT(s->sig), &info, WAIT_MS);
        if (rc != SIGX_OK)
            TEST_FAIL_("%s: the waiter's sigx_wait returned %d (%s) after %llu records",
                       s->name, rc, sigx_strerror(rc), (unsigned long long)s->waiter_got);
        take(s, &info);
        s->waiter_got++;
    }
    /* Keep the flood coming (a byte, not EOF: the other sender holds a
     * copy of the pipe), let a backlog build up without taking anything
     * (until a few thousand more were delivered or some are left pending
     * in the kernel, 10 s at most), and leave. */
    ASSERT_EQ(write(s->go2[1], "g", 1), 1);
    long long start = now_ms();
    for (;;) {
        sigx_stats st;
        uint64_t shared = 0;
        ASSERT_OK(sigx_stats_get(s->sig, &st));
        ASSERT_EQ(proc_mask(0, "ShdPnd", &shared), 0);
        if (st.delivered >= s->waiter_got + BACKLOG || st.delivered >= (uint64_t)flood ||
            (shared & SIGX_BIT(s->sig)))
            break;
        if (now_ms() - start > 10000)
            break;
        sched_yield();
    }
    return NULL;
}

static void run(struct setup *s)
{
    const uint64_t bit = SIGX_BIT(s->sig);
    int go1[2];
    pthread_t waiter;
    memset(seen, 0, (size_t)flood);
    ASSERT_OK(sigx_install(s->sig, 0));
    ASSERT_OK(sigx_setmask(s->block_in_main ? bit : 0, NULL));
    ASSERT_SYS(pipe(go1));
    ASSERT_SYS(pipe(s->go2));
    ASSERT_SYS(pipe(s->ready));
    s->sender[0] = flood_fork(getpid(), s->sig, 0, first_half, go1);
    s->sender[1] = flood_fork(getpid(), s->sig, (uint64_t)first_half, flood - first_half, s->go2);

    ASSERT_EQ(pthread_create(&waiter, NULL, waiter_main, s), 0);
    char c;
    ASSERT_EQ(read(s->ready[0], &c, 1), 1);
    ASSERT_EQ(write(go1[1], "g", 1), 1);
    ASSERT_EQ(pthread_join(waiter, NULL), 0);

    /* The waiter is gone; the main thread takes the rest (until every
     * value is back or counted as dropped). */
    for (;;) {
        sigx_stats st;
        ASSERT_OK(sigx_stats_get(s->sig, &st));
        if (s->returned + st.dropped >= (uint64_t)flood)
            break;
        sigx_info info;
        int rc = sigx_wait(bit, &info, WAIT_MS);
        if (rc != SIGX_OK) {
            ASSERT_OK(sigx_stats_get(s->sig, &st));
            TEST_FAIL_("%s: sigx_wait returned %d (%s) with %llu of %ld returned; delivered "
                       "%llu, queued %llu, dropped %llu",
                       s->name, rc, sigx_strerror(rc), (unsigned long long)s->returned, flood,
                       (unsigned long long)st.delivered, (unsigned long long)st.queued,
                       (unsigned long long)st.dropped);
        }
        take(s, &info);
    }
    reap_clean(s->sender[0], "first sender");
    reap_clean(s->sender[1], "second sender");
    sigx_info extra;
    ASSERT_EQ(sigx_wait(bit, &extra, 0), SIGX_ERR_TIMEOUT);

    sigx_stats st = expect_identity(s->sig, s->returned);
    if (st.dropped != 0)
        TEST_FAIL_("%s: %llu of %ld deliveries dropped (the waiter took %llu before it exited)",
                   s->name, (unsigned long long)st.dropped, flood,
                   (unsigned long long)s->waiter_got);
    ASSERT_U64_EQ(s->reported_dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(st.delivered, (uint64_t)flood);
    ASSERT_U64_EQ(s->returned, (uint64_t)flood);
    for (long v = 0; v < flood; v++)
        ASSERT_EQ(seen[v], 1);
    close(s->ready[0]);
    close(s->ready[1]);
    close(s->go2[1]);
    close(go1[1]);
    printf("%s: the waiter took %llu and exited, the main thread %llu; nothing dropped\n",
           s->name, (unsigned long long)s->waiter_got,
           (unsigned long long)(s->returned - s->waiter_got));
}

int main(void)
{
    roomy_sigpending();
    flood = flood_size(60000, 2000);
    first_half = flood / 2;
    exit_after = first_half / 6;
    seen = malloc((size_t)flood);
    ASSERT_TRUE(seen != NULL);

    struct setup a = {0}, b = {0};
    a.name = "blocked in the main thread";
    a.sig = sigx_rtmin() + 1;
    a.block_in_main = 1;
    run(&a);

    b.name = "blocked nowhere";
    b.sig = sigx_rtmin() + 2;
    b.block_in_main = 0;
    run(&b);

    free(seen);
    TEST_PASS("test_delivery_waiter_exit");
    return 0;
}
