/* Helpers for the tests of issue #12 (one source of truth, callbacks
 * outside every lock, sigx_on_release) and other races: phase lengths,
 * what the kernel says a disposition is, a small random generator and
 * random delays for racing threads, pipes as start lines, and thread
 * states. Includes helpers.h (atomics, clocks, timed joins, children,
 * figures).
 * Everything is static inline, so an unused helper costs no warning. */
#ifndef SIGX_TEST_CHURN_H
#define SIGX_TEST_CHURN_H

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
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

/* Seconds since `start_ns` (a now_ns() reading), for reports. */
static inline double churn_seconds_since(uint64_t start_ns)
{
    return (double)(now_ns() - start_ns) / 1e9;
}

/* How long a stress phase runs: `base_ms`, ten times that with
 * SIGX_LONG=1. Not divided by SIGX_STRESS_DIV: the floods inside are (the
 * slower tools then see fewer signals over the same time). */
static inline uint64_t churn_duration_ms(uint64_t base_ms)
{
    const char *lng = getenv("SIGX_LONG");
    return lng != NULL && strcmp(lng, "1") == 0 ? base_ms * 10 : base_ms;
}

/* What the kernel has as `signo`'s handler (sa_handler and sa_sigaction
 * share the storage), asked with a NULL new action. */
static inline uintptr_t churn_kernel_handler(int signo, int *sa_flags)
{
    struct sigaction now;
    memset(&now, 0, sizeof now);
    ASSERT_SYS(sigaction(signo, NULL, &now));
    if (sa_flags != NULL)
        *sa_flags = now.sa_flags;
    if (now.sa_flags & SA_SIGINFO)
        return (uintptr_t)now.sa_sigaction;
    return (uintptr_t)now.sa_handler;
}

/* 1 if the kernel calls a function for `signo` (neither SIG_DFL nor
 * SIG_IGN), 0 otherwise. */
static inline int churn_kernel_has_function(int signo)
{
    uintptr_t h = churn_kernel_handler(signo, NULL);
    return h != (uintptr_t)SIG_DFL && h != (uintptr_t)SIG_IGN;
}

/* Install a plain handler (no SA_SIGINFO) or a three-argument one. */
static inline void churn_set_plain(int signo, void (*h)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = h;
    ASSERT_SYS(sigaction(signo, &sa, NULL));
}

static inline void churn_set_siginfo(int signo, void (*h)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    sa.sa_sigaction = h;
    ASSERT_SYS(sigaction(signo, &sa, NULL));
}

/* xorshift32: a per-thread random stream (never seed with 0). */
static inline uint32_t churn_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Burn a little CPU time (about `n` loop turns): a random offset between
 * racing threads so that their calls interleave differently each round. */
static inline void churn_spin(uint32_t n)
{
    volatile uint32_t i;
    for (i = 0; i < n; i++) {
    }
}

/* A racing thread's delay before its move: `turns` loop turns if positive
 * (the offset a test sweeps), then up to 255 random ones. */
static inline void churn_delay(int32_t turns, uint32_t *rnd)
{
    if (turns > 0)
        churn_spin((uint32_t)turns);
    churn_spin(churn_rand(rnd) % 256);
}

/* Read one byte from `fd`, waiting at most `ms` milliseconds. 1 if a byte
 * came, 0 on timeout. */
static inline int churn_read_byte(int fd, int ms)
{
    uint64_t start = now_ns();
    for (;;) {
        int left = ms - (int)((now_ns() - start) / 1000000u);
        if (left < 0)
            left = 0;
        struct pollfd p = {fd, POLLIN, 0};
        int n = poll(&p, 1, left);
        if (n < 0 && errno == EINTR)
            continue;
        ASSERT_TRUE(n >= 0);
        if (n == 0)
            return 0;
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        ASSERT_EQ(r, 1);
        return 1;
    }
}

static inline void churn_write_byte(int fd)
{
    char c = 1;
    ssize_t r;
    do {
        r = write(fd, &c, 1);
    } while (r < 0 && errno == EINTR);
    ASSERT_EQ(r, 1);
}

/* The state letter of thread `tid` of this process (/proc/self/task/<tid>/
 * stat: 'R' running, 'S' asleep, ...), or 0 if unknown. */
static inline char churn_thread_state(pid_t tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    if (p == NULL || p[1] != ' ')
        return 0;
    return p[2];
}

/* Wait (at most `ms`) until thread `tid` is asleep in the kernel. Used only
 * to make a test exercise what it means to (a cancellation that meets a
 * sleeping wait); the outcome the test checks must not depend on it. */
static inline int churn_wait_asleep(pid_t tid, int ms)
{
    uint64_t start = now_ns();
    while (now_ns() - start < (uint64_t)ms * 1000000u) {
        if (churn_thread_state(tid) == 'S')
            return 1;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

#endif
