/* ignore-interrupt: three ways to treat SIGINT, the signal Ctrl+C sends.
 *
 *   1. Catch it: the program decides what happens (here: print a message and
 *      keep working).
 *   2. Ignore it with sigx_ignore(): the kernel throws it away; the program
 *      never even hears about it. An ignored signal stays ignored in
 *      programs started with exec (that is how `nohup` works).
 *   3. Restore the default with sigx_default(): SIGINT terminates the
 *      process again. We show that in a child process, so that this program
 *      survives to report it.
 *
 * Pressing Ctrl+C makes the terminal send SIGINT to the foreground programs;
 * here the program sends it to itself with sigx_raise(), which behaves the
 * same way.
 *
 * Run: ./ignore-interrupt
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (fork, waitpid) in strict C99 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sigx.h>

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

/* Runs in normal context, from sigx_dispatch(). */
static void on_interrupt(const sigx_info *info, void *user)
{
    (void)user;
    printf("  caught %s (from pid %d): ignoring it, still running\n",
           sigx_name(info->signo), (int)info->pid);
}

static unsigned long long delivered(int signo)
{
    sigx_stats stats;
    check(sigx_stats_get(signo, &stats), "sigx_stats_get");
    return (unsigned long long)stats.delivered;
}

int main(void)
{
    int step, status;
    pid_t child;

    /* stdout may be a pipe (when a test runs us): print lines at once. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    printf("1. Catching SIGINT with a callback\n");
    check(sigx_on(SIGINT, on_interrupt, NULL), "sigx_on");
    for (step = 1; step <= 3; step++) {
        printf("  working: step %d\n", step);
        if (step == 2)
            check(sigx_raise(SIGINT), "sigx_raise"); /* "Ctrl+C" */
        /* Run callbacks for whatever arrived, without waiting (timeout 0). */
        if (sigx_dispatch(0) == SIGX_ERR_TIMEOUT)
            printf("  (no signal this step)\n");
    }
    printf("  SIGINT was delivered %llu time(s); the work finished anyway\n",
           delivered(SIGINT));

    printf("2. Ignoring SIGINT with sigx_ignore\n");
    check(sigx_ignore(SIGINT), "sigx_ignore"); /* also drops the callback */
    check(sigx_raise(SIGINT), "sigx_raise");
    printf("  sent SIGINT again: nothing happened (still %llu delivery, "
           "sigx_is_installed = %d)\n",
           delivered(SIGINT), sigx_is_installed(SIGINT));

    printf("3. Restoring the default action with sigx_default\n");
    check(sigx_default(SIGINT), "sigx_default");
    fflush(stdout); /* so the child does not print our buffered text again */
    child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        /* The child inherits SIG_DFL: this SIGINT ends it on the spot. */
        sigx_raise(SIGINT);
        printf("  child: still alive?! (this line should never appear)\n");
        _exit(0);
    }
    if (waitpid(child, &status, 0) < 0) {
        perror("waitpid");
        return 1;
    }
    if (WIFSIGNALED(status))
        printf("  child killed by %s (a shell would show exit status %d)\n",
               sigx_name(WTERMSIG(status)), 128 + WTERMSIG(status));
    else
        printf("  child exited normally with %d\n", WEXITSTATUS(status));
    return 0;
}
