/* SIGX_CHAIN (in sigx.h): after recording, sigx calls the
 * disposition it replaced when it first changed the signal, in whichever
 * form that handler was installed (SA_SIGINFO or plain); without the flag
 * it does not; SIG_IGN and SIG_DFL predecessors are never "called" (the
 * process would die or jump to address 1); uninstall gives the test's own
 * handler back. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t info_calls, plain_calls, last_signo, last_code;
static volatile uint64_t last_value, called_at;

static void info_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)ctx;
    called_at = now_ns();
    last_signo = signo;
    last_code = si->si_code;
    last_value = (uint64_t)(uintptr_t)si->si_value.sival_ptr;
    info_calls++;
}

static void plain_handler(int signo)
{
    called_at = now_ns();
    last_signo = signo;
    plain_calls++;
}

static void set_own(int signo, int siginfo)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    if (siginfo) {
        sa.sa_sigaction = info_handler;
        sa.sa_flags = SA_SIGINFO;
    } else {
        sa.sa_handler = plain_handler;
    }
    ASSERT_SYS(sigaction(signo, &sa, NULL));
}

/* Take the one record of `signo`; it was made before the chained call. */
static void expect_record(int signo, int chained)
{
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(signo), &info, 10000));
    ASSERT_EQ(info.signo, signo);
    if (chained)
        ASSERT_TRUE(info.time_ns <= called_at);
    ASSERT_EQ(sigx_wait(SIGX_BIT(signo), &info, 0), SIGX_ERR_TIMEOUT);
}

static void siginfo_predecessor(void)
{
    struct sigaction now;
    set_own(SIGUSR1, 1);
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_CHAIN));
    ASSERT_OK(sigx_send(getpid(), SIGUSR1, 0xfeed));
    expect_record(SIGUSR1, 1);
    ASSERT_EQ(info_calls, 1);
    ASSERT_EQ(last_signo, SIGUSR1);
    ASSERT_EQ(last_code, SI_QUEUE); /* the same siginfo is passed on */
    ASSERT_U64_EQ(last_value, 0xfeed);

    /* Reinstalled without the flag: recorded only. Then with it again. */
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_raise(SIGUSR1));
    expect_record(SIGUSR1, 0);
    ASSERT_EQ(info_calls, 1);
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_CHAIN | SIGX_INTERRUPT));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(info_calls, 2);
    ASSERT_EQ(last_code, SI_TKILL);
    expect_record(SIGUSR1, 1);

    /* Uninstall puts the test's handler back: called directly, no record. */
    ASSERT_OK(sigx_uninstall(SIGUSR1));
    ASSERT_SYS(sigaction(SIGUSR1, NULL, &now));
    ASSERT_TRUE(now.sa_sigaction == info_handler);
    ASSERT_TRUE(now.sa_flags & SA_SIGINFO);
    ASSERT_SYS(raise(SIGUSR1));
    ASSERT_EQ(info_calls, 3);
    {
        sigx_info info;
        ASSERT_EQ(sigx_wait(SIGX_BIT(SIGUSR1), &info, 0), SIGX_ERR_NOT_INSTALLED);
    }
}

static void plain_predecessor(void)
{
    struct sigaction now;
    set_own(SIGUSR2, 0);
    ASSERT_OK(sigx_install(SIGUSR2, SIGX_CHAIN));
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(plain_calls, 1);
    ASSERT_EQ(last_signo, SIGUSR2);
    expect_record(SIGUSR2, 1);
    ASSERT_OK(sigx_uninstall(SIGUSR2));
    ASSERT_SYS(sigaction(SIGUSR2, NULL, &now));
    ASSERT_TRUE(now.sa_handler == plain_handler);
    ASSERT_EQ(now.sa_flags & SA_SIGINFO, 0);
}

/* Without SIGX_CHAIN the replaced handler is never called. */
static void no_chain(void)
{
    const int rt = SIGRTMIN + 7;
    int before = info_calls;
    set_own(rt, 1);
    ASSERT_OK(sigx_install(rt, 0));
    for (int i = 0; i < 5; i++)
        ASSERT_OK(sigx_send(getpid(), rt, (uint64_t)i));
    for (int i = 0; i < 5; i++) {
        sigx_info info;
        ASSERT_OK(sigx_wait(SIGX_BIT(rt), &info, 10000));
        ASSERT_U64_EQ(info.value, (uint64_t)i);
    }
    ASSERT_EQ(info_calls, before);
}

/* The predecessor is the one from before sigx *first* changed the signal:
 * an ignore in between does not replace it. */
static void first_change_counts(void)
{
    const int rt = SIGRTMIN + 8;
    int before = info_calls;
    set_own(rt, 1);
    ASSERT_OK(sigx_ignore(rt));
    ASSERT_OK(sigx_install(rt, SIGX_CHAIN));
    ASSERT_OK(sigx_raise(rt));
    ASSERT_EQ(info_calls, before + 1);
    expect_record(rt, 1);
    ASSERT_OK(sigx_uninstall(rt));
}

/* SIG_IGN and SIG_DFL predecessors: recorded, and the process lives on
 * (SIGTERM's default would kill it). */
static void ign_and_dfl_not_called(void)
{
    ASSERT_TRUE(signal(SIGHUP, SIG_IGN) != SIG_ERR);
    ASSERT_TRUE(signal(SIGTERM, SIG_DFL) != SIG_ERR);
    ASSERT_OK(sigx_install(SIGHUP, SIGX_CHAIN));
    ASSERT_OK(sigx_install(SIGTERM, SIGX_CHAIN));
    ASSERT_OK(sigx_raise(SIGHUP));
    ASSERT_OK(sigx_raise(SIGTERM));
    ASSERT_OK(sigx_send(getpid(), SIGTERM, 1));
    expect_record(SIGHUP, 0);
    {
        sigx_info info;
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGTERM), &info, 10000));
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGTERM), &info, 10000));
        ASSERT_U64_EQ(info.value, 1);
    }
    ASSERT_OK(sigx_uninstall(SIGHUP));
    ASSERT_TRUE(signal(SIGHUP, SIG_IGN) == SIG_IGN); /* still ignored */
    ASSERT_OK(sigx_uninstall(SIGTERM));
}

int main(void)
{
    roomy_sigpending(); /* see helpers.h */
    siginfo_predecessor();
    plain_predecessor();
    no_chain();
    first_change_counts();
    ign_and_dfl_not_called();
    ASSERT_EQ(plain_calls, 1);
    TEST_PASS("test_chain_previous");
    return 0;
}
