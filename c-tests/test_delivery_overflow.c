/* The acceptance test for bounded queues (sigx_set_capacity in sigx.h):
 *  1. capacity 10,000: a child sends 10,000 real-time signals with distinct
 *     values while the parent waits; every value arrives exactly once.
 *  2. capacity 100 and nobody taking records until the child has finished:
 *     the handler keeps the first 100, drops the rest and counts them, and
 *     records + dropped == 10,000 exactly, by the records' `dropped` fields
 *     and by sigx_stats_get alike. Nothing is lost silently. */
/* ctest: RUN_SERIAL (up to 10,000 signals pending at once use the per-user
 * RLIMIT_SIGPENDING budget the other tests share; see CMakeLists.txt). */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 10000
#define BASE UINT64_C(0x0ff1000000000000)

/* In a child: sigqueue N values to the parent, retrying on EAGAIN (the
 * kernel's pending limit); exit 0 when all were sent. */
static pid_t start_sender(int sig)
{
    pid_t pid;
    fflush(stdout);
    pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        pid_t parent = getppid();
        for (int i = 0; i < N; i++)
            if (queue_retry(parent, sig, BASE + (uint64_t)i) != 0)
                _exit(1);
        _exit(0);
    }
    return pid;
}

/* Part 1: room for everything, the parent takes records as they come. */
static void all_arrive(int sig)
{
    static unsigned char seen[N];
    sigx_info info;
    pid_t child;
    ASSERT_OK(sigx_set_capacity(sig, N));
    ASSERT_OK(sigx_install(sig, 0));
    child = start_sender(sig);
    for (int got = 0; got < N; got++) {
        /* 30 s per record: only a lost record can take that long. */
        int rc = sigx_wait(SIGX_BIT(sig), &info, 30000);
        if (rc != SIGX_OK)
            TEST_FAIL_("record %d of %d: %s", got + 1, N, sigx_strerror(rc));
        ASSERT_EQ(info.signo, sig);
        ASSERT_EQ(info.code, SI_QUEUE);
        ASSERT_EQ(info.pid, child);
        ASSERT_U64_EQ(info.dropped, 0);
        ASSERT_TRUE(info.value >= BASE && info.value < BASE + N);
        ASSERT_EQ(seen[info.value - BASE], 0);
        seen[info.value - BASE] = 1;
    }
    reap_clean(child, "the sender");
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    expect_stats(sig, N, 0, 0, STATS_ANY);
    /* The capacity can change again once uninstalled and drained. */
    ASSERT_OK(sigx_uninstall(sig));
    ASSERT_OK(sigx_set_capacity(sig, 100));
}

/* Part 2: capacity 100, nobody waits. The handler still runs on every
 * delivery (it interrupts waitpid, which restarts); once waitpid returns,
 * every signal the child queued has been handled, because the kernel
 * delivers pending unblocked signals before returning to this code. */
static void overflow_counted(int sig)
{
    sigx_info info;
    uint64_t records = 0, dropped = 0;
    ASSERT_OK(sigx_set_capacity(sig, 100));
    ASSERT_OK(sigx_install(sig, 0));
    reap_clean(start_sender(sig), "the sender");
    expect_stats(sig, N, N - 100, 100, 100);

    while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK) {
        /* The queue keeps the oldest; later ones are the dropped ones, and
         * the kernel hands same-signal real-time signals over in order. */
        ASSERT_U64_EQ(info.value, BASE + records);
        dropped += info.dropped;
        records++;
    }
    ASSERT_U64_EQ(records, 100);
    ASSERT_U64_EQ(dropped, N - 100);
    ASSERT_U64_EQ(records + dropped, N);
    expect_stats(sig, N, N - 100, 0, 100);
}

int main(void)
{
    roomy_sigpending(); /* see helpers.h */
    all_arrive(SIGRTMIN + 1);
    overflow_counted(SIGRTMIN + 2);
    TEST_PASS("test_delivery_overflow");
    return 0;
}
