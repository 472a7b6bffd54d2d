/* ctest: RUN_SERIAL
 *
 * The accounting identity with a sender filter under a mixed flood
 * (sigx_filter and sigx_refused in sigx.h): delivered == returned +
 * queued + dropped + refused, at a quiet moment, for one real-time signal
 * that two senders flood at once:
 *   - a child process sigqueue()s N deliveries: refused (the filter accepts
 *     SIGX_FROM_SELF only), so none may be returned, and refused == N;
 *   - a thread of this process sends M to the process (sigx_send): accepted,
 *     so returned + queued + dropped == M, with a small queue (64 records)
 *     so that drops happen too;
 * while the main thread takes records as they come. Every accepted record
 * carries a value below M (the child's start at 1,000,000).
 * Then the same once more with the signal blocked in every thread, so that
 * the waits take the deliveries from the kernel (sigtimedwait): no drops,
 * and the same identity. Sizes follow SIGX_STRESS_DIV. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>

#define CHILD_BASE 1000000u

static int sig;
static long m_self;

static void *self_sender(void *arg)
{
    (void)arg;
    for (long i = 0; i < m_self; i++) {
        int rc;
        while ((rc = sigx_send(getpid(), sig, (uint64_t)i)) == SIGX_ERR_SYSTEM && errno == EAGAIN)
            sched_yield();
        ASSERT_OK(rc);
    }
    return NULL;
}

static void round_(int blocked, long n_child)
{
    sigx_info info;
    uint64_t returned = 0, last_seq = 0, refused0 = 0, refused = 0;
    sigx_stats before, after;
    int go[2];
    pthread_t t;

    ASSERT_OK(sigx_stats_get(sig, &before));
    ASSERT_OK(sigx_refused(sig, &refused0));
    ASSERT_SYS(pipe(go));
    pid_t child = flood_fork(getpid(), sig, CHILD_BASE, n_child, go);
    ASSERT_EQ(pthread_create(&t, NULL, self_sender, NULL), 0);
    close(go[1]); /* start the child */

    int child_done = 0;
    for (;;) {
        int rc = sigx_wait(SIGX_BIT(sig), &info, 100);
        if (rc == SIGX_OK) {
            ASSERT_LT(info.value, (uint64_t)m_self); /* never the child's */
            ASSERT_NE(info.seq, last_seq);
            last_seq = info.seq;
            returned++;
            continue;
        }
        ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
        if (!child_done) {
            int st;
            pid_t r = waitpid(child, &st, WNOHANG);
            ASSERT_SYS(r);
            if (r == child) {
                ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
                child_done = 1;
            }
        }
        ASSERT_OK(sigx_refused(sig, &refused));
        ASSERT_OK(sigx_stats_get(sig, &after));
        uint64_t accepted = returned + (after.dropped - before.dropped) + after.queued;
        if (child_done && refused - refused0 == (uint64_t)n_child && accepted == (uint64_t)m_self)
            break;
    }
    ASSERT_EQ(pthread_join(t, NULL), 0);
    /* Quiet now: every send has been handled. */
    while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK)
        returned++;
    ASSERT_OK(sigx_stats_get(sig, &after));
    ASSERT_OK(sigx_refused(sig, &refused));
    uint64_t delivered = after.delivered - before.delivered;
    uint64_t dropped = after.dropped - before.dropped;
    ASSERT_U64_EQ(after.queued, 0);
    ASSERT_U64_EQ(refused - refused0, (uint64_t)n_child);
    ASSERT_U64_EQ(returned + dropped, (uint64_t)m_self);
    ASSERT_U64_EQ(delivered, returned + after.queued + dropped + (refused - refused0));
    if (blocked)
        ASSERT_U64_EQ(dropped, 0);
    printf("%s: delivered %llu = returned %llu + dropped %llu + refused %llu\n",
           blocked ? "blocked (taken from the kernel)" : "handler", (unsigned long long)delivered,
           (unsigned long long)returned, (unsigned long long)dropped,
           (unsigned long long)(refused - refused0));
}

int main(void)
{
    roomy_sigpending();
    sig = SIGRTMIN + 3;
    long n_child = flood_size(20000, 500);
    m_self = flood_size(20000, 500);
    ASSERT_OK(sigx_set_capacity(sig, 64));
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_filter(sig, SIGX_FROM_SELF));
    round_(0, n_child);
    /* Blocked in every thread (the sender thread is created after this). */
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    round_(1, n_child);
    ASSERT_OK(sigx_uninstall(sig));
    printf("ok\n");
    return 0;
}
