/* The classic control signals of a long-running program, as a server loop
 * would handle them through sigx:
 *  - Ctrl+C (SIGINT, here sent to ourselves) ends the work loop gracefully;
 *  - SIGHUP asks for a "reload", SIGUSR1/SIGUSR2 toggle debug / dump stats;
 *  - SIGTERM from another process wakes a loop blocked in poll(sigx_fd());
 *  - SIGINT installed with SIGX_INTERRUPT breaks a blocking read() (EINTR). */
#include "test.h"
#include "helpers.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static const uint64_t control = SIGX_BIT(SIGINT) | SIGX_BIT(SIGTERM) |
                                SIGX_BIT(SIGHUP) | SIGX_BIT(SIGUSR1) |
                                SIGX_BIT(SIGUSR2);
static int reloads, debug, dumps, running;

/* Act on every queued control record; returns the last one taken. */
static sigx_info handle_queued(pid_t expect_pid)
{
    sigx_info info, last;
    memset(&last, 0, sizeof last);
    while (sigx_wait(control, &info, 0) == SIGX_OK) {
        ASSERT_EQ(info.code, SI_USER); /* kill(2) */
        ASSERT_EQ(info.pid, expect_pid);
        ASSERT_U64_EQ(info.uid, getuid());
        switch (info.signo) {
        case SIGHUP: reloads++; break;
        case SIGUSR1: debug = !debug; break;
        case SIGUSR2: dumps++; break;
        case SIGINT:
        case SIGTERM: running = 0; break;
        default: TEST_FAIL_("unexpected signal %d", info.signo);
        }
        last = info;
    }
    return last;
}

static void work_loop_until_ctrl_c(void)
{
    int iter;
    sigx_info last;
    running = 1;
    for (iter = 0; running; iter++) {
        ASSERT_LT(iter, 100); /* the loop must end at iteration 8 */
        if (iter == 2)
            ASSERT_SYS(kill(getpid(), SIGHUP)); /* the admin reloads */
        if (iter == 4)
            ASSERT_SYS(kill(getpid(), SIGUSR1));
        if (iter == 5) {
            ASSERT_SYS(kill(getpid(), SIGUSR2));
            ASSERT_SYS(kill(getpid(), SIGHUP));
        }
        if (iter == 8)
            ASSERT_SYS(kill(getpid(), SIGINT)); /* the user presses Ctrl+C */
        last = handle_queued(getpid());
    }
    ASSERT_EQ(iter, 9);
    ASSERT_EQ(last.signo, SIGINT);
    ASSERT_EQ(reloads, 2);
    ASSERT_EQ(debug, 1);
    ASSERT_EQ(dumps, 1);
}

static void sigterm_wakes_poll(void)
{
    int fd = sigx_fd();
    pid_t child;
    sigx_info last;
    ASSERT_GE(fd, 0);
    fflush(stdout);
    child = fork();
    ASSERT_SYS(child);
    if (child == 0)
        _exit(kill(getppid(), SIGTERM) != 0);
    running = 1;
    while (running) {
        ASSERT_EQ(poll_readable(fd, 30000), 1); /* never a timeout */
        last = handle_queued(child);
    }
    ASSERT_EQ(last.signo, SIGTERM);
    reap_clean(child, "the child");
}

/* The child keeps pressing Ctrl+C until we say stop, so one press surely
 * lands while we are blocked in read() on an empty pipe. */
static void sigint_interrupts_read(void)
{
    int idle[2], stop[2];
    char c;
    pid_t child;
    ASSERT_OK(sigx_install(SIGINT, SIGX_INTERRUPT));
    ASSERT_SYS(pipe(idle));
    ASSERT_SYS(pipe(stop));
    fflush(stdout);
    child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        close(stop[1]);
        do {
            if (kill(getppid(), SIGINT) != 0)
                _exit(1);
        } while (poll_readable(stop[0], 10) == 0);
        _exit(0);
    }
    close(stop[0]);
    errno = 0;
    ASSERT_EQ(read(idle[0], &c, 1), -1);
    ASSERT_EQ(errno, EINTR);
    ASSERT_EQ(write(stop[1], "x", 1), 1);
    reap_clean(child, "the child");
    running = 1;
    ASSERT_EQ(handle_queued(child).signo, SIGINT);
    ASSERT_EQ(running, 0);
}

int main(void)
{
    roomy_sigpending(); /* see helpers.h */
    ASSERT_OK(sigx_install(SIGINT, 0));
    ASSERT_OK(sigx_install(SIGTERM, 0));
    ASSERT_OK(sigx_install(SIGHUP, 0));
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    work_loop_until_ctrl_c();
    sigterm_wakes_poll();
    sigint_interrupts_read();
    TEST_PASS("test_delivery_shutdown");
    return 0;
}
