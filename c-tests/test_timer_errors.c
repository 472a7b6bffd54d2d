/* Errors of sigx_timer_* and sigx_deadline, as sigx.h documents them, in
 * the order of the checks (arguments, then the signal, then state), and
 * the state after each: no timer created or changed, out-parameters
 * untouched, an armed deadline still armed. */
#include "test.h"
#include "helpers.h"

#include <signal.h>

#define MS 1000000ull

static void expect_create(int signo, int clock, uint32_t flags, int *id, int want)
{
    int before = proc_timers();
    if (id != NULL)
        *id = -77;
    ASSERT_EQ(sigx_timer_create(signo, clock, flags, 5, id), want);
    if (id != NULL)
        ASSERT_EQ(*id, -77);
    ASSERT_EQ(proc_timers(), before);
}

int main(void)
{
    int id, good = -1;
    uint64_t left, every;
    roomy_sigpending();

    /* Creating: arguments first (NULL id, clock, flags), then the signal. */
    expect_create(SIGUSR1, SIGX_CLOCK_MONOTONIC, 0, NULL, SIGX_ERR_ARGUMENT);
    expect_create(0, SIGX_CLOCK_MONOTONIC, 0, NULL, SIGX_ERR_ARGUMENT);
    expect_create(SIGUSR1, -1, 0, &id, SIGX_ERR_ARGUMENT);
    expect_create(SIGUSR1, 5, 0, &id, SIGX_ERR_ARGUMENT);
    expect_create(SIGKILL, 5, 0, &id, SIGX_ERR_ARGUMENT);
    expect_create(SIGUSR1, SIGX_CLOCK_MONOTONIC, 2, &id, SIGX_ERR_ARGUMENT);
    expect_create(SIGUSR1, SIGX_CLOCK_MONOTONIC, SIGX_TIMER_THREAD | 0x80000000u, &id,
                  SIGX_ERR_ARGUMENT);
    expect_create(-1, SIGX_CLOCK_MONOTONIC, 0, &id, SIGX_ERR_SIGNAL);
    expect_create(0, SIGX_CLOCK_MONOTONIC, 0, &id, SIGX_ERR_SIGNAL);
    expect_create(65, SIGX_CLOCK_MONOTONIC, 0, &id, SIGX_ERR_SIGNAL);
    expect_create(SIGKILL, SIGX_CLOCK_MONOTONIC, 0, &id, SIGX_ERR_UNCATCHABLE);
    expect_create(SIGSTOP, SIGX_CLOCK_REALTIME, 0, &id, SIGX_ERR_UNCATCHABLE);
    expect_create(SIGSEGV, SIGX_CLOCK_MONOTONIC, 0, &id, SIGX_ERR_FORBIDDEN);
    expect_create(32, SIGX_CLOCK_MONOTONIC, 0, &id, SIGX_ERR_FORBIDDEN);
    TEST_PASS("sigx_timer_create: argument, then signal errors; nothing created");

    /* sigx need not catch the signal to create a timer for it. */
    ASSERT_OK(sigx_timer_create(SIGUSR2, SIGX_CLOCK_MONOTONIC, 0, 9, &good));
    ASSERT_OK(sigx_timer_set(good, 3600000 * MS, 1000 * MS, 0));

    /* Setting: flags first, then the id. A failure changes nothing. */
    ASSERT_EQ(sigx_timer_set(good, MS, 0, 2), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_timer_set(-5, MS, 0, 2), SIGX_ERR_ARGUMENT);
    ASSERT_OK(sigx_timer_get(good, &left, &every));
    ASSERT_GT(left, 3000000 * MS);
    ASSERT_U64_EQ(every, 1000 * MS);
    const int unknown[] = {0, -1, good + 1, good + 1000, 2147483647, -2147483647 - 1};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        left = 11;
        every = 12;
        ASSERT_EQ(sigx_timer_set(unknown[i], MS, 0, 0), SIGX_ERR_NOT_FOUND);
        ASSERT_EQ(sigx_timer_get(unknown[i], &left, &every), SIGX_ERR_NOT_FOUND);
        ASSERT_EQ(sigx_timer_get(unknown[i], NULL, NULL), SIGX_ERR_NOT_FOUND);
        ASSERT_U64_EQ(left, 11);
        ASSERT_U64_EQ(every, 12);
        ASSERT_EQ(sigx_timer_delete(unknown[i]), SIGX_ERR_NOT_FOUND);
    }
    ASSERT_OK(sigx_timer_get(good, NULL, NULL)); /* both optional */
    ASSERT_OK(sigx_timer_get(good, NULL, &every));
    ASSERT_U64_EQ(every, 1000 * MS);
    ASSERT_EQ(proc_timers(), 1);
    ASSERT_OK(sigx_timer_delete(good));
    ASSERT_EQ(sigx_timer_delete(good), SIGX_ERR_NOT_FOUND);
    ASSERT_EQ(proc_timers(), 0);
    ASSERT_TRUE(strcmp(sigx_strerror(SIGX_ERR_NOT_FOUND), sigx_strerror(-99)) != 0);
    TEST_PASS("sigx_timer_set/get/delete: flags, then unknown ids; state unchanged");

    /* Deadlines. -1 clears, always SIGX_OK, whatever the signal. */
    ASSERT_EQ(sigx_deadline_expired(), 0);
    ASSERT_OK(sigx_deadline(SIGUSR1, -1));
    ASSERT_OK(sigx_deadline(-3, -1));
    ASSERT_OK(sigx_deadline(SIGKILL, -1));
    ASSERT_EQ(sigx_deadline(SIGUSR1, -2), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_deadline(0, INT64_MIN), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_deadline(0, 100), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_deadline(65, 100), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_deadline(SIGKILL, 100), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_deadline(SIGSEGV, 100), SIGX_ERR_FORBIDDEN);
    ASSERT_EQ(sigx_deadline(33, 100), SIGX_ERR_FORBIDDEN);
    /* Not caught by sigx, caught without SIGX_INTERRUPT, or ONESHOT. */
    ASSERT_EQ(sigx_deadline(SIGUSR1, 100), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_EQ(sigx_deadline(SIGUSR1, 100), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_INTERRUPT | SIGX_ONESHOT));
    ASSERT_EQ(sigx_deadline(SIGUSR1, 100), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_ignore(SIGUSR1));
    ASSERT_EQ(sigx_deadline(SIGUSR1, 100), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(proc_timers(), 0);
    TEST_PASS("sigx_deadline: argument, signal, then install errors; nothing armed");

    /* A failed call leaves an armed deadline as it was. */
    ASSERT_OK(sigx_install(SIGUSR2, SIGX_INTERRUPT));
    ASSERT_OK(sigx_deadline(SIGUSR2, 3600000));
    ASSERT_EQ(proc_timers(), 1);
    ASSERT_EQ(sigx_deadline(SIGUSR2, -7), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_deadline(SIGUSR1, 5), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_deadline(SIGKILL, 5), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(proc_timers(), 1);
    ASSERT_EQ(sigx_deadline_expired(), 0);
    ASSERT_OK(sigx_deadline(SIGUSR2, -1));
    ASSERT_EQ(proc_timers(), 0);
    ASSERT_OK(sigx_deadline(SIGUSR2, -1)); /* clearing twice is fine */
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(SIGUSR2, &st));
    ASSERT_U64_EQ(st.delivered, 0);
    TEST_PASS("a failed sigx_deadline leaves the armed one as it was");
    return 0;
}
