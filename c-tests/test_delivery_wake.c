/* Wake-ups reach the right sleeper (sigx_wait in sigx.h: each record
 * goes to one waiter; no lost wakeups).
 *
 * sigx's handler skips the futex wake when the thread it interrupted is the
 * only registered waiter (that thread is running the handler, so it is not
 * asleep). Regression: a thread whose own timed wait had ended still counted
 * as "the last waiter", so a delivery handled on it later skipped the wake
 * of another thread that was asleep, which then slept on with a record
 * queued. Here: V sleeps in sigx_wait(S); main does a short wait of its own
 * on another signal that times out, then raises S, so the handler runs on
 * main. V must get the record. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int S, T;
static int ready[2];
static int v_result = 99;
static sigx_info v_info;

static void *v_main(void *arg)
{
    (void)arg;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    ASSERT_EQ(write(ready[1], &tid, sizeof tid), (ssize_t)sizeof tid);
    v_result = sigx_wait(SIGX_BIT(S), &v_info, -1);
    return NULL;
}

/* Whether thread `tid` of this process is blocked in the futex system call
 * (where a sigx wait sleeps), read from /proc/self/task/<tid>/syscall. */
static int in_futex(pid_t tid)
{
    char path[64], buf[128];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return atol(buf) == SYS_futex && strchr(buf, ' ') != NULL;
}

int main(void)
{
    S = sigx_rtmin() + 2;
    T = sigx_rtmin() + 3;
    ASSERT_OK(sigx_install(S, 0));
    ASSERT_OK(sigx_install(T, 0));
    ASSERT_SYS(pipe(ready));
    pthread_t v;
    ASSERT_EQ(pthread_create(&v, NULL, v_main, NULL), 0);
    pid_t tid;
    ASSERT_EQ(read(ready[0], &tid, sizeof tid), (ssize_t)sizeof tid);
    /* Wait (up to 10 s) until V is asleep in its wait. */
    long long t0 = now_ms();
    while (!in_futex(tid)) {
        if (now_ms() - t0 > 10000)
            TEST_FAIL_("thread %d never went to sleep in sigx_wait", (int)tid);
        sched_yield();
    }
    /* A wait of main's own that ends empty-handed. */
    sigx_info info;
    ASSERT_EQ(sigx_wait(SIGX_BIT(T), &info, 1), SIGX_ERR_TIMEOUT);
    /* Handled on main (sigx_raise targets the calling thread). */
    ASSERT_OK(sigx_raise(S));
    /* V waits without a timeout: it returns only if it was woken. */
    int e = timed_join(v, NULL, 20);
    if (e != 0)
        TEST_FAIL_("the sleeping waiter was not woken (pthread_timedjoin_np: %s)", strerror(e));
    ASSERT_EQ(v_result, SIGX_OK);
    ASSERT_EQ(v_info.signo, S);
    ASSERT_EQ(v_info.code, SI_TKILL);
    ASSERT_EQ(v_info.pid, getpid());
    ASSERT_OK(sigx_uninstall(S));
    ASSERT_OK(sigx_uninstall(T));
    TEST_PASS("a handler on a thread whose wait ended wakes the thread asleep");
    return 0;
}
