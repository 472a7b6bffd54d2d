/* Displacement and ownership (sigx_displaced in sigx.h): other code
 * (libsigx_test_foreign.so) replaces sigx's handler.
 *   - sigx_displaced() names exactly the displaced signals, for 1..n of
 *     them; sigx_is_installed says 0 for them; a SIGX_ONESHOT signal the
 *     kernel reset is not displaced;
 *   - a wait on only displaced signals returns SIGX_ERR_NOT_INSTALLED
 *     instead of hanging (queued records first), also when the displacement
 *     happens while it sleeps;
 *   - sigx_uninstall / sigx_ignore / sigx_default leave the foreign handler
 *     in place, forget sigx's state (the callback is released) and return
 *     SIGX_ERR_DISPLACED;
 *   - sigx_install takes the signal back; SIGX_CHAIN then calls the
 *     displacer, and sigx_uninstall restores it. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "foreign.h"

static uintptr_t handler_now(int signo)
{
    sigx_disposition d;
    ASSERT_OK(sigx_disposition_get(signo, &d));
    return d.kind == SIGX_DISP_FOREIGN ? (uintptr_t)d.handler : (uintptr_t)d.kind;
}

static void expect_foreign(int signo)
{
    if (handler_now(signo) != foreign_handler_address())
        TEST_FAIL_("signal %d: the foreign handler is not in place", signo);
}

static void detection_one_to_n(void)
{
    const int sigs[] = {SIGUSR1, SIGUSR2, SIGHUP, SIGWINCH, SIGRTMIN + 1, SIGRTMIN + 2};
    const int n = (int)(sizeof sigs / sizeof sigs[0]);
    for (int k = 1; k <= n; k++) {
        uint64_t want = 0;
        for (int i = 0; i < n; i++) {
            signal(sigs[i], SIG_DFL);
            ASSERT_OK(sigx_install(sigs[i], 0));
        }
        ASSERT_U64_EQ(sigx_displaced(), 0);
        for (int i = 0; i < k; i++) {
            ASSERT_SYS(foreign_take(sigs[i]));
            want |= SIGX_BIT(sigs[i]);
        }
        ASSERT_U64_EQ(sigx_displaced(), want);
        for (int i = 0; i < n; i++)
            ASSERT_EQ(sigx_is_installed(sigs[i]), i < k ? 0 : 1);
        /* Clean up: displaced ones are forgotten (DISPLACED), the rest
         * uninstalled normally. */
        for (int i = 0; i < n; i++)
            ASSERT_EQ(sigx_uninstall(sigs[i]), i < k ? SIGX_ERR_DISPLACED : SIGX_OK);
        ASSERT_U64_EQ(sigx_displaced(), 0);
    }

    /* A SIGX_ONESHOT signal the kernel reset to SIG_DFL is not displaced. */
    sigx_info info;
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_ONESHOT));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 5000));
    ASSERT_EQ(sigx_is_installed(SIGUSR1), 0);
    ASSERT_U64_EQ(sigx_displaced(), 0);
    ASSERT_OK(sigx_uninstall(SIGUSR1));
}

static void waits_do_not_hang(void)
{
    sigx_info info;
    const uint64_t both = SIGX_BIT(SIGUSR1) | SIGX_BIT(SIGUSR2);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_OK(sigx_raise(SIGUSR1)); /* queued before the displacement */
    ASSERT_SYS(foreign_take(SIGUSR1));
    ASSERT_SYS(foreign_take(SIGUSR2));
    /* Queued records still come out, then the wait gives up. */
    long long t0 = now_ms();
    ASSERT_OK(sigx_wait(both, &info, -1));
    ASSERT_EQ(info.signo, SIGUSR1);
    ASSERT_EQ(sigx_wait(both, &info, -1), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_wait(SIGX_BIT(SIGUSR2), &info, 0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_LT(now_ms() - t0, 30000); /* generous: the contract says ~1 s at worst */
    /* Deliveries now go to the displacer, not to sigx. */
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(foreign_hits(SIGUSR2), 1);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(SIGUSR2, &st));
    ASSERT_U64_EQ(st.delivered, 0);
    /* A mask with one live signal still waits (and times out). */
    ASSERT_OK(sigx_install(SIGUSR2, 0));
    ASSERT_EQ(sigx_wait(both, &info, 20), SIGX_ERR_TIMEOUT);
    ASSERT_EQ(sigx_uninstall(SIGUSR1), SIGX_ERR_DISPLACED);
    ASSERT_OK(sigx_uninstall(SIGUSR2));
}

static int sleeper_status;

static void *sleeper(void *arg)
{
    sigx_info info;
    (void)arg;
    sleeper_status = sigx_wait(SIGX_BIT(SIGUSR1), &info, -1);
    return NULL;
}

static void displaced_while_sleeping(void)
{
    pthread_t t;
    signal(SIGUSR1, SIG_DFL);
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    sleeper_status = 1;
    ASSERT_EQ(pthread_create(&t, NULL, sleeper, NULL), 0);
    /* Let it reach its sleep (not needed for correctness: either way the
     * wait must end with NOT_INSTALLED). */
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    long long t0 = now_ms();
    ASSERT_SYS(foreign_take(SIGUSR1));
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(sleeper_status, SIGX_ERR_NOT_INSTALLED);
    ASSERT_LT(now_ms() - t0, 30000);
    ASSERT_EQ(sigx_uninstall(SIGUSR1), SIGX_ERR_DISPLACED);
}

static int released;

static void on_usr(const sigx_info *info, void *user)
{
    (void)info;
    (void)user;
}

static void release_it(void *user)
{
    (void)user;
    released++;
}

static void ownership(void)
{
    int (*const ops[])(int) = {sigx_uninstall, sigx_ignore, sigx_default};
    const char *names[] = {"uninstall", "ignore", "default"};
    for (int i = 0; i < 3; i++) {
        signal(SIGUSR1, SIG_DFL);
        released = 0;
        ASSERT_OK(sigx_on_release(SIGUSR1, on_usr, NULL, release_it));
        ASSERT_SYS(foreign_take(SIGUSR1));
        if (ops[i](SIGUSR1) != SIGX_ERR_DISPLACED)
            TEST_FAIL_("sigx_%s on a displaced signal did not return DISPLACED", names[i]);
        expect_foreign(SIGUSR1); /* left in place */
        ASSERT_EQ(released, 1);  /* the callback is gone */
        ASSERT_U64_EQ(sigx_displaced(), 0); /* forgotten */
        ASSERT_EQ(sigx_uninstall(SIGUSR1), SIGX_ERR_NOT_INSTALLED);
        expect_foreign(SIGUSR1);
        ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    }

    /* After sigx_ignore, another handler there is a displacement too:
     * uninstall does not clobber it with what sigx saved long ago. */
    signal(SIGUSR2, SIG_DFL);
    ASSERT_OK(sigx_ignore(SIGUSR2));
    ASSERT_SYS(foreign_take(SIGUSR2));
    ASSERT_EQ(sigx_uninstall(SIGUSR2), SIGX_ERR_DISPLACED);
    expect_foreign(SIGUSR2);
}

static void take_back(void)
{
    sigx_info info;
    signal(SIGHUP, SIG_DFL);
    ASSERT_OK(sigx_install(SIGHUP, 0)); /* replaced SIG_DFL */
    ASSERT_SYS(foreign_take(SIGHUP));
    ASSERT_U64_EQ(sigx_displaced(), SIGX_BIT(SIGHUP));
    long before = foreign_hits(SIGHUP);

    /* Taking it back: the displacer becomes the chained handler. */
    ASSERT_OK(sigx_install(SIGHUP, SIGX_CHAIN));
    ASSERT_U64_EQ(sigx_displaced(), 0);
    ASSERT_EQ(sigx_is_installed(SIGHUP), 1);
    ASSERT_OK(sigx_raise(SIGHUP));
    ASSERT_OK(sigx_wait(SIGX_BIT(SIGHUP), &info, 5000));
    ASSERT_EQ(info.signo, SIGHUP);
    ASSERT_EQ(foreign_hits(SIGHUP), before + 1);

    /* ... and what uninstall restores (not the SIG_DFL of long ago). */
    ASSERT_OK(sigx_uninstall(SIGHUP));
    expect_foreign(SIGHUP);
    ASSERT_OK(sigx_raise(SIGHUP));
    ASSERT_EQ(foreign_hits(SIGHUP), before + 2);
    signal(SIGHUP, SIG_DFL);
}

int main(void)
{
    roomy_sigpending();
    detection_one_to_n();
    waits_do_not_hang();
    displaced_while_sleeping();
    ownership();
    take_back();
    printf("ok\n");
    return 0;
}
