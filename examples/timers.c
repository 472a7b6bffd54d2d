/* timers: as many timers as you need, each on the clock that fits.
 *
 * alarm(2) gives a program one timer. POSIX timers give it as many as it
 * likes, each on its own clock, each sending a signal that carries a number
 * of your choosing (the "cookie"), so one signal can serve them all:
 *
 *   heartbeat   SIGX_CLOCK_MONOTONIC, every 50 ms (periodic)
 *   wall clock  SIGX_CLOCK_REALTIME, at a wall-clock time (SIGX_TIMER_ABSTIME):
 *               "at 03:00" style; it follows changes of the system clock
 *   CPU budget  SIGX_CLOCK_PROCESS_CPU, after 100 ms of CPU time: sleeping
 *               does not count, computing does
 *
 * Each expiry becomes a record: code SI_TIMER, value = the cookie, and
 * status = the overrun count: how many more expirations happened while the
 * signal could not be delivered. At the end the program blocks the signal
 * for 200 ms: the heartbeat keeps expiring, the kernel keeps one delivery
 * pending and counts the rest as overruns.
 *
 * Run: ./timers
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (clock_gettime, nanosleep) in strict C99 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sigx.h>

enum { HEARTBEAT = 1, WALL_CLOCK = 2, CPU_BUDGET = 3 };
#define MS 1000000ull

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

static uint64_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Do some work: about a millisecond of CPU time. */
static void compute(void)
{
    volatile uint64_t sink = 0;
    uint64_t end = clock_ns(CLOCK_PROCESS_CPUTIME_ID) + MS;
    while (clock_ns(CLOCK_PROCESS_CPUTIME_ID) < end)
        for (int i = 0; i < 1000; i++)
            sink += (uint64_t)i;
}

static int ticks, wall_fired, cpu_fired;

/* One timer record. */
static void report(const sigx_info *info, uint64_t start_ns)
{
    double at_ms = (double)(info->time_ns - start_ns) / 1e6;
    switch (info->value) {
    case HEARTBEAT:
        if (++ticks <= 3)
            printf("heartbeat  (MONOTONIC, every 50 ms): tick %d at %.0f ms, overrun %d\n",
                   ticks, at_ms, info->status);
        break;
    case WALL_CLOCK:
        wall_fired = 1;
        printf("wall clock (REALTIME, absolute): the set wall-clock time was reached at %.0f ms\n",
               at_ms);
        break;
    case CPU_BUDGET:
        cpu_fired = 1;
        printf("CPU budget (PROCESS_CPU, 100 ms of CPU): used up at %.0f ms\n", at_ms);
        break;
    default:
        printf("unexpected record: value %llu\n", (unsigned long long)info->value);
    }
}

int main(void)
{
    int sig = SIGRTMIN, heartbeat, wall, cpu;
    sigx_info info;

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* One signal for all three timers; the cookie says which one fired. */
    check(sigx_install(sig, 0), "sigx_install");
    check(sigx_timer_create(sig, SIGX_CLOCK_MONOTONIC, 0, HEARTBEAT, &heartbeat), "create heartbeat");
    check(sigx_timer_create(sig, SIGX_CLOCK_REALTIME, 0, WALL_CLOCK, &wall), "create wall clock");
    check(sigx_timer_create(sig, SIGX_CLOCK_PROCESS_CPU, 0, CPU_BUDGET, &cpu), "create CPU budget");

    uint64_t start = clock_ns(CLOCK_MONOTONIC);
    /* Every 50 ms, from 50 ms on. */
    check(sigx_timer_set(heartbeat, 50 * MS, 50 * MS, 0), "set heartbeat");
    /* At a wall-clock time: now + 300 ms, as an absolute REALTIME value. */
    check(sigx_timer_set(wall, clock_ns(CLOCK_REALTIME) + 300 * MS, 0, SIGX_TIMER_ABSTIME),
          "set wall clock");
    /* After 100 ms of CPU time used by the whole process. */
    check(sigx_timer_set(cpu, 100 * MS, 0, 0), "set CPU budget");

    /* Compute until the CPU budget is used up, taking records as they come;
     * then wait (no CPU) for the wall clock. */
    while (!cpu_fired) {
        compute();
        while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK)
            report(&info, start);
    }
    while (!wall_fired) {
        check(sigx_wait(SIGX_BIT(sig), &info, 10000), "sigx_wait");
        report(&info, start);
    }
    printf("%d heartbeats so far\n", ticks);

    /* Block the signal for 200 ms: about four heartbeats expire, one
     * delivery waits in the kernel and carries the others as overruns. A
     * wait takes blocked signals straight from the kernel. */
    check(sigx_block(SIGX_BIT(sig), NULL), "sigx_block");
    while (sigx_wait(SIGX_BIT(sig), &info, 0) == SIGX_OK) {
    }
    struct timespec pause_ts = {0, 200 * 1000000L};
    while (nanosleep(&pause_ts, &pause_ts) != 0) {
    }
    check(sigx_wait(SIGX_BIT(sig), &info, 10000), "sigx_wait");
    printf("signal blocked for 200 ms: one heartbeat record, overrun %d (%d expirations)\n",
           info.status, info.status + 1);
    check(sigx_unblock(SIGX_BIT(sig), NULL), "sigx_unblock");

    uint64_t left = 0, every = 0;
    check(sigx_timer_get(heartbeat, &left, &every), "sigx_timer_get");
    printf("heartbeat: next in %llu ms, every %llu ms\n", (unsigned long long)((left + MS - 1) / MS),
           (unsigned long long)(every / MS));
    check(sigx_timer_delete(heartbeat), "delete");
    check(sigx_timer_delete(wall), "delete");
    check(sigx_timer_delete(cpu), "delete");
    printf("deleted: timer %d is gone (%s)\n", heartbeat,
           sigx_strerror(sigx_timer_get(heartbeat, NULL, NULL)));
    return 0;
}
