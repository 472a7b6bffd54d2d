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

/* Queue TOTAL values of `signo` for this process, sent by a child that has
 * exited when this returns. The caller has `signo` blocked on every thread. */
static void queue_flood(int signo)
{
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        for (int i = 0; i < TOTAL; i++)
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

/* sigx_fd() and the loop on this thread; the flood starts before any drain. */
static void test_delivery_fd_flood_before_first_drain(void)
{
    int sig = sigx_rtmin() + 2;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(sig, CAP));
    ASSERT_OK(sigx_install(sig, 0));
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    queue_flood(sig);
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL)); /* all 5000 run here */
    run_loop(fd, sig);
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("a flood before the loop's first drain is held back, none dropped");
}

struct loop {
    int fd, sig, ready[2], go[2];
};

static void *loop_main(void *arg)
{
    struct loop *l = arg;
    /* The loop's first drain (nothing there yet). */
    sigx_info info;
    ASSERT_EQ(sigx_wait(SIGX_BIT(l->sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(write(l->ready[1], "r", 1), 1);
    char c;
    ASSERT_EQ(read(l->go[0], &c, 1), 1);
    /* Blocked on the other thread: all 5000 run here. */
    ASSERT_OK(sigx_unblock(SIGX_BIT(l->sig), NULL));
    run_loop(l->fd, l->sig);
    ASSERT_EQ(thread_mask() & SIGX_BIT(l->sig), 0);
    return NULL;
}

/* sigx_fd() asked for on this thread, which never waits; the loop runs on
 * another thread, where the flood lands (it stays blocked here). */
static void test_delivery_fd_flood_loop_elsewhere(void)
{
    struct loop l = {.sig = sigx_rtmin() + 3};
    ASSERT_OK(sigx_set_capacity(l.sig, CAP));
    ASSERT_OK(sigx_install(l.sig, 0));
    l.fd = sigx_fd();
    ASSERT_GE(l.fd, 0);
    ASSERT_SYS(pipe(l.ready));
    ASSERT_SYS(pipe(l.go));
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_block(SIGX_BIT(l.sig), NULL)); /* the loop inherits it */
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, loop_main, &l), 0);
    char c;
    ASSERT_EQ(read(l.ready[0], &c, 1), 1);
    queue_flood(l.sig);
    ASSERT_EQ(write(l.go[1], "g", 1), 1);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_OK(sigx_unblock(SIGX_BIT(l.sig), NULL));
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(l.sig));
    TEST_PASS("the loop's first drain takes the holder role from sigx_fd's caller");
}

int main(void)
{
    roomy_sigpending();
    /* First: here the thread that asked for the descriptor has never
     * waited. (A thread that drained less than a second ago keeps the role
     * against another thread's drains; a wait that may sleep takes it.) */
    test_delivery_fd_flood_loop_elsewhere();
    test_delivery_fd_flood_before_first_drain();
    return 0;
}
