/* fork and timers: the child has no timers and no deadline (the kernel
 * copies none), the parent's ids are SIGX_ERR_NOT_FOUND there and its new
 * ids are new ones; the parent's timers and deadline are untouched. Forked
 * from a threaded process whose other thread holds a timer too. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MS 1000000ull

static int thread_id = -1;
static int go[2], done[2];

/* A thread with a thread timer of its own, alive across the fork. */
static void *holder(void *arg)
{
    char c;
    (void)arg;
    ASSERT_OK(sigx_timer_create(SIGRTMIN + 6, SIGX_CLOCK_MONOTONIC, SIGX_TIMER_THREAD, 1,
                                &thread_id));
    ASSERT_OK(sigx_timer_set(thread_id, 3600000 * MS, 0, 0));
    ASSERT_OK(sigx_deadline(SIGUSR2, 3600000));
    ASSERT_EQ(write(go[1], "g", 1), 1);
    while (read(done[0], &c, 1) < 0)
        ASSERT_EQ(errno, EINTR);
    ASSERT_OK(sigx_deadline(SIGUSR2, -1));
    return NULL;
}

int main(void)
{
    int ids[3];
    pthread_t t;
    char c;
    roomy_sigpending();
    ASSERT_OK(sigx_install(SIGRTMIN + 6, 0));
    ASSERT_OK(sigx_install(SIGUSR2, SIGX_INTERRUPT));
    ASSERT_SYS(pipe(go));
    ASSERT_SYS(pipe(done));
    ASSERT_EQ(pthread_create(&t, NULL, holder, NULL), 0);
    ASSERT_EQ(read(go[0], &c, 1), 1);
    ASSERT_OK(sigx_timer_create(SIGRTMIN + 6, SIGX_CLOCK_MONOTONIC, 0, 2, &ids[0]));
    ASSERT_OK(sigx_timer_create(SIGRTMIN + 6, SIGX_CLOCK_REALTIME, SIGX_TIMER_THREAD, 3, &ids[1]));
    ASSERT_OK(sigx_timer_create(SIGRTMIN + 6, SIGX_CLOCK_PROCESS_CPU, 0, 4, &ids[2]));
    for (int i = 0; i < 3; i++)
        ASSERT_OK(sigx_timer_set(ids[i], 3600000 * MS, 0, 0));
    ASSERT_OK(sigx_deadline(SIGUSR2, 3600000));
    ASSERT_EQ(proc_timers(), 6); /* 4 timers, 2 deadlines */

    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        uint64_t left = 99;
        int fresh = -1;
        ASSERT_EQ(proc_timers(), 0);
        for (int i = 0; i < 3; i++) {
            ASSERT_EQ(sigx_timer_get(ids[i], &left, NULL), SIGX_ERR_NOT_FOUND);
            ASSERT_EQ(sigx_timer_set(ids[i], MS, 0, 0), SIGX_ERR_NOT_FOUND);
            ASSERT_EQ(sigx_timer_delete(ids[i]), SIGX_ERR_NOT_FOUND);
        }
        ASSERT_EQ(sigx_timer_delete(thread_id), SIGX_ERR_NOT_FOUND);
        ASSERT_U64_EQ(left, 99);
        ASSERT_EQ(sigx_deadline_expired(), 0);
        /* New ids never repeat the parent's. */
        ASSERT_OK(sigx_timer_create(SIGRTMIN + 6, SIGX_CLOCK_MONOTONIC, 0, 5, &fresh));
        ASSERT_GT(fresh, ids[2]);
        ASSERT_GT(fresh, thread_id);
        /* Timers and deadlines work in the child. */
        sigx_info info;
        ASSERT_OK(sigx_timer_set(fresh, MS, 0, 0));
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGRTMIN + 6), &info, 10000));
        ASSERT_U64_EQ(info.value, 5);
        ASSERT_OK(sigx_deadline(SIGUSR2, 0));
        ASSERT_EQ(sigx_deadline_expired(), 1);
        ASSERT_OK(sigx_deadline(SIGUSR2, -1));
        ASSERT_OK(sigx_timer_delete(fresh));
        ASSERT_EQ(proc_timers(), 0);
        fflush(NULL);
        _exit(0);
    }
    reap_clean(pid, "forked child");
    TEST_PASS("the child has no timers, no deadline, and new ids");

    /* The parent's are all there. */
    ASSERT_EQ(proc_timers(), 6);
    for (int i = 0; i < 3; i++) {
        uint64_t left = 0;
        ASSERT_OK(sigx_timer_get(ids[i], &left, NULL));
        ASSERT_GT(left, 0);
        ASSERT_OK(sigx_timer_delete(ids[i]));
    }
    ASSERT_OK(sigx_deadline(SIGUSR2, -1));
    ASSERT_EQ(write(done[1], "d", 1), 1);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(proc_timers(), 0); /* the thread's timer went with it */
    ASSERT_EQ(sigx_timer_get(thread_id, NULL, NULL), SIGX_ERR_NOT_FOUND);
    TEST_PASS("the parent keeps its timers and deadlines");
    return 0;
}
