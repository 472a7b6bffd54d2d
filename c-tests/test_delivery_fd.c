/* sigx_fd (sigx_fd and sigx_fd_mask in sigx.h): one close-on-exec
 * descriptor that polls readable exactly while records are queued, with no
 * lost wakeups: a record queued before the descriptor existed, a record of a
 * signal outside the drained mask, and a record sent by another process
 * while we sit in poll() all make it readable. */
#include "test.h"
#include "helpers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int fd;

/* Take every record of `mask` until SIGX_ERR_TIMEOUT; return how many. */
static int drain(uint64_t mask)
{
    sigx_info info;
    int n = 0, rc;
    while ((rc = sigx_wait(mask, &info, 0)) == SIGX_OK)
        n++;
    ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    return n;
}

int main(void)
{
    const uint64_t usr1 = SIGX_BIT(SIGUSR1), usr2 = SIGX_BIT(SIGUSR2);
    pid_t child;
    int flags;

    roomy_sigpending(); /* see helpers.h */
    /* A record queued before sigx_fd() was ever called. */
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_raise(SIGUSR1));
    fd = sigx_fd();
    ASSERT_GE(fd, 0);
    ASSERT_EQ(poll_readable(fd, 0), 1);

    /* The same descriptor every time, close-on-exec. */
    ASSERT_EQ(sigx_fd(), fd);
    ASSERT_EQ(sigx_fd(), fd);
    flags = fcntl(fd, F_GETFD);
    ASSERT_SYS(flags);
    ASSERT_TRUE(flags & FD_CLOEXEC);

    /* Drained: not readable, and it stays so. */
    ASSERT_EQ(drain(usr1), 1);
    ASSERT_EQ(poll_readable(fd, 0), 0);
    ASSERT_EQ(poll_readable(fd, 20), 0);
    ASSERT_EQ(drain(usr1 | usr2), 0);
    ASSERT_EQ(poll_readable(fd, 0), 0);

    /* A delivery makes it readable; it stays readable while any record is
     * queued, however many times it is polled. */
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_raise(SIGUSR1));
    for (int i = 0; i < 3; i++)
        ASSERT_EQ(poll_readable(fd, 0), 1);
    {
        sigx_info info;
        ASSERT_OK(sigx_wait(usr1, &info, 0));
        ASSERT_EQ(poll_readable(fd, 0), 1); /* two still queued */
        ASSERT_OK(sigx_wait(usr1, &info, 0));
        ASSERT_EQ(poll_readable(fd, 0), 1); /* one still queued */
    }
    ASSERT_EQ(drain(usr1), 1);
    ASSERT_EQ(poll_readable(fd, 0), 0);

    /* A drain that finds nothing in its mask leaves the descriptor readable
     * while another signal's record is still queued. */
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(drain(usr1), 0);
    ASSERT_EQ(poll_readable(fd, 0), 1);
    ASSERT_EQ(drain(usr2), 1);
    ASSERT_EQ(poll_readable(fd, 0), 0);

    /* Readable again after a new delivery, also one that arrives from
     * another process while we are blocked in poll(). */
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(poll_readable(fd, 0), 1);
    ASSERT_EQ(drain(usr1 | usr2), 1);
    ASSERT_EQ(poll_readable(fd, 0), 0);
    fflush(stdout);
    child = fork();
    ASSERT_SYS(child);
    if (child == 0)
        _exit(queue_retry(getppid(), SIGUSR2, 7) != 0);
    ASSERT_EQ(poll_readable(fd, 30000), 1);
    reap_clean(child, "the sender");
    ASSERT_EQ(poll_readable(fd, 0), 1);
    {
        sigx_info info;
        ASSERT_OK(sigx_wait(usr2, &info, 0));
        ASSERT_EQ(info.pid, child);
        ASSERT_U64_EQ(info.value, 7);
    }
    ASSERT_EQ(drain(usr1 | usr2), 0);
    ASSERT_EQ(poll_readable(fd, 0), 0);
    ASSERT_EQ(sigx_fd(), fd);
    TEST_PASS("test_delivery_fd");
    return 0;
}
