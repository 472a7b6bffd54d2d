/* sigx_child_watch (sigx.h) with several consumers: 500 watched children end
 * together while four threads take SIGCHLD records at once (two of them
 * with SIGCHLD blocked, so they take deliveries from the kernel, two with
 * it unblocked, so the handler runs on them). Each exit is returned once,
 * to one of the threads, whichever thread ran the handler, scanned or
 * dropped a duplicate. Then one thread alone drains until the kernel and
 * the queue are quiet: no late duplicate, and the accounting identity.
 * ctest: RUN_SERIAL (hundreds of processes at once) */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_KIDS 500
#define THREADS 4

static pid_t pids[MAX_KIDS];
static int reports[MAX_KIDS];
static int nkids;
static int done;        /* exits reported, under lock */
static uint64_t taken;  /* SIGCHLD records taken, under lock */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void count(const sigx_info *info)
{
    int i;
    ASSERT_EQ(info->signo, SIGCHLD);
    pthread_mutex_lock(&lock);
    taken++;
    for (i = 0; i < nkids && pids[i] != info->pid; i++) {
    }
    if (i == nkids)
        TEST_FAIL_("record for pid %d, no child of this test", (int)info->pid);
    ASSERT_EQ(info->code, CLD_EXITED);
    ASSERT_EQ(info->status, i % 200);
    if (++reports[i] != 1)
        TEST_FAIL_("child %d reported %d times", (int)info->pid, reports[i]);
    done++;
    pthread_mutex_unlock(&lock);
}

static int all_done(void)
{
    int d;
    pthread_mutex_lock(&lock);
    d = done == nkids;
    pthread_mutex_unlock(&lock);
    return d;
}

static void *consumer(void *arg)
{
    sigx_info info;
    if ((intptr_t)arg % 2 == 0)
        ASSERT_OK(sigx_block(SIGX_BIT(SIGCHLD), NULL));
    while (!all_done()) {
        int rc = sigx_wait(SIGX_BIT(SIGCHLD), &info, 50);
        if (rc == SIGX_OK)
            count(&info);
        else
            ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    }
    return NULL;
}

int main(void)
{
    pthread_t threads[THREADS];
    int gate[2];
    sigx_info info;
    nkids = (int)flood_size(MAX_KIDS, 30);
    roomy_sigpending();
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    if (!children_supported("test_child_threads"))
        exit(0);
    ASSERT_SYS(pipe(gate));
    for (int i = 0; i < nkids; i++) {
        pids[i] = spawn_gated(gate, CHILD_EXIT, i % 200);
        ASSERT_OK(sigx_child_watch(pids[i], i % 2 ? SIGX_CHILD_REAP : 0));
    }
    for (intptr_t t = 0; t < THREADS; t++)
        ASSERT_EQ(pthread_create(&threads[t], NULL, consumer, (void *)t), 0);
    ASSERT_SYS(close(gate[1]));
    for (int t = 0; t < THREADS; t++)
        ASSERT_EQ(pthread_join(threads[t], NULL), 0);
    ASSERT_SYS(close(gate[0]));

    /* Alone now: drain until nothing is pending or queued. */
    for (;;) {
        int quiet = sigchld_quiet_in_kernel(), got = 0, rc;
        while ((rc = sigx_wait(SIGX_BIT(SIGCHLD), &info, 0)) == SIGX_OK) {
            count(&info);
            got++;
        }
        ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
        if (quiet && got == 0)
            break;
    }
    for (int i = 0; i < nkids; i++) {
        ASSERT_EQ(reports[i], 1);
        if (i % 2) {
            errno = 0;
            ASSERT_EQ(waitpid(pids[i], NULL, WNOHANG), -1);
            ASSERT_EQ(errno, ECHILD);
        } else {
            int status = 0;
            ASSERT_EQ(waitpid(pids[i], &status, WNOHANG), pids[i]);
            ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == i % 200);
        }
    }
    expect_identity(SIGCHLD, taken);
    TEST_PASS("test_child_threads");
    return 0;
}
