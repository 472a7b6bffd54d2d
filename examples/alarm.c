/* alarm: ask the kernel for a SIGALRM after a delay, and handle it in an
 * ordinary function.
 *
 * A real signal handler interrupts the program at any instruction, so it may
 * do almost nothing safely: no printf, no malloc, no locks. sigx's own
 * handler only records the signal in a queue. You register a *callback* with
 * sigx_on(), and sigx_dispatch() calls it later, in normal context, from the
 * thread that dispatches: there it may print, allocate, lock, anything.
 *
 * sigx_alarm(delay_ms, interval_ms, ...) arms the process's one real-time
 * timer (the one alarm(2) and setitimer(2) use). When it expires, the
 * kernel sends SIGALRM. The default action of SIGALRM is to terminate the
 * process, so register the callback *before* arming the alarm.
 *
 * Run: ./alarm
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (SIGALRM) in strict C99 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <sigx.h>

/* Every sigx call returns SIGX_OK (0) or a negative status code. */
static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

/* The callback: runs inside sigx_dispatch(), not inside the signal handler,
 * so printf is fine here. `info` describes the delivery; `user` is the
 * pointer we gave to sigx_on(). */
static void on_alarm(const sigx_info *info, void *user)
{
    int *went_off = user;
    printf("Alarm went off! (%s, delivery #%llu)\n", sigx_name(info->signo),
           (unsigned long long)info->seq);
    *went_off = 1;
}

int main(void)
{
    int went_off = 0;
    const int delay_ms = 200;

    /* 1. Catch SIGALRM and say what to do with it. */
    check(sigx_on(SIGALRM, on_alarm, &went_off), "sigx_on");

    /* 2. Arm the alarm: once, after delay_ms (interval 0 = no repeat). */
    printf("Setting an alarm for %d ms...\n", delay_ms);
    check(sigx_alarm(delay_ms, 0, NULL), "sigx_alarm");

    /* 3. Wait for it. sigx_dispatch() sleeps until a signal with a callback
     *    has arrived, runs the callbacks, and returns how many ran. The
     *    timeout (ms) is generous: we only want to avoid waiting forever. */
    while (!went_off) {
        int ran = sigx_dispatch(10000);
        if (ran == SIGX_ERR_TIMEOUT) {
            fprintf(stderr, "no alarm after 10 s?\n");
            return 1;
        }
        check(ran, "sigx_dispatch");
    }
    printf("Back in main: done.\n");
    return 0;
}
