/* Sender filtering (sigx.h): sigx_filter / sigx_refused with real
 * senders. A receiver process R (forked per scenario, so every scenario
 * starts fresh) sets a filter on SIGUSR1 and gets one SIGUSR1 from each of:
 *   itself (kill(getpid())), its parent (this test's main process), a
 *   sibling running as root, a sibling that dropped to uid 65534 ("nobody",
 *   with setresuid, as root may), and the kernel (a POSIX timer, SI_TIMER);
 * once with SIGUSR1 caught by the handler and once with it blocked, so that
 * sigx_wait takes the deliveries from the kernel (sigtimedwait): both paths
 * must decide alike. R computes for each sender whether some accepted bit
 * matches it, and checks that an accepted delivery is returned (with that
 * sender's pid) and a refused one only counted. R runs as root and as uid
 * 65534, so that SIGX_FROM_ROOT and SIGX_FROM_SAME_USER come apart. Then, in
 * this process: SIGCHLD (CLD_EXITED) and SIGALRM from sigx_alarm (the
 * kernel's itimer: SI_KERNEL), a refused delivery calls no chained handler,
 * the filter is dropped with the install, and misuse per contract. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <string.h>
#include <time.h>

#define NOBODY 65534

enum sender { S_SELF, S_PARENT, S_SIB_ROOT, S_SIB_NOBODY, S_KERNEL, N_SENDERS };
static const char *sender_name[N_SENDERS] = {"self", "parent", "sibling (root)",
                                              "sibling (nobody)", "kernel (timer)"};

struct step {
    int sender;
    int pid;
};

static int is_root;

/* The SIGX_FROM_* bits a sender matches, for a receiver of real uid r_uid. */
static uint32_t matches(int sender, uid_t r_uid)
{
    switch (sender) {
    case S_SELF:
        return SIGX_FROM_SELF | SIGX_FROM_SAME_USER | (r_uid == 0 ? SIGX_FROM_ROOT : 0);
    case S_PARENT:
        return SIGX_FROM_PARENT | SIGX_FROM_ROOT | (r_uid == 0 ? SIGX_FROM_SAME_USER : 0);
    case S_SIB_ROOT:
        return SIGX_FROM_ROOT | (r_uid == 0 ? SIGX_FROM_SAME_USER : 0);
    case S_SIB_NOBODY:
        return r_uid == NOBODY ? SIGX_FROM_SAME_USER : 0;
    default:
        return SIGX_FROM_KERNEL;
    }
}

static void read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            TEST_FAIL_("read from pipe: %zd (errno %d)", r, errno);
        p += r;
        n -= (size_t)r;
    }
}

static void write_all(int fd, const void *buf, size_t n)
{
    ASSERT_EQ(write(fd, buf, n), (ssize_t)n);
}

/* R: make a timer deliver SIGUSR1 once and return when it was handled
 * (handler mode: sigsuspend) or is pending in the kernel (blocked mode).
 * The caller deletes the timer after taking the delivery: deleting it
 * would also withdraw its pending signal. */
static timer_t timer_fires(int blocked)
{
    timer_t t;
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 77;
    ASSERT_SYS(timer_create(CLOCK_MONOTONIC, &ev, &t));
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 1000 * 1000;
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &usr1, &old), 0);
    ASSERT_SYS(timer_settime(t, 0, &its, NULL));
    if (blocked) {
        /* Wait until the kernel holds it (10 s at most). */
        for (int i = 0; i < 10000; i++) {
            sigset_t p;
            ASSERT_SYS(sigpending(&p));
            if (sigismember(&p, SIGUSR1))
                break;
            struct timespec ms = {0, 1000 * 1000};
            nanosleep(&ms, NULL);
        }
    } else {
        sigset_t none = old;
        sigdelset(&none, SIGUSR1);
        sigsuspend(&none); /* returns after the handler ran */
        ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
    }
    return t;
}

/* The receiver: one scenario, driven by the parent over `in`, acks on `out`. */
static void receiver(uid_t r_uid, uint32_t accept, int blocked, int in, int out)
{
    sigx_info info;
    uint64_t returned = 0, refused = 0, count = 0;
    if (r_uid != 0)
        ASSERT_SYS(setresuid(r_uid, r_uid, r_uid));
    else if (is_root)
        ASSERT_SYS(setresuid(0, 0, NOBODY)); /* so that nobody may signal R */
    signal(SIGUSR1, SIG_DFL);
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_filter(SIGUSR1, accept));
    if (blocked)
        ASSERT_OK(sigx_block(SIGX_BIT(SIGUSR1), NULL));
    write_all(out, "r", 1);
    for (;;) {
        struct step st;
        timer_t timer = 0;
        read_all(in, &st, sizeof st);
        if (st.sender < 0)
            break;
        if (st.sender == S_SELF) {
            st.pid = getpid();
            ASSERT_SYS(kill(getpid(), SIGUSR1));
        } else if (st.sender == S_KERNEL) {
            timer = timer_fires(blocked);
        }
        /* The delivery has been handled (or is pending in the kernel). */
        int accepted = (matches(st.sender, r_uid) & accept) != 0;
        int rc = sigx_wait(SIGX_BIT(SIGUSR1), &info, 0);
        ASSERT_OK(sigx_refused(SIGUSR1, &count));
        if (st.sender == S_KERNEL)
            ASSERT_SYS(timer_delete(timer));
        if (accepted) {
            if (rc != SIGX_OK)
                TEST_FAIL_("accept %#x, uid %d, %s, %s: refused (%s)", accept, (int)r_uid,
                           blocked ? "blocked" : "handler", sender_name[st.sender],
                           sigx_strerror(rc));
            returned++;
            if (st.sender == S_KERNEL) {
                ASSERT_EQ(info.code, SI_TIMER);
                ASSERT_U64_EQ(info.value, 77);
            } else {
                ASSERT_EQ(info.pid, st.pid);
            }
        } else {
            if (rc != SIGX_ERR_TIMEOUT)
                TEST_FAIL_("accept %#x, uid %d, %s, %s: accepted (%d, pid %d)", accept,
                           (int)r_uid, blocked ? "blocked" : "handler", sender_name[st.sender],
                           rc, (int)info.pid);
            refused++;
        }
        ASSERT_U64_EQ(count, refused);
        uint64_t pending = 0;
        ASSERT_OK(sigx_kernel_pending(&pending));
        ASSERT_U64_EQ(pending & SIGX_BIT(SIGUSR1), 0); /* consumed either way */
        write_all(out, "k", 1);
    }
    /* delivered == returned + queued + dropped + refused */
    sigx_stats stats;
    ASSERT_OK(sigx_stats_get(SIGUSR1, &stats));
    ASSERT_U64_EQ(stats.queued, 0);
    ASSERT_U64_EQ(stats.dropped, 0);
    ASSERT_U64_EQ(stats.delivered, returned + refused);
    ASSERT_OK(sigx_refused(0, &count));
    ASSERT_U64_EQ(count, refused);
    _exit(0);
}

static pid_t sibling_kill(pid_t target, uid_t uid)
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        if (uid != 0 && setresuid(uid, uid, uid) != 0)
            _exit(2);
        _exit(kill(target, SIGUSR1) == 0 ? 0 : 3);
    }
    return pid;
}

static void scenario(uid_t r_uid, uint32_t accept, int blocked)
{
    int to_r[2], from_r[2];
    char ack;
    ASSERT_SYS(pipe(to_r));
    ASSERT_SYS(pipe(from_r));
    fflush(NULL);
    pid_t r = fork();
    ASSERT_SYS(r);
    if (r == 0) {
        close(to_r[1]);
        close(from_r[0]);
        receiver(r_uid, accept, blocked, to_r[0], from_r[1]);
    }
    close(to_r[0]);
    close(from_r[1]);
    read_all(from_r[0], &ack, 1);
    for (int s = 0; s < N_SENDERS; s++) {
        struct step st = {s, 0};
        if (s == S_PARENT) {
            st.pid = getpid();
            ASSERT_SYS(kill(r, SIGUSR1));
        } else if (s == S_SIB_ROOT || s == S_SIB_NOBODY) {
            if (s == S_SIB_NOBODY && !is_root)
                continue;
            st.pid = sibling_kill(r, s == S_SIB_NOBODY ? NOBODY : 0);
            reap_clean(st.pid, "sibling sender");
        }
        write_all(to_r[1], &st, sizeof st);
        read_all(from_r[0], &ack, 1);
    }
    struct step quit = {-1, 0};
    write_all(to_r[1], &quit, sizeof quit);
    reap_clean(r, "receiver");
    close(to_r[1]);
    close(from_r[0]);
}

static void real_senders(void)
{
    const uint32_t as_root[] = {
        SIGX_FROM_KERNEL, SIGX_FROM_SELF,      SIGX_FROM_PARENT, SIGX_FROM_ROOT,
        SIGX_FROM_SAME_USER, SIGX_FROM_PARENT | SIGX_FROM_ROOT,
        SIGX_FROM_PARENT | SIGX_FROM_KERNEL, SIGX_FROM_ANY & ~SIGX_FROM_KERNEL,
    };
    const uint32_t as_nobody[] = {SIGX_FROM_ROOT, SIGX_FROM_SAME_USER, SIGX_FROM_PARENT,
                                  SIGX_FROM_SELF | SIGX_FROM_KERNEL};
    for (int blocked = 0; blocked < 2; blocked++) {
        for (size_t i = 0; i < sizeof as_root / sizeof as_root[0]; i++)
            scenario(0, as_root[i], blocked);
        if (is_root)
            for (size_t i = 0; i < sizeof as_nobody / sizeof as_nobody[0]; i++)
                scenario(NOBODY, as_nobody[i], blocked);
    }
    if (!is_root)
        printf("not root: the uid %d sender and receiver were skipped\n", NOBODY);
}

static void sigchld_and_itimer(void)
{
    sigx_info info;
    uint64_t count = 0;
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    /* SIGCHLD comes from the kernel: refused by SIGX_FROM_SELF. */
    ASSERT_OK(sigx_filter(SIGCHLD, SIGX_FROM_SELF | SIGX_FROM_PARENT));
    fflush(NULL);
    pid_t c = fork();
    ASSERT_SYS(c);
    if (c == 0)
        _exit(0);
    reap_clean(c, "child"); /* SIGCHLD was handled before waitpid returned */
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGCHLD), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_refused(SIGCHLD, &count));
    ASSERT_U64_EQ(count, 1);
    ASSERT_OK(sigx_filter(SIGCHLD, SIGX_FROM_KERNEL));
    c = fork();
    ASSERT_SYS(c);
    if (c == 0)
        _exit(5);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 10000));
    ASSERT_EQ(info.code, CLD_EXITED);
    ASSERT_EQ(info.pid, c);
    ASSERT_EQ(info.status, 5);
    int st;
    ASSERT_EQ(waitpid(c, &st, 0), c);
    ASSERT_OK(sigx_uninstall(SIGCHLD));

    /* The real-time itimer's SIGALRM: SI_KERNEL. */
    ASSERT_OK(sigx_install(SIGALRM, 0));
    ASSERT_OK(sigx_filter(SIGALRM, SIGX_FROM_KERNEL));
    ASSERT_OK(sigx_alarm(1, 0, NULL));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGALRM), &info, 10000));
    ASSERT_EQ(info.code, SI_KERNEL);
    ASSERT_OK(sigx_raise(SIGALRM)); /* this process: refused */
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGALRM), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_refused(SIGALRM, &count));
    ASSERT_U64_EQ(count, 1);
    ASSERT_OK(sigx_uninstall(SIGALRM));
}

static volatile sig_atomic_t chained;

static void previous(int signo)
{
    (void)signo;
    chained++;
}

static void refused_goes_nowhere(void)
{
    sigx_info info;
    uint64_t count = 0, before = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = previous;
    ASSERT_SYS(sigaction(SIGUSR2, &sa, NULL));
    ASSERT_OK(sigx_install(SIGUSR2, SIGX_CHAIN));
    ASSERT_OK(sigx_refused(SIGUSR2, &before));
    ASSERT_OK(sigx_filter(SIGUSR2, SIGX_FROM_PARENT));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_OK(sigx_send(getpid(), SIGUSR2, 9));
    ASSERT_EQ(chained, 0); /* no chained handler for a refused delivery */
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGUSR2), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_refused(SIGUSR2, &count));
    ASSERT_U64_EQ(count - before, 2);
    /* SIGX_FROM_ANY removes the filter: back to normal, chaining too. */
    ASSERT_OK(sigx_filter(SIGUSR2, SIGX_FROM_ANY));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(chained, 1);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR2), &info, 0));
    /* A re-install keeps the filter; uninstall drops it. */
    ASSERT_OK(sigx_filter(SIGUSR2, SIGX_FROM_PARENT));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGUSR2), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_uninstall(SIGUSR2));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR2), &info, 0));
    ASSERT_OK(sigx_refused(SIGUSR2, &count));
    ASSERT_U64_EQ(count - before, 3); /* figures outlive the filter */
    ASSERT_OK(sigx_uninstall(SIGUSR2));
}

static void misuse(void)
{
    uint64_t count = 12345;
    ASSERT_EQ(sigx_filter(SIGWINCH, SIGX_FROM_SELF), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_install(SIGWINCH, 0));
    /* Argument values first, then the signal, then the state. */
    ASSERT_EQ(sigx_filter(SIGWINCH, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_filter(SIGWINCH, 32), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_filter(SIGWINCH, SIGX_FROM_ANY | 64), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_filter(0, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_filter(0, SIGX_FROM_SELF), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_filter(65, SIGX_FROM_SELF), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_filter(-1, SIGX_FROM_SELF), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_filter(SIGKILL, SIGX_FROM_SELF), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_filter(SIGSTOP, SIGX_FROM_SELF), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_filter(32, SIGX_FROM_SELF), SIGX_ERR_FORBIDDEN);
    ASSERT_EQ(sigx_filter(SIGSEGV, SIGX_FROM_SELF), SIGX_ERR_FORBIDDEN);
    ASSERT_EQ(sigx_filter(SIGTERM, SIGX_FROM_SELF), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_uninstall(SIGWINCH));
    ASSERT_EQ(sigx_filter(SIGWINCH, SIGX_FROM_SELF), SIGX_ERR_NOT_INSTALLED);

    ASSERT_EQ(sigx_refused(SIGUSR1, NULL), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_refused(0, NULL), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_refused(65, &count), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_refused(32, &count), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_refused(-3, &count), SIGX_ERR_SIGNAL);
    ASSERT_U64_EQ(count, 12345); /* written only on SIGX_OK */
    ASSERT_OK(sigx_refused(SIGKILL, &count));
    ASSERT_U64_EQ(count, 0);
}

int main(void)
{
    roomy_sigpending();
    is_root = geteuid() == 0;
    real_senders();
    sigchld_and_itimer();
    refused_goes_nowhere();
    misuse();
    printf("ok\n");
    return 0;
}
