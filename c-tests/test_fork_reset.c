/* SIGX_FORK_RESET: in a child made by fork, sigx puts back the disposition
 * it replaced for that signal (what sigx_uninstall would restore), so a pool
 * worker forked after sigx_install(SIGTERM, SIGX_FORK_RESET) dies of SIGTERM
 * as usual. Without the flag the child keeps sigx's handler and records the
 * signal. The parent keeps catching either way, and a signal whose saved
 * disposition was a handler of the program's gets that handler back. */
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t theirs_ran;

static void theirs(int signo)
{
    (void)signo;
    theirs_ran = 1;
}

/* Fork a child that sends itself `sig` and then reports, in its exit
 * status, what happened: killed by the signal, 10 if sigx recorded it, 11 if
 * the program's own handler ran, 12 otherwise. */
static int child_outcome(int sig)
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        kill(getpid(), sig);
        sigx_info info;
        if (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK)
            _exit(10);
        if (theirs_ran)
            _exit(11);
        _exit(12);
    }
    int status;
    ASSERT_SYS(waitpid(pid, &status, 0));
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    ASSERT_TRUE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

int main(void)
{
    /* Over SIG_DFL: the child dies of SIGTERM. */
    ASSERT_OK(sigx_install(SIGTERM, SIGX_FORK_RESET));
    ASSERT_EQ(child_outcome(SIGTERM), -SIGTERM);
    ASSERT_EQ(sigx_is_installed(SIGTERM), 1); /* the parent still catches it */
    ASSERT_OK(sigx_raise(SIGTERM));
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGTERM), &info, 0));
    ASSERT_EQ(info.signo, SIGTERM);
    TEST_PASS("SIGX_FORK_RESET over SIG_DFL: the child dies of SIGTERM");

    /* Without the flag (a re-install changes the flags): the child records. */
    ASSERT_OK(sigx_install(SIGTERM, 0));
    ASSERT_EQ(child_outcome(SIGTERM), 10);
    TEST_PASS("without SIGX_FORK_RESET the child keeps sigx's handler");
    ASSERT_OK(sigx_uninstall(SIGTERM));

    /* Over a handler of the program's: the child gets that handler back. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = theirs;
    sigemptyset(&sa.sa_mask);
    ASSERT_SYS(sigaction(SIGUSR1, &sa, NULL));
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_FORK_RESET));
    ASSERT_EQ(child_outcome(SIGUSR1), 11);
    ASSERT_EQ(theirs_ran, 0); /* not in the parent */
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 0));
    TEST_PASS("SIGX_FORK_RESET over a handler: the child gets it back");

    /* The flag is known; an unknown bit next to it is still refused. */
    ASSERT_EQ(sigx_install(SIGUSR2, SIGX_FORK_RESET | 16), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 0);
    return 0;
}
