/* sigx_set_capacity (as sigx.h documents it): the range and the order
 * of the checks, BUSY while the signal is caught or has records queued, an
 * exact capacity (the extra deliveries are dropped and counted), and
 * signo 0 setting the default for signals without a capacity of their own.
 * Signals are raised to this thread, so each is handled before
 * sigx_raise returns. */
#include "test.h"
#include "helpers.h"

#include <signal.h>

static void drain(int signo, int expect)
{
    sigx_info info;
    for (int i = 0; i < expect; i++)
        ASSERT_OK(sigx_wait(SIGX_BIT(signo), &info, 0));
    ASSERT_EQ(sigx_wait(SIGX_BIT(signo), &info, 0), SIGX_ERR_TIMEOUT);
}

static void check_arguments(int sig)
{
    /* Range first (before the signal number), then the signal. */
    ASSERT_EQ(sigx_set_capacity(sig, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_set_capacity(sig, 1048577), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_set_capacity(sig, UINT32_MAX), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_set_capacity(0, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_set_capacity(SIGKILL, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_set_capacity(-1, 1048577), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_set_capacity(-1, 8), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_set_capacity(65, 8), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_set_capacity(SIGKILL, 8), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_set_capacity(SIGSTOP, 8), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_set_capacity(SIGSEGV, 8), SIGX_ERR_FORBIDDEN);
    ASSERT_EQ(sigx_set_capacity(33, 8), SIGX_ERR_FORBIDDEN);
    ASSERT_OK(sigx_set_capacity(sig, 1048576)); /* bounds are inclusive */
    ASSERT_OK(sigx_set_capacity(sig, 1));
}

/* BUSY while caught, and while records are queued after an uninstall. */
static void check_busy_and_exact(int sig)
{
    sigx_info info;
    ASSERT_OK(sigx_install(sig, 0)); /* capacity 1, from check_arguments */
    ASSERT_EQ(sigx_set_capacity(sig, 4), SIGX_ERR_BUSY);
    ASSERT_OK(sigx_raise(sig));
    ASSERT_OK(sigx_raise(sig)); /* no room: dropped and counted */
    expect_stats(sig, 2, 1, 1, 1);
    ASSERT_OK(sigx_uninstall(sig));
    ASSERT_EQ(sigx_set_capacity(sig, 4), SIGX_ERR_BUSY); /* still queued */
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 0));
    ASSERT_U64_EQ(info.dropped, 1);
    ASSERT_OK(sigx_set_capacity(sig, 4));
    ASSERT_OK(sigx_install(sig, 0));
    for (int i = 0; i < 6; i++)
        ASSERT_OK(sigx_raise(sig));
    expect_stats(sig, 8, 3, 4, 4); /* figures accumulate over both queues */
    drain(sig, 4);
}

/* signo 0: the default for signals never given a capacity of their own. A
 * caught signal is not BUSY for it and keeps its queue until the queue is
 * next created. */
static void check_default(int own, int dflt)
{
    ASSERT_OK(sigx_set_capacity(0, 3));
    ASSERT_OK(sigx_install(dflt, 0));
    for (int i = 0; i < 5; i++)
        ASSERT_OK(sigx_raise(dflt));
    expect_stats(dflt, 5, 2, 3, 3);
    ASSERT_OK(sigx_set_capacity(0, 5)); /* while dflt is caught */
    ASSERT_OK(sigx_raise(dflt));
    expect_stats(dflt, 6, 3, 3, 3); /* still 3 */
    drain(dflt, 3);
    ASSERT_OK(sigx_uninstall(dflt));
    ASSERT_OK(sigx_install(dflt, 0)); /* a new queue, of the new default */
    for (int i = 0; i < 6; i++)
        ASSERT_OK(sigx_raise(dflt));
    expect_stats(dflt, 12, 4, 5, 5);
    drain(dflt, 5);
    /* A signal with a capacity of its own ignores the default. */
    for (int i = 0; i < 6; i++)
        ASSERT_OK(sigx_raise(own));
    expect_stats(own, 14, 5, 4, 4);
    ASSERT_OK(sigx_set_capacity(0, 1024));
}

int main(void)
{
    const int own = SIGRTMIN + 1, dflt = SIGRTMIN + 2;
    roomy_sigpending(); /* see helpers.h */
    check_arguments(own);
    check_busy_and_exact(own);
    check_default(own, dflt);
    TEST_PASS("test_api_capacity");
    return 0;
}
