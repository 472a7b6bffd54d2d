/* The rest of sigx_deadline's contract, in one thread unless said:
 *  - a read entered 5 ms *after* the deadline expired is still interrupted;
 *  - the repeats that keep interrupting are invisible: one record, one
 *    count, one callback, one call of the chained handler;
 *  - a cleared deadline never fires, nor a replaced one; a replacement
 *    fires on its own time; 0 expires before sigx_deadline returns;
 *  - with the signal blocked, sigx_wait takes the expiry from the kernel
 *    as one record and the repeats as nothing;
 *  - a thread's deadline is cleared when it exits. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000ull

static int sig;
static int never[2];
static volatile sig_atomic_t chained;
static int callbacks;

static void previous_handler(int signo)
{
    (void)signo;
    chained++;
}

static void on_deadline(const sigx_info *info, void *user)
{
    (void)user;
    ASSERT_EQ(info->code, SI_TIMER);
    callbacks++;
}

static uint64_t delivered(void)
{
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    return st.delivered;
}

/* nanosleep(ms) to the end, through EINTR; returns how many EINTRs. */
static int sleep_through(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    int eintr = 0;
    while (nanosleep(&ts, &ts) != 0) {
        ASSERT_EQ(errno, EINTR);
        eintr++;
    }
    return eintr;
}

/* read() from a pipe nobody writes to: must fail with EINTR. */
static void expect_read_interrupted(void)
{
    char c;
    ASSERT_EQ(read(never[0], &c, 1), -1);
    ASSERT_EQ(errno, EINTR);
}

static void *exits_with_deadline(void *arg)
{
    (void)arg;
    ASSERT_OK(sigx_deadline(sig, 50));
    return NULL;
}

int main(void)
{
    sigx_info info;
    roomy_sigpending();
    sig = SIGUSR2;
    ASSERT_SYS(pipe(never));
    /* A previous handler for SIGX_CHAIN to call. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = previous_handler;
    sigfillset(&sa.sa_mask);
    ASSERT_SYS(sigaction(sig, &sa, NULL));
    ASSERT_OK(sigx_install(sig, SIGX_INTERRUPT | SIGX_CHAIN));
    ASSERT_OK(sigx_on(sig, on_deadline, NULL));

    /* Expired 5 ms before the read starts: still interrupted. */
    uint64_t t0 = now_ns();
    ASSERT_OK(sigx_deadline(sig, 20));
    while (!sigx_deadline_expired()) {
        if (now_ns() - t0 > 10000 * MS)
            TEST_FAIL_("%s", "the deadline never expired");
    }
    uint64_t late = now_ns() + 5 * MS;
    while (now_ns() < late) {
    }
    expect_read_interrupted();
    ASSERT_EQ(sigx_deadline_expired(), 1);
    TEST_PASS("a read entered 5 ms after the expiry is interrupted");

    /* Keep being interrupted for 100 ms (about 20 repeats; 2 asserted). */
    int eintr = sleep_through(100);
    ASSERT_GE(eintr, 2);
    ASSERT_OK(sigx_deadline(sig, -1));
    ASSERT_EQ(sigx_deadline_expired(), 0);
    ASSERT_EQ(sleep_through(100), 0); /* cleared: quiet */
    ASSERT_U64_EQ(delivered(), 1);
    ASSERT_EQ(chained, 1);
    ASSERT_EQ(sigx_dispatch(0), 1);
    ASSERT_EQ(callbacks, 1);
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_TIMEOUT);
    printf("# %d more interruptions in 100 ms, none recorded\n", eintr);
    TEST_PASS("repeats interrupt, and are neither recorded, counted, chained nor called back");

    /* Cleared before it expires: never fires. */
    ASSERT_OK(sigx_deadline(sig, 30));
    ASSERT_OK(sigx_deadline(sig, -1));
    ASSERT_EQ(sleep_through(200), 0);
    ASSERT_EQ(sigx_deadline_expired(), 0);
    ASSERT_U64_EQ(delivered(), 1);
    /* Replaced by a far one: the near one never fires. */
    ASSERT_OK(sigx_deadline(sig, 30));
    ASSERT_OK(sigx_deadline(sig, 3600000));
    ASSERT_EQ(sleep_through(200), 0);
    ASSERT_EQ(sigx_deadline_expired(), 0);
    ASSERT_U64_EQ(delivered(), 1);
    /* Replaced by a near one: fires on its own time. */
    t0 = now_ns();
    ASSERT_OK(sigx_deadline(sig, 40));
    expect_read_interrupted();
    ASSERT_GE(now_ns() - t0, 40 * MS);
    ASSERT_EQ(sigx_deadline_expired(), 1);
    ASSERT_OK(sigx_deadline(sig, -1));
    ASSERT_U64_EQ(delivered(), 2);
    TEST_PASS("a cleared or replaced deadline never fires; a replacement fires on time");

    /* 0: expired when sigx_deadline returns (its record is made when the
     * kernel delivers the signal it sent: at once, except under valgrind,
     * which delivers at its next scheduling point). */
    ASSERT_OK(sigx_deadline(sig, 0));
    ASSERT_EQ(sigx_deadline_expired(), 1);
    expect_read_interrupted();
    ASSERT_EQ(sigx_deadline_expired(), 1);
    ASSERT_U64_EQ(delivered(), 3);
    ASSERT_OK(sigx_deadline(sig, -1));
    ASSERT_U64_EQ(delivered(), 3);
    ASSERT_EQ(sigx_dispatch(0), 2);
    TEST_PASS("0 expires at once");

    /* Blocked: sigx_wait takes the expiry from the kernel, once. */
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    ASSERT_OK(sigx_on(sig, NULL, NULL));
    ASSERT_OK(sigx_deadline(sig, 10));
    ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 10000));
    ASSERT_EQ(info.code, SI_TIMER);
    ASSERT_U64_EQ(info.value >> 32, 0x5167DEAD);
    ASSERT_EQ(sigx_deadline_expired(), 1);
    /* The repeats that keep coming are taken and hidden. */
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 100), SIGX_ERR_TIMEOUT);
    ASSERT_OK(sigx_deadline(sig, -1));
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL));
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 50), SIGX_ERR_TIMEOUT);
    ASSERT_U64_EQ(delivered(), 4);
    TEST_PASS("blocked: one record taken from the kernel, repeats hidden");

    /* A thread's deadline goes with the thread. */
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, exits_with_deadline, NULL), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(proc_timers(), 0);
    ASSERT_EQ(sleep_through(200), 0);
    ASSERT_U64_EQ(delivered(), 4);
    TEST_PASS("a thread's deadline is cleared when it exits");
    return 0;
}
