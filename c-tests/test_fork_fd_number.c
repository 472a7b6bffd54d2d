/* fork keeps every descriptor's number (issue #11; sigx_fd_mask in sigx.h:
 * "in a forked child it keeps its number").
 *
 * A pre-fork server asks for sigx_fd() and sigx_fd_mask(m) and puts both
 * numbers in its poll set before forking workers. In the child:
 *   - sigx_fd() and sigx_fd_mask(m) return the same numbers as in the
 *     parent, the descriptors are open and close-on-exec;
 *   - they are the child's own: not readable at first although the parent
 *     has a record queued, readable after a raise in the child; a raise in
 *     the child does not make the parent's readable, nor one in the parent
 *     the child's.
 * A descriptor number is freed below sigx's before the fork, so that a
 * library that closes the inherited descriptor and opens a new one would
 * get a different number. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <unistd.h>

#define WAIT_MS 10000

static void expect_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    ASSERT_SYS(flags);
    ASSERT_TRUE(flags & FD_CLOEXEC);
}

static void send_byte(int fd)
{
    ASSERT_EQ(write(fd, "x", 1), 1);
}

static void recv_byte(int fd)
{
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) < 0 && errno == EINTR) {
    }
    ASSERT_EQ(r, 1);
}

/* Take every queued record of `mask`; each must be `signo` from `pid`. */
static int drain(uint64_t mask, int signo, pid_t pid)
{
    sigx_info info;
    int rc, n = 0;
    while ((rc = sigx_wait(mask, &info, 0)) == SIGX_OK) {
        ASSERT_EQ(info.signo, signo);
        ASSERT_EQ(info.pid, pid);
        n++;
    }
    ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    return n;
}

int main(void)
{
    const uint64_t m2 = SIGX_BIT(SIGUSR2);
    roomy_sigpending(); /* real-time raises count against the shared budget */
    ASSERT_OK(sigx_setmask(0, NULL));
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    int c2p[2], p2c[2];
    ASSERT_SYS(pipe(c2p));
    ASSERT_SYS(pipe(p2c));

    int hole = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_SYS(hole);
    const int fd_all = sigx_fd();
    const int fd_m2 = sigx_fd_mask(m2);
    ASSERT_GE(fd_all, 0);
    ASSERT_GE(fd_m2, 0);
    ASSERT_NE(fd_all, fd_m2);
    close(hole); /* a lower number is free now, and stays free until fork */

    /* The parent has a SIGUSR1 record queued when it forks. */
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(poll_readable(fd_all, WAIT_MS), 1);
    ASSERT_EQ(poll_readable(fd_m2, 0), 0);

    fflush(NULL);
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        close(c2p[0]);
        close(p2c[1]);
        ASSERT_EQ(sigx_fd(), fd_all);
        ASSERT_EQ(sigx_fd_mask(m2), fd_m2);
        expect_cloexec(fd_all);
        expect_cloexec(fd_m2);
        /* Its own: the parent's queued SIGUSR1 is not the child's. */
        ASSERT_EQ(poll_readable(fd_all, 0), 0);
        ASSERT_EQ(poll_readable(fd_m2, 0), 0);
        ASSERT_OK(sigx_raise(SIGUSR2));
        ASSERT_EQ(poll_readable(fd_all, WAIT_MS), 1);
        ASSERT_EQ(poll_readable(fd_m2, WAIT_MS), 1);
        send_byte(c2p[1]); /* 1: the child raised */
        recv_byte(p2c[0]); /* 2: the parent looked */
        ASSERT_EQ(drain(m2, SIGUSR2, getpid()), 1);
        ASSERT_EQ(drain(SIGX_ALL, 0, 0), 0);
        ASSERT_EQ(poll_readable(fd_all, 0), 0);
        ASSERT_EQ(poll_readable(fd_m2, 0), 0);
        send_byte(c2p[1]); /* 3: the child drained */
        recv_byte(p2c[0]); /* 4: the parent raised */
        ASSERT_EQ(poll_readable(fd_all, 0), 0);
        ASSERT_EQ(poll_readable(fd_m2, 0), 0);
        ASSERT_EQ(sigx_fd(), fd_all);
        ASSERT_EQ(sigx_fd_mask(m2), fd_m2);
        exit(0);
    }
    close(c2p[1]);
    close(p2c[0]);

    recv_byte(c2p[0]); /* 1 */
    ASSERT_EQ(poll_readable(fd_m2, 0), 0); /* the child's raise is not ours */
    ASSERT_EQ(poll_readable(fd_all, 0), 1); /* our SIGUSR1 still waits */
    send_byte(p2c[1]); /* 2 */
    recv_byte(c2p[0]); /* 3 */
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(poll_readable(fd_m2, WAIT_MS), 1);
    send_byte(p2c[1]); /* 4 */
    reap_clean(child, "child");

    /* The parent's own records and descriptors are as they were. */
    ASSERT_EQ(sigx_fd(), fd_all);
    ASSERT_EQ(sigx_fd_mask(m2), fd_m2);
    ASSERT_EQ(drain(SIGX_BIT(SIGUSR1), SIGUSR1, getpid()), 1);
    ASSERT_EQ(drain(m2, SIGUSR2, getpid()), 1);
    ASSERT_EQ(drain(SIGX_ALL, 0, 0), 0);
    ASSERT_EQ(poll_readable(fd_all, 0), 0);
    ASSERT_EQ(poll_readable(fd_m2, 0), 0);
    TEST_PASS("test_fork_fd_number");
    return 0;
}
