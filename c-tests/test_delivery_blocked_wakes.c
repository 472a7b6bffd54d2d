/* A wait whose thread blocks its signals sleeps with them unblocked for the
 * sleep only (ppoll on the mask's eventfd). Every reason to wake must still
 * reach it:
 *   - a delivery sent to the process while it sleeps (the handler runs on
 *     the sleeping thread, the record comes back);
 *   - a record pushed by a handler on another thread, for a signal of the
 *     mask that this thread blocks but that thread does not;
 *   - the last signal of its mask uninstalled by another thread
 *     (SIGX_ERR_NOT_INSTALLED instead of sleeping forever);
 * and when it returns, its mask is what it was. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

struct waiter {
    uint64_t mask;
    int64_t timeout;
    int rc;
    sigx_info info;
    uint64_t mask_before, mask_after;
    int ready[2]; /* written when about to wait */
};

static void *wait_main(void *arg)
{
    struct waiter *w = arg;
    w->mask_before = pthread_mask_now();
    char c = 1;
    ASSERT_EQ(write(w->ready[1], &c, 1), 1);
    w->rc = sigx_wait(w->mask, &w->info, w->timeout);
    w->mask_after = pthread_mask_now();
    return NULL;
}

/* Start a waiter thread with `blocked` blocked, and wait until it is about
 * to call sigx_wait (it may not be asleep yet: each case must work either
 * way). */
static pthread_t start(struct waiter *w, uint64_t blocked)
{
    uint64_t old;
    pthread_t t;
    ASSERT_SYS(pipe(w->ready));
    ASSERT_OK(sigx_block(blocked, &old));
    ASSERT_EQ(pthread_create(&t, NULL, wait_main, w), 0);
    ASSERT_OK(sigx_setmask(old, NULL));
    char c;
    ASSERT_EQ(read(w->ready[0], &c, 1), 1);
    close(w->ready[0]);
    close(w->ready[1]);
    return t;
}

static void *raise_here(void *arg)
{
    ASSERT_OK(sigx_raise(*(int *)arg));
    return NULL;
}

int main(void)
{
    const int rt = sigx_rtmin() + 4;
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_install(rt, 0));

    /* 1. A delivery to the process while the waiter sleeps: main blocks it
     * too, so only the waiter's sleep can take it. */
    {
        ASSERT_OK(sigx_block(SIGX_BIT(rt), NULL));
        struct waiter w = {.mask = SIGX_BIT(rt), .timeout = 20000};
        pthread_t t = start(&w, SIGX_BIT(rt));
        ASSERT_OK(sigx_send(getpid(), rt, 4242));
        ASSERT_EQ(pthread_join(t, NULL), 0);
        ASSERT_OK(w.rc);
        ASSERT_EQ(w.info.signo, rt);
        ASSERT_U64_EQ(w.info.value, 4242);
        ASSERT_U64_EQ(w.mask_after, w.mask_before);
        ASSERT_TRUE(w.mask_after & SIGX_BIT(rt));
        ASSERT_OK(sigx_unblock(SIGX_BIT(rt), NULL));
        TEST_PASS("a delivery wakes a sleeping wait that blocks it");
    }

    /* 2. A record made on another thread, which does not block SIGUSR2,
     * for a wait that blocks both signals of its mask. */
    {
        struct waiter w = {.mask = SIGX_BIT(SIGUSR1) | SIGX_BIT(SIGUSR2), .timeout = 20000};
        pthread_t t = start(&w, SIGX_BIT(SIGUSR1) | SIGX_BIT(SIGUSR2));
        int sig = SIGUSR2;
        pthread_t r;
        ASSERT_EQ(pthread_create(&r, NULL, raise_here, &sig), 0);
        ASSERT_EQ(pthread_join(r, NULL), 0);
        ASSERT_EQ(pthread_join(t, NULL), 0);
        ASSERT_OK(w.rc);
        ASSERT_EQ(w.info.signo, SIGUSR2);
        ASSERT_EQ(w.info.code, SI_TKILL);
        ASSERT_U64_EQ(w.mask_after, w.mask_before);
        TEST_PASS("a record from another thread wakes it");
    }

    /* 3. Uninstalled while it sleeps: it returns instead of sleeping on. */
    {
        struct waiter w = {.mask = SIGX_BIT(SIGUSR1), .timeout = -1};
        pthread_t t = start(&w, SIGX_BIT(SIGUSR1));
        ASSERT_OK(sigx_uninstall(SIGUSR1));
        ASSERT_EQ(pthread_join(t, NULL), 0);
        ASSERT_EQ(w.rc, SIGX_ERR_NOT_INSTALLED);
        ASSERT_U64_EQ(w.mask_after, w.mask_before);
        TEST_PASS("an uninstall ends a sleeping wait that blocks the signal");
    }

    /* 4. A timeout with blocked signals: the mask is restored too. */
    {
        struct waiter w = {.mask = SIGX_BIT(SIGUSR2), .timeout = 20};
        pthread_t t = start(&w, SIGX_BIT(SIGUSR2));
        ASSERT_EQ(pthread_join(t, NULL), 0);
        ASSERT_EQ(w.rc, SIGX_ERR_TIMEOUT);
        ASSERT_U64_EQ(w.mask_after, w.mask_before);
        TEST_PASS("a timed-out wait leaves the mask as it was");
    }
    return 0;
}
