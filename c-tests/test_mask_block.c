/* sigx_block / sigx_unblock / sigx_setmask (per thread, with old masks) and
 * sigx_kernel_pending: a blocked signal waits in the kernel and is recorded
 * only once unblocked. Masks are cross-checked with pthread_sigmask. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define WAIT_MS 10000

static uint64_t kernel_pending(void)
{
    uint64_t mask = 12345;
    ASSERT_OK(sigx_kernel_pending(&mask));
    return mask;
}

/* A second thread: its mask is its own. */
struct peer {
    uint64_t seen_at_start; /* inherited from the creator */
    uint64_t after_block;
    uint64_t pending;       /* thread-directed raise while blocked */
};

static void *peer_thread(void *arg)
{
    struct peer *p = arg;
    uint64_t old = 0;
    ASSERT_OK(sigx_block(0, &p->seen_at_start));
    ASSERT_OK(sigx_block(SIGX_BIT(SIGUSR2), &old));
    ASSERT_U64_EQ(old, p->seen_at_start);
    ASSERT_OK(sigx_block(0, &p->after_block));
    /* Raised at this thread, it stays pending for this thread only. */
    ASSERT_OK(sigx_raise(SIGUSR2));
    p->pending = kernel_pending();
    ASSERT_U64_EQ(stats_of(SIGUSR2).queued, 0);
    ASSERT_OK(sigx_unblock(SIGX_BIT(SIGUSR2), NULL));
    ASSERT_U64_EQ(stats_of(SIGUSR2).queued, 1); /* recorded before unblock returned */
    return NULL;
}

int main(void)
{
    uint64_t start, old, now, pending;
    uint64_t usr1 = SIGX_BIT(SIGUSR1), usr2 = SIGX_BIT(SIGUSR2);
    int rt = sigx_rtmin() + 5;
    sigx_info info;

    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_install(rt, 0));

    /* sigx_block(0, &old) only reads. */
    start = pthread_mask_now();
    ASSERT_OK(sigx_block(0, &old));
    ASSERT_U64_EQ(old, start);
    ASSERT_U64_EQ(pthread_mask_now(), start);
    /* NULL old is fine everywhere. */
    ASSERT_OK(sigx_block(0, NULL));
    ASSERT_OK(sigx_unblock(0, NULL));
    ASSERT_EQ(sigx_kernel_pending(NULL), SIGX_ERR_ARGUMENT);
    TEST_PASS("read-only block, NULL arguments");

    /* Block SIGUSR1: the old mask comes back, the new one is in place. */
    ASSERT_OK(sigx_block(usr1, &old));
    ASSERT_U64_EQ(old, start);
    ASSERT_U64_EQ(pthread_mask_now(), start | usr1);
    ASSERT_OK(sigx_block(usr1, &old)); /* again: no change */
    ASSERT_U64_EQ(old, start | usr1);

    /* A blocked signal is held by the kernel, not recorded; a wait on this
     * thread (which blocks it) takes it from the kernel as a record, and
     * leaves the mask as it was. */
    ASSERT_U64_EQ(kernel_pending() & usr1, 0);
    ASSERT_OK(sigx_raise(SIGUSR1));
    pending = kernel_pending();
    ASSERT_TRUE(pending & usr1);
    ASSERT_U64_EQ(stats_of(SIGUSR1).queued, 0);
    ASSERT_OK(sigx_wait(usr1, &info, 0));
    ASSERT_EQ(info.signo, SIGUSR1);
    ASSERT_EQ(info.pid, getpid());
    ASSERT_U64_EQ(kernel_pending() & usr1, 0);
    ASSERT_U64_EQ(pthread_mask_now(), start | usr1);
    ASSERT_EQ(sigx_wait(usr1, &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_raise(SIGUSR1)); /* pending again, for the unblock below */
    /* Process-directed too (only this thread exists, and it blocks it). */
    ASSERT_OK(sigx_block(SIGX_BIT(rt), NULL));
    ASSERT_OK(sigx_send(getpid(), rt, 77));
    ASSERT_TRUE(kernel_pending() & SIGX_BIT(rt));
    ASSERT_U64_EQ(stats_of(rt).queued, 0);

    /* Unblocking delivers it: recorded by the time unblock returns. */
    ASSERT_OK(sigx_unblock(usr1 | SIGX_BIT(rt), &old));
    ASSERT_U64_EQ(old, start | usr1 | SIGX_BIT(rt));
    ASSERT_U64_EQ(pthread_mask_now(), start);
    ASSERT_U64_EQ(kernel_pending() & (usr1 | SIGX_BIT(rt)), 0);
    ASSERT_U64_EQ(stats_of(SIGUSR1).queued, 1);
    ASSERT_OK(sigx_wait(usr1, &info, WAIT_MS));
    ASSERT_EQ(info.signo, SIGUSR1);
    ASSERT_EQ(info.code, SI_TKILL);
    ASSERT_OK(sigx_wait(SIGX_BIT(rt), &info, WAIT_MS));
    ASSERT_EQ(info.code, SI_QUEUE);
    ASSERT_U64_EQ(info.value, 77);
    TEST_PASS("blocked signal pending in the kernel, recorded on unblock");

    /* Standard signals coalesce while blocked: three raises, one record. */
    ASSERT_OK(sigx_block(usr1, NULL));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_unblock(usr1, NULL));
    ASSERT_U64_EQ(stats_of(SIGUSR1).queued, 1);
    ASSERT_OK(sigx_wait(usr1, &info, 0));
    TEST_PASS("standard signals coalesce while blocked");

    /* setmask sets exactly the given set and returns the old one. */
    ASSERT_OK(sigx_setmask(usr2 | SIGX_BIT(rt), &old));
    ASSERT_U64_EQ(old, start);
    ASSERT_U64_EQ(pthread_mask_now(), usr2 | SIGX_BIT(rt));
    ASSERT_OK(sigx_setmask(usr1, &old));
    ASSERT_U64_EQ(old, usr2 | SIGX_BIT(rt));
    ASSERT_U64_EQ(pthread_mask_now(), usr1);
    ASSERT_OK(sigx_setmask(0, NULL));
    ASSERT_U64_EQ(pthread_mask_now(), 0);
    TEST_PASS("setmask");

    /* SIGX_ALL: everything that can be blocked is; SIGKILL, SIGSTOP and the
     * C library's reserved signals are quietly left out. */
    ASSERT_OK(sigx_block(SIGX_ALL, &old));
    ASSERT_U64_EQ(old, 0);
    ASSERT_OK(sigx_block(0, &now));
    ASSERT_U64_EQ(now, pthread_mask_now());
    ASSERT_U64_EQ(now & (SIGX_BIT(SIGKILL) | SIGX_BIT(SIGSTOP)), 0);
    ASSERT_U64_EQ(now & (SIGX_BIT(32) | SIGX_BIT(33)), 0);
    ASSERT_U64_EQ(now, sigx_valid_signals() & ~(SIGX_BIT(SIGKILL) | SIGX_BIT(SIGSTOP)));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_TRUE(kernel_pending() & usr2);
    ASSERT_U64_EQ(stats_of(SIGUSR2).queued, 0);
    ASSERT_OK(sigx_setmask(old, &now));
    ASSERT_U64_EQ(pthread_mask_now(), 0);
    ASSERT_U64_EQ(stats_of(SIGUSR2).queued, 1);
    ASSERT_OK(sigx_wait(usr2, &info, 0));
    /* unblock SIGX_ALL works the same way */
    ASSERT_OK(sigx_block(SIGX_ALL, NULL));
    ASSERT_OK(sigx_unblock(SIGX_ALL, &old));
    ASSERT_U64_EQ(old, now);
    ASSERT_U64_EQ(pthread_mask_now(), 0);
    TEST_PASS("block SIGX_ALL");

    /* Per thread: another thread's block changes only its own mask, and a
     * signal raised at it is pending for it, not for us. */
    {
        struct peer p;
        pthread_t t;
        ASSERT_OK(sigx_setmask(usr1, NULL)); /* inherited by the thread */
        ASSERT_EQ(pthread_create(&t, NULL, peer_thread, &p), 0);
        ASSERT_EQ(pthread_join(t, NULL), 0);
        ASSERT_U64_EQ(p.seen_at_start, usr1);
        ASSERT_U64_EQ(p.after_block, usr1 | usr2);
        ASSERT_TRUE(p.pending & usr2);
        ASSERT_U64_EQ(pthread_mask_now(), usr1); /* ours did not change */
        ASSERT_U64_EQ(kernel_pending() & usr2, 0);
        ASSERT_OK(sigx_wait(usr2, &info, 0));
        ASSERT_EQ(info.signo, SIGUSR2);
        ASSERT_OK(sigx_setmask(0, NULL));
    }
    TEST_PASS("masks are per thread");

    TEST_PASS("test_mask_block");
    return 0;
}
