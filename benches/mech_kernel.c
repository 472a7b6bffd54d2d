/*
 * sigx benchmarks: the kernel's own mechanisms and the classic self-pipe.
 *
 * sigwaitinfo  signals blocked, one sigwaitinfo() per delivery: the floor.
 * signalfd     signals blocked, a blocking signalfd, read() of up to 16
 *              siginfos at a time.
 * selfpipe     a sigaction handler (SA_SIGINFO | SA_RESTART, full sa_mask,
 *              like sigx and libuv) writes {signo, si_value} (8 bytes) to a
 *              non-blocking pipe; the loop poll()s the read end and read()s
 *              everything there. A full pipe loses the delivery (write fails
 *              with EAGAIN); the handler counts it.
 * The timer workload's timer, for all of them: timer_create(CLOCK_MONOTONIC,
 * SIGEV_SIGNAL) + timer_settime(TIMER_ABSTIME).
 *
 * sigsuspend   reference, not a row of its own: the signals are blocked
 *              except inside sigsuspend(), whose handler reports the
 *              delivery directly. The cheapest way a handler can deliver (the
 *              kernel's cost of a handler frame plus sigreturn), against which
 *              the handler-based mechanisms' own work shows.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static sigset_t g_set;

static void block_all(const int *signos, int n)
{
    sigemptyset(&g_set);
    for (int i = 0; i < n; i++)
        sigaddset(&g_set, signos[i]);
    if (sigprocmask(SIG_BLOCK, &g_set, NULL) != 0)
        bench_die("sigprocmask");
}

/* --- sigwaitinfo --------------------------------------------------------- */

static void swi_setup(const int *signos, int n)
{
    block_all(signos, n);
}

static void swi_pump(void)
{
    siginfo_t si;
    int s = sigwaitinfo(&g_set, &si);
    if (s < 0) {
        if (errno == EINTR)
            return;
        bench_die("sigwaitinfo");
    }
    bench_event(s, (uint64_t)(uintptr_t)si.si_value.sival_ptr);
}

/* --- signalfd ------------------------------------------------------------ */

static int g_sfd = -1;

static void sfd_setup(const int *signos, int n)
{
    block_all(signos, n);
    g_sfd = signalfd(-1, &g_set, SFD_CLOEXEC);
    if (g_sfd < 0)
        bench_die("signalfd");
}

static void sfd_pump(void)
{
    struct signalfd_siginfo buf[16];
    ssize_t r = read(g_sfd, buf, sizeof buf);
    if (r < 0) {
        if (errno == EINTR)
            return;
        bench_die("read(signalfd)");
    }
    for (size_t i = 0; i < (size_t)r / sizeof buf[0]; i++)
        bench_event((int)buf[i].ssi_signo, buf[i].ssi_ptr);
}

/* --- self-pipe ----------------------------------------------------------- */

static int g_pipe[2] = {-1, -1};
static uint64_t g_pipe_lost[65]; /* per signal, written by the handler */

struct pipe_msg {
    int32_t signo;
    uint32_t value;
};

static void sp_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)ctx;
    int saved = errno;
    struct pipe_msg msg = {signo, (uint32_t)(uintptr_t)si->si_value.sival_ptr};
    if (write(g_pipe[1], &msg, sizeof msg) != (ssize_t)sizeof msg && signo > 0 && signo < 65)
        __atomic_add_fetch(&g_pipe_lost[signo], 1, __ATOMIC_RELAXED);
    errno = saved;
}

static void sp_setup(const int *signos, int n)
{
    if (pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
        bench_die("pipe2");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = sp_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (int i = 0; i < n; i++)
        if (sigaction(signos[i], &sa, NULL) != 0)
            bench_die("sigaction");
}

static void sp_pump(void)
{
    struct pollfd p = {.fd = g_pipe[0], .events = POLLIN, .revents = 0};
    if (poll(&p, 1, -1) < 0) {
        if (errno == EINTR)
            return;
        bench_die("poll");
    }
    struct pipe_msg buf[512];
    for (;;) {
        ssize_t r = read(g_pipe[0], buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return;
            bench_die("read(pipe)");
        }
        for (size_t i = 0; i < (size_t)r / sizeof buf[0]; i++)
            bench_event(buf[i].signo, buf[i].value);
        if ((size_t)r < sizeof buf)
            return; /* the pipe is empty now */
    }
}

static void sp_account(int data_signo, struct bench_acct *acct)
{
    acct->counted_lost = (int64_t)__atomic_load_n(&g_pipe_lost[data_signo], __ATOMIC_RELAXED);
}

/* --- sigsuspend + handler (reference) ------------------------------------ */

static sigset_t g_open; /* the mask sigsuspend() waits with */

static void ss_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)ctx;
    /* Runs only inside sigsuspend() (the signals are blocked everywhere
     * else), so it may update the harness's plain counters. */
    bench_event(signo, (uint64_t)(uintptr_t)si->si_value.sival_ptr);
}

static void ss_setup(const int *signos, int n)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = ss_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (int i = 0; i < n; i++)
        if (sigaction(signos[i], &sa, NULL) != 0)
            bench_die("sigaction");
    block_all(signos, n);
    if (sigprocmask(SIG_BLOCK, NULL, &g_open) != 0)
        bench_die("sigprocmask");
    for (int i = 0; i < n; i++)
        sigdelset(&g_open, signos[i]);
}

static void ss_pump(void)
{
    sigsuspend(&g_open); /* always -1/EINTR, after one handler ran */
}

const struct bench_mech bench_mechs[] = {
    {"sigwaitinfo", 1, swi_setup, swi_pump, NULL, NULL},
    {"signalfd", 1, sfd_setup, sfd_pump, NULL, NULL},
    {"selfpipe", 1, sp_setup, sp_pump, sp_account, NULL},
    {"sigsuspend", 1, ss_setup, ss_pump, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, NULL},
};

/* --- the timer workload's timer ------------------------------------------- */

static timer_t g_timer;

static void k_timer_create(int signo)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = signo;
    if (timer_create(CLOCK_MONOTONIC, &ev, &g_timer) != 0)
        bench_die("timer_create");
}

static void k_timer_arm_at(uint64_t at_ns)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = (time_t)(at_ns / 1000000000u);
    its.it_value.tv_nsec = (long)(at_ns % 1000000000u);
    if (timer_settime(g_timer, TIMER_ABSTIME, &its, NULL) != 0)
        bench_die("timer_settime");
}

const struct bench_timer bench_timers[] = {
    {"sigwaitinfo", k_timer_create, k_timer_arm_at},
    {"signalfd", k_timer_create, k_timer_arm_at},
    {"selfpipe", k_timer_create, k_timer_arm_at},
    {"sigsuspend", k_timer_create, k_timer_arm_at},
    {NULL, NULL, NULL},
};
