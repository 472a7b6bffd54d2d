/* sigx_wait and its mask (sigx_wait in sigx.h): records
 * outside the mask stay queued for a later wait, oldest first by seq across
 * signals, the timeout and not-installed answers, argument errors checked
 * before anything else, and *out left untouched on every error. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <stdint.h>

#define PATTERN 0xAB

static sigx_info out;

static void fill_out(void) { memset(&out, PATTERN, sizeof out); }

/* *out still holds the pattern byte for byte. */
static void assert_out_untouched(void)
{
    const unsigned char *p = (const unsigned char *)&out;
    for (size_t i = 0; i < sizeof out; i++)
        ASSERT_EQ(p[i], PATTERN);
}

/* A call that must fail with `status` and leave *out alone. */
static void expect_fail(uint64_t mask, int64_t timeout, int status)
{
    fill_out();
    ASSERT_EQ(sigx_wait(mask, &out, timeout), status);
    assert_out_untouched();
}

static void expect_record(uint64_t mask, int signo, uint64_t seq)
{
    fill_out();
    ASSERT_OK(sigx_wait(mask, &out, 0));
    ASSERT_EQ(out.signo, signo);
    ASSERT_U64_EQ(out.seq, seq);
}

int main(void)
{
    const int rt = SIGRTMIN, rt2 = SIGRTMIN + 1;
    const uint64_t usr = SIGX_BIT(SIGUSR1) | SIGX_BIT(SIGUSR2);
    const int order[] = {SIGUSR1, rt2, SIGUSR2, rt, rt, SIGUSR1, rt2, SIGUSR2};
    const int n_order = (int)(sizeof order / sizeof order[0]);

    roomy_sigpending(); /* see helpers.h */
    /* Nothing installed or queued: NOT_INSTALLED at once, even for -1. */
    expect_fail(SIGX_BIT(SIGHUP), 0, SIGX_ERR_NOT_INSTALLED);
    expect_fail(SIGX_BIT(SIGHUP), 50, SIGX_ERR_NOT_INSTALLED);
    expect_fail(SIGX_BIT(SIGHUP), -1, SIGX_ERR_NOT_INSTALLED);
    expect_fail(SIGX_ALL, -1, SIGX_ERR_NOT_INSTALLED);

    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_install(rt, 0));
    ASSERT_OK(sigx_install(rt2, 0));

    /* Installed but empty: a poll and a short wait time out. */
    expect_fail(usr, 0, SIGX_ERR_TIMEOUT);
    expect_fail(usr, 20, SIGX_ERR_TIMEOUT);
    /* A mask with an installed signal and others that are not still waits. */
    expect_fail(SIGX_BIT(SIGHUP) | SIGX_BIT(rt), 1, SIGX_ERR_TIMEOUT);

    /* seq 1..8 in the order of `order`. */
    for (int i = 0; i < n_order; i++)
        ASSERT_OK(sigx_raise(order[i]));

    /* Argument errors come first: even with records queued or nothing
     * installed, and they consume nothing. */
    ASSERT_EQ(sigx_wait(usr, NULL, 0), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGHUP), NULL, -1), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_wait(0, NULL, -2), SIGX_ERR_ARGUMENT);
    expect_fail(0, 0, SIGX_ERR_ARGUMENT);
    expect_fail(0, -1, SIGX_ERR_ARGUMENT);
    expect_fail(usr, -2, SIGX_ERR_ARGUMENT);
    expect_fail(usr, INT64_MIN, SIGX_ERR_ARGUMENT);
    expect_fail(SIGX_BIT(SIGHUP), -2, SIGX_ERR_ARGUMENT);
    ASSERT_U64_EQ(stats_of(0).queued, n_order);

    /* Only SIGUSR2 records: seq 3 and 8; the others stay queued. */
    expect_record(SIGX_BIT(SIGUSR2), SIGUSR2, 3);
    expect_record(SIGX_BIT(SIGUSR2), SIGUSR2, 8);
    expect_fail(SIGX_BIT(SIGUSR2), 0, SIGX_ERR_TIMEOUT);
    ASSERT_U64_EQ(stats_of(SIGUSR1).queued, 2);
    ASSERT_U64_EQ(stats_of(rt).queued, 2);
    ASSERT_U64_EQ(stats_of(rt2).queued, 2);

    /* A mask of two signals: oldest first across both. */
    expect_record(SIGX_BIT(rt) | SIGX_BIT(SIGUSR1), SIGUSR1, 1);
    expect_record(SIGX_BIT(rt) | SIGX_BIT(SIGUSR1), rt, 4);
    expect_record(SIGX_BIT(rt) | SIGX_BIT(SIGUSR1), rt, 5);
    /* Bits of signals that are not installed do not get in the way. */
    expect_record(SIGX_ALL, rt2, 2);
    expect_record(SIGX_ALL, SIGUSR1, 6);
    expect_record(SIGX_ALL, rt2, 7);
    expect_fail(SIGX_ALL, 0, SIGX_ERR_TIMEOUT);

    /* Interleaved bursts: a single consumer sees strictly increasing seq
     * and the signals in the order they were raised. */
    for (int round = 0; round < 20; round++)
        ASSERT_OK(sigx_raise(order[round % n_order]));
    for (int round = 0; round < 20; round++) {
        expect_record(SIGX_ALL, order[round % n_order], 9 + (uint64_t)round);
        ASSERT_EQ(out.reserved0, 0);
    }

    /* Uninstalled with a record still queued: the record is returned, then
     * the wait says NOT_INSTALLED instead of hanging. */
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_uninstall(SIGUSR1));
    expect_record(SIGX_BIT(SIGUSR1), SIGUSR1, 29);
    expect_fail(SIGX_BIT(SIGUSR1), -1, SIGX_ERR_NOT_INSTALLED);
    expect_fail(SIGX_BIT(SIGUSR1) | SIGX_BIT(SIGHUP), 1000, SIGX_ERR_NOT_INSTALLED);
    /* ...while SIGUSR2 in the same mask is still installed: a timeout. */
    expect_fail(usr, 0, SIGX_ERR_TIMEOUT);
    TEST_PASS("test_delivery_mask");
    return 0;
}
