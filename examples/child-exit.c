/* child-exit: learn that a child process ended, and how, from SIGCHLD.
 *
 * When a child process exits (or is killed, stopped, continued) the kernel
 * sends SIGCHLD to its parent. The signal's details say which child it was
 * (pid) and how it ended (code and status). The parent must still "reap" the
 * child with waitpid(): until then the finished child stays in the process
 * table as a zombie.
 *
 * One caveat: standard signals do not queue. If two children end at about
 * the same time, the parent may get a single SIGCHLD for both. So treat
 * SIGCHLD as "some child changed state" and reap in a loop with WNOHANG
 * until waitpid() reports nothing more (part 1).
 *
 * That loop reaps every finished child, also those that another part of
 * the program started and wants to wait for itself. Part 2 does better:
 * sigx_child_watch(pid, SIGX_CHILD_REAP) asks sigx for exactly one SIGCHLD
 * record per exit of that child, however the kernel merged the signals,
 * and to reap that child (and only it) when its record is taken. 200
 * children that exit at the same moment are each reported once.
 *
 * Run: ./child-exit
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (fork, waitpid) in strict C99 */
#include <errno.h>
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

/* Wait for the SIGCHLD record and print what it says. */
static void report_sigchld(void)
{
    sigx_info info;
    check(sigx_wait(SIGX_BIT(SIGCHLD), &info, 10000), "sigx_wait");
    printf("  SIGCHLD: child pid %d ", (int)info.pid);
    if (info.code == CLD_EXITED)
        printf("exited with status %d\n", (int)info.status);
    else if (info.code == CLD_KILLED || info.code == CLD_DUMPED)
        printf("was killed by %s\n", sigx_name(info.status));
    else
        printf("changed state (code %d)\n", (int)info.code);
}

/* Reap every child that has finished. */
static void reap_children(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (WIFEXITED(status))
            printf("  reaped child %d: exit status %d\n", (int)pid, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            printf("  reaped child %d: killed by %s\n", (int)pid, sigx_name(WTERMSIG(status)));
    }
}

#define MANY 200

/* Part 2: 200 children exit together, each watched; each exit is
 * reported once and its child reaped by sigx. */
static void watch_many(void)
{
    static pid_t kids[MANY];
    static int reports[MANY];
    int gate[2], reported = 0, twice = 0;
    sigx_info info;

    printf("Part 2: %d children exit at the same moment\n", MANY);
    if (pipe(gate) != 0) {
        perror("pipe");
        exit(1);
    }
    for (int i = 0; i < MANY; i++) {
        kids[i] = fork();
        if (kids[i] < 0) {
            perror("fork");
            exit(1);
        }
        if (kids[i] == 0) {
            /* Wait until the parent closes the pipe, then exit. */
            char c;
            close(gate[1]);
            while (read(gate[0], &c, 1) != 0 && errno == EINTR) {
            }
            _exit(i % 100);
        }
        check(sigx_child_watch(kids[i], SIGX_CHILD_REAP), "sigx_child_watch");
    }
    close(gate[1]); /* every child reads end-of-file now, and exits */
    close(gate[0]);

    while (reported < MANY) {
        int i = 0;
        check(sigx_wait(SIGX_BIT(SIGCHLD), &info, 10000), "sigx_wait");
        while (i < MANY && kids[i] != info.pid)
            i++;
        if (i == MANY || info.code != CLD_EXITED || info.status != i % 100) {
            fprintf(stderr, "unexpected record: pid %d code %d status %d\n", (int)info.pid,
                    (int)info.code, (int)info.status);
            exit(1);
        }
        if (++reports[i] == 1)
            reported++;
        else
            twice++;
    }
    printf("  %d exits reported, %d of them twice\n", reported, twice);
    printf("  zombies left: %s\n",
           waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD ? "none" : "some");
}

int main(void)
{
    pid_t child;

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* Install before forking, so no SIGCHLD can be missed. */
    check(sigx_install(SIGCHLD, 0), "sigx_install");

    printf("Child 1 exits by itself with status 42\n");
    child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0)
        _exit(42); /* the child's whole life */
    printf("  started child %d\n", (int)child);
    report_sigchld();
    reap_children();

    printf("Child 2 waits until the parent sends it SIGTERM\n");
    child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        for (;;)
            pause(); /* sleep until a signal ends us */
    }
    printf("  started child %d, sending it SIGTERM\n", (int)child);
    check(sigx_send(child, SIGTERM, 0), "sigx_send");
    report_sigchld();
    reap_children();

    watch_many();
    return 0;
}
