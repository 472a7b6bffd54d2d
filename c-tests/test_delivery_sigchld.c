/* SIGCHLD through sigx (sigx_info in sigx.h: for SIGCHLD, pid is the
 * child's and status is the exit code for CLD_EXITED, else the signal).
 * One child event at a time: SIGCHLD is a standard signal, so two events
 * pending at once would coalesce into one delivery. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t spawn_exiting(int code)
{
    pid_t pid;
    fflush(stdout);
    pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0)
        _exit(code);
    return pid;
}

/* A child that waits to be signalled. */
static pid_t spawn_sleeper(void)
{
    pid_t pid;
    fflush(stdout);
    pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

/* The next SIGCHLD record must be about `pid`, with `code` and `status`. */
static void expect_chld(pid_t pid, int code, int status)
{
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 30000));
    ASSERT_EQ(info.signo, SIGCHLD);
    ASSERT_EQ(info.pid, pid);
    ASSERT_EQ(info.code, code);
    ASSERT_EQ(info.status, status);
    ASSERT_U64_EQ(info.uid, getuid());
    ASSERT_U64_EQ(info.value, 0);
    ASSERT_EQ(info.reserved0, 0);
}

int main(void)
{
    pid_t pid;
    int status;
    roomy_sigpending(); /* see helpers.h */
    ASSERT_OK(sigx_install(SIGCHLD, 0));

    /* Exit codes, including 0 and the largest one. */
    const int codes[] = {7, 0, 1, 255};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid = spawn_exiting(codes[i]);
        expect_chld(pid, CLD_EXITED, codes[i]);
        status = wait_child(pid);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == codes[i]);
    }

    /* Killed by a signal: CLD_KILLED, status is the signal number. */
    pid = spawn_sleeper();
    ASSERT_SYS(kill(pid, SIGKILL));
    expect_chld(pid, CLD_KILLED, SIGKILL);
    status = wait_child(pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    pid = spawn_sleeper();
    ASSERT_SYS(kill(pid, SIGTERM));
    expect_chld(pid, CLD_KILLED, SIGTERM);
    status = wait_child(pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

    /* Stopped and continued (sigx does not set SA_NOCLDSTOP). */
    pid = spawn_sleeper();
    ASSERT_SYS(kill(pid, SIGSTOP));
    expect_chld(pid, CLD_STOPPED, SIGSTOP);
    ASSERT_EQ(waitpid(pid, &status, WUNTRACED), pid);
    ASSERT_TRUE(WIFSTOPPED(status));
    ASSERT_SYS(kill(pid, SIGCONT));
    expect_chld(pid, CLD_CONTINUED, SIGCONT);
    ASSERT_SYS(kill(pid, SIGKILL));
    expect_chld(pid, CLD_KILLED, SIGKILL);
    status = wait_child(pid);
    ASSERT_TRUE(WIFSIGNALED(status));

    /* Nothing else arrived. */
    {
        sigx_info info;
        sigx_stats st;
        ASSERT_EQ(sigx_wait(SIGX_BIT(SIGCHLD), &info, 0), SIGX_ERR_TIMEOUT);
        ASSERT_OK(sigx_stats_get(SIGCHLD, &st));
        ASSERT_U64_EQ(st.delivered, 9);
        ASSERT_U64_EQ(st.dropped, 0);
    }
    TEST_PASS("test_delivery_sigchld");
    return 0;
}
