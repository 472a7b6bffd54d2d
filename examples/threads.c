/* threads: signal handling in a program with threads, without losing any.
 *
 * The kernel delivers a signal sent to the process to *any* thread that
 * does not block it. If that is a worker in the middle of its job, its
 * system calls may fail with EINTR, and nothing it holds is safe to touch
 * from a handler. The pattern that avoids all of this, and loses nothing
 * however many signals arrive:
 *
 *   1. block the signals in main *before* creating threads (a new thread
 *      starts with its creator's mask, so every worker has them blocked);
 *   2. create the workers;
 *   3. keep them blocked everywhere, main included, and wait for them in
 *      one thread with sigx_wait(). For signals the calling thread blocks,
 *      sigx_wait takes the deliveries straight from the kernel, which queues
 *      real-time signals for us (up to RLIMIT_SIGPENDING; a sender then gets
 *      EAGAIN and may retry, which is back-pressure, not loss). Main acts on
 *      them in normal context: it may lock mutexes, signal condition
 *      variables, join threads.
 *
 * The workers report finished jobs with a real-time "work signal" carrying a
 * value (worker number and job number), and each sends a burst of progress
 * signals as fast as it can: main counts every one of them. When all jobs
 * are reported, a child process sends SIGTERM, as `kill` or a service
 * manager would, and main stops the workers cleanly.
 *
 * Run: ./threads
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (pthreads, fork) in strict C99 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sigx.h>

#define WORKERS 3
#define JOBS 3
#define BURST 5000 /* progress signals per worker */

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

static uint64_t signal_mask;     /* the signals main handles */
static int work_signal;          /* SIGRTMIN + 1 */
static int progress_signal;      /* SIGRTMIN + 2 */

/* sigqueue, retried while the kernel's queue of pending signals is full. */
static void send_retry(int signo, uint64_t value)
{
    int rc;
    while ((rc = sigx_send(getpid(), signo, value)) == SIGX_ERR_SYSTEM && errno == EAGAIN)
        sched_yield();
    check(rc, "sigx_send");
}
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;
static int stopping;             /* protected by lock */

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint64_t blocked;
    int job;

    check(sigx_block(0, &blocked), "sigx_block"); /* mask 0: only read */
    printf("worker %d: signals blocked in this thread: %s\n", id,
           (blocked & signal_mask) == signal_mask ? "yes" : "NO");
    for (job = 0; job < JOBS; job++) {
        int i;
        /* ... the job itself, reporting progress ... then its end. */
        for (i = 0; i < BURST / JOBS + (job < BURST % JOBS); i++)
            send_retry(progress_signal, (uint64_t)i);
        send_retry(work_signal, (uint64_t)(id * 100 + job));
    }
    /* Idle until main says stop; a signal never interrupts this wait. */
    pthread_mutex_lock(&lock);
    while (!stopping)
        pthread_cond_wait(&stop_cond, &lock);
    pthread_mutex_unlock(&lock);
    printf("worker %d: stopped\n", id);
    return NULL;
}

int main(void)
{
    pthread_t threads[WORKERS];
    pid_t killer = -1;
    int i, reports = 0;
    long progress = 0, dropped = 0;
    sigx_info info;

    setvbuf(stdout, NULL, _IOLBF, 0);
    work_signal = sigx_rtmin() + 1;
    progress_signal = sigx_rtmin() + 2;
    signal_mask = SIGX_BIT(work_signal) | SIGX_BIT(progress_signal) | SIGX_BIT(SIGTERM);
    check(sigx_install(work_signal, 0), "sigx_install");
    check(sigx_install(progress_signal, 0), "sigx_install");
    check(sigx_install(SIGTERM, 0), "sigx_install");

    check(sigx_block(signal_mask, NULL), "sigx_block"); /* 1. */
    for (i = 0; i < WORKERS; i++)                        /* 2. */
        if (pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i) != 0)
            return 1;

    for (;;) {                                           /* 3. */
        check(sigx_wait(signal_mask, &info, 10000), "sigx_wait");
        dropped += (long)info.dropped;
        if (info.signo == progress_signal) {
            progress++;
            continue;
        }
        if (info.signo == SIGTERM) {
            printf("main: SIGTERM from pid %d: stopping the workers\n", (int)info.pid);
            /* The kernel hands out lower signal numbers first, so progress
             * signals may still be queued: take the rest without waiting. */
            while (sigx_wait(SIGX_BIT(progress_signal), &info, 0) == SIGX_OK) {
                dropped += (long)info.dropped;
                progress++;
            }
            printf("main: %ld progress signals received, %ld dropped\n", progress, dropped);
            break;
        }
        printf("main: %s value %llu: worker %d finished job %d\n", sigx_name(info.signo),
               (unsigned long long)info.value, (int)(info.value / 100),
               (int)(info.value % 100));
        if (++reports == WORKERS * JOBS) {
            printf("main: all %d jobs reported; a child will send SIGTERM\n", reports);
            killer = fork();
            if (killer == 0) {
                kill(getppid(), SIGTERM);
                _exit(0);
            }
        }
    }

    /* Normal context: locking and joining are fine here. */
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_broadcast(&stop_cond);
    pthread_mutex_unlock(&lock);
    for (i = 0; i < WORKERS; i++)
        pthread_join(threads[i], NULL);
    if (killer > 0)
        waitpid(killer, NULL, 0);
    printf("main: all workers joined, clean exit\n");
    return 0;
}
