/* sigx_send (sigqueue: SI_QUEUE + value, signo 0 as an existence check,
 * errors with errno), sigx_raise (to the calling thread), and sigx_reraise
 * (die of the signal after cleaning up; return for signals whose default
 * does not kill). */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 10000

/* Runs `body` in a forked child and returns its wait status. */
static int in_child(void (*body)(void))
{
    int status;
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        body();
        _exit(99); /* should not get here */
    }
    status = wait_child(pid);
    return status;
}

static void reraise_sigint_after_install(void)
{
    /* The program caught SIGINT through sigx and even blocked it while it
     * cleaned up; reraise must still end it "killed by SIGINT". */
    if (sigx_install(SIGINT, 0) != SIGX_OK)
        _exit(2);
    if (sigx_block(SIGX_BIT(SIGINT), NULL) != SIGX_OK)
        _exit(3);
    sigx_reraise(SIGINT);
}

static void noop_callback(const sigx_info *info, void *user)
{
    (void)info;
    (void)user;
}

static void reraise_sigterm_with_callback(void)
{
    if (sigx_install(SIGTERM, SIGX_INTERRUPT) != SIGX_OK)
        _exit(2);
    if (sigx_on(SIGTERM, noop_callback, NULL) != SIGX_OK)
        _exit(2);
    if (sigx_raise(SIGTERM) != SIGX_OK) /* recorded, process lives on */
        _exit(3);
    sigx_reraise(SIGTERM);
}

/* A raw handler of the program's own that reraises (async-signal-safe). */
static void raw_handler(int signo)
{
    sigx_reraise(signo);
}

static void reraise_from_raw_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = raw_handler;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1)
        _exit(2);
    raise(SIGUSR1);
}

static void reraise_sigkill(void)
{
    sigx_reraise(SIGKILL);
}

/* Thread-directed raise: the peer blocks SIGUSR2 and raises it; it is
 * pending for the peer, not for the main thread. */
static uint64_t peer_pending;
static void *raise_in_thread(void *arg)
{
    (void)arg;
    ASSERT_OK(sigx_block(SIGX_BIT(SIGUSR2), NULL));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_OK(sigx_kernel_pending(&peer_pending));
    ASSERT_OK(sigx_unblock(SIGX_BIT(SIGUSR2), NULL));
    return NULL;
}

int main(void)
{
    int rt = sigx_rtmin() + 3;
    sigx_info info;
    sigx_stats st;
    int status;
    pid_t gone;

    ASSERT_OK(sigx_install(rt, 0));
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));

    /* sigx_send: SI_QUEUE, our pid and uid, the whole 64-bit value. */
    ASSERT_OK(sigx_send(getpid(), rt, 0xF00DFACE12345678ULL));
    ASSERT_OK(sigx_wait(SIGX_BIT(rt), &info, WAIT_MS));
    ASSERT_EQ(info.signo, rt);
    ASSERT_EQ(info.code, SI_QUEUE);
    ASSERT_EQ(info.pid, getpid());
    ASSERT_EQ(info.uid, getuid());
    ASSERT_U64_EQ(info.value, 0xF00DFACE12345678ULL);
    ASSERT_OK(sigx_send(getpid(), SIGUSR1, 0));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, WAIT_MS));
    ASSERT_EQ(info.code, SI_QUEUE);
    ASSERT_U64_EQ(info.value, 0);
    /* Real-time signals queue: five sends, five records, values in order. */
    {
        uint64_t v;
        for (v = 1; v <= 5; v++)
            ASSERT_OK(sigx_send(getpid(), rt, v));
        for (v = 1; v <= 5; v++) {
            ASSERT_OK(sigx_wait(SIGX_BIT(rt), &info, WAIT_MS));
            ASSERT_U64_EQ(info.value, v);
        }
    }
    TEST_PASS("sigx_send delivers SI_QUEUE with the value");

    /* signo 0: existence check only, nothing is delivered. */
    ASSERT_OK(sigx_stats_get(0, &st));
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_OK(sigx_send(getpid(), 0, 5));
    ASSERT_OK(sigx_send(getppid(), 0, 0));
    ASSERT_OK(sigx_stats_get(0, &st));
    ASSERT_U64_EQ(st.queued, 0);
    /* A process that is gone: ESRCH through SIGX_ERR_SYSTEM. */
    gone = fork();
    ASSERT_SYS(gone);
    if (gone == 0)
        _exit(0);
    status = wait_child(gone);
    errno = 0;
    ASSERT_EQ(sigx_send(gone, 0, 0), SIGX_ERR_SYSTEM);
    ASSERT_EQ(errno, ESRCH);
    errno = 0;
    ASSERT_EQ(sigx_send(gone, SIGUSR1, 1), SIGX_ERR_SYSTEM);
    ASSERT_EQ(errno, ESRCH);
    /* Invalid signal numbers are SIGX_ERR_SIGNAL, before any system call. */
    ASSERT_EQ(sigx_send(getpid(), -1, 0), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_send(getpid(), 32, 0), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_send(getpid(), 33, 0), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_send(getpid(), 65, 0), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_send(gone, 65, 0), SIGX_ERR_SIGNAL);
    TEST_PASS("sigx_send signo 0, ESRCH, invalid numbers");

    /* sigx_raise: to the calling thread, handled before it returns. */
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 0));
    ASSERT_EQ(info.code, SI_TKILL);
    ASSERT_EQ(info.pid, getpid());
    ASSERT_U64_EQ(info.value, 0);
    ASSERT_OK(sigx_raise(0));
    ASSERT_EQ(sigx_raise(32), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_raise(-5), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_raise(65), SIGX_ERR_SIGNAL);
    {
        pthread_t t;
        uint64_t mine;
        ASSERT_EQ(pthread_create(&t, NULL, raise_in_thread, NULL), 0);
        ASSERT_EQ(pthread_join(t, NULL), 0);
        ASSERT_TRUE(peer_pending & SIGX_BIT(SIGUSR2));
        ASSERT_OK(sigx_kernel_pending(&mine));
        ASSERT_U64_EQ(mine & SIGX_BIT(SIGUSR2), 0);
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR2), &info, 0));
        ASSERT_EQ(info.code, SI_TKILL);
    }
    TEST_PASS("sigx_raise goes to the calling thread");

    /* sigx_reraise: the parent sees "killed by signal". */
    status = in_child(reraise_sigint_after_install);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_EQ(WTERMSIG(status), SIGINT);
    status = in_child(reraise_sigterm_with_callback);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_EQ(WTERMSIG(status), SIGTERM);
    status = in_child(reraise_from_raw_handler);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_EQ(WTERMSIG(status), SIGUSR1);
    status = in_child(reraise_sigkill);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_EQ(WTERMSIG(status), SIGKILL);
    TEST_PASS("sigx_reraise ends the process with the signal");

    /* Signals whose default is to ignore: reraise returns SIGX_OK and the
     * disposition is the default afterwards. */
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    ASSERT_EQ(sigx_is_installed(SIGCHLD), 1);
    ASSERT_OK(sigx_reraise(SIGCHLD));
    ASSERT_EQ(sigx_is_installed(SIGCHLD), 0);
    {
        struct sigaction sa;
        ASSERT_SYS(sigaction(SIGCHLD, NULL, &sa));
        ASSERT_TRUE(!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL);
    }
    ASSERT_OK(sigx_block(SIGX_BIT(SIGURG), NULL));
    ASSERT_OK(sigx_reraise(SIGURG)); /* also unblocks it */
    {
        uint64_t mask;
        ASSERT_OK(sigx_block(0, &mask));
        ASSERT_U64_EQ(mask & SIGX_BIT(SIGURG), 0);
    }
    ASSERT_OK(sigx_reraise(SIGWINCH));
    ASSERT_EQ(sigx_reraise(0), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_reraise(65), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_reraise(32), SIGX_ERR_FORBIDDEN);
    TEST_PASS("sigx_reraise returns for signals ignored by default");

    TEST_PASS("test_send_reraise");
    return 0;
}
