/* Small helpers shared by the core C tests (test_api_*, test_delivery_*,
 * test_fork_*, test_chain_*). Include after test.h. Everything is static
 * inline, so a test that does not use a helper gets no warning. */
#ifndef SIGX_TEST_HELPERS_H
#define SIGX_TEST_HELPERS_H

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* The kernel counts queued signals over every process of the user and
 * checks the count against the *receiver's* RLIMIT_SIGPENDING. Past it, a
 * real-time signal is refused (EAGAIN, even for raise) and a standard one
 * arrives without its siginfo (code SI_USER, pid 0, no value). A flood
 * running at the same time can use up that shared budget, so a test that
 * checks records raises its own limit first where it may (CAP_SYS_RESOURCE),
 * else keeps its soft limit at the hard one. Without the capability this
 * cannot help; that is why floods run alone (ctest RUN_SERIAL). */
static inline void roomy_sigpending(void)
{
    struct rlimit rl;
    rl.rlim_cur = rl.rlim_max = (rlim_t)1 << 22;
    if (setrlimit(RLIMIT_SIGPENDING, &rl) == 0)
        return;
    if (getrlimit(RLIMIT_SIGPENDING, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_SIGPENDING, &rl);
    }
}

/* sigqueue(pid, signo, value), retried while the receiver's queue is full
 * (EAGAIN). 0 on success, -1 with errno for any other failure. Only plain
 * system calls, so a child forked from a threaded test may call it. */
static inline int queue_retry(pid_t pid, int signo, uint64_t value)
{
    union sigval v;
    v.sival_ptr = (void *)(uintptr_t)value;
    while (sigqueue(pid, signo, v) != 0) {
        if (errno != EAGAIN)
            return -1;
        sched_yield();
    }
    return 0;
}

/* ---- Receiving without surprises (issue #11) ------------------------------
 * Helpers for the tests of receiving without surprises (masks stay the
 * program's) and of sigx_fd_mask: thread masks as the kernel reports them,
 * polling a descriptor, a forked flood sender, and the accounting identity.
 * The /proc readers and the sender use plain system calls only, so a child
 * forked from a threaded test may call them. */

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The calling thread's kernel id (what /proc/self/task lists). */
static inline pid_t my_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* Flood sizes: `base` divided by SIGX_STRESS_DIV (sanitizer and valgrind
 * runs set it), never below `floor`. SIGX_LONG is left out on purpose: these
 * floods are sized against the default capacity. */
static inline long flood_size(long base, long floor)
{
    const char *div = getenv("SIGX_STRESS_DIV");
    long n = base;
    if (div != NULL && strtol(div, NULL, 10) > 1)
        n /= strtol(div, NULL, 10);
    return n < floor ? floor : n;
}

/* A mask line (`SigBlk:`, `SigPnd:`, `ShdPnd:`, ...) of
 * /proc/self/task/<tid>/status, or of /proc/self/status for tid 0, as a
 * sigx mask (the kernel prints bit signo-1, as SIGX_BIT does). Returns 0
 * and writes *mask, or -1 if the thread is gone or the line is missing. */
static inline int proc_mask(pid_t tid, const char *field, uint64_t *mask)
{
    char path[64] = "/proc/self/status", digits[16], buf[4096];
    if (tid > 0) {
        static const char head[] = "/proc/self/task/";
        int n = 0, at = 0;
        for (unsigned v = (unsigned)tid; v > 0; v /= 10)
            digits[n++] = (char)('0' + v % 10);
        for (const char *h = head; *h; h++)
            path[at++] = *h;
        while (n > 0)
            path[at++] = digits[--n];
        for (const char *t = "/status"; *t; t++)
            path[at++] = *t;
        path[at] = 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t r, have = 0;
    while (have < (ssize_t)sizeof buf - 1 &&
           ((r = read(fd, buf + have, sizeof buf - 1 - (size_t)have)) > 0 ||
            (r < 0 && errno == EINTR)))
        if (r > 0)
            have += r;
    close(fd);
    buf[have] = 0;
    const char *p = strstr(buf, field);
    if (p == NULL)
        return -1;
    p += strlen(field);
    while (*p == ' ' || *p == '\t' || *p == ':')
        p++;
    uint64_t m = 0;
    int ndigits = 0;
    for (;; p++, ndigits++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else
            break;
        m = (m << 4) | (uint64_t)d;
    }
    if (ndigits == 0)
        return -1;
    *mask = m;
    return 0;
}

/* SigBlk of a live thread of this process (0: the calling thread). */
static inline uint64_t thread_sigblk(pid_t tid)
{
    uint64_t m = 0;
    if (tid == 0)
        tid = my_tid();
    if (proc_mask(tid, "SigBlk", &m) != 0)
        TEST_FAIL_("cannot read SigBlk of thread %d", (int)tid);
    return m;
}

/* The calling thread's mask as pthread_sigmask reports it, as a sigx mask. */
static inline uint64_t pthread_mask_now(void)
{
    sigset_t set;
    uint64_t m = 0;
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, NULL, &set), 0);
    for (int s = 1; s <= 64; s++)
        if (sigismember(&set, s) == 1)
            m |= SIGX_BIT(s);
    return m;
}

/* Poll `fd` for input for up to `timeout_ms` (restarted after EINTR with
 * the full timeout). 1 if readable, 0 if not. An invalid descriptor
 * (POLLNVAL) fails the test. */
static inline int poll_readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
    int rc;
    while ((rc = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
        p.revents = 0;
    ASSERT_SYS(rc);
    if (p.revents & POLLNVAL)
        TEST_FAIL_("descriptor %d is not open (POLLNVAL)", fd);
    return rc == 1 && (p.revents & POLLIN) != 0;
}

/* Fork a sender that sigqueue()s `count` deliveries of `signo` to `target`
 * with values first, first + 1, ..., retrying while the kernel's queue is
 * full (queue_retry), then exits 0 (2 if a send failed for another reason,
 * 3 if the start pipe broke). With `go` not NULL it first waits for a byte
 * or EOF on go[0]: the caller starts it by writing to (or closing) go[1];
 * the parent's go[0] is closed here. */
static inline pid_t flood_fork(pid_t target, int signo, uint64_t first, long count, int go[2])
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        if (go != NULL) {
            char c;
            ssize_t r;
            close(go[1]);
            while ((r = read(go[0], &c, 1)) < 0 && errno == EINTR) {
            }
            if (r < 0)
                _exit(3);
            close(go[0]);
        }
        for (long i = 0; i < count; i++)
            if (queue_retry(target, signo, first + (uint64_t)i) != 0)
                _exit(2);
        _exit(0);
    }
    if (go != NULL)
        close(go[0]);
    return pid;
}

/* waitpid (through EINTR); the child must have exited with status 0. */
static inline void reap_clean(pid_t pid, const char *what)
{
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, 0)) == -1 && errno == EINTR) {
    }
    ASSERT_EQ(r, pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        TEST_FAIL_("%s (pid %d) %s %d", what, (int)pid,
                   WIFEXITED(status) ? "exited with status" : "was killed by signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* The accounting identity for `signo` at a quiet moment (no delivery in
 * progress): delivered == returned + queued + dropped, where `returned` is
 * how many records of `signo` the test took. Returns the figures. */
static inline sigx_stats expect_identity(int signo, uint64_t returned)
{
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(signo, &st));
    if (st.delivered != returned + st.queued + st.dropped)
        TEST_FAIL_("signal %d: delivered %llu != returned %llu + queued %llu + dropped %llu",
                   signo, (unsigned long long)st.delivered, (unsigned long long)returned,
                   (unsigned long long)st.queued, (unsigned long long)st.dropped);
    return st;
}

#endif
