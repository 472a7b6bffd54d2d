/* sigx_fd under a storm (ctest: RUN_SERIAL): no lost wakeup while handlers
 * on two threads publish records and an event-loop thread polls and drains.
 *
 * sigx writes the eventfd only when it is not already readable, and the
 * drain that finds nothing clears it and then looks again. This test
 * hammers that protocol. Part 1: 40,000 real-time signals sent to the
 * process land on either the polling thread itself (its handler interrupts
 * the drain, including the clear-then-check in the middle) or a second
 * thread parked in read(); every value is received once or counted as
 * dropped. Part 2: 3,000 bursts of 7 signals, each sent only once the loop
 * has taken the previous burst, so that every burst's end (the last record,
 * with nothing after it to write the descriptor again) meets a drain in
 * progress at a different point. In both, the loop must see the descriptor
 * readable whenever something is queued: a poll that times out (20 s, far
 * beyond any scheduling delay) while records are due is a lost wakeup. */
#include "test.h"
#include "helpers.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#define TOTAL 40000

static int sig;
static int park[2];
static unsigned char seen[TOTAL];

static void *sink(void *arg)
{
    (void)arg;
    char c;
    /* Parked, with the signal unblocked: handlers run here too. */
    ASSERT_EQ(read(park[0], &c, 1), 1);
    return NULL;
}

struct sender {
    pid_t to;
    int bursts, per_burst; /* bursts == 0: one stream of TOTAL */
    int ack;               /* read end: one byte per burst taken */
};

static void *send_all(void *arg)
{
    struct sender *s = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    /* The sender never takes the signal itself. */
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
    if (s->bursts == 0) {
        for (int i = 0; i < TOTAL; i++)
            ASSERT_EQ(queue_retry(s->to, sig, (uint64_t)i), 0);
        return NULL;
    }
    for (int b = 0; b < s->bursts; b++) {
        char c;
        for (int i = 0; i < s->per_burst; i++)
            ASSERT_EQ(queue_retry(s->to, sig, (uint64_t)i), 0);
        ASSERT_EQ(read(s->ack, &c, 1), 1);
    }
    return NULL;
}

/* Poll and drain until `due` deliveries were received or reported dropped. */
static void loop_until(int fd, uint64_t due, uint64_t *got, uint64_t *dropped, int check_values)
{
    while (*got + *dropped < due) {
        struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
        int rc = poll(&p, 1, 20000);
        if (rc < 0 && errno == EINTR)
            continue;
        ASSERT_SYS(rc);
        if (rc == 0)
            TEST_FAIL_("lost wakeup: nothing readable for 20 s with %llu of %llu due",
                       (unsigned long long)(due - *got - *dropped), (unsigned long long)due);
        sigx_info info;
        int r;
        while ((r = sigx_wait(SIGX_BIT(sig), &info, 0)) == SIGX_OK) {
            if (check_values) {
                ASSERT_LT(info.value, TOTAL);
                ASSERT_EQ(seen[info.value], 0);
                seen[info.value] = 1;
            }
            (*got)++;
            *dropped += info.dropped;
        }
        ASSERT_EQ(r, SIGX_ERR_TIMEOUT);
    }
}

int main(void)
{
    roomy_sigpending();
    sig = sigx_rtmin() + 9;
    ASSERT_OK(sigx_set_capacity(sig, 4096));
    ASSERT_OK(sigx_install(sig, 0));
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    ASSERT_SYS(pipe(park));
    pthread_t t_sink, t_send;
    ASSERT_EQ(pthread_create(&t_sink, NULL, sink, NULL), 0);
    struct sender s = {getpid(), 0, 0, -1};
    ASSERT_EQ(pthread_create(&t_send, NULL, send_all, &s), 0);
    uint64_t got = 0, dropped = 0;
    loop_until(fd, TOTAL, &got, &dropped, 1);
    ASSERT_EQ(pthread_join(t_send, NULL), 0);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, TOTAL);
    ASSERT_U64_EQ(st.dropped, dropped);
    ASSERT_U64_EQ(st.queued, 0);
    printf("# stream: %llu received, %llu dropped\n", (unsigned long long)got,
           (unsigned long long)dropped);

    /* Bursts: the capacity (4096) far exceeds a burst, so nothing drops. */
    int ack[2];
    ASSERT_SYS(pipe(ack));
    struct sender b = {getpid(), 3000, 7, ack[0]};
    ASSERT_EQ(pthread_create(&t_send, NULL, send_all, &b), 0);
    got = dropped = 0;
    for (int i = 0; i < b.bursts; i++) {
        loop_until(fd, (uint64_t)(i + 1) * (uint64_t)b.per_burst, &got, &dropped, 0);
        ASSERT_EQ(write(ack[1], "a", 1), 1);
    }
    ASSERT_EQ(pthread_join(t_send, NULL), 0);
    ASSERT_U64_EQ(dropped, 0);
    close(ack[0]);
    close(ack[1]);
    ASSERT_EQ(write(park[1], "x", 1), 1);
    ASSERT_EQ(pthread_join(t_sink, NULL), 0);

    /* Nothing queued: the descriptor is not readable any more. */
    ASSERT_EQ(poll_readable(fd, 0), 0);
    TEST_PASS("sigx_fd storm: no lost wakeup, every value once or counted");
    return 0;
}
