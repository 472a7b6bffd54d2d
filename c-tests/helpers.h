/* The helpers every kind of C test needs, each defined once here:
 *
 *   atomics              SEQ_LOAD, SEQ_STORE, SEQ_ADD
 *   the kernel's queue   roomy_sigpending, queue_retry, flood_size
 *   clocks               now_ns, now_ms
 *   threads              my_tid, timed_join
 *   masks                pthread_mask_now, proc_mask, thread_sigblk
 *   descriptors          poll_readable
 *   children             wait_child, reap_clean, flood_fork
 *   figures              stats_of, expect_stats, expect_identity
 *   child watches        spawn_gated, still_waitable, count_fds,
 *                        sigchld_quiet_in_kernel, children_supported
 *   timers and leaks     thread_cpu_ns, burn_cpu_ns, proc_timers, open_fds
 *
 * What only some suites need lives next to them: reliability.h (workload
 * scaling, paced senders, start gates, quiescing) and churn.h (racing
 * threads, dispositions as the kernel has them). Both include this file.
 *
 * Includes test.h itself. Everything is static inline, so a test that does
 * not use a helper gets no warning. The helpers marked "plain system calls"
 * may be called in a child forked from a threaded test. */
#ifndef SIGX_TEST_HELPERS_H
#define SIGX_TEST_HELPERS_H

#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- Atomics --------------------------------------------------------------
 * Sequentially consistent loads, stores and additions on plain variables
 * shared with threads and handlers: GCC __atomic builtins, which C99 lacks
 * and ThreadSanitizer understands. */
#define SEQ_LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define SEQ_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define SEQ_ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)

/* ---- The kernel's queue of pending signals --------------------------------
 * The kernel counts queued signals over every process of the user and
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
 * (EAGAIN). 0 on success, -1 with errno for any other failure. Plain system
 * calls. */
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

/* Flood sizes: `base` divided by SIGX_STRESS_DIV (sanitizer and valgrind
 * runs set it), never below `floor`. SIGX_LONG is left out on purpose: these
 * floods are sized against the default capacity (reliability.h's rel_scaled
 * is the stress suites' version, which honours it). */
static inline long flood_size(long base, long floor)
{
    const char *div = getenv("SIGX_STRESS_DIV");
    long n = base;
    if (div != NULL && strtol(div, NULL, 10) > 1)
        n /= strtol(div, NULL, 10);
    return n < floor ? floor : n;
}

/* ---- Clocks ---------------------------------------------------------------
 * CLOCK_MONOTONIC, the clock of sigx_info.time_ns. For deadlines and
 * reports, never to decide what behaviour is correct. */

/* Now in nanoseconds. Async-signal-safe (handlers may call it); aborts if
 * the clock cannot be read. */
static inline uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        abort();
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Now in milliseconds (signed, so that differences may be negative).
 * Async-signal-safe. */
static inline long long now_ms(void)
{
    return (long long)(now_ns() / 1000000u);
}

/* ---- Threads -------------------------------------------------------------- */

/* The calling thread's kernel id (what /proc/self/task lists). Plain system
 * calls. */
static inline pid_t my_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* pthread_join bounded by `seconds` (pthread_timedjoin_np). Returns 0 and
 * stores the thread's result (if `result` is not NULL), or an error number:
 * ETIMEDOUT when the thread is still running (it stays joinable). */
static inline int timed_join(pthread_t t, void **result, int seconds)
{
    struct timespec deadline;
    ASSERT_SYS(clock_gettime(CLOCK_REALTIME, &deadline));
    deadline.tv_sec += seconds;
    int rc;
    do {
        rc = pthread_timedjoin_np(t, result, &deadline);
    } while (rc == EINTR);
    return rc;
}

/* ---- Masks ----------------------------------------------------------------
 * Three views of a thread's blocked set, each as a sigx mask (bit signo-1,
 * as SIGX_BIT): what libc says, and what the kernel prints in /proc. */

/* The calling thread's mask as pthread_sigmask reports it. */
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

/* A mask line (`SigBlk:`, `SigPnd:`, `ShdPnd:`, ...) of
 * /proc/self/task/<tid>/status, or of /proc/self/status for tid 0, as a
 * sigx mask (the kernel prints bit signo-1, as SIGX_BIT does). Returns 0
 * and writes *mask, or -1 if the thread is gone or the line is missing.
 * Plain system calls. */
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

/* ---- Descriptors ---------------------------------------------------------- */

/* Poll `fd` for input for up to `timeout_ms` (0: just look; restarted after
 * EINTR with the full timeout). 1 if readable, 0 if not. POLLNVAL (not
 * open) or POLLERR fails the test. */
static inline int poll_readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
    int rc;
    while ((rc = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
        p.revents = 0;
    ASSERT_SYS(rc);
    if (p.revents & POLLNVAL)
        TEST_FAIL_("descriptor %d is not open (POLLNVAL)", fd);
    if (p.revents & POLLERR)
        TEST_FAIL_("descriptor %d polls POLLERR", fd);
    return rc == 1 && (p.revents & POLLIN) != 0;
}

/* ---- Children ------------------------------------------------------------- */

/* waitpid(pid) through EINTR; the raw status. */
static inline int wait_child(pid_t pid)
{
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, 0)) == -1 && errno == EINTR) {
    }
    ASSERT_EQ(r, pid);
    return status;
}

/* wait_child, and the child must have exited with status 0; `what` names it
 * in the failure report. */
static inline void reap_clean(pid_t pid, const char *what)
{
    int status = wait_child(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        TEST_FAIL_("%s (pid %d) %s %d", what, (int)pid,
                   WIFEXITED(status) ? "exited with status" : "was killed by signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
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

/* ---- Figures -------------------------------------------------------------- */

/* sigx_stats_get(signo), which must succeed (0: summed over all signals). */
static inline sigx_stats stats_of(int signo)
{
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(signo, &st));
    return st;
}

/* For expect_stats: do not check this figure. */
#define STATS_ANY UINT64_MAX

/* The figures of `signo` must be exactly these (STATS_ANY: not checked). */
static inline void expect_stats(int signo, uint64_t delivered, uint64_t dropped, uint64_t queued,
                                uint64_t high_water)
{
    const sigx_stats st = stats_of(signo);
    const struct {
        const char *name;
        uint64_t got, want;
    } fig[] = {{"delivered", st.delivered, delivered},
               {"dropped", st.dropped, dropped},
               {"queued", st.queued, queued},
               {"high_water", st.high_water, high_water}};
    for (size_t i = 0; i < sizeof fig / sizeof fig[0]; i++)
        if (fig[i].want != STATS_ANY && fig[i].got != fig[i].want)
            TEST_FAIL_("signal %d: %s is %llu, expected %llu", signo, fig[i].name,
                       (unsigned long long)fig[i].got, (unsigned long long)fig[i].want);
}

/* The accounting identity for `signo` at a quiet moment (no delivery in
 * progress): delivered == returned + queued + dropped, where `returned` is
 * how many records of `signo` the test took. Returns the figures. */
static inline sigx_stats expect_identity(int signo, uint64_t returned)
{
    const sigx_stats st = stats_of(signo);
    if (st.delivered != returned + st.queued + st.dropped)
        TEST_FAIL_("signal %d: delivered %llu != returned %llu + queued %llu + dropped %llu",
                   signo, (unsigned long long)st.delivered, (unsigned long long)returned,
                   (unsigned long long)st.queued, (unsigned long long)st.dropped);
    return st;
}

/* ---- Children (issue #14) -------------------------------------------------
 * Helpers for the tests of sigx_child_watch: children that end together
 * when a gate pipe is closed, in a chosen way, and the descriptors of this
 * process. Only plain system calls in the children. */

/* How a gated child ends. */
enum child_end {
    CHILD_EXIT, /* _exit(arg) */
    CHILD_KILL, /* killed by signal arg (default action, not caught) */
    CHILD_CORE  /* killed by core-dumping signal arg, RLIMIT_CORE 0 */
};

/* Fork a child that reads `gate[0]` until EOF (every write end closed),
 * then ends as `how` says. The child closes its copy of gate[1]. */
static inline pid_t spawn_gated(const int gate[2], enum child_end how, int arg)
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        char c;
        ssize_t r;
        close(gate[1]);
        while ((r = read(gate[0], &c, 1)) != 0 && (r > 0 || errno == EINTR)) {
        }
        if (how == CHILD_EXIT)
            _exit(arg);
        if (how == CHILD_CORE) {
            struct rlimit rl = {0, 0};
            (void)setrlimit(RLIMIT_CORE, &rl);
        }
        sigset_t one;
        signal(arg, SIG_DFL);
        sigemptyset(&one);
        sigaddset(&one, arg);
        sigprocmask(SIG_UNBLOCK, &one, NULL);
        kill(getpid(), arg);
        _exit(99); /* not reached */
    }
    return pid;
}

/* Whether `pid` is a child of ours that has exited and is not reaped (a
 * zombie we could still wait for); blocks until it has exited. */
static inline int still_waitable(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR)
            return 0;
    }
    return si.si_pid == pid;
}

/* How many descriptors this process has open, and how many of them are
 * pidfds; fails the test if one sigx could have made lacks FD_CLOEXEC
 * (every descriptor above the standard three is checked). */
static inline int count_fds(int *pidfds)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0, p = 0, self;
    ASSERT_TRUE(d != NULL);
    self = dirfd(d);
    while ((e = readdir(d)) != NULL) {
        char path[64], target[128];
        int fd;
        ssize_t len;
        if (e->d_name[0] == '.')
            continue;
        fd = atoi(e->d_name);
        if (fd == self)
            continue;
        n++;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        len = readlink(path, target, sizeof target - 1);
        if (len > 0) {
            target[len] = 0;
            if (strstr(target, "pidfd") != NULL) {
                p++;
                if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
                    TEST_FAIL_("pidfd %d is not close-on-exec", fd);
            }
            if (fd > 2 && strncmp(target, "anon_inode:", 11) == 0 &&
                !(fcntl(fd, F_GETFD) & FD_CLOEXEC))
                TEST_FAIL_("descriptor %d (%s) is not close-on-exec", fd, target);
        }
    }
    closedir(d);
    if (pidfds != NULL)
        *pidfds = p;
    return n;
}

/* Nothing of SIGCHLD is pending in the kernel for the process (ShdPnd) or
 * this thread (SigPnd). */
static inline int sigchld_quiet_in_kernel(void)
{
    uint64_t shd = 0, own = 0;
    ASSERT_EQ(proc_mask(0, "ShdPnd", &shd), 0);
    ASSERT_EQ(proc_mask(0, "SigPnd", &own), 0);
    return ((shd | own) & SIGX_BIT(SIGCHLD)) == 0;
}

/* Whether this system has pidfds (Linux 5.3+; valgrind 3.19 does not know
 * pidfd_open either). Call with SIGCHLD installed. Without them,
 * sigx_child_watch must say SIGX_ERR_UNSUPPORTED, and the test passes after
 * saying it was skipped; with them, watching this process is NOT_FOUND. */
static inline int children_supported(const char *test)
{
    int rc = sigx_child_watch(getpid(), 0);
    if (rc == SIGX_ERR_NOT_FOUND)
        return 1;
    ASSERT_EQ(rc, SIGX_ERR_UNSUPPORTED);
    errno = 0;
    ASSERT_EQ(syscall(SYS_pidfd_open, getpid(), 0), -1);
    ASSERT_EQ(errno, ENOSYS);
    printf("ok - %s (skipped: no pidfd_open here; sigx says SIGX_ERR_UNSUPPORTED)\n", test);
    return 0;
}

/* ---- Timers and deadlines (issue #13) -------------------------------------
 * Counting the kernel's timers and this process's descriptors (what a leak
 * would show), and burning CPU time (the monotonic clock is now_ns). */

/* CPU time of the calling thread in nanoseconds. */
static inline uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Use `ns` of CPU time on the calling thread. */
static inline void burn_cpu_ns(uint64_t ns)
{
    volatile uint64_t sink = 0;
    uint64_t end = thread_cpu_ns() + ns;
    while (thread_cpu_ns() < end)
        for (int i = 0; i < 10000; i++)
            sink += (uint64_t)i;
    (void)sink;
}

/* How many POSIX timers this process has (the "ID:" lines of
 * /proc/self/timers). */
static inline int proc_timers(void)
{
    FILE *f = fopen("/proc/self/timers", "r");
    char line[256];
    int n = 0;
    if (f == NULL)
        TEST_FAIL_("cannot open /proc/self/timers: %s", strerror(errno));
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "ID:", 3) == 0)
            n++;
    fclose(f);
    return n;
}

/* How many descriptors this process has open (entries of /proc/self/fd,
 * not counting the one used to list them). */
static inline int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (d == NULL)
        TEST_FAIL_("cannot open /proc/self/fd: %s", strerror(errno));
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1;
}

#endif
