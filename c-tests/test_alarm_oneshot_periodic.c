/* sigx_alarm: one-shot and periodic SIGALRM into the queue, cancelling,
 * `remaining_ms` (previous alarm, rounded up), and an uncaught SIGALRM
 * ending the process. Timer state is checked with getitimer, never with
 * elapsed time. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 10000

static int timer_armed(void)
{
    struct itimerval it;
    ASSERT_SYS(getitimer(ITIMER_REAL, &it));
    return it.it_value.tv_sec != 0 || it.it_value.tv_usec != 0;
}

static void expect_disarmed(void)
{
    struct itimerval it;
    ASSERT_SYS(getitimer(ITIMER_REAL, &it));
    ASSERT_EQ(it.it_value.tv_sec, 0);
    ASSERT_EQ(it.it_value.tv_usec, 0);
    ASSERT_EQ(it.it_interval.tv_sec, 0);
    ASSERT_EQ(it.it_interval.tv_usec, 0);
}

static void expect_alarm_record(int64_t timeout_ms)
{
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGALRM), &info, timeout_ms));
    ASSERT_EQ(info.signo, SIGALRM);
    ASSERT_EQ(info.code, SI_KERNEL); /* ITIMER_REAL expiry */
    ASSERT_EQ(info.pid, 0);
}

int main(void)
{
    uint64_t remaining = 12345;
    sigx_info info;
    int i;

    /* An uncaught SIGALRM ends the process, as with alarm(2). The child
     * starts before sigx installs anything, with SIGALRM at SIG_DFL. */
    {
        pid_t pid = fork();
        int status;
        ASSERT_SYS(pid);
        if (pid == 0) {
            if (sigx_alarm(10, 0, NULL) != SIGX_OK)
                _exit(2);
            for (;;)
                pause();
        }
        status = wait_child(pid);
        ASSERT_TRUE(WIFSIGNALED(status));
        ASSERT_EQ(WTERMSIG(status), SIGALRM);
    }
    TEST_PASS("uncaught SIGALRM terminates");

    ASSERT_OK(sigx_install(SIGALRM, 0));
    expect_disarmed();

    /* One-shot: no previous alarm, one SIGALRM, then the timer is off. */
    ASSERT_OK(sigx_alarm(20, 0, &remaining));
    ASSERT_U64_EQ(remaining, 0);
    expect_alarm_record(WAIT_MS);
    expect_disarmed();
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGALRM), &info, 0), SIGX_ERR_TIMEOUT);
    remaining = 12345;
    ASSERT_OK(sigx_alarm(0, 0, &remaining)); /* cancel with nothing armed */
    ASSERT_U64_EQ(remaining, 0);
    TEST_PASS("one-shot alarm");

    /* Periodic: at least three deliveries, then cancel with delay 0. */
    ASSERT_OK(sigx_alarm(20, 20, &remaining));
    ASSERT_U64_EQ(remaining, 0);
    for (i = 0; i < 3; i++)
        expect_alarm_record(WAIT_MS);
    ASSERT_TRUE(timer_armed()); /* still going */
    remaining = 0;
    ASSERT_OK(sigx_alarm(0, 0, &remaining));
    ASSERT_GE(remaining, 1);  /* an armed timer has something left */
    ASSERT_LE(remaining, 20); /* never more than one period */
    expect_disarmed();
    /* A later call sees no previous alarm. */
    remaining = 12345;
    ASSERT_OK(sigx_alarm(0, 0, &remaining));
    ASSERT_U64_EQ(remaining, 0);
    /* Expiries that happened before the cancel were delivered by the time
     * it returned (one thread); after draining them, nothing else comes. */
    while (sigx_wait(SIGX_BIT(SIGALRM), &info, 0) == SIGX_OK)
        ;
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGALRM), &info, 300), SIGX_ERR_TIMEOUT);
    expect_disarmed();
    TEST_PASS("periodic alarm and cancel");

    /* delay 0 cancels even with an interval. */
    ASSERT_OK(sigx_alarm(100000, 0, NULL));
    ASSERT_TRUE(timer_armed());
    ASSERT_OK(sigx_alarm(0, 500, NULL));
    expect_disarmed();
    TEST_PASS("delay 0 with an interval cancels");

    /* remaining_ms is the previous alarm, rounded UP: right after arming
     * exactly 100 s, what is left is a little less than 100 s, which must
     * read 100000 (truncation would give 99999). On a busy machine more
     * than a millisecond may pass between the two calls, so try a few
     * times; the value can never exceed 100000. */
    {
        int exact = 0;
        for (i = 0; i < 50 && !exact; i++) {
            struct itimerval it;
            memset(&it, 0, sizeof it);
            it.it_value.tv_sec = 100;
            ASSERT_SYS(setitimer(ITIMER_REAL, &it, NULL));
            ASSERT_OK(sigx_alarm(0, 0, &remaining));
            ASSERT_LE(remaining, 100000);
            ASSERT_GE(remaining, 90000);
            exact = remaining == 100000;
        }
        ASSERT_TRUE(exact);
    }
    /* Sub-millisecond leftovers read 1, not 0. */
    {
        int one = 0;
        for (i = 0; i < 50 && !one; i++) {
            struct itimerval it;
            memset(&it, 0, sizeof it);
            it.it_value.tv_usec = 900; /* 0.9 ms */
            ASSERT_SYS(setitimer(ITIMER_REAL, &it, NULL));
            ASSERT_OK(sigx_alarm(0, 0, &remaining));
            ASSERT_LE(remaining, 1);
            one = remaining == 1;
        }
        ASSERT_TRUE(one);
        while (sigx_wait(SIGX_BIT(SIGALRM), &info, 0) == SIGX_OK)
            ; /* any that expired first */
    }
    /* Re-arming reports the alarm it replaces; NULL remaining is fine. */
    ASSERT_OK(sigx_alarm(50000, 0, NULL));
    ASSERT_OK(sigx_alarm(70000, 0, &remaining));
    ASSERT_GE(remaining, 40000);
    ASSERT_LE(remaining, 50000);
    ASSERT_OK(sigx_alarm(0, 0, NULL));
    expect_disarmed();
    TEST_PASS("remaining_ms rounded up, NULL remaining");

    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGALRM), &info, 0), SIGX_ERR_TIMEOUT);
    TEST_PASS("test_alarm_oneshot_periodic");
    return 0;
}
