/* Several waiters (sigx_wait in sigx.h: any number of threads may wait at
 * once, and each record goes to exactly one of them). Two threads block in
 * sigx_wait(-1) on the same mask while a child process sends N real-time
 * signals with distinct values; every value must come out exactly once
 * across both threads. Once all N have been taken, the main thread sends
 * two sentinels to itself; a thread exits on the first sentinel it takes,
 * so each thread takes exactly one. */
/* ctest: RUN_SERIAL (up to 5,000 signals pending at once use the per-user
 * RLIMIT_SIGPENDING budget the other tests share; see CMakeLists.txt). */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N 5000
#define BASE UINT64_C(0x7e57000000000000) /* high bits set: all 64 bits travel */
#define SENTINEL UINT64_MAX

static int sig;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_taken = PTHREAD_COND_INITIALIZER;
static int total; /* values taken by both threads, under `lock` */

struct waiter {
    pthread_t thread;
    unsigned char seen[N]; /* this thread's count per value */
    int got;
    pid_t sender;
};

static void *wait_loop(void *arg)
{
    struct waiter *w = arg;
    sigx_info info;
    for (;;) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, -1));
        ASSERT_EQ(info.signo, sig);
        ASSERT_EQ(info.code, SI_QUEUE);
        ASSERT_U64_EQ(info.dropped, 0);
        if (info.value == SENTINEL)
            return NULL;
        /* `child` may not be assigned yet: compare after the joins. */
        if (w->got == 0)
            w->sender = info.pid;
        ASSERT_EQ(info.pid, w->sender);
        ASSERT_TRUE(info.value >= BASE && info.value < BASE + N);
        w->seen[info.value - BASE]++;
        w->got++;
        pthread_mutex_lock(&lock);
        if (++total == N)
            pthread_cond_signal(&all_taken);
        pthread_mutex_unlock(&lock);
    }
}

/* sigqueue each value to `pid` (retrying on EAGAIN); 0 if all were sent. */
static int send_values(pid_t pid, uint64_t first, int n)
{
    for (int i = 0; i < n; i++)
        if (queue_retry(pid, sig, first + (uint64_t)i) != 0)
            return 1;
    return 0;
}

int main(void)
{
    static struct waiter w[2];
    sigx_stats st;
    struct timespec deadline;
    pid_t child;
    roomy_sigpending(); /* see helpers.h */
    sig = SIGRTMIN + 4;
    /* Room for everything even if both waiters are slow to run. */
    ASSERT_OK(sigx_set_capacity(sig, N + 2));
    ASSERT_OK(sigx_install(sig, 0));
    for (int t = 0; t < 2; t++)
        ASSERT_EQ(pthread_create(&w[t].thread, NULL, wait_loop, &w[t]), 0);

    fflush(stdout);
    child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        _exit(send_values(getppid(), BASE, N));
    }
    reap_clean(child, "the sender");

    /* Generous deadline: a lost value fails here instead of hanging. */
    ASSERT_SYS(clock_gettime(CLOCK_REALTIME, &deadline));
    deadline.tv_sec += 60;
    pthread_mutex_lock(&lock);
    while (total < N) {
        int rc = pthread_cond_timedwait(&all_taken, &lock, &deadline);
        if (rc == ETIMEDOUT)
            TEST_FAIL_("only %d of %d values arrived", total, N);
    }
    pthread_mutex_unlock(&lock);
    ASSERT_OK(sigx_send(getpid(), sig, SENTINEL));
    ASSERT_OK(sigx_send(getpid(), sig, SENTINEL));
    for (int t = 0; t < 2; t++)
        ASSERT_EQ(pthread_join(w[t].thread, NULL), 0);

    for (int i = 0; i < N; i++) {
        if (w[0].seen[i] + w[1].seen[i] != 1)
            TEST_FAIL_("value %d received %d + %d times", i, w[0].seen[i],
                       w[1].seen[i]);
    }
    ASSERT_EQ(w[0].got + w[1].got, N);
    for (int t = 0; t < 2; t++)
        if (w[t].got)
            ASSERT_EQ(w[t].sender, child);
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, N + 2);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    printf("# waiter 0 took %d, waiter 1 took %d\n", w[0].got, w[1].got);
    TEST_PASS("test_delivery_threads");
    return 0;
}
