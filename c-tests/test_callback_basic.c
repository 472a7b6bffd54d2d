/* sigx_on + sigx_dispatch: where callbacks run, what they get, what dispatch
 * returns, and how sigx_on leaves the installation alone. */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define WAIT_MS 10000

/* What the callbacks saw, one entry per call. */
#define MAX_CALLS 64
static struct call {
    sigx_info info;
    void *user;
    pthread_t thread;
} calls[MAX_CALLS];
static int ncalls;

static void record_call(const sigx_info *info, void *user)
{
    ASSERT_LT(ncalls, MAX_CALLS);
    calls[ncalls].info = *info;
    calls[ncalls].user = user;
    calls[ncalls].thread = pthread_self();
    ncalls++;
}

/* Raises SIGUSR2 from inside its first call: that record arrives while the
 * callbacks run and must wait for the next sigx_dispatch. */
static void raise_from_callback(const sigx_info *info, void *user)
{
    record_call(info, user);
    if (ncalls == 1)
        ASSERT_OK(sigx_raise(SIGUSR2));
}

static int sa_flags_of(int signo)
{
    struct sigaction sa;
    ASSERT_SYS(sigaction(signo, NULL, &sa));
    return sa.sa_flags;
}

/* Waits (up to 10 s) until `n` records of `signo` are queued: a sigqueue to
 * ourselves is normally handled before it returns, but need not be. */
static void wait_queued(int signo, uint64_t n)
{
    sigx_stats st;
    int tries;
    for (tries = 0; tries < 10000; tries++) {
        ASSERT_OK(sigx_stats_get(signo, &st));
        if (st.queued >= n)
            break;
        usleep(1000);
    }
    ASSERT_U64_EQ(st.queued, n);
}

/* --- dispatch from another thread ------------------------------------ */
struct dispatcher {
    pthread_t self;
    int rc;
};

static void *dispatch_thread(void *arg)
{
    struct dispatcher *d = arg;
    d->self = pthread_self();
    d->rc = sigx_dispatch(WAIT_MS);
    return NULL;
}

int main(void)
{
    int rtmin = sigx_rtmin();
    int marker_a, marker_b;
    sigx_info info;

    /* No callback registered anywhere: nothing could ever be dispatched. */
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_dispatch(-1), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_dispatch(50), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_dispatch(-2), SIGX_ERR_ARGUMENT);

    /* Signal number checks. */
    ASSERT_EQ(sigx_on(0, record_call, NULL), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_on(65, record_call, NULL), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_on(32, record_call, NULL), SIGX_ERR_FORBIDDEN);
    ASSERT_EQ(sigx_on(SIGKILL, record_call, NULL), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_on(SIGSEGV, record_call, NULL), SIGX_ERR_FORBIDDEN);

    /* Removing a callback that was never there is fine and installs nothing. */
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 0);
    ASSERT_OK(sigx_on(SIGUSR2, NULL, NULL));
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 0);
    TEST_PASS("dispatch without callbacks, sigx_on argument checks");

    /* sigx_on installs a signal sigx does not catch yet, with flags 0. */
    ASSERT_OK(sigx_on(SIGUSR1, record_call, &marker_a));
    ASSERT_EQ(sigx_is_installed(SIGUSR1), 1);
    ASSERT_TRUE(sa_flags_of(SIGUSR1) & SA_SIGINFO);
    ASSERT_TRUE(sa_flags_of(SIGUSR1) & SA_RESTART);

    /* Nothing queued yet. */
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(sigx_dispatch(20), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(ncalls, 0);

    /* The callback runs in the thread that dispatches, with the record and
     * the user pointer. */
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(ncalls, 0); /* never in the handler */
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(ncalls, 1);
    ASSERT_TRUE(pthread_equal(calls[0].thread, pthread_self()));
    ASSERT_TRUE(calls[0].user == &marker_a);
    ASSERT_EQ(calls[0].info.signo, SIGUSR1);
    ASSERT_EQ(calls[0].info.code, SI_TKILL);
    ASSERT_EQ(calls[0].info.pid, getpid());
    ASSERT_EQ(calls[0].info.uid, getuid());
    ASSERT_U64_EQ(calls[0].info.dropped, 0);
    ASSERT_GT(calls[0].info.seq, 0);
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_TIMEOUT);
    TEST_PASS("callback runs in the dispatching thread with info and user");

    /* From another thread: the callback runs there. */
    {
        struct dispatcher d;
        pthread_t t;
        ncalls = 0;
        ASSERT_EQ(pthread_create(&t, NULL, dispatch_thread, &d), 0);
        ASSERT_OK(sigx_send(getpid(), SIGUSR1, 0));
        ASSERT_EQ(pthread_join(t, NULL), 0);
        ASSERT_EQ(d.rc, 1);
        ASSERT_EQ(ncalls, 1);
        ASSERT_TRUE(pthread_equal(calls[0].thread, d.self));
        ASSERT_TRUE(!pthread_equal(calls[0].thread, pthread_self()));
        ASSERT_EQ(calls[0].info.code, SI_QUEUE);
    }
    TEST_PASS("callback runs in another dispatching thread");

    /* sigqueue value and several records: dispatch runs them all, oldest
     * first, and returns the count. Records of a signal without a callback
     * stay queued for sigx_wait. */
    ASSERT_OK(sigx_on(rtmin + 1, record_call, &marker_b));
    ASSERT_OK(sigx_install(rtmin + 2, 0)); /* no callback */
    ncalls = 0;
    ASSERT_OK(sigx_send(getpid(), rtmin + 1, 0x1122334455667788ULL));
    ASSERT_OK(sigx_send(getpid(), rtmin + 2, 7));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_send(getpid(), rtmin + 1, 2));
    wait_queued(rtmin + 1, 2);
    wait_queued(rtmin + 2, 1);
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 3);
    ASSERT_EQ(ncalls, 3);
    ASSERT_EQ(calls[0].info.signo, rtmin + 1);
    ASSERT_EQ(calls[0].info.code, SI_QUEUE);
    ASSERT_U64_EQ(calls[0].info.value, 0x1122334455667788ULL);
    ASSERT_TRUE(calls[0].user == &marker_b);
    ASSERT_EQ(calls[1].info.signo, SIGUSR1);
    ASSERT_TRUE(calls[1].user == &marker_a);
    ASSERT_EQ(calls[2].info.signo, rtmin + 1);
    ASSERT_U64_EQ(calls[2].info.value, 2);
    ASSERT_LT(calls[0].info.seq, calls[1].info.seq);
    ASSERT_LT(calls[1].info.seq, calls[2].info.seq);
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_wait(SIGX_BIT(rtmin + 2), &info, 0));
    ASSERT_U64_EQ(info.value, 7);
    ASSERT_LT(info.seq, calls[1].info.seq);
    TEST_PASS("dispatch runs every queued record oldest first and counts them");

    /* A record arriving while callbacks run is left for the next call. */
    ASSERT_OK(sigx_on(SIGUSR1, raise_from_callback, &marker_a));
    ASSERT_OK(sigx_on(SIGUSR2, record_call, &marker_b));
    ncalls = 0;
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(ncalls, 1);
    ASSERT_EQ(calls[0].info.signo, SIGUSR1);
    ASSERT_EQ(sigx_dispatch(0), 1);
    ASSERT_EQ(ncalls, 2);
    ASSERT_EQ(calls[1].info.signo, SIGUSR2);
    ASSERT_TRUE(calls[1].user == &marker_b);
    ASSERT_GT(calls[1].info.seq, calls[0].info.seq);
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_TIMEOUT);
    TEST_PASS("records arriving during callbacks wait for the next dispatch");

    /* sigx_on(s, NULL): the callback goes, the installation stays. */
    ASSERT_OK(sigx_on(SIGUSR2, NULL, NULL));
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 1);
    ncalls = 0;
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_OK(sigx_on(SIGUSR1, NULL, NULL));
    ASSERT_OK(sigx_on(rtmin + 1, NULL, NULL));
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_dispatch(-1), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(ncalls, 0);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR2), &info, WAIT_MS));
    ASSERT_EQ(info.signo, SIGUSR2);
    ASSERT_OK(sigx_on(SIGUSR2, NULL, NULL)); /* twice is fine */
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 1);
    TEST_PASS("sigx_on(s, NULL) keeps the signal installed");

    /* sigx_on on a signal installed with SIGX_INTERRUPT keeps its flags. */
    ASSERT_OK(sigx_install(SIGHUP, SIGX_INTERRUPT));
    ASSERT_TRUE(!(sa_flags_of(SIGHUP) & SA_RESTART));
    ASSERT_OK(sigx_on(SIGHUP, record_call, NULL));
    ASSERT_TRUE(!(sa_flags_of(SIGHUP) & SA_RESTART));
    ASSERT_TRUE(sa_flags_of(SIGHUP) & SA_SIGINFO);
    ASSERT_OK(sigx_on(SIGHUP, NULL, NULL));
    ASSERT_TRUE(!(sa_flags_of(SIGHUP) & SA_RESTART));
    ASSERT_EQ(sigx_is_installed(SIGHUP), 1);
    /* And the callback survives a re-install that changes the flags. */
    ASSERT_OK(sigx_on(SIGHUP, record_call, &marker_a));
    ASSERT_OK(sigx_install(SIGHUP, 0));
    ASSERT_TRUE(sa_flags_of(SIGHUP) & SA_RESTART);
    ncalls = 0;
    ASSERT_OK(sigx_raise(SIGHUP));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(ncalls, 1);
    ASSERT_EQ(calls[0].info.signo, SIGHUP);
    ASSERT_TRUE(calls[0].user == &marker_a);
    TEST_PASS("sigx_on keeps the flags of an existing install");

    /* ignore/default/uninstall drop the callback. */
    ASSERT_OK(sigx_uninstall(SIGHUP));
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_on(SIGUSR1, record_call, NULL));
    ASSERT_OK(sigx_ignore(SIGUSR1));
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    TEST_PASS("uninstall and ignore remove the callback");

    TEST_PASS("test_callback_basic");
    return 0;
}
