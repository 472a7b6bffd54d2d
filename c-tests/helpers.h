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

#endif
