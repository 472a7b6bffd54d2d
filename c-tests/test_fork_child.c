/* fork (the top of sigx.h): the child starts with an empty queue, zero
 * figures and a sigx_fd() of its own, keeps the installed signals, carries
 * seq on from the parent, and can receive signals and exit cleanly; the
 * parent loses nothing of what it had queued.
 *
 * The child reports through its exit status (the assert macros exit(1)).
 * The parent sends to the child only after the child says it is ready, so
 * nothing can arrive before the child's own reset. */
#include "test.h"
#include "helpers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define RT_VALUE UINT64_C(0xc41d000000000001)

static void child_main(uint64_t parent_seq, int ready_fd)
{
    sigx_info info;
    int fd;
    /* The parent's two records are not here; the figures start at zero. */
    expect_stats(0, 0, 0, 0, 0);
    expect_stats(SIGUSR1, 0, 0, 0, 0);
    ASSERT_EQ(sigx_wait(SIGX_ALL, &info, 0), SIGX_ERR_TIMEOUT);
    /* Still installed: the kernel kept the dispositions. */
    ASSERT_EQ(sigx_is_installed(SIGUSR1), 1);
    ASSERT_EQ(sigx_is_installed(SIGRTMIN), 1);

    /* A descriptor of its own: not the parent's (which is readable, the
     * parent having records queued), close-on-exec, and working. */
    fd = sigx_fd();
    ASSERT_GE(fd, 0);
    ASSERT_EQ(sigx_fd(), fd);
    ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    ASSERT_EQ(poll_readable(fd, 0), 0);
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(poll_readable(fd, 0), 1);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 0));
    ASSERT_EQ(info.pid, getpid());
    ASSERT_U64_EQ(info.seq, parent_seq + 1); /* carries on from the parent */
    ASSERT_EQ(sigx_wait(SIGX_ALL, &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(poll_readable(fd, 0), 0); /* drained */

    /* Ready: now the parent sends us a real-time signal. */
    ASSERT_EQ(write(ready_fd, "r", 1), 1);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGRTMIN), &info, 30000));
    ASSERT_EQ(info.code, SI_QUEUE);
    ASSERT_EQ(info.pid, getppid());
    ASSERT_U64_EQ(info.value, RT_VALUE);
    ASSERT_U64_EQ(info.seq, parent_seq + 2);
    {
        sigx_stats st;
        ASSERT_OK(sigx_stats_get(0, &st));
        ASSERT_U64_EQ(st.delivered, 2);
        ASSERT_U64_EQ(st.queued, 0);
    }
}

int main(void)
{
    sigx_info info;
    int ready[2], status, fd;
    char c;
    pid_t child;

    roomy_sigpending(); /* see helpers.h */
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGRTMIN, 0));
    fd = sigx_fd();
    ASSERT_GE(fd, 0);
    ASSERT_OK(sigx_raise(SIGUSR1)); /* seq 1 */
    ASSERT_OK(sigx_raise(SIGUSR1)); /* seq 2 */
    ASSERT_EQ(poll_readable(fd, 0), 1);
    ASSERT_SYS(pipe(ready));

    fflush(stdout);
    child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        close(ready[0]);
        child_main(2, ready[1]);
        exit(0); /* a normal exit: atexit handlers and all */
    }
    close(ready[1]);
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    ASSERT_OK(sigx_send(child, SIGRTMIN, RT_VALUE));
    status = wait_child(child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);

    /* The parent: its records, its descriptor and its count are intact. */
    ASSERT_EQ(sigx_fd(), fd);
    ASSERT_EQ(poll_readable(fd, 0), 1);
    for (uint64_t seq = 1; seq <= 2; seq++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 0));
        ASSERT_U64_EQ(info.seq, seq);
        ASSERT_EQ(info.pid, getpid());
    }
    ASSERT_EQ(sigx_wait(SIGX_ALL, &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(poll_readable(fd, 0), 0);
    ASSERT_OK(sigx_raise(SIGRTMIN));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGRTMIN), &info, 0));
    ASSERT_U64_EQ(info.seq, 3); /* the child's deliveries are the child's */
    TEST_PASS("test_fork_child");
    return 0;
}
