/* Flood without loss: four sender processes each sigqueue() PER_SENDER
 * real-time signals with distinct values at this process.
 *
 * Part A: two threads wait; every signal's queue holds the whole burst.
 * Every value must come back exactly once (signal, code, sender pid
 * intact), and the figures must agree.
 *
 * Part B: the queues are far smaller than the burst and nobody consumes
 * until the senders are done. Per signal, exactly `capacity` records stay
 * queued (the oldest ones), and records + dropped == sent, both summed
 * over the returned records' `dropped` and in sigx_stats. A single
 * consumer then gets the records in seq order, each sender's values in
 * the order they were sent.
 *
 * Two real-time signals are shared by the senders (0,1 -> first, 2,3 ->
 * second), so per-signal accounting is checked, not just the total.
 * PER_SENDER is 50,000 (x10 with SIGX_LONG=1, divided by
 * SIGX_STRESS_DIV). */
#include "test.h"
#include "reliability.h"

#include <pthread.h>

#define SENDERS 4
#define WAITERS 2
#define SMALL_CAPACITY 100

static long per_sender;
static long total;
static pid_t sender_pid[SENDERS];

static int sender_signal(int rtbase, int k)
{
    return rtbase + k / 2;
}

static uint64_t encode(int sender, long i)
{
    return ((uint64_t)sender << 32) | (uint64_t)i;
}

/* Fork one sender: it waits at the gate, sends its burst, and exits 0 (or
 * 2 with a message if a send fails for any reason but EAGAIN). */
static pid_t spawn_sender(rel_gate *gate, int k, int signo)
{
    pid_t target = getpid();
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        rel_gate_wait(gate);
        unsigned long paced = 0;
        for (long i = 0; i < per_sender; i++) {
            int rc = rel_send_paced(target, signo, encode(k, i), &paced);
            if (rc != SIGX_OK) {
                static const char msg[] = "sender: sigx_send failed\n";
                (void)!write(2, msg, sizeof msg - 1);
                _exit(2);
            }
        }
        _exit(0);
    }
    return pid;
}

static void run_senders(int rtbase)
{
    rel_gate gate;
    rel_gate_init(&gate);
    for (int k = 0; k < SENDERS; k++)
        SEQ_STORE(&sender_pid[k], spawn_sender(&gate, k, sender_signal(rtbase, k)));
    rel_gate_open(&gate);
    for (int k = 0; k < SENDERS; k++)
        reap_clean(sender_pid[k], "sender");
}

static int sender_of_pid(pid_t pid)
{
    for (int k = 0; k < SENDERS; k++)
        if (SEQ_LOAD(&sender_pid[k]) == pid)
            return k;
    return -1;
}

/* ---- Part A: enough room, two waiters ---------------------------------- */

struct waiter {
    pthread_t thread;
    uint64_t mask;
    int rtbase;
    unsigned char *seen; /* per value index: how often this waiter got it */
    long got;
    uint64_t dropped;
    int bad;             /* first inconsistency found, 0 if none */
};

static long received;     /* over both waiters */
static int senders_done;

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    long long last_progress = now_ms();
    for (;;) {
        sigx_info info;
        int rc = sigx_wait(w->mask, &info, 200);
        if (rc == SIGX_OK) {
            last_progress = now_ms();
            int k = (int)(info.value >> 32);
            long i = (long)(info.value & 0xffffffffu);
            w->dropped += info.dropped;
            if (k < 0 || k >= SENDERS || i >= per_sender)
                w->bad = 1;
            else if (info.signo != sender_signal(w->rtbase, k))
                w->bad = 2;
            else if (info.code != SI_QUEUE)
                w->bad = 3;
            else if (info.pid != SEQ_LOAD(&sender_pid[k]))
                w->bad = 4;
            else if (w->seen[k * per_sender + i]++ != 0)
                w->bad = 5; /* this waiter got the same value twice */
            w->got++;
            if (SEQ_ADD(&received, 1) >= total)
                return NULL;
        } else if (rc == SIGX_ERR_TIMEOUT) {
            if (SEQ_LOAD(&received) >= total)
                return NULL;
            if (SEQ_LOAD(&senders_done) && now_ms() - last_progress > 30000) {
                fprintf(stderr, "waiter: no progress for 30 s, %ld of %ld received\n",
                        SEQ_LOAD(&received), total);
                w->bad = 6;
                return NULL;
            }
        } else {
            fprintf(stderr, "waiter: sigx_wait returned %d (%s)\n", rc, sigx_strerror(rc));
            w->bad = 7;
            return NULL;
        }
    }
}

static void part_a(int rtbase)
{
    const int sa = rtbase, sb = rtbase + 1;
    uint64_t mask = SIGX_BIT(sa) | SIGX_BIT(sb);
    long burst_per_signal = 2 * per_sender;

    ASSERT_OK(sigx_set_capacity(sa, (uint32_t)burst_per_signal));
    ASSERT_OK(sigx_set_capacity(sb, (uint32_t)burst_per_signal));
    ASSERT_OK(sigx_install(sa, 0));
    ASSERT_OK(sigx_install(sb, 0));

    struct waiter w[WAITERS];
    for (int t = 0; t < WAITERS; t++) {
        w[t].mask = mask;
        w[t].rtbase = rtbase;
        w[t].seen = calloc((size_t)total, 1);
        ASSERT_TRUE(w[t].seen != NULL);
        w[t].got = 0;
        w[t].dropped = 0;
        w[t].bad = 0;
        ASSERT_EQ(pthread_create(&w[t].thread, NULL, waiter_main, &w[t]), 0);
    }

    run_senders(rtbase);
    SEQ_STORE(&senders_done, 1);
    for (int t = 0; t < WAITERS; t++)
        ASSERT_EQ(pthread_join(w[t].thread, NULL), 0);

    long got = 0;
    for (int t = 0; t < WAITERS; t++) {
        ASSERT_EQ(w[t].bad, 0);
        ASSERT_U64_EQ(w[t].dropped, 0);
        got += w[t].got;
    }
    ASSERT_EQ(got, total);
    /* Exactly once: each value seen by exactly one waiter, once. */
    for (long v = 0; v < total; v++) {
        int n = 0;
        for (int t = 0; t < WAITERS; t++)
            n += w[t].seen[v];
        if (n != 1)
            TEST_FAIL_("value of sender %ld #%ld received %d times", v / per_sender,
                       v % per_sender, n);
    }
    for (int s = sa; s <= sb; s++) {
        sigx_stats st = stats_of(s);
        ASSERT_U64_EQ(st.delivered, (uint64_t)burst_per_signal);
        ASSERT_U64_EQ(st.dropped, 0);
        ASSERT_U64_EQ(st.queued, 0);
        ASSERT_TRUE(st.high_water >= 1 && st.high_water <= (uint64_t)burst_per_signal);
    }
    sigx_info extra;
    ASSERT_EQ(sigx_wait(mask, &extra, 0), SIGX_ERR_TIMEOUT);
    printf("part A: %d senders x %ld signals, %ld received by %d waiters (%ld + %ld), "
           "high water %llu/%llu\n",
           SENDERS, per_sender, got, WAITERS, w[0].got, w[1].got,
           (unsigned long long)stats_of(sa).high_water,
           (unsigned long long)stats_of(sb).high_water);
    for (int t = 0; t < WAITERS; t++)
        free(w[t].seen);
}

/* ---- Part B: small queues, nobody waiting ------------------------------- */

static void part_b(int rtbase)
{
    const int sc = rtbase, sd = rtbase + 1;
    uint64_t mask = SIGX_BIT(sc) | SIGX_BIT(sd);
    uint64_t sent_per_signal = 2 * (uint64_t)per_sender;

    ASSERT_OK(sigx_set_capacity(sc, SMALL_CAPACITY));
    ASSERT_OK(sigx_set_capacity(sd, SMALL_CAPACITY));
    ASSERT_OK(sigx_install(sc, 0));
    ASSERT_OK(sigx_install(sd, 0));

    /* This thread is the only one left: it runs every handler while it sits
     * in waitpid, and nobody takes records meanwhile. */
    run_senders(rtbase);

    /* Everything the senders queued has been handled (see rel_quiesce). */
    rel_quiesce(mask);
    for (int s = sc; s <= sd; s++) {
        sigx_stats st = stats_of(s);
        ASSERT_U64_EQ(st.delivered, sent_per_signal);
        ASSERT_U64_EQ(st.queued, SMALL_CAPACITY);
        ASSERT_U64_EQ(st.high_water, SMALL_CAPACITY);
        ASSERT_U64_EQ(st.dropped, sent_per_signal - SMALL_CAPACITY);
    }

    uint64_t records[2] = {0, 0}, dropped[2] = {0, 0};
    uint64_t last_seq = 0;
    long last_value[SENDERS] = {-1, -1, -1, -1};
    sigx_info info;
    int rc;
    while ((rc = sigx_wait(mask, &info, 0)) == SIGX_OK) {
        ASSERT_TRUE(info.signo == sc || info.signo == sd);
        ASSERT_EQ(info.code, SI_QUEUE);
        ASSERT_TRUE(info.seq > last_seq); /* one consumer: seq order */
        last_seq = info.seq;
        int k = sender_of_pid(info.pid);
        ASSERT_TRUE(k >= 0);
        ASSERT_EQ((int)(info.value >> 32), k);
        ASSERT_EQ(info.signo, sender_signal(rtbase, k));
        long i = (long)(info.value & 0xffffffffu);
        ASSERT_TRUE(i > last_value[k]); /* each sender's values in order */
        last_value[k] = i;
        records[info.signo - sc]++;
        dropped[info.signo - sc] += info.dropped;
    }
    ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    for (int s = sc; s <= sd; s++) {
        sigx_stats st = stats_of(s);
        ASSERT_U64_EQ(records[s - sc], SMALL_CAPACITY);
        ASSERT_U64_EQ(records[s - sc] + dropped[s - sc], sent_per_signal);
        ASSERT_U64_EQ(st.dropped, dropped[s - sc]);
        ASSERT_U64_EQ(st.queued, 0);
        ASSERT_U64_EQ(st.delivered, sent_per_signal);
    }
    printf("part B: %d senders x %ld signals, capacity %d: %llu + %llu records, "
           "%llu + %llu dropped\n",
           SENDERS, per_sender, SMALL_CAPACITY, (unsigned long long)records[0],
           (unsigned long long)records[1], (unsigned long long)dropped[0],
           (unsigned long long)dropped[1]);
}

int main(void)
{
    rel_prefault_stack();
    per_sender = rel_scaled(50000, 2 * SMALL_CAPACITY);
    total = SENDERS * per_sender;
    int rtbase = sigx_rtmin();

    part_a(rtbase);
    for (int k = 0; k < SENDERS; k++)
        SEQ_STORE(&sender_pid[k], 0);
    part_b(rtbase + 2);

    /* Both parts together, from the process-wide figures. */
    sigx_stats all = stats_of(0);
    ASSERT_U64_EQ(all.delivered, 2 * (uint64_t)total);
    ASSERT_U64_EQ(all.dropped, (uint64_t)total - 2 * SMALL_CAPACITY);
    ASSERT_U64_EQ(all.queued, 0);
    printf("flood: %d sender processes, %ld signals sent, %llu delivered, %llu dropped "
           "(all in part B)\n",
           2 * SENDERS, 2 * total, (unsigned long long)all.delivered,
           (unsigned long long)all.dropped);
    TEST_PASS("test_stress_flood");
    return 0;
}
