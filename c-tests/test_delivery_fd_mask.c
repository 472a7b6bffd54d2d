/* A descriptor per mask (issue #11, sigx_fd_mask in sigx.h).
 *
 * An event loop that drains only its own signals
 * (sigx_wait(SIGX_BIT(SIGUSR1), &info, 0)) must be able to sleep while
 * another signal's record waits for someone else: sigx_fd_mask(mask) polls
 * readable only while a record of a signal in `mask` is queued (or a
 * delivery of one is pending in the kernel).
 *   - With a SIGUSR2 record left queued, the SIGUSR1 descriptor is not
 *     readable: a loop on it wakes up zero times in 3 x 200 ms.
 *   - A SIGUSR1 makes it readable; a drain makes it quiet again.
 *   - The same mask gives the same descriptor; mask 0 is SIGX_ERR_ARGUMENT;
 *     32 different masks at once get distinct, valid, close-on-exec
 *     descriptors, each readable for its own signals only; sigx_fd() is
 *     sigx_fd_mask(SIGX_ALL).
 *   - A blocked, caught signal pending in the kernel makes its descriptors
 *     readable (and sigx_fd()), and a drain with timeout 0 takes it as a
 *     record with the right signo, pid and value. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#define NRT 30 /* with SIGX_ALL and SIGUSR1: 32 masks */
#define QUIET_MS 200
#define WAIT_MS 10000
#define KVALUE UINT64_C(0x5eed00000000abcd)

/* Drain `mask` as an event loop would; returns how many records came. */
static int drain(uint64_t mask, int expect_signo)
{
    sigx_info info;
    int rc, n = 0;
    while ((rc = sigx_wait(mask, &info, 0)) == SIGX_OK) {
        ASSERT_EQ(info.signo, expect_signo);
        n++;
    }
    ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    return n;
}

/* The loop of a program that handles SIGUSR1 only, for QUIET_MS: how many
 * times poll woke it up. */
static int wakeups_in_quiet_window(int fd)
{
    int wakeups = 0;
    long long end = now_ms() + QUIET_MS;
    for (long long left; (left = end - now_ms()) > 0;) {
        if (poll_readable(fd, (int)left)) {
            wakeups++;
            drain(SIGX_BIT(SIGUSR1), SIGUSR1);
            if (wakeups > 1000)
                break;
        }
    }
    return wakeups;
}

int main(void)
{
    const int rt = sigx_rtmin();
    int fd_rt[NRT];
    roomy_sigpending(); /* real-time raises count against the shared budget */
    ASSERT_OK(sigx_setmask(0, NULL));
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    for (int k = 0; k < NRT; k++)
        ASSERT_OK(sigx_install(rt + k, 0));

    /* Arguments and identity of descriptors. */
    ASSERT_EQ(sigx_fd_mask(0), SIGX_ERR_ARGUMENT);
    const int fd_all = sigx_fd();
    ASSERT_GE(fd_all, 0);
    ASSERT_EQ(sigx_fd_mask(SIGX_ALL), fd_all);
    const int fd1 = sigx_fd_mask(SIGX_BIT(SIGUSR1));
    ASSERT_GE(fd1, 0);
    ASSERT_NE(fd1, fd_all);
    ASSERT_EQ(sigx_fd_mask(SIGX_BIT(SIGUSR1)), fd1);
    for (int k = 0; k < NRT; k++) {
        fd_rt[k] = sigx_fd_mask(SIGX_BIT(rt + k));
        if (fd_rt[k] < 0)
            TEST_FAIL_("mask %d of 32: sigx_fd_mask returned %d (%s)", k + 3, fd_rt[k],
                       sigx_strerror(fd_rt[k]));
        ASSERT_NE(fd_rt[k], fd_all);
        ASSERT_NE(fd_rt[k], fd1);
        for (int j = 0; j < k; j++)
            ASSERT_NE(fd_rt[k], fd_rt[j]);
    }
    int all_fds[NRT + 2];
    all_fds[0] = fd_all;
    all_fds[1] = fd1;
    for (int k = 0; k < NRT; k++)
        all_fds[k + 2] = fd_rt[k];
    for (int i = 0; i < NRT + 2; i++) {
        int flags = fcntl(all_fds[i], F_GETFD);
        ASSERT_SYS(flags);
        ASSERT_TRUE(flags & FD_CLOEXEC);
        ASSERT_EQ(poll_readable(all_fds[i], 0), 0);
    }
    /* Asked again, every mask still has its descriptor. */
    ASSERT_EQ(sigx_fd(), fd_all);
    for (int k = 0; k < NRT; k++)
        ASSERT_EQ(sigx_fd_mask(SIGX_BIT(rt + k)), fd_rt[k]);

    /* Another signal's record waits: the SIGUSR1 loop sleeps. */
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(poll_readable(fd_all, WAIT_MS), 1);
    for (int round = 0; round < 3; round++) {
        int w = wakeups_in_quiet_window(fd1);
        if (w != 0)
            TEST_FAIL_("the SIGUSR1 descriptor woke poll %d times in %d ms while only a "
                       "SIGUSR2 record was queued", w, QUIET_MS);
    }
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(SIGUSR2, &st));
    ASSERT_U64_EQ(st.queued, 1);

    /* Its own signal wakes it; a drain quiets it again. */
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(poll_readable(fd1, WAIT_MS), 1);
    ASSERT_EQ(drain(SIGX_BIT(SIGUSR1), SIGUSR1), 1);
    ASSERT_EQ(poll_readable(fd1, 0), 0);
    ASSERT_EQ(poll_readable(fd1, QUIET_MS), 0);
    ASSERT_EQ(poll_readable(fd_all, 0), 1); /* SIGUSR2 still waits */
    for (int k = 0; k < NRT; k++)
        ASSERT_EQ(poll_readable(fd_rt[k], 0), 0);

    /* Each of the 32 descriptors for its own signals only. */
    for (int k = 0; k < NRT; k++) {
        ASSERT_OK(sigx_raise(rt + k));
        ASSERT_EQ(poll_readable(fd_rt[k], WAIT_MS), 1);
        for (int j = 0; j < NRT; j++)
            if (j != k)
                ASSERT_EQ(poll_readable(fd_rt[j], 0), 0);
        ASSERT_EQ(poll_readable(fd1, 0), 0);
        ASSERT_EQ(drain(SIGX_BIT(rt + k), rt + k), 1);
        ASSERT_EQ(poll_readable(fd_rt[k], 0), 0);
    }
    ASSERT_EQ(drain(SIGX_BIT(SIGUSR2), SIGUSR2), 1);
    ASSERT_EQ(drain(SIGX_ALL, 0), 0); /* the all-signals loop's drain */
    ASSERT_EQ(poll_readable(fd_all, 0), 0);

    /* A blocked, caught signal pending in the kernel. */
    const int k = 7, ksig = rt + k;
    sigx_stats before;
    ASSERT_OK(sigx_stats_get(ksig, &before));
    ASSERT_OK(sigx_block(SIGX_BIT(ksig), NULL));
    ASSERT_OK(sigx_send(getpid(), ksig, KVALUE));
    uint64_t pending = 0;
    ASSERT_OK(sigx_kernel_pending(&pending));
    ASSERT_TRUE(pending & SIGX_BIT(ksig));
    ASSERT_EQ(poll_readable(fd_rt[k], WAIT_MS), 1);
    ASSERT_EQ(poll_readable(fd_all, WAIT_MS), 1);
    ASSERT_EQ(poll_readable(fd1, 0), 0);
    ASSERT_EQ(poll_readable(fd_rt[k + 1], 0), 0);
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(ksig), &info, 0));
    ASSERT_EQ(info.signo, ksig);
    ASSERT_EQ(info.code, SI_QUEUE);
    ASSERT_EQ(info.pid, getpid());
    ASSERT_U64_EQ(info.value, KVALUE);
    ASSERT_U64_EQ(info.dropped, 0);
    ASSERT_EQ(sigx_wait(SIGX_BIT(ksig), &info, 0), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(poll_readable(fd_rt[k], 0), 0);
    ASSERT_EQ(drain(SIGX_ALL, 0), 0);
    ASSERT_EQ(poll_readable(fd_all, 0), 0);
    ASSERT_OK(sigx_kernel_pending(&pending));
    ASSERT_U64_EQ(pending & SIGX_BIT(ksig), 0);
    uint64_t mask = 0;
    ASSERT_OK(sigx_block(0, &mask));
    ASSERT_U64_EQ(mask, SIGX_BIT(ksig)); /* still the program's mask */
    ASSERT_OK(sigx_stats_get(ksig, &st));
    ASSERT_U64_EQ(st.delivered, before.delivered + 1); /* taken from the kernel, counted */
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_OK(sigx_unblock(SIGX_BIT(ksig), NULL));

    TEST_PASS("test_delivery_fd_mask");
    return 0;
}
