/* Helpers of the reliability suites (test_stress_*, test_safety_*,
 * test_misuse_*, and a few others that flood): scaling of the workloads,
 * sending with retry and pacing, process start gates and quiescing.
 * Includes helpers.h (atomics, clocks, children, figures: the helpers every
 * test shares). */
#ifndef SIGX_RELIABILITY_H
#define SIGX_RELIABILITY_H

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

/* ThreadSanitizer intercepts sigaction (libsigx's calls too) and runs
 * handlers later, at its own synchronisation points: queued real-time
 * signals merge, siginfo is rewritten, a raised signal is handled after
 * raise returns. Tests that assert those kernel semantics cannot run under
 * it; the concurrency test runs with them left out. */
#if defined(__SANITIZE_THREAD__)
#define REL_UNDER_TSAN 1
#else
#define REL_UNDER_TSAN 0
#endif

/* Workload size: `base` times 10 with SIGX_LONG=1, divided by
 * SIGX_STRESS_DIV (the sanitizer and valgrind runs set it), never below
 * `floor`. */
static inline long rel_scaled(long base, long floor)
{
    long n = base;
    const char *lng = getenv("SIGX_LONG");
    const char *div = getenv("SIGX_STRESS_DIV");
    if (lng != NULL && strcmp(lng, "1") == 0)
        n *= 10;
    if (div != NULL) {
        long d = strtol(div, NULL, 10);
        if (d > 1)
            n /= d;
    }
    return n < floor ? floor : n;
}

/* Back off briefly when the kernel's queue of pending signals is full. */
static inline void rel_backoff(unsigned attempt)
{
    if (attempt < 2) {
        sched_yield();
    } else {
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
}

/* The user's count of queued signals and its limit, from the SigQ line of
 * /proc/self/status. RLIMIT_SIGPENDING is checked against a count shared
 * by every process of the same user, so a flood here can make another
 * program's sigqueue() fail, and theirs ours. Returns 0 if unknown.
 * Async-signal-safe (open, read, close), so forked senders may use it. */
static inline int rel_user_sigq(long *queued, long *limit)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n, have = 0;
    while (have < (ssize_t)sizeof buf - 1 &&
           (n = read(fd, buf + have, sizeof buf - 1 - (size_t)have)) > 0)
        have += n;
    close(fd);
    buf[have] = 0;
    const char *p = strstr(buf, "SigQ:");
    if (p == NULL)
        return 0;
    p += 5;
    long q = 0, l = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    while (*p >= '0' && *p <= '9')
        q = q * 10 + (*p++ - '0');
    if (*p++ != '/')
        return 0;
    while (*p >= '0' && *p <= '9')
        l = l * 10 + (*p++ - '0');
    *queued = q;
    *limit = l;
    return l > 0;
}

/* sigx_send, retried while the kernel answers EAGAIN (the user's
 * RLIMIT_SIGPENDING budget is used up). Returns the final status; for
 * SIGX_ERR_SYSTEM, errno says why. */
static inline int rel_send(pid_t pid, int signo, uint64_t value)
{
    for (unsigned attempt = 0;; attempt++) {
        int rc = sigx_send(pid, signo, value);
        if (rc != SIGX_ERR_SYSTEM || errno != EAGAIN)
            return rc;
        rel_backoff(attempt);
    }
}

/* For flood senders: wait while the user's queued signals fill more than an
 * eighth of the budget, so that a flood never starves other programs of the
 * same user (other test suites running in parallel) of it. Bounded (about
 * 0.1 s), so that a sender that also polls a stop request does not stay deaf
 * to it while others hog the budget. */
static inline void rel_pace(void)
{
    long q, l;
    for (unsigned attempt = 2; attempt < 2000 && rel_user_sigq(&q, &l) && q > l / 8; attempt++)
        rel_backoff(attempt);
}

/* A flood sender's send: rel_send, pacing itself every 256th call.
 * `*count` is the caller's counter. */
static inline int rel_send_paced(pid_t pid, int signo, uint64_t value, unsigned long *count)
{
    if ((*count)++ % 256 == 0)
        rel_pace();
    return rel_send(pid, signo, value);
}

/* For open-ended flood senders: under valgrind (SIGX_VALGRIND set by
 * scripts/check-sanitizers.sh) pause briefly now and then. valgrind takes
 * every signal through its own scheduler, far slower than the kernel, and
 * a sender that never pauses keeps it busy delivering instead of running
 * the program under test. A no-op otherwise. */
static inline void rel_valgrind_breather(void)
{
    static int under = -1;
    if (under < 0)
        under = getenv("SIGX_VALGRIND") != NULL;
    if (under) {
        struct timespec ts = {0, 50000000}; /* a few thousand signals/s at most */
        nanosleep(&ts, NULL);
    }
}

/* Touch the top 256 KiB of the calling thread's stack. valgrind grows the
 * main thread's stack lazily and sometimes cannot grow it while it builds a
 * signal frame ("Can't extend stack ... during signal delivery"), killing
 * the program with SIGSEGV; a flood makes that likely. Harmless elsewhere. */
static inline void rel_prefault_stack(void)
{
    volatile char page[256 * 1024];
    for (size_t i = 0; i < sizeof page; i += 1024)
        page[i] = 0;
}

/* sigx_raise, retried on EAGAIN (real-time signals count against the
 * same budget). */
static inline int rel_raise(int signo)
{
    for (unsigned attempt = 0;; attempt++) {
        int rc = sigx_raise(signo);
        if (rc != SIGX_ERR_SYSTEM || errno != EAGAIN)
            return rc;
        rel_backoff(attempt);
    }
}

/* A one-shot start line for forked processes: children block in
 * rel_gate_wait() until the parent calls rel_gate_open(). */
typedef struct rel_gate {
    int fd[2];
} rel_gate;

static inline void rel_gate_init(rel_gate *g)
{
    ASSERT_SYS(pipe(g->fd));
}

/* In the child. Returns once the parent opened the gate. */
static inline void rel_gate_wait(rel_gate *g)
{
    char c;
    close(g->fd[1]);
    while (read(g->fd[0], &c, 1) < 0 && errno == EINTR) {
    }
    close(g->fd[0]);
}

/* In the parent, after forking every child. */
static inline void rel_gate_open(rel_gate *g)
{
    close(g->fd[0]);
    close(g->fd[1]); /* EOF releases every reader */
}

/* For a process whose only thread is the caller: make sure no delivery of a
 * signal in `mask` is pending or in progress, and none can start. Leaves
 * every signal blocked in this thread (sigx_wait and the figures need no
 * signal); the caller may unblock later. On Linux the kernel delivers every
 * pending unblocked signal before returning to user code, so this is
 * normally immediate; under valgrind delivery is deferred to its scheduler,
 * which a sleep lets run. */
static inline void rel_quiesce(uint64_t mask)
{
    long long start = now_ms();
    for (;;) {
        uint64_t pending = 0;
        ASSERT_OK(sigx_block(SIGX_ALL, NULL));
        ASSERT_OK(sigx_kernel_pending(&pending));
        if ((pending & mask) == 0)
            return;
        ASSERT_OK(sigx_setmask(0, NULL));
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
        if (now_ms() - start > 30000)
            TEST_FAIL_("signals 0x%llx still pending after 30 s",
                       (unsigned long long)(pending & mask));
    }
}

/* The body of a flooder child: send the signals of `sigs` in turn (value =
 * running count) to `target` in bursts of 64, until a byte (or EOF) can be
 * read from `stop_fd`; then _exit(0). _exit(2) if a send fails for another
 * reason than a full kernel queue. Bursts, not a stream: a thread that
 * receives a stream as fast as it can handle it never returns from the
 * kernel to its own code, and the test would make no progress. EAGAIN is
 * not retried: how many arrive does not matter to the callers, and a sender
 * stuck retrying would not hear the stop. */
static inline void rel_burst_flooder(pid_t target, const int *sigs, int nsigs, int stop_fd)
{
    for (unsigned long n = 0;; n++) {
        if (n % 64 == 0) {
            struct pollfd p = {stop_fd, POLLIN, 0};
            if (poll(&p, 1, 0) > 0)
                _exit(0);
            rel_pace();
            struct timespec pause = {0, 500000};
            nanosleep(&pause, NULL);
        }
        int rc = sigx_send(target, sigs[n % (unsigned long)nsigs], n);
        if (rc == SIGX_ERR_SYSTEM && errno == EAGAIN)
            rel_backoff(2);
        else if (rc != SIGX_OK)
            _exit(2);
    }
}

#endif
