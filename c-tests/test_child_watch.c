/* sigx_child_watch and sigx_child_unwatch (sigx.h), one child at a time:
 * argument, state and not-found errors in the order of their checks,
 * watching after the exit (with the kernel's record still queued, and
 * already taken), unwatching (also after the record was queued), watching
 * again to change the flags, stop and continue records passing through, the
 * fields of a record sigx made, sigx_fd readable for an exit found by a
 * watch, pidfds close-on-exec and closed once the exit is reported, and the
 * accounting identity. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t taken; /* SIGCHLD records taken */

/* The next SIGCHLD record, which must be about `pid`. */
static sigx_info expect_record(pid_t pid, int code, int status)
{
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 30000));
    taken++;
    ASSERT_EQ(info.signo, SIGCHLD);
    ASSERT_EQ(info.pid, pid);
    ASSERT_EQ(info.code, code);
    ASSERT_EQ(info.status, status);
    ASSERT_U64_EQ(info.uid, getuid());
    ASSERT_U64_EQ(info.value, 0);
    ASSERT_U64_EQ(info.dropped, 0);
    ASSERT_EQ(info.reserved0, 0);
    ASSERT_U64_EQ(info.reserved1, 0);
    ASSERT_TRUE(info.seq > 0 && info.time_ns > 0);
    return info;
}

/* No SIGCHLD record is left, nor can one still come: nothing is pending in
 * the kernel (the handler runs on this only thread) and nothing is queued. */
static void expect_no_more(void)
{
    sigx_info info;
    ASSERT_TRUE(sigchld_quiet_in_kernel());
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGCHLD), &info, 0), SIGX_ERR_TIMEOUT);
}

static pid_t spawn_exit(int code)
{
    pid_t pid;
    fflush(NULL);
    pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0)
        _exit(code);
    return pid;
}

/* A child that is a zombie when this returns (its SIGCHLD handled). */
static pid_t zombie(int code)
{
    pid_t pid = spawn_exit(code);
    ASSERT_TRUE(still_waitable(pid));
    return pid;
}

/* A thread that tells its kernel id through fds[3] and waits for EOF on
 * fds[0]. */
static void *idle_thread(void *arg)
{
    int *fds = arg;
    pid_t tid = my_tid();
    char c;
    (void)write(fds[3], &tid, sizeof tid);
    (void)read(fds[0], &c, 1);
    return NULL;
}

static void errors(void)
{
    int gate[2], fds[4];
    pid_t kid, gone, grandchild, tid;
    pthread_t th;

    /* Argument checks come first, whatever the state. */
    ASSERT_EQ(sigx_child_watch(0, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_child_watch(-1, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_child_watch(-12345, SIGX_CHILD_REAP), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_child_watch(getpid(), 2), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_child_watch(getpid(), 0x80000000u), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_child_unwatch(0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_child_unwatch(-1), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_child_unwatch(getpid()), SIGX_ERR_NOT_FOUND);

    /* SIGCHLD not caught: state error, before any look at the pid. */
    ASSERT_SYS(pipe(gate));
    kid = spawn_gated(gate, CHILD_EXIT, 0);
    ASSERT_EQ(sigx_child_watch(kid, 0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_child_watch(1, 0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_child_unwatch(kid), SIGX_ERR_NOT_FOUND);
    ASSERT_SYS(close(gate[1]));
    ASSERT_SYS(close(gate[0]));
    ASSERT_EQ(waitpid(kid, NULL, 0), kid);

    ASSERT_OK(sigx_install(SIGCHLD, 0)); /* that child's exit was never recorded */
    if (!children_supported("test_child_watch"))
        exit(0);

    /* Not children of ours: this process, init, a thread, a grandchild. */
    ASSERT_EQ(sigx_child_watch(getpid(), 0), SIGX_ERR_NOT_FOUND);
    ASSERT_EQ(sigx_child_watch(1, 0), SIGX_ERR_NOT_FOUND);
    ASSERT_SYS(pipe(fds));
    ASSERT_SYS(pipe(fds + 2));
    ASSERT_EQ(pthread_create(&th, NULL, idle_thread, fds), 0);
    ASSERT_EQ(read(fds[2], &tid, sizeof tid), (ssize_t)sizeof tid);
    ASSERT_EQ(sigx_child_watch(tid, 0), SIGX_ERR_NOT_FOUND);
    ASSERT_SYS(close(fds[1]));
    ASSERT_EQ(pthread_join(th, NULL), 0);
    for (int i = 0; i < 4; i++)
        if (i != 1)
            ASSERT_SYS(close(fds[i]));

    ASSERT_SYS(pipe(gate));
    ASSERT_SYS(pipe(fds));
    fflush(NULL);
    kid = fork();
    ASSERT_SYS(kid);
    if (kid == 0) {
        /* Fork a grandchild that waits on the gate, report its pid. */
        pid_t g = spawn_gated(gate, CHILD_EXIT, 0);
        close(gate[1]);
        (void)write(fds[1], &g, sizeof g);
        waitpid(g, NULL, 0);
        _exit(0);
    }
    ASSERT_SYS(close(fds[1]));
    ASSERT_EQ(read(fds[0], &grandchild, sizeof grandchild), (ssize_t)sizeof grandchild);
    ASSERT_SYS(close(fds[0]));
    ASSERT_EQ(sigx_child_watch(grandchild, 0), SIGX_ERR_NOT_FOUND);
    ASSERT_SYS(close(gate[1]));
    ASSERT_SYS(close(gate[0]));
    ASSERT_EQ(waitpid(kid, NULL, 0), kid);
    expect_record(kid, CLD_EXITED, 0);

    /* Already reaped. */
    gone = zombie(3);
    expect_record(gone, CLD_EXITED, 3);
    ASSERT_EQ(waitpid(gone, NULL, 0), gone);
    ASSERT_EQ(sigx_child_watch(gone, 0), SIGX_ERR_NOT_FOUND);
    ASSERT_EQ(sigx_child_watch(gone, SIGX_CHILD_REAP), SIGX_ERR_NOT_FOUND);
    expect_no_more();

    /* Each status has its own sentence. */
    ASSERT_TRUE(strcmp(sigx_strerror(SIGX_ERR_NOT_FOUND), sigx_strerror(-1000)) != 0);
    ASSERT_TRUE(strcmp(sigx_strerror(SIGX_ERR_DISPLACED), sigx_strerror(-1000)) != 0);
    ASSERT_TRUE(strcmp(sigx_strerror(SIGX_ERR_NOT_FOUND), sigx_strerror(SIGX_ERR_DISPLACED)) != 0);
    ASSERT_EQ(SIGX_ERR_NOT_FOUND, -12);
    ASSERT_EQ(SIGX_ERR_DISPLACED, -13);
}

static void watched_exit_and_descriptors(void)
{
    int gate[2], pidfds = -1, before, during;
    pid_t kid;
    sigx_info rec;

    ASSERT_SYS(pipe(gate));
    kid = spawn_gated(gate, CHILD_EXIT, 42);
    before = count_fds(&pidfds);
    ASSERT_EQ(pidfds, 0);
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP));
    during = count_fds(&pidfds); /* fails unless every one is close-on-exec */
    ASSERT_EQ(pidfds, 1);
    ASSERT_TRUE(during == before + 1 || during == before + 2); /* + the epoll, once */
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP)); /* again: flags only */
    ASSERT_EQ(count_fds(&pidfds), during);
    ASSERT_EQ(pidfds, 1);
    ASSERT_SYS(close(gate[1]));
    ASSERT_SYS(close(gate[0]));
    rec = expect_record(kid, CLD_EXITED, 42);
    (void)rec;
    errno = 0;
    ASSERT_EQ(waitpid(kid, NULL, WNOHANG), -1); /* reaped by sigx */
    ASSERT_EQ(errno, ECHILD);
    ASSERT_EQ(count_fds(&pidfds), during - 3); /* the pidfd is closed (and the gate) */
    ASSERT_EQ(pidfds, 0);
    ASSERT_EQ(sigx_child_unwatch(kid), SIGX_ERR_NOT_FOUND);
    expect_no_more();
}

static void watch_after_exit(void)
{
    int fd = sigx_fd_mask(SIGX_BIT(SIGCHLD)), status = 0;
    pid_t kid;
    sigx_info kernel, ours;
    ASSERT_TRUE(fd >= 0);

    /* The kernel's record is still queued: one record in all, then reaped. */
    kid = zombie(6);
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP));
    expect_record(kid, CLD_EXITED, 6);
    expect_no_more();
    errno = 0;
    ASSERT_EQ(waitpid(kid, NULL, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);

    /* The kernel's record was taken before the watch: the watch reports
     * the exit (once more, by design), and sigx_fd says so. */
    kid = zombie(5);
    kernel = expect_record(kid, CLD_EXITED, 5);
    expect_no_more();
    ASSERT_EQ(poll_readable(fd, 0), 0);
    ASSERT_OK(sigx_child_watch(kid, 0));
    ASSERT_EQ(poll_readable(fd, 0), 1);
    ours = expect_record(kid, CLD_EXITED, 5);
    ASSERT_GT(ours.seq, kernel.seq);
    ASSERT_GE(ours.time_ns, kernel.time_ns);
    expect_no_more();
    ASSERT_EQ(poll_readable(fd, 0), 0);
    ASSERT_EQ(waitpid(kid, &status, WNOHANG), kid); /* no SIGX_CHILD_REAP */
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 5);

    /* Watch without reaping, then again with: the flags are updated. */
    kid = zombie(7);
    ASSERT_OK(sigx_child_watch(kid, 0));
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP));
    expect_record(kid, CLD_EXITED, 7);
    expect_no_more();
    errno = 0;
    ASSERT_EQ(waitpid(kid, NULL, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);
}

static void unwatching(void)
{
    int gate[2], status = 0;
    pid_t kid;

    /* Unwatched before the exit: the kernel's record, as for any child. */
    ASSERT_SYS(pipe(gate));
    kid = spawn_gated(gate, CHILD_EXIT, 8);
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP));
    ASSERT_OK(sigx_child_unwatch(kid));
    ASSERT_EQ(sigx_child_unwatch(kid), SIGX_ERR_NOT_FOUND);
    ASSERT_SYS(close(gate[1]));
    ASSERT_SYS(close(gate[0]));
    expect_record(kid, CLD_EXITED, 8);
    expect_no_more();
    ASSERT_EQ(waitpid(kid, &status, 0), kid); /* not reaped by sigx */

    /* Unwatched after sigx queued the record: returned, not reaped. */
    kid = zombie(9);
    expect_record(kid, CLD_EXITED, 9); /* the kernel's, unwatched */
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP)); /* queues ours */
    ASSERT_OK(sigx_child_unwatch(kid));
    ASSERT_EQ(sigx_child_unwatch(kid), SIGX_ERR_NOT_FOUND);
    expect_record(kid, CLD_EXITED, 9);
    expect_no_more();
    ASSERT_EQ(waitpid(kid, &status, WNOHANG), kid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 9);
}

static void stop_and_continue(void)
{
    int gate[2], status = 0;
    pid_t kid;
    ASSERT_SYS(pipe(gate));
    kid = spawn_gated(gate, CHILD_EXIT, 0);
    ASSERT_OK(sigx_child_watch(kid, SIGX_CHILD_REAP));
    ASSERT_SYS(kill(kid, SIGSTOP));
    expect_record(kid, CLD_STOPPED, SIGSTOP);
    ASSERT_EQ(waitpid(kid, &status, WUNTRACED), kid);
    ASSERT_TRUE(WIFSTOPPED(status));
    ASSERT_SYS(kill(kid, SIGCONT));
    expect_record(kid, CLD_CONTINUED, SIGCONT);
    ASSERT_SYS(kill(kid, SIGKILL));
    expect_record(kid, CLD_KILLED, SIGKILL);
    expect_no_more();
    errno = 0;
    ASSERT_EQ(waitpid(kid, NULL, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);
    ASSERT_SYS(close(gate[1]));
    ASSERT_SYS(close(gate[0]));
}

int main(void)
{
    sigx_stats st;
    roomy_sigpending();
    errors();
    watched_exit_and_descriptors();
    watch_after_exit();
    unwatching();
    stop_and_continue();
    st = expect_identity(SIGCHLD, taken);
    ASSERT_U64_EQ(st.dropped, 0);
    errno = 0;
    ASSERT_EQ(waitpid(-1, NULL, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);
    TEST_PASS("test_child_watch");
    return 0;
}
