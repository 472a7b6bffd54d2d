/* Flow control for real-time floods (ctest: RUN_SERIAL).
 *
 * A single-threaded program waits in sigx_wait while a child floods it with
 * far more real-time signals than the queue holds (default capacity 1024).
 * Every delivery runs sigx's handler on the waiting thread itself, so
 * without flow control the ring would overflow while the waiter cannot run.
 * sigx holds the signal back in the kernel (blocked on the waiting thread)
 * while the ring is full, and the waiter takes the held deliveries off the
 * kernel's queue itself once the ring is empty, so:
 *   - every value arrives exactly once, in the order sent, with the sender's
 *     identity, and nothing is dropped;
 *   - the thread's signal mask is the same after the flood as before;
 *   - a waiter that stops waiting while holding gets the signal released by
 *     its next wait, and a wait never sleeps on a held signal;
 *   - deliveries still held in the kernel when the signal is uninstalled are
 *     recorded, not handed to the restored disposition (which, for a
 *     real-time signal, would kill the process);
 *   - SIGX_CHAIN signals are never held: every delivery reaches the chained
 *     handler. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FLOOD 60000

static unsigned char seen[FLOOD];

#define WARMUP UINT64_MAX

/* Fork a child that, once told to go, sends `count` values of `signo` to us
 * (retrying while the kernel's queue is full). Before it goes, this thread
 * takes one record of its own in a wait: a thread that waits is the one sigx
 * holds floods back on, and it must be that before the flood starts (a flood
 * that starts first can keep the thread in its handler until it is over). */
static pid_t flood(int signo, int count)
{
    int go[2];
    ASSERT_SYS(pipe(go));
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) != 1)
            _exit(3);
        for (int i = 0; i < count; i++)
            if (queue_retry(parent, signo, (uint64_t)i) != 0)
                _exit(2);
        _exit(0);
    }
    close(go[0]);
    sigx_info info;
    ASSERT_EQ(queue_retry(parent, signo, WARMUP), 0);
    ASSERT_OK(sigx_wait(SIGX_BIT(signo), &info, 20000));
    ASSERT_U64_EQ(info.value, WARMUP);
    ASSERT_EQ(write(go[1], "g", 1), 1);
    close(go[1]);
    return child;
}

static void reap_ok(pid_t child)
{
    int status;
    ASSERT_SYS(waitpid(child, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
}

static uint64_t thread_mask(void)
{
    uint64_t mask;
    ASSERT_OK(sigx_block(0, &mask));
    return mask;
}

static void test_delivery_hold_lossless(void)
{
    int sig = sigx_rtmin() + 3;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_install(sig, 0));
    pid_t child = flood(sig, FLOOD);

    sigx_info info;
    uint64_t dropped = 0, last_seq = 0;
    for (int got = 0; got < FLOOD; got++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
        ASSERT_EQ(info.signo, sig);
        /* One sender, one signal: the kernel queues them in order, and
         * records taken from the ring or from the kernel keep that order. */
        if (info.value != (uint64_t)got)
            printf("# value %llu at %d: seq %llu (previous %llu), dropped %llu\n",
                   (unsigned long long)info.value, got, (unsigned long long)info.seq,
                   (unsigned long long)last_seq, (unsigned long long)info.dropped);
        ASSERT_U64_EQ(info.value, (uint64_t)got);
        ASSERT_EQ(seen[info.value], 0);
        seen[info.value] = 1;
        ASSERT_GT(info.seq, last_seq);
        last_seq = info.seq;
        ASSERT_EQ(info.code, SI_QUEUE);
        ASSERT_EQ(info.pid, child);
        ASSERT_EQ(info.uid, getuid());
        dropped += info.dropped;
    }
    reap_ok(child);
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_U64_EQ(dropped, 0);

    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, FLOOD + 1); /* and the warm-up */
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_LE(st.high_water, 1024);
    /* Nothing stays blocked once the flood is over. */
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("flood of 60000 received without loss, mask restored");
}

/* The waiter stops while the ring is full and the signal is held back; its
 * next wait drains and releases it, and a wait with nothing queued does not
 * sleep on a held signal (it would hang: ctest's TIMEOUT would say so). */
static void test_delivery_hold_released_by_next_wait(void)
{
    int sig = sigx_rtmin() + 4;
    const int cap = 16, total = 200;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(sig, (uint32_t)cap));
    ASSERT_OK(sigx_install(sig, 0));
    pid_t child = flood(sig, total);

    sigx_info info;
    int got = 0;
    uint64_t dropped = 0;
    /* Take one record, then let the child finish sending while we do not
     * wait: whatever the ring cannot take is either dropped (counted) or,
     * if this thread holds the signal back, kept by the kernel. */
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
    got++;
    dropped += info.dropped;
    reap_ok(child);
    while (got + (int)dropped < total) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
        got++;
        dropped += info.dropped;
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, (uint64_t)total + 1);
    ASSERT_U64_EQ((uint64_t)got + st.dropped, (uint64_t)total);
    ASSERT_U64_EQ(dropped, st.dropped);
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("held signal released by the next wait");
}

/* Whether `signo` is pending (for this thread or the process). */
static int is_pending(int signo)
{
    sigset_t set;
    ASSERT_SYS(sigpending(&set));
    return sigismember(&set, signo);
}

/* Take records until `sig` reports NOT_INSTALLED; returns how many. */
static uint64_t drain_uninstalled(int sig, uint64_t *dropped)
{
    sigx_info info;
    uint64_t got = 0;
    int r;
    while ((r = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_OK) {
        got++;
        *dropped += info.dropped;
    }
    ASSERT_EQ(r, SIGX_ERR_NOT_INSTALLED);
    return got;
}

/* Uninstall while deliveries are held in the kernel: this thread takes one
 * record of the flood and then stops waiting until the sender is done, so
 * the ring fills and the rest is held back in the kernel. */
static void test_delivery_hold_uninstall_settles(void)
{
    int sig = sigx_rtmin() + 5;
    const int cap = 16, total = 3000;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(sig, (uint32_t)cap));
    ASSERT_OK(sigx_install(sig, 0));
    pid_t child = flood(sig, total);
    sigx_info info;
    uint64_t got = 0, dropped = 0;
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
    got++;
    dropped += info.dropped;
    reap_ok(child);
    ASSERT_TRUE((thread_mask() & SIGX_BIT(sig)) != 0);
    ASSERT_TRUE(is_pending(sig));
    /* A child forked now starts with nothing held back: a held signal left
     * blocked in it would outlive an exec. */
    pid_t forked = fork();
    ASSERT_SYS(forked);
    if (forked == 0) {
        uint64_t m;
        _exit(sigx_block(0, &m) == SIGX_OK && m == before ? 0 : 1);
    }
    reap_ok(forked);
    /* Restores SIG_DFL: a held delivery that met it would kill us. */
    ASSERT_OK(sigx_uninstall(sig));
    ASSERT_TRUE(!is_pending(sig));
    ASSERT_U64_EQ(thread_mask(), before);
    got += drain_uninstalled(sig, &dropped);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, (uint64_t)total + 1);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(got + dropped, (uint64_t)total);
    ASSERT_U64_EQ(dropped, st.dropped);
    TEST_PASS("deliveries held at uninstall are recorded, mask restored");
}

static volatile sig_atomic_t chained;

static void count_chained(int signo)
{
    (void)signo;
    chained++;
}

static void test_delivery_hold_never_chain(void)
{
    int sig = sigx_rtmin() + 6;
    const int cap = 8, total = 5000;
    uint64_t before = thread_mask();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_chained;
    sigfillset(&sa.sa_mask);
    ASSERT_SYS(sigaction(sig, &sa, NULL));
    ASSERT_OK(sigx_set_capacity(sig, (uint32_t)cap));
    ASSERT_OK(sigx_install(sig, SIGX_CHAIN));
    pid_t child = flood(sig, total);
    sigx_info info;
    uint64_t got = 0, dropped = 0;
    while (got + dropped < (uint64_t)total) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
        got++;
        dropped += info.dropped;
    }
    reap_ok(child);
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ((int)chained, total + 1);
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("SIGX_CHAIN floods reach the chained handler every time");
}

/* The holding thread stops waiting while it holds a flood back, and every
 * other thread blocks the signal: nothing can be delivered by a handler any
 * more, and held deliveries wake nobody. The thread that waits instead takes
 * them off the kernel's queue itself, including ones sent after it went to
 * sleep (it looks again at least every 10 ms while a signal is held). */
struct holder {
    int sig;
    int ready[2]; /* holder -> main: it is the holding thread */
    int park[2];  /* main -> holder: stop parking */
};

static void *holder_main(void *arg)
{
    struct holder *h = arg;
    sigx_info info;
    char c;
    /* The warm-up record makes this thread the holder. */
    ASSERT_EQ(queue_retry(getpid(), h->sig, WARMUP), 0);
    ASSERT_OK(sigx_wait(SIGX_BIT(h->sig), &info, 20000));
    ASSERT_U64_EQ(info.value, WARMUP);
    ASSERT_EQ(write(h->ready[1], "r", 1), 1);
    /* Parked outside sigx: handlers run here, the ring fills, and the
     * signal is held back on this thread. */
    ASSERT_EQ(read(h->park[0], &c, 1), 1);
    /* A wait that finds nothing releases what this thread held. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(h->sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(thread_mask() & SIGX_BIT(h->sig), 0);
    return NULL;
}

static void test_delivery_hold_owner_away(void)
{
    struct holder h = {.sig = sigx_rtmin() + 7};
    const int total = 2000, trickle = 5;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(h.sig, 8));
    ASSERT_OK(sigx_install(h.sig, 0));
    ASSERT_SYS(pipe(h.ready));
    ASSERT_SYS(pipe(h.park));
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, holder_main, &h), 0);
    char c;
    ASSERT_EQ(read(h.ready[0], &c, 1), 1);
    /* After the holder started: a new thread inherits its creator's mask. */
    ASSERT_OK(sigx_block(SIGX_BIT(h.sig), NULL));

    /* The child floods, then sends the trickle one value per byte it reads
     * from `step`: each time, this thread writes the byte and goes straight
     * into a wait, so the value usually arrives while it sleeps. */
    int step[2];
    ASSERT_SYS(pipe(step));
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        close(step[1]);
        for (int i = 0; i < total; i++)
            if (queue_retry(parent, h.sig, (uint64_t)i) != 0)
                _exit(2);
        for (int i = 0; i < trickle; i++)
            if (read(step[0], &c, 1) != 1 ||
                queue_retry(parent, h.sig, (uint64_t)(total + i)) != 0)
                _exit(2);
        _exit(0);
    }
    close(step[0]);
    sigx_info info;
    uint64_t got = 0, dropped = 0;
    while (got + dropped < (uint64_t)total) {
        ASSERT_OK(sigx_wait(SIGX_BIT(h.sig), &info, 20000));
        ASSERT_LT(info.value, (uint64_t)total);
        got++;
        dropped += info.dropped;
    }
    ASSERT_U64_EQ(dropped, 0);
    for (int i = 0; i < trickle; i++) {
        ASSERT_EQ(write(step[1], "s", 1), 1);
        ASSERT_OK(sigx_wait(SIGX_BIT(h.sig), &info, 20000));
        ASSERT_U64_EQ(info.value, (uint64_t)(total + i));
    }
    reap_ok(child);
    close(step[1]);
    ASSERT_EQ(write(h.park[1], "p", 1), 1);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(h.sig, &st));
    ASSERT_U64_EQ(st.delivered, (uint64_t)(total + trickle + 1));
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_OK(sigx_unblock(SIGX_BIT(h.sig), NULL));
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(h.sig));
    close(h.ready[0]);
    close(h.ready[1]);
    close(h.park[0]);
    close(h.park[1]);
    TEST_PASS("a held flood reaches another waiter while the holder is away");
}

/* The holding thread exits; a thread that waits afterwards becomes the
 * holder (the claim does not stay with a thread that is gone, nor pass to a
 * new thread that happens to get the same thread id). */
static void *claim_and_exit(void *arg)
{
    int sig = *(int *)arg;
    sigx_info info;
    ASSERT_EQ(queue_retry(getpid(), sig, WARMUP), 0);
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
    ASSERT_U64_EQ(info.value, WARMUP);
    return NULL;
}

static void test_delivery_hold_after_holder_exit(void)
{
    int sig = sigx_rtmin() + 8;
    const int total = 5000;
    ASSERT_OK(sigx_set_capacity(sig, 16));
    ASSERT_OK(sigx_install(sig, 0));
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, claim_and_exit, &sig), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    pid_t child = flood(sig, total);
    sigx_info info;
    uint64_t dropped = 0;
    for (int got = 0; got < total; got++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
        ASSERT_U64_EQ(info.value, (uint64_t)got);
        dropped += info.dropped;
    }
    reap_ok(child);
    ASSERT_U64_EQ(dropped, 0);
    /* A wait that comes back empty-handed gives the holding role up, so
     * that the next test's thread can take it. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("a thread that waits after the holder exited holds floods back");
}

/* Shared by the next tests: thread O claims the holding role with one
 * record of its own, then raises S `burst` times at itself. The ring
 * (capacity 4) fills and the rest stays in O's own kernel queue, held. */
struct owner {
    int sig, other, burst;
    int held[2]; /* O -> main: S is held */
    int go[2];   /* main -> O: carry on */
    int exit_holding;
};

static void *owner_main(void *arg)
{
    struct owner *o = arg;
    sigx_info info;
    char c;
    ASSERT_OK(sigx_raise(o->sig));
    ASSERT_OK(sigx_wait(SIGX_BIT(o->sig), &info, 20000));
    for (int i = 0; i < o->burst; i++)
        ASSERT_OK(sigx_raise(o->sig));
    ASSERT_TRUE((thread_mask() & SIGX_BIT(o->sig)) != 0);
    ASSERT_TRUE(is_pending(o->sig));
    ASSERT_EQ(write(o->held[1], "h", 1), 1);
    if (o->exit_holding)
        return NULL; /* exits holding S */
    ASSERT_EQ(read(o->go[0], &c, 1), 1);
    /* Any wait that finds nothing releases what this thread held. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(o->other), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(thread_mask() & SIGX_BIT(o->sig), 0);
    ASSERT_TRUE(!is_pending(o->sig));
    return NULL;
}

/* Take the records of `sig` until the wait says `last`; check that every
 * delivery of the test (`total`, the claiming one included) is a record or
 * a counted drop. */
static void account_all(int sig, int last, uint64_t total)
{
    sigx_info info;
    uint64_t got = 0, dropped = 0;
    int r;
    while ((r = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_OK) {
        got++;
        dropped += info.dropped;
    }
    ASSERT_EQ(r, last);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, total);
    ASSERT_U64_EQ(got + 1 + dropped, total); /* + the claiming record */
    ASSERT_U64_EQ(st.dropped, dropped);
}

static void start_owner(struct owner *o, pthread_t *t)
{
    ASSERT_SYS(pipe(o->held));
    ASSERT_SYS(pipe(o->go));
    ASSERT_OK(sigx_set_capacity(o->sig, 4));
    ASSERT_OK(sigx_install(o->sig, 0));
    ASSERT_OK(sigx_install(o->other, 0));
    ASSERT_EQ(pthread_create(t, NULL, owner_main, o), 0);
    char c;
    ASSERT_EQ(read(o->held[0], &c, 1), 1);
}

static void close_owner(struct owner *o)
{
    close(o->held[0]);
    close(o->held[1]);
    close(o->go[0]);
    close(o->go[1]);
}

/* Uninstalled from another thread while O holds deliveries sent to O
 * itself (which no other thread can take): O records them before it
 * unblocks S, so none meets SIG_DFL, which would kill the process. Run in a
 * child so that such a death is reported, not suffered. */
static void test_delivery_hold_uninstall_elsewhere(void)
{
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        struct owner o = {.sig = sigx_rtmin() + 10, .other = sigx_rtmin() + 11, .burst = 10};
        pthread_t t;
        start_owner(&o, &t);
        ASSERT_OK(sigx_uninstall(o.sig));
        ASSERT_EQ(write(o.go[1], "g", 1), 1);
        ASSERT_EQ(pthread_join(t, NULL), 0);
        account_all(o.sig, SIGX_ERR_NOT_INSTALLED, 11);
        ASSERT_OK(sigx_uninstall(o.other));
        close_owner(&o);
        _exit(0);
    }
    int status;
    ASSERT_SYS(waitpid(child, &status, 0));
    if (WIFSIGNALED(status))
        TEST_FAIL_("child killed by signal %d", WTERMSIG(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    TEST_PASS("uninstall on another thread: held deliveries recorded, none fatal");
}

/* The holding thread exits while deliveries sent to it are held: the kernel
 * would discard its own queue with it; sigx records them first. */
static void test_delivery_hold_owner_exits_holding(void)
{
    struct owner o = {.sig = sigx_rtmin() + 12, .other = sigx_rtmin() + 13, .burst = 10, .exit_holding = 1};
    pthread_t t;
    uint64_t before = thread_mask();
    start_owner(&o, &t);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    account_all(o.sig, SIGX_ERR_TIMEOUT, 11);
    ASSERT_U64_EQ(thread_mask(), before);
    ASSERT_OK(sigx_uninstall(o.sig));
    ASSERT_OK(sigx_uninstall(o.other));
    close_owner(&o);
    TEST_PASS("holding thread exits: its held deliveries are recorded or counted");
}

/* The application saves its mask while S is held (so the saved mask has S)
 * and restores it after sigx released S: S is blocked again behind sigx's
 * back. A later wait still receives S. */
static void test_delivery_hold_mask_saved_while_held(void)
{
    int sig = sigx_rtmin() + 14;
    sigset_t none, old, s_only;
    sigx_info info;
    ASSERT_OK(sigx_set_capacity(sig, 4));
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_raise(sig));
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000)); /* claims */
    for (int i = 0; i < 6; i++)
        ASSERT_OK(sigx_raise(sig)); /* 4 in the ring, 2 held */
    ASSERT_TRUE((thread_mask() & SIGX_BIT(sig)) != 0);
    sigemptyset(&none);
    ASSERT_SYS(sigprocmask(SIG_BLOCK, &none, &old)); /* saves S as blocked */
    int n = 0;
    while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK)
        n++;
    ASSERT_EQ(n, 6);
    ASSERT_EQ(thread_mask() & SIGX_BIT(sig), 0);
    ASSERT_SYS(sigprocmask(SIG_SETMASK, &old, NULL)); /* S blocked again */
    ASSERT_OK(sigx_raise(sig));
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000));
    ASSERT_EQ(info.code, SI_TKILL);
    sigemptyset(&s_only);
    sigaddset(&s_only, sig);
    ASSERT_SYS(sigprocmask(SIG_UNBLOCK, &s_only, NULL));
    /* Empty-handed: gives the holding role up for the next test. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("a mask saved while a signal was held does not stall later waits");
}

/* A holder that stops waiting goes stale after a second: handlers no
 * longer hold signals back on its thread, and another thread's wait takes
 * the holding role over. Thread A takes the role with one record, then
 * parks (outside sigx) until told otherwise. */
struct parked {
    int sig;
    int block_sig; /* A blocks the signal itself before parking */
    int ready[2], park[2];
    uint64_t mask_after; /* A's mask when it is let go */
};

static void *park_main(void *arg)
{
    struct parked *p = arg;
    sigx_info info;
    char c;
    ASSERT_OK(sigx_raise(p->sig));
    ASSERT_OK(sigx_wait(SIGX_BIT(p->sig), &info, 20000));
    if (p->block_sig)
        ASSERT_OK(sigx_block(SIGX_BIT(p->sig), NULL));
    ASSERT_EQ(write(p->ready[1], "r", 1), 1);
    ASSERT_EQ(read(p->park[0], &c, 1), 1);
    p->mask_after = thread_mask();
    if (p->block_sig)
        ASSERT_OK(sigx_unblock(SIGX_BIT(p->sig), NULL));
    return NULL;
}

static void start_parked(struct parked *p, pthread_t *t)
{
    ASSERT_SYS(pipe(p->ready));
    ASSERT_SYS(pipe(p->park));
    ASSERT_EQ(pthread_create(t, NULL, park_main, p), 0);
    char c;
    ASSERT_EQ(read(p->ready[0], &c, 1), 1);
    /* Let the claim go stale: time passing, not synchronisation. */
    struct timespec ts = {1, 500000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void stop_parked(struct parked *p, pthread_t t)
{
    ASSERT_EQ(write(p->park[1], "p", 1), 1);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    close(p->ready[0]);
    close(p->ready[1]);
    close(p->park[0]);
    close(p->park[1]);
}

static void test_delivery_hold_stale_holder_replaced(void)
{
    struct parked p = {.sig = sigx_rtmin() + 15, .block_sig = 1};
    const int total = 5000;
    ASSERT_OK(sigx_set_capacity(p.sig, 16));
    ASSERT_OK(sigx_install(p.sig, 0));
    pthread_t t;
    start_parked(&p, &t);
    /* A still holds the role but is stale: this thread's waits take over. */
    pid_t child = flood(p.sig, total);
    sigx_info info;
    uint64_t dropped = 0;
    for (int got = 0; got < total; got++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(p.sig), &info, 20000));
        ASSERT_U64_EQ(info.value, (uint64_t)got);
        dropped += info.dropped;
    }
    reap_ok(child);
    ASSERT_U64_EQ(dropped, 0);
    ASSERT_EQ(sigx_wait(SIGX_BIT(p.sig), &info, 0), SIGX_ERR_TIMEOUT);
    stop_parked(&p, t);
    ASSERT_OK(sigx_uninstall(p.sig));
    TEST_PASS("a waiting thread takes the holding role from a stale holder");
}

static void test_delivery_hold_stale_holder_never_blocked(void)
{
    struct parked p = {.sig = sigx_rtmin() + 16, .block_sig = 0};
    const int total = 300;
    uint64_t before = thread_mask();
    ASSERT_OK(sigx_set_capacity(p.sig, 8));
    ASSERT_OK(sigx_install(p.sig, 0));
    pthread_t t;
    start_parked(&p, &t);
    /* Only A can take the flood now; its ring fills, and A, stale, must
     * not get the signal blocked (it is not waiting to release it). */
    ASSERT_OK(sigx_block(SIGX_BIT(p.sig), NULL));
    pid_t parent = getpid();
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        for (int i = 0; i < total; i++)
            if (queue_retry(parent, p.sig, (uint64_t)i) != 0)
                _exit(2);
        _exit(0);
    }
    reap_ok(child);
    stop_parked(&p, t);
    ASSERT_EQ(p.mask_after & SIGX_BIT(p.sig), 0);
    ASSERT_OK(sigx_unblock(SIGX_BIT(p.sig), NULL));
    ASSERT_U64_EQ(thread_mask(), before);
    sigx_info info;
    uint64_t got = 0, dropped = 0;
    int r;
    while ((r = sigx_wait(SIGX_BIT(p.sig), &info, 0)) == SIGX_OK) {
        got++;
        dropped += info.dropped;
    }
    ASSERT_EQ(r, SIGX_ERR_TIMEOUT);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(p.sig, &st));
    ASSERT_U64_EQ(st.delivered, (uint64_t)total + 1);
    ASSERT_U64_EQ(got + 1 + st.dropped, (uint64_t)total + 1);
    ASSERT_OK(sigx_uninstall(p.sig));
    TEST_PASS("a stale holder's thread never gets a signal blocked");
}

/* Re-installed with SIGX_ONESHOT while deliveries are held: such signals
 * are never held or pulled, so they are recorded first; released into the
 * one-shot disposition, the second would meet SIG_DFL and kill. In a child,
 * so that such a death is reported. */
static void test_delivery_hold_reinstall_oneshot(void)
{
    pid_t child = fork();
    ASSERT_SYS(child);
    if (child == 0) {
        int sig = sigx_rtmin() + 17;
        uint64_t before = thread_mask();
        sigx_info info;
        ASSERT_OK(sigx_set_capacity(sig, 4));
        ASSERT_OK(sigx_install(sig, 0));
        ASSERT_OK(sigx_raise(sig));
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000)); /* claims */
        for (int i = 0; i < 10; i++)
            ASSERT_OK(sigx_raise(sig)); /* 4 in the ring, 6 held */
        ASSERT_TRUE((thread_mask() & SIGX_BIT(sig)) != 0);
        ASSERT_OK(sigx_install(sig, SIGX_ONESHOT));
        ASSERT_U64_EQ(thread_mask(), before);
        ASSERT_TRUE(!is_pending(sig));
        account_all(sig, SIGX_ERR_TIMEOUT, 11);
        ASSERT_OK(sigx_uninstall(sig));
        _exit(0);
    }
    int status;
    ASSERT_SYS(waitpid(child, &status, 0));
    if (WIFSIGNALED(status))
        TEST_FAIL_("child killed by signal %d", WTERMSIG(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    TEST_PASS("re-install with SIGX_ONESHOT while held: held deliveries recorded first");
}

/* SIGX_INTERRUPT signals are never held: they exist to interrupt blocking
 * calls, which a blocked signal cannot do. A full queue drops (counted). */
static void test_delivery_hold_never_interrupt(void)
{
    int sig = sigx_rtmin() + 18;
    uint64_t before = thread_mask();
    sigx_info info;
    ASSERT_OK(sigx_set_capacity(sig, 2));
    ASSERT_OK(sigx_install(sig, SIGX_INTERRUPT));
    ASSERT_OK(sigx_raise(sig));
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 20000)); /* claims */
    for (int i = 0; i < 6; i++)
        ASSERT_OK(sigx_raise(sig));
    ASSERT_U64_EQ(thread_mask(), before);
    account_all(sig, SIGX_ERR_TIMEOUT, 7);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("SIGX_INTERRUPT signals are never held back");
}

/* A signal the application blocks on purpose, and sigx never held, stays
 * pending for the application: waits do not take it off the kernel's
 * queue (even in a process where other signals were held before). */
static void test_delivery_hold_app_block_respected(void)
{
    int sig = SIGUSR2;
    sigx_info info;
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    ASSERT_OK(sigx_raise(sig));
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 50), SIGX_ERR_TIMEOUT);
    ASSERT_TRUE(is_pending(sig));
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL)); /* delivered now */
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 0));
    ASSERT_EQ(info.signo, sig);
    ASSERT_OK(sigx_uninstall(sig));
    TEST_PASS("a signal the application blocks stays pending for it");
}

int main(void)
{
    roomy_sigpending();
    test_delivery_hold_lossless();
    test_delivery_hold_released_by_next_wait();
    test_delivery_hold_uninstall_settles();
    test_delivery_hold_never_chain();
    test_delivery_hold_owner_away();
    test_delivery_hold_after_holder_exit();
    test_delivery_hold_uninstall_elsewhere();
    test_delivery_hold_owner_exits_holding();
    test_delivery_hold_mask_saved_while_held();
    test_delivery_hold_stale_holder_replaced();
    test_delivery_hold_stale_holder_never_blocked();
    test_delivery_hold_reinstall_oneshot();
    test_delivery_hold_never_interrupt();
    test_delivery_hold_app_block_respected();
    return 0;
}
