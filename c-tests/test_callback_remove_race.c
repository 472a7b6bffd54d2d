/* "Once sigx_on(signo, NULL) has returned, the old callback never starts
 * again", under load: a child floods SIGUSR1, one thread dispatches in a
 * loop, and the main thread registers and removes the callback over and
 * over. Each registration passes its generation number as the user pointer;
 * right after removal returns, main publishes that generation as removed.
 * A callback that starts for a removed generation, or is still running
 * when the removal has returned, is a failure. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#define GENERATIONS 20000
#define WAIT_MS 10000

static uintptr_t removed_gen; /* every generation <= this one was removed */
static int in_callback;       /* 1 while a callback body runs */
static long calls;
static uintptr_t last_called_gen;
static long late_starts;
static int stop;

static void cb(const sigx_info *info, void *user)
{
    uintptr_t gen = (uintptr_t)user;
    volatile unsigned spin;
    (void)info;
    __atomic_store_n(&in_callback, 1, __ATOMIC_SEQ_CST);
    if (gen <= __atomic_load_n(&removed_gen, __ATOMIC_SEQ_CST))
        __atomic_fetch_add(&late_starts, 1, __ATOMIC_SEQ_CST);
    /* Take a little time, so that removals often land mid-call. */
    for (spin = 0; spin < 2000; spin++)
        ;
    __atomic_store_n(&last_called_gen, gen, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&calls, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&in_callback, 0, __ATOMIC_SEQ_CST);
}

static void *dispatcher(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
        int rc = sigx_dispatch(50);
        if (rc == SIGX_ERR_NOT_INSTALLED)
            sched_yield(); /* between generations: no callback at all */
        else if (rc != SIGX_ERR_TIMEOUT)
            ASSERT_GE(rc, 0);
    }
    return NULL;
}

int main(void)
{
    pthread_t thread;
    pid_t flooder;
    uintptr_t gen;
    int status;
    int waited_for_call = 0;

    /* Installed before the child starts, so no SIGUSR1 can kill us. */
    ASSERT_OK(sigx_install(SIGUSR1, 0));

    flooder = fork();
    ASSERT_SYS(flooder);
    if (flooder == 0) {
        pid_t parent = getppid();
        for (;;) {
            if (kill(parent, SIGUSR1) == -1)
                _exit(0); /* parent gone */
            sched_yield();
        }
    }

    ASSERT_EQ(pthread_create(&thread, NULL, dispatcher, NULL), 0);

    for (gen = 1; gen <= GENERATIONS; gen++) {
        ASSERT_OK(sigx_on(SIGUSR1, cb, (void *)gen));
        /* Every other generation, wait until its callback has run at least
         * once, so that removals race with calls in progress; otherwise
         * remove at once. */
        if (gen % 2 == 0) {
            long spins;
            for (spins = 0; spins < 100000000L; spins++) {
                if (__atomic_load_n(&last_called_gen, __ATOMIC_SEQ_CST) == gen)
                    break;
                sched_yield();
            }
            ASSERT_EQ(__atomic_load_n(&last_called_gen, __ATOMIC_SEQ_CST), gen);
            waited_for_call++;
        }
        ASSERT_OK(sigx_on(SIGUSR1, NULL, NULL));
        /* The removal has returned: no call of this generation may be in
         * progress, and none may start from now on. */
        ASSERT_EQ(__atomic_load_n(&in_callback, __ATOMIC_SEQ_CST), 0);
        __atomic_store_n(&removed_gen, gen, __ATOMIC_SEQ_CST);
        ASSERT_EQ(sigx_is_installed(SIGUSR1), 1);
    }

    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    ASSERT_EQ(pthread_join(thread, NULL), 0);
    ASSERT_SYS(kill(flooder, SIGKILL));
    status = wait_child(flooder);
    ASSERT_TRUE(WIFSIGNALED(status));

    printf("# %ld callbacks over %d generations\n", calls, GENERATIONS);
    ASSERT_EQ(late_starts, 0);
    ASSERT_EQ(waited_for_call, GENERATIONS / 2);
    ASSERT_GE(calls, GENERATIONS / 2);
    /* Nothing left to dispatch: the callback is gone. */
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    TEST_PASS("test_callback_remove_race");
    return 0;
}
