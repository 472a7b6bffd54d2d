/* supervised: a service that stops only when its supervisor says so.
 *
 * Any process of the same user may send a service SIGTERM: a stray
 * `pkill -f pattern`, a script with a stale pid file. A service run by a
 * supervisor (systemd, runit, a container's init, a job runner) should stop
 * when *that* process asks, not when anyone does. sigx_filter() tells sigx
 * which senders to accept; a delivery from anyone else is refused inside
 * the signal handler: not queued, never seen by the program, only counted
 * (sigx_refused). The kernel names the sender of every kill() in the
 * signal's details (its pid and real uid), so the check costs nothing.
 *
 * Here the program plays all three parts: the supervisor forks the service
 * (as user "nobody" when started as root, as a supervisor would), then a
 * sibling process of the same user sends the service SIGTERM, which is
 * refused, and finally the supervisor's own SIGTERM stops it cleanly.
 *
 * Run: ./supervised
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (fork, kill, waitpid) in strict C99 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sigx.h>

#define NOBODY 65534

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

/* Started as root, run as "nobody", like a service under a supervisor. */
static void drop_privileges(void)
{
    if (geteuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)) {
        perror("setuid");
        exit(1);
    }
}

static void service(int to_supervisor)
{
    uint64_t refused = 0, seen = 0;
    sigx_info info;
    drop_privileges();
    check(sigx_install(SIGTERM, 0), "sigx_install");
    check(sigx_filter(SIGTERM, SIGX_FROM_PARENT | SIGX_FROM_ROOT), "sigx_filter");
    printf("service: SIGTERM accepted only from my parent or root\n");
    if (write(to_supervisor, "r", 1) != 1)
        exit(1);
    for (;;) {
        /* A refused SIGTERM wakes nobody: look at the count now and then. */
        int rc = sigx_wait(SIGX_BIT(SIGTERM), &info, 100);
        if (rc == SIGX_OK) {
            printf("service: SIGTERM from pid %d, %s: stopping cleanly\n", (int)info.pid,
                   info.pid == (int)getppid() ? "my parent" : "root");
            exit(0);
        }
        if (rc != SIGX_ERR_TIMEOUT)
            check(rc, "sigx_wait");
        check(sigx_refused(SIGTERM, &refused), "sigx_refused");
        if (refused != seen) {
            seen = refused;
            printf("service: refused a SIGTERM (%llu so far), still running\n",
                   (unsigned long long)refused);
            if (write(to_supervisor, "x", 1) != 1)
                exit(1);
        }
    }
}

int main(void)
{
    int pipefd[2], status;
    char byte;
    pid_t svc, sibling;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pipe(pipefd) != 0) {
        perror("pipe");
        return 1;
    }
    svc = fork();
    if (svc < 0) {
        perror("fork");
        return 1;
    }
    if (svc == 0) {
        close(pipefd[0]);
        service(pipefd[1]);
    }
    close(pipefd[1]);
    if (read(pipefd[0], &byte, 1) != 1) /* the service is ready */
        return 1;

    /* A sibling of the same user (a stray pkill) sends SIGTERM. */
    sibling = fork();
    if (sibling < 0) {
        perror("fork");
        return 1;
    }
    if (sibling == 0) {
        drop_privileges();
        printf("sibling: kill(service, SIGTERM) returned %d\n", kill(svc, SIGTERM));
        exit(0);
    }
    waitpid(sibling, &status, 0);
    if (read(pipefd[0], &byte, 1) != 1) /* the service counted the refusal */
        return 1;

    /* Now the supervisor, its parent, asks it to stop. */
    printf("supervisor: kill(service, SIGTERM)\n");
    if (kill(svc, SIGTERM) != 0) {
        perror("kill");
        return 1;
    }
    if (waitpid(svc, &status, 0) != svc || !WIFEXITED(status)) {
        printf("supervisor: the service did not exit normally\n");
        return 1;
    }
    printf("supervisor: service exited with status %d\n", WEXITSTATUS(status));
    return WEXITSTATUS(status);
}
