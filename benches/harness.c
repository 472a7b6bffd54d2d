/*
 * sigx benchmarks: workloads, pinning, timing and output (see harness.h).
 *
 *   <binary> <mechanism> <workload> <count>
 *
 * workload self      the process kill()s itself <count> times and takes each
 *                    signal (SIGUSR1) before sending the next; ns per signal.
 * workload pingpong  parent and child, pinned to the same CPU, bounce SIGUSR1
 *                    <count> times; ns per round trip. Both ends use the
 *                    mechanism under test.
 * workload flood     a separate sender process (bench_sender) sigqueue()s
 *                    <count> SIGRTMIN+1 with values 0..count-1, then
 *                    SIGRTMIN+2 as an end marker; signals per second received,
 *                    and what was lost, value by value where the mechanism
 *                    passes si_value on.
 * workload timer     a one-shot POSIX timer on CLOCK_MONOTONIC, armed (by the
 *                    mechanism's own means: timer_create or sigx_timer_create)
 *                    to expire at an absolute time SIGX_BENCH_TIMER_US (default
 *                    200) microseconds ahead, <count> times; the process sleeps
 *                    in the mechanism's pump meanwhile. ns from the expiry time
 *                    to the pump's return (median; mean, p99 and min besides):
 *                    the kernel's timer and wake-up latency, which every
 *                    mechanism shares, plus the mechanism's own.
 * workload flood-thread  the same, but the mechanism is pumped by a second
 *                    thread that blocks both signals, while the main thread
 *                    parks in pthread_join (both on the same CPU): handlers
 *                    run on the parked thread, never on the consumer.
 *
 * Environment: SIGX_BENCH_CPU (receiver CPU, default 0),
 * SIGX_BENCH_SENDER_CPU (flood sender CPU, default 1 when there are two
 * CPUs, else 0), SIGX_BENCH_SENDER (path of bench_sender, default: next to
 * this binary), SIGX_BENCH_WARMUP (untimed rounds before self/pingpong,
 * default min(count/10, 1000)).
 *
 * Prints one JSON object on one line.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What bench_event() counts. */
static int g_data_sig;        /* the workload's signal */
static int g_marker_sig = -1; /* flood: the end marker */
static uint64_t g_events;     /* deliveries of g_data_sig reported */
static uint64_t g_other;      /* deliveries of anything else (should stay 0) */
static int g_marker_seen;
static int g_check_values;    /* flood with a value-passing mechanism */
static uint64_t g_n;
static uint8_t *g_bitmap;
static uint64_t g_unique, g_dup, g_bad;

void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(2);
}

void bench_event(int signo, uint64_t value)
{
    if (signo == g_data_sig) {
        g_events++;
        if (g_check_values) {
            if (value >= g_n) {
                g_bad++;
            } else if (g_bitmap[value >> 3] & (1u << (value & 7))) {
                g_dup++;
            } else {
                g_bitmap[value >> 3] |= (uint8_t)(1u << (value & 7));
                g_unique++;
            }
        }
    } else if (signo == g_marker_sig) {
        g_marker_seen = 1;
    } else {
        g_other++;
    }
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long env_long(const char *name, long dflt)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    return strtol(s, NULL, 10);
}

static int default_sender_cpu(void)
{
    return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        bench_die("sched_setaffinity");
}

/* Report deliveries until g_events reaches `target`. */
static void pump_until(const struct bench_mech *m, uint64_t target)
{
    while (g_events < target)
        m->pump();
}

static void xwrite1(int fd, char c)
{
    while (write(fd, &c, 1) != 1)
        if (errno != EINTR)
            bench_die("write");
}

static void xread1(int fd)
{
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) != 1) {
        if (r == 0) {
            fprintf(stderr, "bench: peer went away\n");
            exit(2);
        }
        if (errno != EINTR)
            bench_die("read");
    }
}

static void reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            bench_die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: child %d failed (status %#x)\n", (int)pid, status);
        exit(2);
    }
}

static void print_head(const struct bench_mech *m, const char *workload, uint64_t n)
{
    printf("{\"mech\":\"%s\",\"workload\":\"%s\",\"n\":%" PRIu64, m->name, workload, n);
}

static void run_self(const struct bench_mech *m, uint64_t n, uint64_t warm)
{
    int sig = SIGUSR1;
    g_data_sig = sig;
    pin((int)env_long("SIGX_BENCH_CPU", 0));
    m->setup(&sig, 1);
    pid_t me = getpid();
    for (uint64_t i = 0; i < warm; i++) {
        kill(me, sig);
        pump_until(m, g_events + 1);
    }
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        kill(me, sig);
        pump_until(m, g_events + 1);
    }
    uint64_t t1 = now_ns();
    print_head(m, "self", n);
    printf(",\"value\":%.2f,\"unit\":\"ns\",\"other\":%" PRIu64 "}\n",
           (double)(t1 - t0) / (double)n, g_other);
}

static void run_pingpong(const struct bench_mech *m, uint64_t n, uint64_t warm)
{
    int sig = SIGUSR1;
    int ready[2];
    g_data_sig = sig;
    pin((int)env_long("SIGX_BENCH_CPU", 0));
    if (pipe(ready) != 0)
        bench_die("pipe");
    pid_t parent = getpid();
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        bench_die("fork");
    if (child == 0) {
        close(ready[0]);
        m->setup(&sig, 1);
        xwrite1(ready[1], 'r');
        for (uint64_t i = 0; i < warm + n; i++) {
            pump_until(m, i + 1);
            kill(parent, sig);
        }
        _exit(0);
    }
    close(ready[1]);
    m->setup(&sig, 1);
    xread1(ready[0]);
    for (uint64_t i = 0; i < warm; i++) {
        kill(child, sig);
        pump_until(m, g_events + 1);
    }
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        kill(child, sig);
        pump_until(m, g_events + 1);
    }
    uint64_t t1 = now_ns();
    reap(child);
    print_head(m, "pingpong", n);
    printf(",\"value\":%.2f,\"unit\":\"ns\",\"other\":%" PRIu64 "}\n",
           (double)(t1 - t0) / (double)n, g_other);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void run_timer(const struct bench_mech *m, uint64_t n, uint64_t warm)
{
    int sig = SIGUSR1;
    const struct bench_timer *t = bench_timers;
    while (t != NULL && t->mech != NULL && strcmp(t->mech, m->name) != 0)
        t++;
    if (t == NULL || t->mech == NULL) {
        fprintf(stderr, "bench: mechanism %s has no timer\n", m->name);
        exit(3);
    }
    g_data_sig = sig;
    uint64_t lead = (uint64_t)env_long("SIGX_BENCH_TIMER_US", 200) * 1000u;
    uint64_t *lat = malloc((size_t)n * sizeof *lat);
    if (!lat)
        bench_die("malloc");
    pin((int)env_long("SIGX_BENCH_CPU", 0));
    m->setup(&sig, 1);
    t->create(sig);
    for (uint64_t i = 0; i < warm + n; i++) {
        uint64_t at = now_ns() + lead;
        t->arm_at(at);
        pump_until(m, g_events + 1);
        uint64_t done = now_ns();
        if (i >= warm)
            lat[i - warm] = done - at;
    }
    double sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += (double)lat[i];
    qsort(lat, (size_t)n, sizeof *lat, cmp_u64);
    print_head(m, "timer", n);
    printf(",\"value\":%" PRIu64 ",\"unit\":\"ns\",\"mean\":%.0f,\"p99\":%" PRIu64
           ",\"min\":%" PRIu64 ",\"lead_ns\":%" PRIu64 ",\"other\":%" PRIu64 "}\n",
           lat[n / 2], sum / (double)n, lat[(n * 99) / 100], lat[0], lead, g_other);
    free(lat);
}

/* flood-thread: the pump runs on a second thread that blocks the two
 * signals, while the main thread parks in pthread_join and so is the only
 * thread a handler-based mechanism's handler can run on. */
static void *pump_thread(void *arg)
{
    const struct bench_mech *m = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, g_data_sig);
    sigaddset(&set, g_marker_sig);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    while (!g_marker_seen)
        m->pump();
    if (m->drain)
        m->drain();
    return NULL;
}

static void run_flood(const struct bench_mech *m, uint64_t n, const char *argv0, int threaded)
{
    int go[2], ack[2], res[2];
    int sigs[2] = {SIGRTMIN + 1, SIGRTMIN + 2};
    char default_sender[PATH_MAX];
    const char *sender = getenv("SIGX_BENCH_SENDER");
    if (!sender || !*sender) {
        const char *slash = strrchr(argv0, '/');
        int dir = slash ? (int)(slash - argv0) : 1;
        snprintf(default_sender, sizeof default_sender, "%.*s/bench_sender", dir,
                 slash ? argv0 : ".");
        sender = default_sender;
    }
    g_data_sig = sigs[0];
    g_marker_sig = sigs[1];
    g_n = n;
    g_check_values = m->has_value;
    g_bitmap = calloc((size_t)(n / 8 + 1), 1);
    if (!g_bitmap)
        bench_die("calloc");
    pin((int)env_long("SIGX_BENCH_CPU", 0));
    if (pipe(go) != 0 || pipe(ack) != 0 || pipe(res) != 0)
        bench_die("pipe");
    char a_pid[32], a_n[32], a_data[16], a_marker[16], a_go[16], a_ack[16], a_res[16], a_cpu[16];
    snprintf(a_pid, sizeof a_pid, "%d", (int)getpid());
    snprintf(a_n, sizeof a_n, "%" PRIu64, n);
    snprintf(a_data, sizeof a_data, "%d", sigs[0]);
    snprintf(a_marker, sizeof a_marker, "%d", sigs[1]);
    snprintf(a_go, sizeof a_go, "%d", go[0]);
    snprintf(a_ack, sizeof a_ack, "%d", ack[0]);
    snprintf(a_res, sizeof a_res, "%d", res[1]);
    snprintf(a_cpu, sizeof a_cpu, "%ld", env_long("SIGX_BENCH_SENDER_CPU", default_sender_cpu()));
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        bench_die("fork");
    if (child == 0) {
        close(go[1]);
        close(ack[1]);
        close(res[0]);
        execl(sender, sender, a_pid, a_n, a_data, a_marker, a_go, a_ack, a_res, a_cpu,
              (char *)NULL);
        fprintf(stderr, "bench: exec %s: %s\n", sender, strerror(errno));
        _exit(127);
    }
    close(go[0]);
    close(ack[0]);
    close(res[1]);
    m->setup(sigs, 2);
    uint64_t t0 = now_ns();
    xwrite1(go[1], 'g');
    if (threaded) {
        pthread_t t;
        int e = pthread_create(&t, NULL, pump_thread, (void *)m);
        if (e != 0) {
            errno = e;
            bench_die("pthread_create");
        }
        pthread_join(t, NULL);
    } else {
        while (!g_marker_seen)
            m->pump();
        if (m->drain)
            m->drain();
    }
    uint64_t t1 = now_ns();
    xwrite1(ack[1], 'a');
    uint64_t eagain = 0;
    ssize_t got;
    while ((got = read(res[0], &eagain, sizeof eagain)) < 0 && errno == EINTR) {
    }
    reap(child);

    struct bench_acct acct = {-1, -1, -1, -1, -1};
    if (m->account)
        m->account(sigs[0], &acct);
    int64_t lost = m->has_value ? (int64_t)(n - g_unique) : (int64_t)n - (int64_t)g_events;
    print_head(m, threaded ? "flood-thread" : "flood", n);
    printf(",\"value\":%.1f,\"unit\":\"sig/s\",\"elapsed_ns\":%" PRIu64
           ",\"received\":%" PRIu64 ",\"lost\":%" PRId64 ",\"values_checked\":%d"
           ",\"dup\":%" PRIu64 ",\"bad\":%" PRIu64 ",\"other\":%" PRIu64
           ",\"sender_eagain\":%" PRIu64 ",\"counted_lost\":%" PRId64
           ",\"reported_dropped\":%" PRId64 ",\"stats_delivered\":%" PRId64
           ",\"stats_dropped\":%" PRId64 ",\"stats_queued\":%" PRId64 "}\n",
           (double)g_events * 1e9 / (double)(t1 - t0), t1 - t0, g_events, lost,
           m->has_value, g_dup, g_bad, g_other, got == (ssize_t)sizeof eagain ? eagain : 0,
           acct.counted_lost, acct.reported_dropped, acct.stats_delivered,
           acct.stats_dropped, acct.stats_queued);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s <mechanism> self|pingpong|flood|flood-thread|timer <count>\nmechanisms:", argv[0]);
        for (const struct bench_mech *m = bench_mechs; m->name; m++)
            fprintf(stderr, " %s", m->name);
        fprintf(stderr, "\n");
        return 2;
    }
    const struct bench_mech *m = bench_mechs;
    while (m->name && strcmp(m->name, argv[1]) != 0)
        m++;
    if (!m->name) {
        fprintf(stderr, "bench: unknown mechanism %s\n", argv[1]);
        return 2;
    }
    uint64_t n = strtoull(argv[3], NULL, 10);
    if (n == 0) {
        fprintf(stderr, "bench: count must be positive\n");
        return 2;
    }
    long wdefault = (long)(n / 10 < 1000 ? n / 10 : 1000);
    uint64_t warm = (uint64_t)env_long("SIGX_BENCH_WARMUP", wdefault);
    if (strcmp(argv[2], "self") == 0)
        run_self(m, n, warm);
    else if (strcmp(argv[2], "pingpong") == 0)
        run_pingpong(m, n, warm);
    else if (strcmp(argv[2], "flood") == 0)
        run_flood(m, n, argv[0], 0);
    else if (strcmp(argv[2], "flood-thread") == 0)
        run_flood(m, n, argv[0], 1);
    else if (strcmp(argv[2], "timer") == 0)
        run_timer(m, n, warm);
    else {
        fprintf(stderr, "bench: unknown workload %s\n", argv[2]);
        return 2;
    }
    return 0;
}
