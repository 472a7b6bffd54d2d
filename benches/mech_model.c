/*
 * sigx benchmarks: lower-bound models of sigx's receiving paths.
 *
 * Each model does only the work that the contract (API.md) makes every
 * design of that receiving style do, with none of sigx's other duties
 * (sender filters, deadlines, child watches, statistics, oldest-first order
 * over several signals, descriptors per mask, callbacks, cancellation):
 *
 * model_futex  what `sigx_wait` must do for signals the thread leaves
 *              unblocked. The handler copies the siginfo into a ring of
 *              64-byte records, stamps it with CLOCK_MONOTONIC and moves an
 *              event count on. The wait takes a record; when there is none
 *              it reads the thread's mask once (blocked signals must be
 *              taken from the kernel instead, API.md "Receiving without
 *              surprises") and sleeps on the event count with FUTEX_WAIT,
 *              for at most a second at a time (a wait must notice a
 *              displaced handler, API.md "Displacement").
 * model_ppoll  the same, sleeping in ppoll() on an eventfd with no timeout:
 *              no displacement re-check. The handler makes a sleep that has
 *              not started yet return at once by pointing its pollfd at a
 *              descriptor number that cannot be open (POLLNVAL), so it never
 *              writes the eventfd for its own thread.
 * model_fd     what `sigx_fd` + `sigx_wait(mask, &info, 0)` must do: the
 *              descriptor is an epoll instance holding an eventfd (the
 *              handler writes it once per drain) and a signalfd of the
 *              caught signals (readable while a delivery is pending in the
 *              kernel, i.e. blocked in every thread); the drain takes the
 *              records, then reads the thread's mask and clears the eventfd.
 * model_fd_v01 what v0.1's `sigx_fd` did: the bare eventfd, and a drain
 *              that neither reads the mask nor can report deliveries blocked
 *              in every thread. The difference to model_fd is the price of
 *              those two duties, which v0.2 added.
 *
 * One thread per process, as in the ping-pong workload: none of the models
 * handles a second waiter. Not sigx, and not meant to be used: the rows
 * say how close to its lower bound each of sigx's paths is, and whether a
 * target is reachable at all.
 */
#include "harness.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- the record ring, filled by the handler ------------------------------ */

struct model_rec {
    int32_t signo, code, pid, uid;
    uint64_t value;
    uint64_t stamp_ns;
    uint8_t pad[32];
}; /* 64 bytes, like sigx_info */

#define RING 4096 /* a power of two; the ping-pong never has more than one */
static struct model_rec g_ring[RING];
static uint64_t g_head; /* written by the handler (release) */
static uint64_t g_tail; /* written by the waiter */
static uint32_t g_epoch; /* the event count */
static sigset_t g_caught;

/* model_ppoll: the fd word of the pollfd a wait is about to sleep on. */
static int *volatile g_sleep_fd;
/* model_fd: the eventfd, and whether it has been written since the drain. */
static int g_efd = -1;
static int g_epfd = -1;
static int g_armed;

static void push(const siginfo_t *si)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t h = __atomic_load_n(&g_head, __ATOMIC_RELAXED);
    if (h - __atomic_load_n(&g_tail, __ATOMIC_ACQUIRE) >= RING)
        return; /* full: never in these workloads */
    struct model_rec *r = &g_ring[h & (RING - 1)];
    r->signo = si->si_signo;
    r->code = si->si_code;
    r->pid = si->si_pid;
    r->uid = (int32_t)si->si_uid;
    r->value = (uint64_t)(uintptr_t)si->si_value.sival_ptr;
    r->stamp_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    __atomic_store_n(&g_head, h + 1, __ATOMIC_RELEASE);
    __atomic_fetch_add(&g_epoch, 1, __ATOMIC_SEQ_CST);
}

static int take(struct model_rec *out)
{
    uint64_t t = g_tail;
    if (t == __atomic_load_n(&g_head, __ATOMIC_ACQUIRE))
        return 0;
    *out = g_ring[t & (RING - 1)];
    __atomic_store_n(&g_tail, t + 1, __ATOMIC_RELEASE);
    return 1;
}

static void report_all(void)
{
    struct model_rec r;
    while (take(&r))
        bench_event(r.signo, r.value);
}

static uint64_t blocked_now(void)
{
    uint64_t old = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8);
    return old;
}

static void install(const int *signos, int n, void (*handler)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    sigemptyset(&g_caught);
    for (int i = 0; i < n; i++) {
        sigaddset(&g_caught, signos[i]);
        if (sigaction(signos[i], &sa, NULL) != 0)
            bench_die("sigaction");
    }
}

/* ---- model_futex ---------------------------------------------------------- */

static void futex_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)signo;
    (void)ctx;
    int saved = errno;
    push(si);
    errno = saved;
}

static void futex_setup(const int *signos, int n)
{
    install(signos, n, futex_handler);
}

static void futex_pump(void)
{
    if (g_tail == __atomic_load_n(&g_head, __ATOMIC_ACQUIRE)) {
        (void)blocked_now(); /* none of the model's signals is blocked */
        const struct timespec recheck = {1, 0};
        for (;;) {
            uint32_t e = __atomic_load_n(&g_epoch, __ATOMIC_SEQ_CST);
            if (g_tail != __atomic_load_n(&g_head, __ATOMIC_ACQUIRE))
                break;
            syscall(SYS_futex, &g_epoch, FUTEX_WAIT_PRIVATE, e, &recheck, NULL, 0);
        }
    }
    report_all();
}

/* ---- model_ppoll ---------------------------------------------------------- */

static void ppoll_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)signo;
    (void)ctx;
    int saved = errno;
    push(si);
    /* A sleep of this thread that has not started would miss the record:
     * make it return at once. One that has started is interrupted by this
     * very delivery (EINTR). */
    int *fd = g_sleep_fd;
    if (fd)
        __atomic_store_n(fd, INT_MAX, __ATOMIC_RELAXED);
    errno = saved;
}

static void ppoll_setup(const int *signos, int n)
{
    g_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g_efd < 0)
        bench_die("eventfd");
    install(signos, n, ppoll_handler);
}

static void ppoll_pump(void)
{
    if (g_tail == __atomic_load_n(&g_head, __ATOMIC_ACQUIRE)) {
        (void)blocked_now();
        for (;;) {
            struct pollfd p = {.fd = g_efd, .events = POLLIN, .revents = 0};
            g_sleep_fd = &p.fd;
            __atomic_signal_fence(__ATOMIC_SEQ_CST);
            int empty = g_tail == __atomic_load_n(&g_head, __ATOMIC_ACQUIRE);
            if (empty)
                syscall(SYS_ppoll, &p, 1, NULL, NULL, 8);
            g_sleep_fd = NULL;
            __atomic_signal_fence(__ATOMIC_SEQ_CST);
            if (!empty || g_tail != __atomic_load_n(&g_head, __ATOMIC_ACQUIRE))
                break;
        }
    }
    report_all();
}

/* ---- model_fd --------------------------------------------------------------- */

static void fd_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)signo;
    (void)ctx;
    int saved = errno;
    push(si);
    if (!__atomic_exchange_n(&g_armed, 1, __ATOMIC_SEQ_CST)) {
        uint64_t one = 1;
        (void)!write(g_efd, &one, sizeof one);
    }
    errno = saved;
}

static void fd_setup(const int *signos, int n)
{
    g_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    g_epfd = epoll_create1(EPOLL_CLOEXEC);
    if (g_efd < 0 || g_epfd < 0)
        bench_die("eventfd/epoll_create1");
    install(signos, n, fd_handler);
    int sfd = signalfd(-1, &g_caught, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0)
        bench_die("signalfd");
    struct epoll_event ev = {.events = EPOLLIN};
    ev.data.fd = g_efd;
    if (epoll_ctl(g_epfd, EPOLL_CTL_ADD, g_efd, &ev) != 0)
        bench_die("epoll_ctl");
    ev.data.fd = sfd;
    if (epoll_ctl(g_epfd, EPOLL_CTL_ADD, sfd, &ev) != 0)
        bench_die("epoll_ctl");
}

static void fd_v01_setup(const int *signos, int n)
{
    g_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g_efd < 0)
        bench_die("eventfd");
    install(signos, n, fd_handler);
}

/* The drain's end: settle the eventfd (clear it, then re-arm it if a
 * record slipped in). */
static void settle(void)
{
    uint64_t v;
    (void)!read(g_efd, &v, sizeof v);
    __atomic_store_n(&g_armed, 0, __ATOMIC_SEQ_CST);
    if (g_tail != __atomic_load_n(&g_head, __ATOMIC_ACQUIRE) &&
        !__atomic_exchange_n(&g_armed, 1, __ATOMIC_SEQ_CST)) {
        uint64_t one = 1;
        (void)!write(g_efd, &one, sizeof one);
    }
}

static void fd_v01_pump(void)
{
    struct pollfd p = {.fd = g_efd, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, -1) < 0) {
        if (errno == EINTR)
            return;
        bench_die("poll(model_fd_v01)");
    }
    report_all();
    settle();
}

static void fd_pump(void)
{
    struct pollfd p = {.fd = g_epfd, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, -1) < 0) {
        if (errno == EINTR)
            return;
        bench_die("poll(model_fd)");
    }
    report_all();
    /* The drain's last look: blocked signals would be taken from the
     * kernel (none are), then the descriptor is settled. */
    (void)blocked_now();
    settle();
}

const struct bench_mech bench_mechs[] = {
    {"model_futex", 1, futex_setup, futex_pump, NULL, NULL},
    {"model_ppoll", 1, ppoll_setup, ppoll_pump, NULL, NULL},
    {"model_fd", 1, fd_setup, fd_pump, NULL, NULL},
    {"model_fd_v01", 1, fd_v01_setup, fd_v01_pump, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, NULL},
};
