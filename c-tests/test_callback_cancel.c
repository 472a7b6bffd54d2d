/* Issue #12, "Callbacks hold nothing" (sigx_wait and sigx_dispatch in
 * sigx.h): sigx_wait and sigx_dispatch are cancellation points while they
 * sleep; callbacks run with thread cancellation disabled.
 *
 * 1. pthread_cancel of a thread asleep in sigx_wait(mask, &info, -1): the
 *    thread ends (pthread_timedjoin_np, 10 s, gives PTHREAD_CANCELED).
 * 2. The same for a thread asleep in sigx_dispatch(-1).
 * 3. sigx is consistent afterwards: a wait and a dispatch on new threads
 *    get the records raised for them; install, uninstall and callback
 *    removal work.
 * 4. Inside a callback, pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old)
 *    reports old == PTHREAD_CANCEL_DISABLE. A cancel sent while the callback
 *    runs does not end it, even at a cancellation point inside it (read);
 *    the callback completes and the dispatching thread ends at its next
 *    sleep. sigx still works after that (the callback left nothing held).
 * Before v0.2 a sleeping wait or dispatch ignored the cancel until a
 * signal came. "Asleep" is checked in /proc before cancelling, so the test
 * exercises what it means to; the outcome does not depend on it (a cancel
 * that arrives before the sleep must end the thread there too). */
#include "test.h"
#include "churn.h"

#include <pthread.h>

#define WAIT_MS 10000
#define JOIN_S 10

static int ready_pipe[2]; /* a thread writes a byte just before it sleeps */
static pid_t sleeper_tid;

static void *waiter_main(void *arg)
{
    (void)arg;
    sigx_info info;
    SEQ_STORE(&sleeper_tid, gettid());
    churn_write_byte(ready_pipe[1]);
    int rc = sigx_wait(SIGX_BIT(SIGUSR1), &info, -1);
    fprintf(stderr, "sigx_wait returned %d (%s) instead of being cancelled\n", rc,
            sigx_strerror(rc));
    return NULL;
}

static void *dispatcher_forever_main(void *arg)
{
    (void)arg;
    SEQ_STORE(&sleeper_tid, gettid());
    churn_write_byte(ready_pipe[1]);
    for (;;) {
        int rc = sigx_dispatch(-1);
        if (rc <= 0) {
            fprintf(stderr, "sigx_dispatch returned %d (%s) instead of being cancelled\n",
                    rc, sigx_strerror(rc));
            return NULL;
        }
    }
}

static void expect_cancelled(pthread_t t, const char *what)
{
    ASSERT_TRUE(churn_read_byte(ready_pipe[0], WAIT_MS));
    if (!churn_wait_asleep(SEQ_LOAD(&sleeper_tid), WAIT_MS))
        printf("note: %s never showed as asleep; cancelling anyway\n", what);
    ASSERT_EQ(pthread_cancel(t), 0);
    void *ret = NULL;
    if (timed_join(t, &ret, JOIN_S) != 0)
        TEST_FAIL_("a thread asleep in %s did not end within %d s of pthread_cancel", what,
                   JOIN_S);
    ASSERT_TRUE(ret == PTHREAD_CANCELED);
    printf("a thread asleep in %s was cancelled\n", what);
}

/* ---- callbacks ----------------------------------------------------------- */

static int usr2_runs;
static int cancel_state_seen = -1;

static void usr2_callback(const sigx_info *info, void *user)
{
    (void)user;
    ASSERT_EQ(info->signo, SIGUSR2);
    SEQ_ADD(&usr2_runs, 1);
}

static int started_pipe[2], go_pipe[2];
static int hup_completed;

static void hup_callback(const sigx_info *info, void *user)
{
    (void)info;
    (void)user;
    int old = -1;
    ASSERT_EQ(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old), 0);
    ASSERT_EQ(pthread_setcancelstate(old, NULL), 0);
    SEQ_STORE(&cancel_state_seen, old);
    churn_write_byte(started_pipe[1]);
    /* read() is a cancellation point: with cancellation disabled, the cancel
     * sent meanwhile must wait until the callback has returned. */
    ASSERT_TRUE(churn_read_byte(go_pipe[0], WAIT_MS));
    SEQ_STORE(&hup_completed, 1);
}

/* ---- consistency after a cancel ---------------------------------------- */

static void *wait_once_main(void *arg)
{
    sigx_info *out = arg;
    churn_write_byte(ready_pipe[1]);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), out, WAIT_MS));
    return NULL;
}

static void *dispatch_once_main(void *arg)
{
    int *ran = arg;
    churn_write_byte(ready_pipe[1]);
    *ran = sigx_dispatch(WAIT_MS);
    return NULL;
}

static void check_consistent(const char *after)
{
    /* A wait on a new thread gets a record raised for it. */
    sigx_info info;
    memset(&info, 0, sizeof info);
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, wait_once_main, &info), 0);
    ASSERT_TRUE(churn_read_byte(ready_pipe[0], WAIT_MS));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(timed_join(t, NULL, JOIN_S + 5), 0);
    ASSERT_EQ(info.signo, SIGUSR1);

    /* A dispatch on a new thread runs a callback. */
    int ran = 0, before = SEQ_LOAD(&usr2_runs);
    ASSERT_EQ(pthread_create(&t, NULL, dispatch_once_main, &ran), 0);
    ASSERT_TRUE(churn_read_byte(ready_pipe[0], WAIT_MS));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(timed_join(t, NULL, JOIN_S + 5), 0);
    ASSERT_GE(ran, 1);
    ASSERT_GT(SEQ_LOAD(&usr2_runs), before);

    /* Changes still go through (each would hang on a lock left held). */
    ASSERT_OK(sigx_install(SIGWINCH, 0));
    ASSERT_OK(sigx_on(SIGWINCH, usr2_callback, NULL));
    ASSERT_OK(sigx_on(SIGWINCH, NULL, NULL));
    ASSERT_OK(sigx_ignore(SIGWINCH));
    ASSERT_OK(sigx_uninstall(SIGWINCH));
    ASSERT_EQ(sigx_is_installed(SIGWINCH), 0);
    printf("sigx consistent after %s\n", after);
}

int main(void)
{
    ASSERT_SYS(pipe(ready_pipe));
    ASSERT_SYS(pipe(started_pipe));
    ASSERT_SYS(pipe(go_pipe));
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_on(SIGUSR2, usr2_callback, NULL));

    /* 1 and 2. Nothing is raised: only the cancel can end them. */
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, waiter_main, NULL), 0);
    expect_cancelled(t, "sigx_wait(mask, &info, -1)");
    check_consistent("cancelling a waiter");

    ASSERT_EQ(pthread_create(&t, NULL, dispatcher_forever_main, NULL), 0);
    expect_cancelled(t, "sigx_dispatch(-1)");
    check_consistent("cancelling a dispatcher");

    /* 4. A cancel that arrives while a callback runs. */
    ASSERT_OK(sigx_on(SIGHUP, hup_callback, NULL));
    ASSERT_EQ(pthread_create(&t, NULL, dispatcher_forever_main, NULL), 0);
    ASSERT_TRUE(churn_read_byte(ready_pipe[0], WAIT_MS));
    ASSERT_OK(sigx_raise(SIGHUP));
    ASSERT_TRUE(churn_read_byte(started_pipe[0], WAIT_MS));
    ASSERT_EQ(SEQ_LOAD(&cancel_state_seen), PTHREAD_CANCEL_DISABLE);
    ASSERT_EQ(pthread_cancel(t), 0);
    churn_write_byte(go_pipe[1]);
    void *ret = NULL;
    if (timed_join(t, &ret, JOIN_S) != 0)
        TEST_FAIL_("a dispatcher cancelled during a callback did not end within %d s", JOIN_S);
    ASSERT_TRUE(ret == PTHREAD_CANCELED);
    ASSERT_EQ(SEQ_LOAD(&hup_completed), 1);
    ASSERT_OK(sigx_on(SIGHUP, NULL, NULL));
    check_consistent("cancelling a dispatcher during a callback");

    TEST_PASS("test_callback_cancel");
    return 0;
}
