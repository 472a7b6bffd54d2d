/*
 * sigx benchmarks: the three ways to consume sigx deliveries.
 *
 * sigx_wait      sigx_install(s, 0) + sigx_wait(mask, &info, -1), one record
 *                per call.
 * sigx_fd        sigx_install(s, 0) + poll(sigx_fd()) + sigx_wait(mask, &info, 0)
 *                until SIGX_ERR_TIMEOUT, as sigx_fd_mask in sigx.h prescribes.
 * sigx_dispatch  sigx_on(s, callback) + sigx_dispatch(-1).
 * sigx_wait_blocked  sigx_install(s, 0), the signals blocked (in every thread
 *                of the receiver) with sigx_block, + sigx_wait(mask, &info, -1):
 *                the lossless path, deliveries taken from the kernel.
 * sigx_poll      sigx_install(s, 0) + sigx_wait(mask, &info, 0) until
 *                SIGX_ERR_TIMEOUT, spinning: nobody ever sleeps and sigx_fd()
 *                is never asked for. Not a table row: it is what strace runs to
 *                show whether the handler makes system calls on its own.
 *
 * The timer workload's timer, for all of them: sigx_timer_create(SIGX_CLOCK_MONOTONIC)
 * + sigx_timer_set(SIGX_TIMER_ABSTIME).
 *
 * Every record's `dropped` is added up, and sigx_stats_get() is read after a
 * flood, so the harness can check received + dropped == sent. After a
 * flood's end marker each mechanism drains with a timeout of 0, which also
 * collects deliveries still queued in the kernel (the blocked row).
 *
 * SIGX_BENCH_CAPACITY=<records>, if set, is passed to sigx_set_capacity(0, …)
 * before installing (for experiments; the table uses the default).
 */
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "sigx.h"

static uint64_t g_mask;
static int g_fd = -1;
static int64_t g_reported; /* sum of sigx_info.dropped seen */

static void check(int r, const char *what)
{
    if (r != SIGX_OK) {
        fprintf(stderr, "bench: %s: %s\n", what, sigx_strerror(r));
        exit(2);
    }
}

static void take(const sigx_info *info)
{
    g_reported += (int64_t)info->dropped;
    bench_event(info->signo, info->value);
}

static void set_capacity(void)
{
    const char *c = getenv("SIGX_BENCH_CAPACITY");
    if (c && *c)
        check(sigx_set_capacity(0, (uint32_t)strtoul(c, NULL, 10)), "sigx_set_capacity");
}

static void install_all(const int *signos, int n)
{
    set_capacity();
    g_mask = 0;
    for (int i = 0; i < n; i++) {
        check(sigx_install(signos[i], 0), "sigx_install");
        g_mask |= SIGX_BIT(signos[i]);
    }
}

/* --- sigx_wait ----------------------------------------------------------- */

static void wait_pump(void)
{
    sigx_info info;
    check(sigx_wait(g_mask, &info, -1), "sigx_wait");
    take(&info);
}

/* --- blocked in every thread + sigx_wait ------------------------------------ */

static void blocked_setup(const int *signos, int n)
{
    install_all(signos, n);
    check(sigx_block(g_mask, NULL), "sigx_block");
}

/* --- sigx_fd + poll ------------------------------------------------------ */

static void fd_setup(const int *signos, int n)
{
    install_all(signos, n);
    g_fd = sigx_fd();
    if (g_fd < 0)
        check(g_fd, "sigx_fd");
}

static void drain(void)
{
    sigx_info info;
    int r;
    while ((r = sigx_wait(g_mask, &info, 0)) == SIGX_OK)
        take(&info);
    if (r != SIGX_ERR_TIMEOUT)
        check(r, "sigx_wait(0)");
}

static void fd_pump(void)
{
    struct pollfd p = {.fd = g_fd, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, -1) < 0) {
        if (errno == EINTR)
            return;
        bench_die("poll(sigx_fd)");
    }
    drain();
}

/* --- sigx_on + sigx_dispatch --------------------------------------------- */

static void on_signal(const sigx_info *info, void *user)
{
    (void)user;
    take(info);
}

static void dispatch_setup(const int *signos, int n)
{
    set_capacity();
    g_mask = 0;
    for (int i = 0; i < n; i++) {
        check(sigx_on(signos[i], on_signal, NULL), "sigx_on");
        g_mask |= SIGX_BIT(signos[i]);
    }
}

static void dispatch_pump(void)
{
    int r = sigx_dispatch(-1);
    if (r < 0)
        check(r, "sigx_dispatch");
}

/* --- figures ------------------------------------------------------------- */

static void account(int data_signo, struct bench_acct *acct)
{
    sigx_stats st;
    check(sigx_stats_get(data_signo, &st), "sigx_stats_get");
    acct->reported_dropped = g_reported;
    acct->stats_delivered = (int64_t)st.delivered;
    acct->stats_dropped = (int64_t)st.dropped;
    acct->stats_queued = (int64_t)st.queued;
    acct->counted_lost = (int64_t)st.dropped;
}

/* After the end marker: records still queued, and deliveries still queued in
 * the kernel (the kernel hands out lower signal numbers first, so the marker
 * can overtake them), are taken by waits with timeout 0. */
static void dispatch_drain(void)
{
    int r;
    while ((r = sigx_dispatch(0)) > 0) {
    }
    if (r != SIGX_ERR_TIMEOUT)
        check(r, "sigx_dispatch(0)");
}

const struct bench_mech bench_mechs[] = {
    {"sigx_wait", 1, install_all, wait_pump, account, drain},
    {"sigx_fd", 1, fd_setup, fd_pump, account, drain},
    {"sigx_dispatch", 1, dispatch_setup, dispatch_pump, account, dispatch_drain},
    {"sigx_poll", 1, install_all, drain, account, drain},
    {"sigx_wait_blocked", 1, blocked_setup, wait_pump, account, drain},
    {NULL, 0, NULL, NULL, NULL, NULL},
};

/* --- the timer workload's timer ------------------------------------------- */

static int g_timer = -1;

static void x_timer_create(int signo)
{
    check(sigx_timer_create(signo, SIGX_CLOCK_MONOTONIC, 0, 0, &g_timer), "sigx_timer_create");
}

static void x_timer_arm_at(uint64_t at_ns)
{
    check(sigx_timer_set(g_timer, at_ns, 0, SIGX_TIMER_ABSTIME), "sigx_timer_set");
}

const struct bench_timer bench_timers[] = {
    {"sigx_wait", x_timer_create, x_timer_arm_at},
    {"sigx_fd", x_timer_create, x_timer_arm_at},
    {"sigx_dispatch", x_timer_create, x_timer_arm_at},
    {"sigx_poll", x_timer_create, x_timer_arm_at},
    {"sigx_wait_blocked", x_timer_create, x_timer_arm_at},
    {NULL, NULL, NULL},
};
