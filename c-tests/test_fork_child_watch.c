/* sigx_child_watch (sigx.h): a forked child watches nothing. The parent watches
 * two children, then forks a third process; in it the inherited pidfds are
 * closed, the parent's watches are unknown (SIGX_ERR_NOT_FOUND), and it can
 * watch a child of its own, whose exit it gets once. The parent still gets
 * each of its watched exits once. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the forked process: report failures as exit statuses. */
static int forked_side(pid_t a, pid_t b)
{
    int pidfds = -1, gate[2];
    pid_t own;
    sigx_info info;
    count_fds(&pidfds);
    if (pidfds != 0)
        return 10;
    if (sigx_child_unwatch(a) != SIGX_ERR_NOT_FOUND || sigx_child_unwatch(b) != SIGX_ERR_NOT_FOUND)
        return 11;
    /* Not its children either. */
    if (sigx_child_watch(a, 0) != SIGX_ERR_NOT_FOUND)
        return 12;
    if (pipe(gate) != 0)
        return 13;
    own = spawn_gated(gate, CHILD_EXIT, 21);
    if (sigx_child_watch(own, SIGX_CHILD_REAP) != SIGX_OK)
        return 14;
    count_fds(&pidfds);
    if (pidfds != 1)
        return 15;
    close(gate[1]);
    close(gate[0]);
    if (sigx_wait(SIGX_BIT(SIGCHLD), &info, 30000) != SIGX_OK)
        return 16;
    if (info.pid != own || info.code != CLD_EXITED || info.status != 21)
        return 17;
    if (waitpid(own, NULL, WNOHANG) != -1 || errno != ECHILD)
        return 18;
    while (!sigchld_quiet_in_kernel()) {
    }
    if (sigx_wait(SIGX_BIT(SIGCHLD), &info, 0) != SIGX_ERR_TIMEOUT)
        return 19;
    return 0;
}

int main(void)
{
    int gate[2], status = 0, seen_a = 0, seen_b = 0;
    pid_t a, b, forked;
    sigx_info info;
    roomy_sigpending();
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    if (!children_supported("test_fork_child_watch"))
        exit(0);
    ASSERT_SYS(pipe(gate));
    a = spawn_gated(gate, CHILD_EXIT, 1);
    b = spawn_gated(gate, CHILD_EXIT, 2);
    ASSERT_OK(sigx_child_watch(a, SIGX_CHILD_REAP));
    ASSERT_OK(sigx_child_watch(b, 0));

    fflush(NULL);
    forked = fork();
    ASSERT_SYS(forked);
    if (forked == 0) {
        close(gate[1]);
        close(gate[0]);
        _exit(forked_side(a, b));
    }
    ASSERT_EQ(waitpid(forked, &status, 0), forked);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        TEST_FAIL_("forked process failed with status 0x%x", status);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 30000)); /* its exit */
    ASSERT_EQ(info.pid, forked);

    ASSERT_SYS(close(gate[1]));
    ASSERT_SYS(close(gate[0]));
    while (seen_a + seen_b < 2) {
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 30000));
        ASSERT_EQ(info.code, CLD_EXITED);
        if (info.pid == a)
            seen_a++;
        else if (info.pid == b)
            seen_b++;
        else
            TEST_FAIL_("record for pid %d", (int)info.pid);
    }
    while (!sigchld_quiet_in_kernel()) {
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGCHLD), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(seen_a, 1);
    ASSERT_EQ(seen_b, 1);
    ASSERT_EQ(waitpid(b, &status, WNOHANG), b);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    errno = 0;
    ASSERT_EQ(waitpid(a, NULL, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);
    TEST_PASS("test_fork_child_watch");
    return 0;
}
