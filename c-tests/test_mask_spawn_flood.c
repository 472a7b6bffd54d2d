/* exec and posix_spawn in the middle of a flood (issue #11; the top of
 * sigx.h: sigx never changes a thread's mask behind your back, so a program
 * that execs, posix_spawns or creates threads never passes on a mask it did
 * not set itself).
 *
 * A daemon that re-execs itself, or starts a helper, while a flood of a
 * real-time signal is arriving must hand the new program the mask it set
 * itself (here: nothing blocked). The program receives the flood in two
 * styles in turn, each with its own signal:
 *   A. a sigx_wait loop,
 *   B. a poll loop on sigx_fd() that drains with sigx_wait(mask, &info, 0),
 * and at eight points during each flood and once after it starts
 *   - itself with posix_spawn ("--print-sigblk": print SigBlk and exit),
 *   - itself with fork + execve,
 *   - /bin/sh -c 'grep SigBlk /proc/self/status' with posix_spawn (if there),
 * and reads the child's SigBlk from its output: it must equal the program's
 * own mask. Afterwards the accounting holds and nothing was dropped (the
 * flood is below the default capacity). */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"

#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

extern char **environ;

#define CHECKPOINTS 8
#define WAIT_MS 10000

static char self_path[PATH_MAX];
static uint64_t set_sigblk; /* the mask this program set for its thread */
static long flood;
static unsigned char *seen;
static int children_checked;

/* Run by the children: print this process's SigBlk line. */
static int print_sigblk(void)
{
    uint64_t m;
    if (proc_mask(0, "SigBlk", &m) != 0)
        return 2;
    printf("SigBlk:\t%016llx\n", (unsigned long long)m);
    return 0;
}

/* Read the child's output to EOF, reap it, and return the SigBlk it
 * printed. */
static uint64_t collect(pid_t pid, int out_fd, const char *how)
{
    char buf[256];
    size_t have = 0;
    ssize_t r;
    while (have < sizeof buf - 1 &&
           ((r = read(out_fd, buf + have, sizeof buf - 1 - have)) > 0 ||
            (r < 0 && errno == EINTR)))
        if (r > 0)
            have += (size_t)r;
    close(out_fd);
    buf[have] = 0;
    reap_clean(pid, how);
    const char *p = strstr(buf, "SigBlk:");
    if (p == NULL)
        TEST_FAIL_("%s: no SigBlk line in the child's output \"%s\"", how, buf);
    return strtoull(p + 7, NULL, 16);
}

static uint64_t via_posix_spawn(const char *path, char *const argv[], const char *how)
{
    int out[2];
    pid_t pid;
    posix_spawn_file_actions_t fa;
    ASSERT_SYS(pipe2(out, O_CLOEXEC));
    ASSERT_EQ(posix_spawn_file_actions_init(&fa), 0);
    ASSERT_EQ(posix_spawn_file_actions_adddup2(&fa, out[1], 1), 0);
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    if (rc != 0)
        TEST_FAIL_("%s: posix_spawn failed: %s", how, strerror(rc));
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    return collect(pid, out[0], how);
}

static uint64_t via_fork_exec(const char *how)
{
    int out[2];
    ASSERT_SYS(pipe2(out, O_CLOEXEC));
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        char *argv[] = {self_path, (char *)"--print-sigblk", NULL};
        if (dup2(out[1], 1) < 0)
            _exit(126);
        execve(self_path, argv, environ);
        _exit(127);
    }
    close(out[1]);
    return collect(pid, out[0], how);
}

/* Start the three kinds of children now; each must have our mask. */
static void check_children(const char *style, int point)
{
    char *self_argv[] = {self_path, (char *)"--print-sigblk", NULL};
    char *sh_argv[] = {(char *)"sh", (char *)"-c", (char *)"grep SigBlk /proc/self/status", NULL};
    struct {
        const char *how;
        uint64_t sigblk;
        int ran;
    } kids[3] = {{"posix_spawn of itself", 0, 0}, {"fork + execve of itself", 0, 0},
                 {"posix_spawn of /bin/sh -c grep", 0, 0}};
    kids[0].sigblk = via_posix_spawn(self_path, self_argv, kids[0].how);
    kids[0].ran = 1;
    kids[1].sigblk = via_fork_exec(kids[1].how);
    kids[1].ran = 1;
    if (access("/bin/sh", X_OK) == 0) {
        kids[2].sigblk = via_posix_spawn("/bin/sh", sh_argv, kids[2].how);
        kids[2].ran = 1;
    }
    for (int k = 0; k < 3; k++) {
        if (!kids[k].ran)
            continue;
        children_checked++;
        if (kids[k].sigblk != set_sigblk)
            TEST_FAIL_("%s, point %d: %s started with SigBlk 0x%llx, the program set 0x%llx "
                       "(its own SigBlk now 0x%llx)",
                       style, point, kids[k].how, (unsigned long long)kids[k].sigblk,
                       (unsigned long long)set_sigblk, (unsigned long long)thread_sigblk(0));
    }
}

static void take(int sig, pid_t sender, const sigx_info *info, uint64_t *returned)
{
    ASSERT_EQ(info->signo, sig);
    ASSERT_EQ(info->code, SI_QUEUE);
    ASSERT_EQ(info->pid, sender);
    ASSERT_TRUE(info->value < (uint64_t)flood);
    if (seen[info->value]++ != 0)
        TEST_FAIL_("value %llu returned twice", (unsigned long long)info->value);
    (*returned)++;
}

static void finish(const char *style, int sig, pid_t sender, uint64_t returned)
{
    reap_clean(sender, "sender");
    check_children(style, CHECKPOINTS);
    sigx_stats st = expect_identity(sig, returned);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(returned, (uint64_t)flood);
    ASSERT_U64_EQ(thread_sigblk(0), set_sigblk);
    printf("%s: flood of %ld received whole, %d children started with the program's mask\n",
           style, flood, children_checked);
}

/* A: a sigx_wait loop. */
static void style_wait(int sig)
{
    uint64_t returned = 0;
    int point = 0;
    memset(seen, 0, (size_t)flood);
    children_checked = 0;
    ASSERT_OK(sigx_install(sig, 0));
    pid_t sender = flood_fork(getpid(), sig, 0, flood, NULL);
    while (returned < (uint64_t)flood) {
        sigx_info info;
        int rc = sigx_wait(SIGX_BIT(sig), &info, WAIT_MS);
        if (rc != SIGX_OK)
            TEST_FAIL_("wait loop: sigx_wait returned %d (%s) after %llu records", rc,
                       sigx_strerror(rc), (unsigned long long)returned);
        take(sig, sender, &info, &returned);
        if (point < CHECKPOINTS && returned == (uint64_t)(point + 1) * (uint64_t)flood / (CHECKPOINTS + 1))
            check_children("wait loop", point++);
    }
    finish("wait loop", sig, sender, returned);
}

/* B: a poll loop on sigx_fd(). */
static void style_fd(int sig)
{
    uint64_t returned = 0;
    int point = 0;
    memset(seen, 0, (size_t)flood);
    children_checked = 0;
    ASSERT_OK(sigx_install(sig, 0));
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    pid_t sender = flood_fork(getpid(), sig, 0, flood, NULL);
    while (returned < (uint64_t)flood) {
        if (!poll_readable(fd, WAIT_MS))
            TEST_FAIL_("fd loop: no wake-up for 10 s after %llu records",
                       (unsigned long long)returned);
        sigx_info info;
        int rc;
        while ((rc = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_OK) {
            take(sig, sender, &info, &returned);
            if (point < CHECKPOINTS &&
                returned == (uint64_t)(point + 1) * (uint64_t)flood / (CHECKPOINTS + 1))
                check_children("fd loop", point++);
        }
        ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    }
    finish("fd loop", sig, sender, returned);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--print-sigblk") == 0)
        return print_sigblk();

    roomy_sigpending();
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    ASSERT_SYS(n);
    self_path[n] = 0;
    flood = flood_size(60000, 2000);
    seen = malloc((size_t)flood);
    ASSERT_TRUE(seen != NULL);

    sigset_t none;
    sigemptyset(&none);
    ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &none, NULL), 0);
    set_sigblk = thread_sigblk(0);
    /* Before any flood the children agree with us. */
    check_children("before the floods", 0);

    style_wait(sigx_rtmin() + 1);
    style_fd(sigx_rtmin() + 2);

    free(seen);
    TEST_PASS("test_mask_spawn_flood");
    return 0;
}
