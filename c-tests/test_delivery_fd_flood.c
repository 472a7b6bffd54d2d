/* Floods into an event loop on sigx_fd (ctest: RUN_SERIAL).
 *
 * An event loop sleeps in poll() on sigx_fd() and drains with
 * sigx_wait(mask, &info, 0). A flood of real-time signals on the loop's
 * thread runs sigx's handler back to back there, so the loop cannot drain
 * while it lasts; without flow control everything past the queue's capacity
 * would be dropped. The thread that asks for the descriptor becomes the
 * holding thread (if no other is), and a drain makes its thread the holder
 * when the one before has never waited, so:
 *   - a flood that starts before the loop's first drain is received whole,
 *     in order, at capacity 8;
 * Each flood is queued in the kernel while the signal is blocked, then
 * unblocked at once: every delivery then runs the handler on the loop's
 * thread before it can return to its own code.
 *   - when the descriptor was asked for on another thread, the loop's first
 *     drain takes the role over and its floods are received whole too;
 *   - the loop's thread mask is as before once a drain finds nothing. */
#include "test.h"
#include "helpers.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP 8
#define TOTAL 5000

static uint64_t thread_mask(void)
{
    uint64_t mask;
    ASSERT_OK(sigx_block(0, &mask));
    return mask;
}

/* Queue `total` values of `signo` for this process, sent by a child that
 * has exited when this returns. The caller has `signo` blocked on every
 * thread. */
static void queue_flood(int signo, int total)
{
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        for (int i = 0; i < total; i++)
            if (queue_retry(parent, signo, (uint64_t)i) != 0)
                _exit(2);
        _exit(0);
    }
    int status;
    ASSERT_SYS(waitpid(child, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
}

/* The loop: poll, drain until SIGX_ERR_TIMEOUT, until TOTAL values came
 * (or were reported dropped). Values arrive in the order sent. */
static void run_loop(int fd, int sig)
{
    uint64_t got = 0, dropped = 0;
    sigx_info info;
    while (got + dropped < TOTAL) {
        struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
        int r = poll(&p, 1, 20000);
        if (r < 0 && errno == EINTR)
            continue;
        ASSERT_EQ(r, 1); /* 0: the loop would sleep with records to come */
        int w;
        while ((w = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_OK) {
            ASSERT_U64_EQ(info.value, got);
            got++;
            dropped += info.dropped;
        }
        ASSERT_EQ(w, SIGX_ERR_TIMEOUT);
    }
    ASSERT_U64_EQ(dropped, 0);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, TOTAL);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
}

/* Runs first, while the process has one thread. sigx_fd() and the loop on
 * it; the flood starts before any drain. */
static void test_delivery_fd_flood_single_thread(void)
{
    int sig = sigx_rtmin() + 2;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(sig, CAP));
    ASSERT_OK(sigx_install(sig, 0));
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    queue_flood(sig, TOTAL);
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL)); /* all 5000 run here */
    run_loop(fd, sig);
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("single-threaded loop: a flood before its first drain is held back, none dropped");
}

static void *nothing(void *arg)
{
    return arg;
}

struct sleeper {
    int sig;
    uint64_t got, dropped;
};

static void *sleeper_main(void *arg)
{
    struct sleeper *s = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, s->sig);
    ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &set, NULL), 0);
    /* A record of its own makes it the holder, and it stays so while its
     * waits return records. */
    sigx_info info;
    ASSERT_EQ(queue_retry(getpid(), s->sig, UINT64_MAX), 0);
    ASSERT_OK(sigx_wait(SIGX_BIT(s->sig), &info, 20000));
    ASSERT_U64_EQ(info.value, UINT64_MAX);
    /* Blocked on the main thread: the whole flood runs here. */
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        for (int i = 0; i < TOTAL; i++)
            if (queue_retry(parent, s->sig, (uint64_t)i) != 0)
                _exit(2);
        _exit(0);
    }
    while (s->got + s->dropped < TOTAL) {
        ASSERT_OK(sigx_wait(SIGX_BIT(s->sig), &info, 20000));
        s->got++;
        s->dropped += info.dropped;
    }
    int status;
    ASSERT_SYS(waitpid(child, &status, 0));
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* A wait that finds nothing leaves nothing held. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(s->sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(thread_mask() & SIGX_BIT(s->sig), 0);
    return NULL;
}

/* With other threads, the loop (still this thread, the holder since the
 * case above) gives the role up at an empty drain, and a thread waiting in
 * sigx_wait takes it: its flood arrives whole. */
static void test_delivery_fd_flood_multi_thread_sleeper_holds(void)
{
    struct sleeper s = {.sig = sigx_rtmin() + 3};
    ASSERT_OK(sigx_set_capacity(s.sig, CAP));
    ASSERT_OK(sigx_install(s.sig, 0));
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    sigx_info info;
    ASSERT_EQ(sigx_wait(SIGX_BIT(s.sig), &info, 0), SIGX_ERR_TIMEOUT);
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, nothing, NULL), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    /* The loop's drain, now in a process that has had two threads. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(s.sig), &info, 0), SIGX_ERR_TIMEOUT);
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_block(SIGX_BIT(s.sig), NULL)); /* the sleeper unblocks it */
    ASSERT_EQ(pthread_create(&t, NULL, sleeper_main, &s), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_U64_EQ(s.got, TOTAL);
    ASSERT_U64_EQ(s.dropped, 0);
    ASSERT_OK(sigx_unblock(SIGX_BIT(s.sig), NULL));
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(s.sig));
    TEST_PASS("multi-threaded: the loop's empty drain hands the role to a waiting thread");
}

/* With other threads, a thread that asks for sigx_fd() but does not drain
 * holds nothing back on itself: the deliveries past the capacity are
 * dropped and counted, and its mask is untouched. */
static void test_delivery_fd_flood_multi_thread_caller_holds_nothing(void)
{
    int sig = sigx_rtmin() + 4;
    const int burst = 20;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(sig, CAP));
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_GE(sigx_fd(), 0);
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    queue_flood(sig, burst);
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL)); /* all 20 run here */
    ASSERT_U64_EQ(thread_mask(), before);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, (uint64_t)burst);
    ASSERT_U64_EQ(st.dropped, (uint64_t)(burst - CAP));
    ASSERT_U64_EQ(st.queued, CAP);
    sigx_info info;
    for (int i = 0; i < CAP; i++)
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 0));
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("multi-threaded: sigx_fd's caller that does not drain holds nothing back");
}

int main(void)
{
    roomy_sigpending();
    test_delivery_fd_flood_single_thread(); /* first: no thread created yet */
    test_delivery_fd_flood_multi_thread_sleeper_holds();
    test_delivery_fd_flood_multi_thread_caller_holds_nothing();
    return 0;
}
