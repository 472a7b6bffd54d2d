/* Fork under load: this process forks FORKS times from the main thread (and
 * a few times from inside a sigx_dispatch callback) while a flooder process
 * sends it real-time signals and two threads wait for them.
 *
 * Each child must start with an empty queue and zero figures, keep the
 * inherited installs, have an eventfd of its own, and be able to install
 * a signal, send it to itself, receive it (with a seq that continues the
 * parent's count) and exit 0. The parent must lose nothing: every flooded
 * value is taken exactly once and delivered == sent, dropped == 0. */
#include "test.h"
#include "reliability.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>

static int flood_sig, child_sig, mark_sig;
static long flood_count;
static int forks;
static pid_t parent_pid;

/* ---- the child side ------------------------------------------------------ */

/* Exit codes say which check failed. */
#define CHILD_CHECK(cond, code)                                                \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "child %d: check failed: %s\n", (int)getpid(), #cond); \
            _exit(code);                                                       \
        }                                                                      \
    } while (0)

static void child_body(uint64_t seq_floor)
{
    sigx_stats all;
    CHILD_CHECK(sigx_stats_get(0, &all) == SIGX_OK, 10);
    CHILD_CHECK(all.delivered == 0 && all.dropped == 0 && all.queued == 0, 11);
    sigx_info info;
    CHILD_CHECK(sigx_is_installed(flood_sig) == 1, 12);
    CHILD_CHECK(sigx_wait(SIGX_BIT(flood_sig), &info, 0) == SIGX_ERR_TIMEOUT, 13);

    int fd = sigx_fd();
    CHILD_CHECK(fd >= 0, 14);
    CHILD_CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, 15);
    struct pollfd p = {fd, POLLIN, 0};
    CHILD_CHECK(poll(&p, 1, 0) == 0, 16); /* nothing queued in the child */

    CHILD_CHECK(sigx_install(child_sig, 0) == SIGX_OK, 17);
    uint64_t magic = 0x5eed0000u + (uint64_t)getpid();
    CHILD_CHECK(rel_send(getpid(), child_sig, magic) == SIGX_OK, 18);
    int r;
    do {
        r = poll(&p, 1, 10000);
    } while (r < 0 && errno == EINTR);
    CHILD_CHECK(r == 1 && (p.revents & POLLIN), 19);
    CHILD_CHECK(sigx_wait(SIGX_BIT(child_sig), &info, 10000) == SIGX_OK, 20);
    CHILD_CHECK(info.signo == child_sig && info.code == SI_QUEUE, 21);
    CHILD_CHECK(info.value == magic && info.pid == getpid(), 22);
    CHILD_CHECK(info.seq > seq_floor, 23); /* continues the parent's count */
    CHILD_CHECK(sigx_stats_get(0, &all) == SIGX_OK, 24);
    CHILD_CHECK(all.delivered == 1 && all.queued == 0 && all.dropped == 0, 25);
    CHILD_CHECK(sigx_uninstall(child_sig) == SIGX_OK, 26);
    _exit(0);
}

/* The parent's current seq, from a record it raises and takes itself. */
static uint64_t current_seq(void)
{
    sigx_info info;
    ASSERT_OK(rel_raise(mark_sig));
    ASSERT_OK(sigx_wait(SIGX_BIT(mark_sig), &info, 10000));
    return info.seq;
}

static void fork_and_check(uint64_t seq_floor, const char *where)
{
    uint64_t before, after;
    ASSERT_OK(sigx_block(0, &before));
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        /* The child starts with the forking thread's mask (sigx blocks
         * signals across fork, and must give them back on both sides). */
        CHILD_CHECK(sigx_block(0, &after) == SIGX_OK && after == before, 9);
        child_body(seq_floor);
    }
    ASSERT_OK(sigx_block(0, &after));
    ASSERT_U64_EQ(after, before);
    reap_clean(pid, where);
}

/* ---- forking from inside a callback ------------------------------------- */

static long callback_forks;
static uint64_t callback_seq_floor;

static void forking_callback(const sigx_info *info, void *user)
{
    (void)info;
    (void)user;
    fork_and_check(SEQ_LOAD(&callback_seq_floor), "child forked in a callback");
    SEQ_ADD(&callback_forks, 1);
}

static int stop_dispatch;

static void *dispatcher_main(void *arg)
{
    (void)arg;
    while (!SEQ_LOAD(&stop_dispatch)) {
        int rc = sigx_dispatch(100);
        ASSERT_TRUE(rc >= 0 || rc == SIGX_ERR_TIMEOUT);
    }
    return NULL;
}

/* ---- waiters ------------------------------------------------------------- */

struct waiter {
    pthread_t thread;
    unsigned char *seen;
    long got;
    uint64_t dropped;
    int bad;
};
static long received;
static int flooder_done;
static long flood_sent;
static pid_t flooder_pid;
static long value_room;

/* Once the flooder reported, everything it sent is either taken or was
 * counted as dropped (the identity, checked again at the end). */
static int all_taken(void)
{
    if (!SEQ_LOAD(&flooder_done))
        return 0;
    sigx_stats st = stats_of(flood_sig);
    return SEQ_LOAD(&received) + (long)st.dropped >= SEQ_LOAD(&flood_sent);
}

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    long long last_progress = now_ms();
    for (;;) {
        sigx_info info;
        int rc = sigx_wait(SIGX_BIT(flood_sig), &info, 200);
        if (rc == SIGX_OK) {
            last_progress = now_ms();
            w->dropped += info.dropped;
            if ((long)info.value >= value_room || info.code != SI_QUEUE ||
                info.pid != SEQ_LOAD(&flooder_pid))
                w->bad = 1;
            else if (w->seen[info.value]++ != 0)
                w->bad = 2;
            w->got++;
            SEQ_ADD(&received, 1);
            if (all_taken())
                return NULL;
        } else if (rc == SIGX_ERR_TIMEOUT) {
            if (all_taken())
                return NULL;
            if (SEQ_LOAD(&flooder_done) && now_ms() - last_progress > 30000) {
                fprintf(stderr, "waiter: stuck at %ld of %ld\n", SEQ_LOAD(&received),
                        SEQ_LOAD(&flood_sent));
                w->bad = 3;
                return NULL;
            }
        } else {
            w->bad = 4;
            return NULL;
        }
    }
}

int main(void)
{
    rel_prefault_stack();
    const int rt = sigx_rtmin();
    flood_sig = rt;
    child_sig = rt + 1;
    mark_sig = rt + 2;
    flood_count = rel_scaled(30000, 1000);
    value_room = 1L << 24;
    forks = (int)rel_scaled(50, 10);
    const int callback_fork_count = 5;
    parent_pid = getpid();

    ASSERT_OK(sigx_set_capacity(flood_sig, 65536));
    ASSERT_OK(sigx_install(flood_sig, 0));
    ASSERT_OK(sigx_install(mark_sig, 0));
    ASSERT_OK(sigx_on(SIGUSR2, forking_callback, NULL));
    ASSERT_TRUE(sigx_fd() >= 0); /* children must replace it */

    rel_gate gate;
    rel_gate_init(&gate);
    int stop_pipe[2], report_pipe[2];
    ASSERT_SYS(pipe(stop_pipe));
    ASSERT_SYS(pipe(report_pipe));
    fflush(NULL);
    pid_t fp = fork();
    ASSERT_SYS(fp);
    if (fp == 0) {
        /* Send at least flood_count values, and keep going until the
         * parent has done all its forks; report how many were sent. */
        close(stop_pipe[1]);
        close(report_pipe[0]);
        rel_gate_wait(&gate);
        long sent = 0;
        unsigned long paced = 0;
        for (;;) {
            if (sent % 256 == 0)
                rel_valgrind_breather();
            if (sent >= flood_count && sent % 256 == 0) {
                struct pollfd p = {stop_pipe[0], POLLIN, 0};
                if (poll(&p, 1, 0) > 0 || sent >= value_room)
                    break;
            }
            if (rel_send_paced(parent_pid, flood_sig, (uint64_t)sent, &paced) != SIGX_OK)
                _exit(2);
            sent++;
        }
        if (write(report_pipe[1], &sent, sizeof sent) != (ssize_t)sizeof sent)
            _exit(3);
        _exit(0);
    }
    close(stop_pipe[0]);
    close(report_pipe[1]);
    SEQ_STORE(&flooder_pid, fp);

    struct waiter w[2];
    memset(w, 0, sizeof w);
    for (int t = 0; t < 2; t++) {
        w[t].seen = calloc((size_t)value_room, 1);
        ASSERT_TRUE(w[t].seen != NULL);
        ASSERT_EQ(pthread_create(&w[t].thread, NULL, waiter_main, &w[t]), 0);
    }
    pthread_t dispatcher;
    ASSERT_EQ(pthread_create(&dispatcher, NULL, dispatcher_main, NULL), 0);

    rel_gate_open(&gate);
    int from_callbacks = 0;
    for (int i = 0; i < forks; i++) {
        uint64_t floor = current_seq();
        fork_and_check(floor, "child");
        if (i % (forks / callback_fork_count) == 0 && from_callbacks < callback_fork_count) {
            /* Ask the dispatcher thread to fork from inside the callback. */
            SEQ_STORE(&callback_seq_floor, current_seq());
            long before = SEQ_LOAD(&callback_forks);
            ASSERT_OK(sigx_raise(SIGUSR2));
            long long start = now_ms();
            while (SEQ_LOAD(&callback_forks) == before) {
                struct timespec ts = {0, 1000000};
                nanosleep(&ts, NULL);
                if (now_ms() - start > 30000)
                    TEST_FAIL_("%s", "the forking callback did not run within 30 s");
            }
            from_callbacks++;
        }
    }
    char byte = 1;
    ASSERT_EQ(write(stop_pipe[1], &byte, 1), 1);
    long sent = 0;
    ssize_t n;
    do {
        n = read(report_pipe[0], &sent, sizeof sent);
    } while (n < 0 && errno == EINTR);
    ASSERT_EQ(n, (ssize_t)sizeof sent);
    reap_clean(fp, "flooder");
    SEQ_STORE(&flood_sent, sent);
    SEQ_STORE(&flooder_done, 1);
    for (int t = 0; t < 2; t++)
        ASSERT_EQ(pthread_join(w[t].thread, NULL), 0);
    SEQ_STORE(&stop_dispatch, 1);
    ASSERT_EQ(pthread_join(dispatcher, NULL), 0);

    long got = 0;
    uint64_t reported = 0;
    for (int t = 0; t < 2; t++) {
        ASSERT_EQ(w[t].bad, 0);
        reported += w[t].dropped;
        got += w[t].got;
    }
    sigx_info extra;
    ASSERT_EQ(sigx_wait(SIGX_BIT(flood_sig), &extra, 0), SIGX_ERR_TIMEOUT);
    sigx_stats st = stats_of(flood_sig);
    /* Nothing lost: sent == delivered == taken + dropped (and the queue is
     * large enough that dropping would be a surprise, but not a bug). */
    ASSERT_U64_EQ(st.delivered, (uint64_t)sent);
    ASSERT_U64_EQ((uint64_t)got + st.dropped, (uint64_t)sent);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_TRUE(reported <= st.dropped);
    long distinct = 0;
    for (long v = 0; v < sent; v++) {
        int times = w[0].seen[v] + w[1].seen[v];
        if (times > 1)
            TEST_FAIL_("value %ld taken %d times", v, times);
        distinct += times;
    }
    ASSERT_EQ(distinct, got);
    /* The children's signal never reached the parent's figures. */
    ASSERT_U64_EQ(stats_of(child_sig).delivered, 0);
    ASSERT_EQ(from_callbacks, callback_fork_count);
    printf("fork: %d forks (%d from inside a callback) while %ld real-time signals "
           "arrived; %ld taken (%ld + %ld), %llu dropped, 0 lost\n",
           forks + from_callbacks, from_callbacks, sent, got, w[0].got, w[1].got,
           (unsigned long long)st.dropped);
    for (int t = 0; t < 2; t++)
        free(w[t].seen);
    TEST_PASS("test_stress_fork");
    return 0;
}
