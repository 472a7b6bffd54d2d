/* Installing (sigx_install in sigx.h): every error and the order of the
 * checks, the exact sigaction sigx sets and puts back, flag updates on
 * reinstall, and SIGX_ONESHOT. Dispositions are read back with
 * sigaction(signo, NULL, &old), i.e. from the kernel. The capacity rules
 * are in test_api_capacity.c. */
#include "test.h"
#include "helpers.h"

#include <signal.h>

/* glibc's sigaction() adds SA_RESTORER (its return trampoline) whenever it
 * sets a disposition, so the kernel reports it after any sigaction() call
 * but not for a never-touched SIG_DFL. It is not part of what a program
 * chooses, so comparisons leave it out. */
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

static volatile sig_atomic_t own_calls;

static void own_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)signo, (void)si, (void)ctx;
    own_calls++;
}

static struct sigaction get_action(int signo)
{
    struct sigaction sa;
    ASSERT_SYS(sigaction(signo, NULL, &sa));
    return sa;
}

/* Two dispositions are the same: handler, flags and every bit of the mask. */
static void assert_same_action(int signo, const struct sigaction *want)
{
    struct sigaction now = get_action(signo);
    ASSERT_TRUE(now.sa_sigaction == want->sa_sigaction);
    ASSERT_EQ(now.sa_flags & ~SA_RESTORER, want->sa_flags & ~SA_RESTORER);
    for (int s = 1; s <= 64; s++)
        ASSERT_EQ(sigismember(&now.sa_mask, s), sigismember(&want->sa_mask, s));
}

static void check_errors(void)
{
    const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    const uint32_t bad_flags[] = {16, 32, 0x80000000u, 0xffffffffu, SIGX_CHAIN | 16};
    const int kill_stop[] = {SIGKILL, SIGSTOP}, invalid[] = {-1, 0, 65};
    for (int i = 0; i < 2; i++) {
        int s = kill_stop[i];
        ASSERT_EQ(sigx_install(s, 0), SIGX_ERR_UNCATCHABLE);
        ASSERT_EQ(sigx_ignore(s), SIGX_ERR_UNCATCHABLE);
        ASSERT_EQ(sigx_default(s), SIGX_ERR_UNCATCHABLE);
        ASSERT_EQ(sigx_uninstall(s), SIGX_ERR_UNCATCHABLE);
        ASSERT_EQ(sigx_is_installed(s), 0);
    }
    for (int s = 32; s <= 33; s++) {
        ASSERT_EQ(sigx_install(s, 0), SIGX_ERR_FORBIDDEN);
        ASSERT_EQ(sigx_ignore(s), SIGX_ERR_FORBIDDEN);
        ASSERT_EQ(sigx_default(s), SIGX_ERR_FORBIDDEN);
        ASSERT_EQ(sigx_uninstall(s), SIGX_ERR_FORBIDDEN);
        ASSERT_LT(sigx_is_installed(s), 0);
    }
    for (int i = 0; i < 3; i++) {
        int s = invalid[i];
        ASSERT_EQ(sigx_install(s, 0), SIGX_ERR_SIGNAL);
        ASSERT_EQ(sigx_ignore(s), SIGX_ERR_SIGNAL);
        ASSERT_EQ(sigx_default(s), SIGX_ERR_SIGNAL);
        ASSERT_EQ(sigx_uninstall(s), SIGX_ERR_SIGNAL);
        ASSERT_EQ(sigx_is_installed(s), SIGX_ERR_SIGNAL);
    }
    /* Fault signals: never queued, but ignore/default/uninstall work, and
     * uninstall puts back what was there (a sanitizer's handler, maybe). */
    for (int i = 0; i < 4; i++) {
        int s = faults[i];
        struct sigaction orig = get_action(s);
        ASSERT_EQ(sigx_install(s, 0), SIGX_ERR_FORBIDDEN);
        ASSERT_EQ(sigx_uninstall(s), SIGX_ERR_NOT_INSTALLED);
        ASSERT_OK(sigx_ignore(s));
        ASSERT_TRUE(get_action(s).sa_handler == SIG_IGN);
        ASSERT_OK(sigx_default(s));
        ASSERT_TRUE(get_action(s).sa_handler == SIG_DFL);
        ASSERT_OK(sigx_uninstall(s));
        assert_same_action(s, &orig);
    }
    /* Unknown flag bits come first, whatever the signal, and change nothing. */
    for (size_t i = 0; i < sizeof bad_flags / sizeof bad_flags[0]; i++) {
        uint32_t f = bad_flags[i];
        ASSERT_EQ(sigx_install(SIGUSR1, f), SIGX_ERR_ARGUMENT);
        ASSERT_EQ(sigx_install(SIGKILL, f), SIGX_ERR_ARGUMENT);
        ASSERT_EQ(sigx_install(SIGSEGV, f), SIGX_ERR_ARGUMENT);
        ASSERT_EQ(sigx_install(32, f), SIGX_ERR_ARGUMENT);
        ASSERT_EQ(sigx_install(0, f), SIGX_ERR_ARGUMENT);
    }
    ASSERT_EQ(sigx_is_installed(SIGUSR1), 0);
    ASSERT_TRUE(get_action(SIGUSR1).sa_handler == SIG_DFL);
    ASSERT_EQ(sigx_uninstall(SIGUSR2), SIGX_ERR_NOT_INSTALLED);
}

/* The flags sigx sets, and their update on a second install. */
static void expect_flags(int signo, int restart, int resethand)
{
    struct sigaction sa = get_action(signo);
    ASSERT_EQ(sigx_is_installed(signo), 1);
    ASSERT_TRUE(sa.sa_flags & SA_SIGINFO);
    ASSERT_TRUE(sa.sa_flags & SA_ONSTACK);
    ASSERT_EQ(!!(sa.sa_flags & SA_RESTART), restart);
    ASSERT_EQ(!!(sa.sa_flags & SA_RESETHAND), resethand);
    ASSERT_EQ(sigismember(&sa.sa_mask, SIGUSR2), 1); /* full sa_mask */
    ASSERT_EQ(sigismember(&sa.sa_mask, SIGTERM), 1);
}

/* Uninstall puts back exactly the test's own disposition, after any number
 * of installs, ignores and defaults in between. */
static void check_restore(void)
{
    struct sigaction mine, before;
    memset(&mine, 0, sizeof mine);
    mine.sa_sigaction = own_handler;
    mine.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&mine.sa_mask);
    sigaddset(&mine.sa_mask, SIGTERM);
    sigaddset(&mine.sa_mask, SIGRTMIN + 3);
    ASSERT_SYS(sigaction(SIGUSR1, &mine, NULL));
    before = get_action(SIGUSR1);

    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_TRUE(get_action(SIGUSR1).sa_sigaction != own_handler);
    expect_flags(SIGUSR1, 1, 0);
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_INTERRUPT));
    expect_flags(SIGUSR1, 0, 0);
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_ONESHOT));
    expect_flags(SIGUSR1, 1, 1);
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_INTERRUPT | SIGX_ONESHOT | SIGX_CHAIN));
    expect_flags(SIGUSR1, 0, 1);
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    expect_flags(SIGUSR1, 1, 0);
    ASSERT_OK(sigx_ignore(SIGUSR1));
    ASSERT_EQ(sigx_is_installed(SIGUSR1), 0);
    ASSERT_OK(sigx_default(SIGUSR1));
    ASSERT_OK(sigx_uninstall(SIGUSR1));
    assert_same_action(SIGUSR1, &before);
    ASSERT_EQ(sigx_is_installed(SIGUSR1), 0);
    ASSERT_EQ(sigx_uninstall(SIGUSR1), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(own_calls, 0);
    raise(SIGUSR1); /* the test's handler is really back */
    ASSERT_EQ(own_calls, 1);

    /* A SIG_IGN predecessor comes back as SIG_IGN. */
    ASSERT_TRUE(signal(SIGHUP, SIG_IGN) != SIG_ERR);
    before = get_action(SIGHUP);
    ASSERT_OK(sigx_install(SIGHUP, SIGX_INTERRUPT));
    ASSERT_OK(sigx_uninstall(SIGHUP));
    assert_same_action(SIGHUP, &before);
}

/* SIGX_ONESHOT: the first delivery is recorded, then the kernel has reset
 * the signal to SIG_DFL and sigx says it no longer catches it. */
static void check_oneshot(void)
{
    sigx_info info;
    ASSERT_OK(sigx_install(SIGUSR2, SIGX_ONESHOT));
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 1);
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 0);
    ASSERT_TRUE(get_action(SIGUSR2).sa_handler == SIG_DFL);
    /* The queued record blocks a capacity change until it is taken. */
    ASSERT_EQ(sigx_set_capacity(SIGUSR2, 8), SIGX_ERR_BUSY);
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR2), &info, 10000));
    ASSERT_EQ(info.signo, SIGUSR2);
    ASSERT_OK(sigx_set_capacity(SIGUSR2, 8));
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGUSR2), &info, 0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_uninstall(SIGUSR2));
}

int main(void)
{
    roomy_sigpending(); /* see helpers.h */
    check_errors();
    check_restore();
    check_oneshot();
    TEST_PASS("test_api_install");
    return 0;
}
