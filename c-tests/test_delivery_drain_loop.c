/* The blocking drain loop (issue #11, "Receiving without surprises").
 *
 * An event loop sleeps in poll() on sigx_fd() and, as careful programs do,
 * blocks every signal around its drain: pthread_sigmask(SIG_BLOCK, all,
 * &old), sigx_wait(mask, &info, 0) until SIGX_ERR_TIMEOUT, then restores
 * `old`. A forked sender floods it with a real-time signal (values 0 ..
 * FLOOD-1), then sends single signals, one at a time, on request.
 *   - Every single signal after the flood wakes poll (a generous 10 s bound:
 *     a missed wake-up is the failure, not a slow one).
 *   - At the end the thread's mask, from /proc/self/task/<tid>/status and
 *     from pthread_sigmask, is the one the program set; nothing of the
 *     signal is left pending in the kernel.
 *   - delivered == returned + queued + dropped; every value came back once,
 *     and with the default capacity (65,536, above the flood) nothing was
 *     dropped.
 * A library that blocks the signal behind the program's back (in the
 * interrupted context's mask) gets the block saved in `old` and restored by
 * the loop itself: the signal then stays blocked, later signals never wake
 * poll, and deliveries pile up in the kernel. */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <unistd.h>

#define SINGLES 20
#define WAKE_MS 10000

static long flood;
static unsigned char *seen; /* per value: how often it came back */
static uint64_t returned, reported_dropped;
static pid_t sender;

/* The sender: the flood at once, then one signal per byte read from
 * `cmd`; EOF ends it. */
static pid_t start_sender(int sig, int cmd[2])
{
    pid_t target = getpid();
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        close(cmd[1]);
        for (long i = 0; i < flood; i++)
            if (queue_retry(target, sig, (uint64_t)i) != 0)
                _exit(2);
        char c;
        for (long k = 0;; k++) {
            ssize_t r = read(cmd[0], &c, 1);
            if (r == 0)
                _exit(0);
            if (r < 0 && errno == EINTR) {
                k--;
                continue;
            }
            if (r < 0 || queue_retry(target, sig, (uint64_t)(flood + k)) != 0)
                _exit(2);
        }
    }
    close(cmd[0]);
    return pid;
}

static void report_state(int sig, const char *what)
{
    sigx_stats st;
    sigset_t pend;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_SYS(sigpending(&pend));
    TEST_FAIL_("%s: %llu returned, delivered %llu, queued %llu, dropped %llu; "
               "SigBlk 0x%llx; signal pending in the kernel: %s",
               what, (unsigned long long)returned, (unsigned long long)st.delivered,
               (unsigned long long)st.queued, (unsigned long long)st.dropped,
               (unsigned long long)thread_sigblk(0), sigismember(&pend, sig) ? "yes" : "no");
}

/* The loop's drain, with every signal blocked around it. */
static void drain(int sig)
{
    sigset_t all, old;
    sigx_info info;
    int rc;
    sigfillset(&all);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &all, &old), 0);
    while ((rc = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_OK) {
        ASSERT_EQ(info.signo, sig);
        ASSERT_EQ(info.code, SI_QUEUE);
        ASSERT_EQ(info.pid, sender);
        ASSERT_TRUE(info.value < (uint64_t)(flood + SINGLES));
        if (seen[info.value]++ != 0)
            TEST_FAIL_("value %llu returned twice", (unsigned long long)info.value);
        returned++;
        reported_dropped += info.dropped;
    }
    ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
}

int main(void)
{
    roomy_sigpending();
    flood = flood_size(60000, 2000);
    seen = calloc((size_t)(flood + SINGLES), 1);
    ASSERT_TRUE(seen != NULL);
    int sig = sigx_rtmin() + 1;

    /* The mask this program sets for its only thread: nothing blocked. */
    sigset_t none;
    sigemptyset(&none);
    ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &none, NULL), 0);
    const uint64_t set_sigblk = thread_sigblk(0), set_pthread = pthread_mask_now();

    ASSERT_OK(sigx_install(sig, 0));
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);

    int cmd[2];
    ASSERT_SYS(pipe(cmd));
    sender = start_sender(sig, cmd);

    /* The flood: poll, drain, until every value is back or counted lost. */
    for (;;) {
        sigx_stats st;
        ASSERT_OK(sigx_stats_get(sig, &st));
        if (returned + st.dropped >= (uint64_t)flood)
            break;
        if (!poll_readable(fd, WAKE_MS))
            report_state(sig, "flood: poll did not wake for 10 s");
        drain(sig);
    }

    /* Single signals after the flood: each must wake poll. */
    for (long k = 0; k < SINGLES; k++) {
        ASSERT_EQ(write(cmd[1], "s", 1), 1);
        while (!seen[flood + k]) {
            if (!poll_readable(fd, WAKE_MS)) {
                char what[96];
                snprintf(what, sizeof what, "single signal %ld after the flood did not wake poll",
                         k + 1);
                report_state(sig, what);
            }
            drain(sig);
        }
    }
    close(cmd[1]);
    reap_clean(sender, "sender");
    drain(sig);

    /* The mask is the program's, by both accounts. */
    ASSERT_U64_EQ(thread_sigblk(0), set_sigblk);
    ASSERT_U64_EQ(pthread_mask_now(), set_pthread);
    ASSERT_EQ(poll_readable(fd, 0), 0);

    /* Nothing of the signal stays in the kernel: not pending for the
     * process or the thread, even with everything blocked. */
    sigset_t all, old, pend;
    uint64_t shd = 0, thr = 0;
    sigfillset(&all);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &all, &old), 0);
    ASSERT_SYS(sigpending(&pend));
    ASSERT_EQ(sigismember(&pend, sig), 0);
    ASSERT_EQ(proc_mask(0, "ShdPnd", &shd), 0);
    ASSERT_EQ(proc_mask(my_tid(), "SigPnd", &thr), 0);
    ASSERT_U64_EQ((shd | thr) & SIGX_BIT(sig), 0);
    ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);

    /* The accounting: everything back, each value once, nothing dropped. */
    sigx_stats st = expect_identity(sig, returned);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(reported_dropped, 0);
    ASSERT_U64_EQ(returned, (uint64_t)(flood + SINGLES));
    ASSERT_U64_EQ(st.delivered, (uint64_t)(flood + SINGLES));
    for (long v = 0; v < flood + SINGLES; v++)
        ASSERT_EQ(seen[v], 1);

    printf("drain loop: flood of %ld and %d single signals, all returned, mask 0x%llx kept\n",
           flood, SINGLES, (unsigned long long)set_sigblk);
    free(seen);
    TEST_PASS("test_delivery_drain_loop");
    return 0;
}
