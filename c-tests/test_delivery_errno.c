/* The handler saves and restores errno. A
 * checker thread sets errno to a known value and keeps reading it back
 * while a child process floods us with signals. The main thread blocks the
 * signal, so deliveries interrupt the checker, except those the main
 * thread's wait lets through while it sleeps (a wait sleeps with the
 * signals it waits for unblocked). To make a leak certain to show, the
 * signal is installed with SIGX_CHAIN over a handler of ours that clobbers
 * errno, as a libc call inside a foreign handler would; sigx also writes to
 * its eventfd and wakes the waiting main thread. */
/* ctest: RUN_SERIAL (up to 20,000 signals pending at once use the per-user
 * RLIMIT_SIGPENDING budget the other tests share; see CMakeLists.txt). */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 20000
#define MAGIC 4242 /* no errno value uses it */

static int sig;
static pthread_t checker;
static long chained, chained_elsewhere; /* handlers on two threads: atomic */

static void clobber(int signo, siginfo_t *si, void *ctx)
{
    (void)signo, (void)si, (void)ctx;
    errno = EIO;
    __atomic_fetch_add(&chained, 1, __ATOMIC_RELAXED);
    if (!pthread_equal(pthread_self(), checker))
        __atomic_fetch_add(&chained_elsewhere, 1, __ATOMIC_RELAXED);
}

static int ready, stop;
static long iterations, spanning, failures;

/* errno is set once; nothing in the loop calls into libc, so only a handler
 * could change it, and every moment after `ready` is covered by the next
 * check. Runs until told to stop, and at least once. */
static void *check_loop(void *arg)
{
    (void)arg;
    errno = MAGIC;
    __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    do {
        long before = __atomic_load_n(&chained, __ATOMIC_RELAXED);
        for (volatile int spin = 0; spin < 100; spin++)
            ;
        if (errno != MAGIC) {
            failures++;
            errno = MAGIC;
        }
        if (__atomic_load_n(&chained, __ATOMIC_RELAXED) != before)
            spanning++; /* handlers ran during this check */
        iterations++;
    } while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE));
    return NULL;
}

int main(void)
{
    struct sigaction mine;
    sigset_t set;
    sigx_info info;
    sigx_stats st;
    uint64_t records = 0, dropped = 0;
    pid_t child;

    roomy_sigpending(); /* see helpers.h */
    sig = SIGRTMIN + 6;
    memset(&mine, 0, sizeof mine);
    mine.sa_sigaction = clobber;
    mine.sa_flags = SA_SIGINFO;
    sigemptyset(&mine.sa_mask);
    ASSERT_SYS(sigaction(sig, &mine, NULL));
    ASSERT_OK(sigx_set_capacity(sig, N));
    ASSERT_OK(sigx_install(sig, SIGX_CHAIN));
    ASSERT_GE(sigx_fd(), 0);

    /* The checker inherits an unblocked mask; then this thread blocks. */
    ASSERT_EQ(pthread_create(&checker, NULL, check_loop, NULL), 0);
    sigemptyset(&set);
    sigaddset(&set, sig);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
    while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
        sched_yield();

    fflush(stdout);
    child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        for (int i = 0; i < N; i++)
            if (queue_retry(getppid(), sig, (uint64_t)i) != 0)
                _exit(1);
        _exit(0);
    }

    /* Take records as they come: every delivery accounted for. */
    while (records + dropped < N) {
        int rc = sigx_wait(SIGX_BIT(sig), &info, 30000);
        if (rc != SIGX_OK)
            TEST_FAIL_("after %llu records: %s", (unsigned long long)records,
                       sigx_strerror(rc));
        records++;
        dropped += info.dropped;
    }
    reap_clean(child, "the sender");
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    ASSERT_EQ(pthread_join(checker, NULL), 0);

    printf("# %ld checks, %ld spanning deliveries, %ld deliveries on the "
           "checker thread\n", iterations, spanning, chained - chained_elsewhere);
    ASSERT_EQ(failures, 0);
    ASSERT_GT(spanning, 0);
    ASSERT_EQ(chained, N); /* every delivery reached the chained handler */
    ASSERT_GT(chained - chained_elsewhere, 0);
    ASSERT_U64_EQ(records, N);
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, N);
    ASSERT_U64_EQ(st.dropped, 0);
    TEST_PASS("test_delivery_errno");
    return 0;
}
