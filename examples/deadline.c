/* deadline: give up on a blocking call in *this* thread after a while.
 *
 * alarm() and sigx_alarm() send SIGALRM to the process, and the kernel
 * delivers it to whichever thread does not block it: in a threaded program
 * the wrong thread's read() may be the one interrupted. sigx_deadline(sig,
 * ms) arms a timer that sends `sig` to the calling thread only (a POSIX
 * timer with SIGEV_THREAD_ID). Installed with SIGX_INTERRUPT, the signal
 * makes that thread's blocking call fail with EINTR, and nobody else's.
 *
 * There is no race window: if the deadline expires just *before* the
 * thread enters read(), the next interruption (every few milliseconds,
 * until the deadline is cleared) still gets it out. Those repeats are
 * invisible: one record per deadline. So: set, call, clear.
 *
 * Four worker threads read from pipes that never get data, each with its
 * own deadline (100, 200, 300, 400 ms). The main thread meanwhile blocks in
 * read() on the pipe where the workers report: it is never interrupted.
 *
 * Run: ./deadline
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (pipe, clock_gettime) in strict C99 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sigx.h>

#define WORKERS 4

struct worker {
    int number;
    int64_t deadline_ms;
    int fds[2];         /* a pipe nobody writes to */
    double elapsed_ms;  /* how long read() blocked */
    int read_errno;     /* EINTR when the deadline cut it short */
    int expired;        /* sigx_deadline_expired() afterwards */
};

static int reports[2]; /* workers write their number here when done */

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    char buf[16];
    unsigned char me = (unsigned char)w->number;

    double start = now_ms();
    /* Set the deadline, make the blocking call, clear the deadline. */
    check(sigx_deadline(SIGUSR1, w->deadline_ms), "sigx_deadline");
    ssize_t n = read(w->fds[0], buf, sizeof buf);
    w->read_errno = n < 0 ? errno : 0;
    w->elapsed_ms = now_ms() - start;
    w->expired = sigx_deadline_expired(); /* our deadline, not another signal */
    check(sigx_deadline(SIGUSR1, -1), "sigx_deadline (clear)");

    if (write(reports[1], &me, 1) != 1)
        exit(1);
    return NULL;
}

int main(void)
{
    struct worker workers[WORKERS];
    pthread_t threads[WORKERS];
    sigx_info info;
    int records = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* SIGX_INTERRUPT: no SA_RESTART, so a blocking call fails with EINTR. */
    check(sigx_install(SIGUSR1, SIGX_INTERRUPT), "sigx_install");
    if (pipe(reports) < 0) {
        perror("pipe");
        return 1;
    }
    for (int i = 0; i < WORKERS; i++) {
        workers[i].number = i + 1;
        workers[i].deadline_ms = 100 * (i + 1);
        if (pipe(workers[i].fds) < 0) {
            perror("pipe");
            return 1;
        }
        if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }

    /* The main thread blocks in read() as well, until all four reported. */
    for (int done = 0; done < WORKERS; done++) {
        unsigned char number;
        if (read(reports[0], &number, 1) != 1) {
            printf("unexpected: the main thread's read failed (%s)\n", strerror(errno));
            return 1;
        }
    }
    for (int i = 0; i < WORKERS; i++) {
        struct worker *w = &workers[i];
        int on_time = w->elapsed_ms >= (double)w->deadline_ms &&
                      w->elapsed_ms < (double)w->deadline_ms + 1000.0;
        printf("worker %d: read() failed with %s after %.0f ms, deadline %lld ms: %s%s\n",
               w->number, w->read_errno == EINTR ? "EINTR" : strerror(w->read_errno),
               w->elapsed_ms, (long long)w->deadline_ms, on_time ? "on time" : "unexpected timing",
               w->expired ? "" : " (unexpected: deadline not expired)");
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_join(threads[i], NULL);
    printf("main thread: its own read() was never interrupted\n");

    /* One record per deadline (code SI_TIMER); the repeats left none. */
    while (sigx_wait(SIGX_BIT(SIGUSR1), &info, 0) == SIGX_OK)
        records += info.code == SI_TIMER;
    printf("%d deadline expiries recorded\n", records);
    return 0;
}
