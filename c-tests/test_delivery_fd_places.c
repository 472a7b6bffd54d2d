/* Waits never take the descriptor places of sigx_fd_mask (issue #11).
 *
 * A sigx_wait that sleeps while its thread blocks one of its signals sleeps
 * on an eventfd of its mask. Those entries once came out of the 64 places
 * that sigx_fd_mask documents, for good: after waits on 64 such masks,
 * sigx_fd() answered SIGX_ERR_BUSY (which sigx.h does not list for it)
 * and sigx_fd_mask refused every new mask although no user descriptor
 * existed. Now:
 *   - waits on 100 distinct masks, each holding a blocked, caught signal,
 *     open at most 64 descriptors between them (the waits' own budget);
 *   - afterwards sigx_fd() works, and exactly 64 masks besides SIGX_ALL
 *     get a descriptor of their own (the 65th is SIGX_ERR_BUSY);
 *   - a wait on a mask that found no place left still takes a delivery
 *     that the kernel holds for the process (it looks again every few
 *     milliseconds), and one that is sent while it sleeps. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define WAIT_MASKS 100
#define USER_MASKS 64
#define WAIT_MS 10000

/* Distinct masks, each with SIGUSR1 (caught, blocked) and a pattern of
 * signals 40..63 that sigx does not catch. */
static uint64_t wait_mask(int k)
{
    return SIGX_BIT(SIGUSR1) | ((uint64_t)(k + 1) << 39);
}

static uint64_t user_mask_of(int k)
{
    return SIGX_BIT(SIGUSR2) | ((uint64_t)(k + 1) << 39);
}

static int go[2];

/* Sends SIGUSR1 to the process once the main thread is about to wait. */
static void *sender(void *arg)
{
    (void)arg;
    char c;
    ASSERT_EQ(read(go[0], &c, 1), 1);
    ASSERT_SYS(kill(getpid(), SIGUSR1));
    return NULL;
}

int main(void)
{
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    /* Blocked in this thread, and in every thread it creates. */
    ASSERT_OK(sigx_block(SIGX_BIT(SIGUSR1), NULL));

    int before = open_fds();
    sigx_info info;
    for (int k = 0; k < WAIT_MASKS; k++)
        ASSERT_EQ(sigx_wait(wait_mask(k), &info, 1), SIGX_ERR_TIMEOUT);
    int grown = open_fds() - before;
    printf("waits on %d masks opened %d descriptors\n", WAIT_MASKS, grown);
    ASSERT_LE(grown, 64);
    ASSERT_GE(grown, 1);

    /* The places of the user descriptors are all there. */
    int all = sigx_fd();
    ASSERT_GE(all, 0);
    int fds[USER_MASKS];
    for (int k = 0; k < USER_MASKS; k++) {
        fds[k] = sigx_fd_mask(user_mask_of(k));
        if (fds[k] < 0)
            TEST_FAIL_("sigx_fd_mask for mask %d of %d: %d (%s)", k + 1, USER_MASKS, fds[k],
                       sigx_strerror(fds[k]));
        ASSERT_NE(fds[k], all);
    }
    ASSERT_EQ(sigx_fd_mask(user_mask_of(USER_MASKS)), SIGX_ERR_BUSY);
    ASSERT_EQ(sigx_fd(), all);
    ASSERT_EQ(sigx_fd_mask(SIGX_ALL), all);
    for (int k = 0; k < USER_MASKS; k++)
        ASSERT_EQ(sigx_fd_mask(user_mask_of(k)), fds[k]);
    ASSERT_EQ(sigx_fd_mask(wait_mask(0)), SIGX_ERR_BUSY);

    /* A wait on a mask without a place (and which opens no descriptor): a
     * delivery already held by the kernel is taken at once... */
    int settled = open_fds();
    uint64_t late = wait_mask(WAIT_MASKS + 1);
    ASSERT_SYS(kill(getpid(), SIGUSR1));
    ASSERT_OK(sigx_wait(late, &info, WAIT_MS));
    ASSERT_EQ(info.signo, SIGUSR1);
    ASSERT_EQ(info.pid, getpid());

    /* ...and one sent while it sleeps ends the sleep. */
    pthread_t t;
    ASSERT_SYS(pipe(go));
    ASSERT_EQ(pthread_create(&t, NULL, sender, NULL), 0);
    ASSERT_EQ(write(go[1], "g", 1), 1);
    ASSERT_OK(sigx_wait(late, &info, WAIT_MS));
    ASSERT_EQ(info.signo, SIGUSR1);
    ASSERT_EQ(timed_join(t, NULL, 10), 0);

    ASSERT_EQ(open_fds(), settled + 2); /* the pipe */
    TEST_PASS("test_delivery_fd_places");
    return 0;
}
