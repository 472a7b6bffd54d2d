/* timeout: give up on a blocking read() after a while, using SIGALRM.
 *
 * When a signal arrives while a thread is blocked in a system call such as
 * read(), the kernel runs the signal handler and then either restarts the
 * call (the handler was installed with SA_RESTART, sigx's default) or makes
 * it fail with errno == EINTR. For a timeout we want the second behaviour:
 * install SIGALRM with SIGX_INTERRUPT, arm an alarm, call read(). Either the
 * data comes first (cancel the alarm), or the alarm does (read fails with
 * EINTR: "timed out").
 *
 * This suits a single-threaded program. In a threaded one, the kernel gives
 * SIGALRM to whichever thread does not block it, which may not be the one
 * in read(): use sigx_deadline() instead, which interrupts the calling
 * thread only and has no race window (see deadline.c).
 *
 * Run 1 reads from a pipe nobody writes to: it times out.
 * Run 2 has its data ready: the read finishes and the alarm is cancelled.
 *
 * Run: ./timeout
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (pipe, SIGALRM) in strict C99 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sigx.h>

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

/* read() that gives up after timeout_ms. Returns the byte count, or -1 with
 * errno == EINTR on timeout. */
static ssize_t read_with_timeout(int fd, char *buf, size_t len, uint64_t timeout_ms)
{
    uint64_t remaining = 0;
    ssize_t n;
    int saved_errno;

    /* The alarm repeats every timeout_ms as a safety net: on a busy machine
     * the first SIGALRM could land just *before* read() starts, and then
     * nothing would interrupt it. The next one will. */
    check(sigx_alarm(timeout_ms, timeout_ms, NULL), "sigx_alarm");
    n = read(fd, buf, len);
    saved_errno = errno; /* printf and friends may change errno */

    /* Done either way: cancel the alarm (delay 0). `remaining` says how much
     * of the current period was left. */
    check(sigx_alarm(0, 0, &remaining), "sigx_alarm");
    if (n >= 0)
        printf("  finished in time: alarm cancelled with %llu ms remaining\n",
               (unsigned long long)remaining);
    errno = saved_errno;
    return n;
}

/* The SIGALRM deliveries sigx recorded, taken out of its queue. */
static int drain_alarms(void)
{
    sigx_info info;
    int count = 0;
    while (sigx_wait(SIGX_BIT(SIGALRM), &info, 0) == SIGX_OK)
        count++;
    return count;
}

int main(void)
{
    int fds[2];
    char buf[64];
    ssize_t n;

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* No SA_RESTART: SIGALRM makes a blocked read() fail with EINTR. */
    check(sigx_install(SIGALRM, SIGX_INTERRUPT), "sigx_install");
    if (pipe(fds) < 0) {
        perror("pipe");
        return 1;
    }

    printf("Run 1: reading from a pipe nobody writes to (timeout 300 ms)\n");
    n = read_with_timeout(fds[0], buf, sizeof buf, 300);
    if (n < 0 && errno == EINTR)
        printf("  read() failed with EINTR: timed out (%d SIGALRM recorded)\n",
               drain_alarms());
    else
        printf("  unexpected: read returned %ld (%s)\n", (long)n, strerror(errno));

    printf("Run 2: the data is ready before the deadline (timeout 10000 ms)\n");
    if (write(fds[1], "hello", 5) != 5) {
        perror("write");
        return 1;
    }
    n = read_with_timeout(fds[0], buf, sizeof buf, 10000);
    if (n >= 0)
        printf("  read %ld bytes: \"%.*s\" (%d SIGALRM recorded)\n", (long)n,
               (int)n, buf, drain_alarms());
    else
        printf("  unexpected: read failed (%s)\n", strerror(errno));
    return 0;
}
