/*
 * sigx benchmarks: the flood sender, the same program for every mechanism.
 *
 *   bench_sender <pid> <count> <data signo> <marker signo> <go fd> <ack fd> <result fd> <cpu>
 *
 * Pins itself to <cpu>, waits for one byte on <go fd>, then sigqueue()s
 * <count> <data signo> to <pid> with the values 0..count-1 (retrying on
 * EAGAIN: the kernel's queue of pending real-time signals is full). Then it
 * sends <marker signo> (value = count) until the receiver writes a byte to
 * <ack fd>: a mechanism that loses deliveries may lose the marker too, so it
 * is sent again every millisecond. Finally it writes how many EAGAINs it
 * saw (a uint64_t) to <result fd>.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "bench_sender: %s: %s\n", what, strerror(errno));
    exit(2);
}

static uint64_t eagain;

static void send_one(pid_t pid, int signo, uint64_t value)
{
    union sigval sv;
    memset(&sv, 0, sizeof sv);
    sv.sival_ptr = (void *)(uintptr_t)value;
    while (sigqueue(pid, signo, sv) != 0) {
        if (errno != EAGAIN)
            die("sigqueue");
        eagain++;
        sched_yield();
    }
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "bench_sender: wrong arguments (run by the bench harness)\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    uint64_t n = strtoull(argv[2], NULL, 10);
    int data = atoi(argv[3]), marker = atoi(argv[4]);
    int go = atoi(argv[5]), ack = atoi(argv[6]), res = atoi(argv[7]);
    int cpu = atoi(argv[8]);

    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        die("sched_setaffinity");

    char c;
    ssize_t r;
    while ((r = read(go, &c, 1)) < 0 && errno == EINTR) {
    }
    if (r != 1)
        return 2; /* the receiver went away before starting */

    for (uint64_t v = 0; v < n; v++)
        send_one(pid, data, v);

    /* The marker, again and again until acknowledged (at most ~60 s). */
    for (int tries = 0;; tries++) {
        send_one(pid, marker, n);
        struct pollfd p = {.fd = ack, .events = POLLIN, .revents = 0};
        int k = poll(&p, 1, 1);
        if (k > 0)
            break;
        if (k < 0 && errno != EINTR)
            die("poll");
        if (tries > 60000) {
            fprintf(stderr, "bench_sender: no acknowledgement\n");
            return 2;
        }
    }
    while (write(res, &eagain, sizeof eagain) < 0 && errno == EINTR) {
    }
    return 0;
}
