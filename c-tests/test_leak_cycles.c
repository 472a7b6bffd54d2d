/* No slow leaks: thousands of cycles through the whole API (install,
 * deliveries, waits, callbacks and dispatch, ignore/default/uninstall, the
 * eventfd, figures, look-ups, forks) must leave the heap in use and the set
 * of open file descriptors exactly where one warm-up cycle left them.
 *
 * Heap use is glibc's mallinfo2().uordblks (bytes in use). A queue is
 * allocated once per signal and kept for reuse by design, so the warm-up
 * cycle pays for every queue first; after that nothing may grow. Changing a
 * signal's capacity back and forth is the one documented exception (the old
 * queue is kept, since a handler might still read it) and is not done here.
 * Under ASan and valgrind mallinfo2 reports nothing useful; their own leak
 * checks cover those runs. */
#include "test.h"
#include "reliability.h"

#include <dirent.h>
#include <malloc.h>
#include <sys/wait.h>

static long callback_runs;

static void count_callback(const sigx_info *info, void *user)
{
    (void)info;
    (void)user;
    callback_runs++;
}

static void one_cycle(int rt, int with_fork)
{
    sigx_info info;
    sigx_stats st;
    const int sigs[] = {SIGUSR1, SIGUSR2, rt, rt + 1};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        int s = sigs[i];
        ASSERT_OK(sigx_install(s, (uint32_t)(i % 2 ? SIGX_INTERRUPT : 0)));
        ASSERT_OK(rel_raise(s));
        ASSERT_OK(sigx_wait(SIGX_BIT(s), &info, 10000));
        ASSERT_OK(sigx_on(s, count_callback, NULL));
        ASSERT_OK(rel_raise(s));
        ASSERT_TRUE(sigx_dispatch(10000) >= 1);
        ASSERT_OK(sigx_on(s, NULL, NULL));
        ASSERT_OK(sigx_ignore(s));
        ASSERT_OK(sigx_default(s));
        ASSERT_OK(sigx_uninstall(s));
        ASSERT_OK(sigx_stats_get(s, &st));
        ASSERT_EQ(sigx_wait(SIGX_BIT(s), &info, 0), SIGX_ERR_NOT_INSTALLED);
    }
    /* A full queue: the drop path, then a drain. */
    ASSERT_OK(sigx_install(rt + 2, 0));
    for (int i = 0; i < 10; i++)
        ASSERT_OK(rel_raise(rt + 2));
    while (sigx_wait(SIGX_BIT(rt + 2), &info, 0) == SIGX_OK) {
    }
    ASSERT_OK(sigx_uninstall(rt + 2));
    ASSERT_TRUE(sigx_fd() >= 0);
    ASSERT_EQ(sigx_number("SIGRTMIN+3"), rt + 3);
    ASSERT_TRUE(sigx_name(rt) != NULL);
    ASSERT_EQ(sigx_number("no such signal"), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_install(SIGKILL, 0), SIGX_ERR_UNCATCHABLE);
    uint64_t remaining;
    ASSERT_OK(sigx_alarm(0, 0, &remaining));
    if (with_fork) {
        fflush(NULL);
        pid_t pid = fork();
        ASSERT_SYS(pid);
        if (pid == 0) {
            /* The child replaces the eventfd; it must not leak in either. */
            _exit(sigx_fd() >= 0 ? 0 : 1);
        }
        reap_clean(pid, "child");
    }
}

int main(void)
{
    const int rt = sigx_rtmin();
    const long cycles = rel_scaled(20000, 100);
    ASSERT_OK(sigx_set_capacity(rt + 2, 4));

    /* Warm-up: every queue, the descriptors, stdio buffers, and the
     * allocator's caches (a callback registration is a small allocation
     * freed again; glibc's per-size cache may keep one more chunk after the
     * second cycle than after the first, counted as "in use"). */
    one_cycle(rt, 1);
    one_cycle(rt, 1);
    size_t heap_before = mallinfo2().uordblks;
    int fds_before = open_fds();

    for (long c = 0; c < cycles; c++)
        one_cycle(rt, c % 50 == 0);

    size_t heap_after = mallinfo2().uordblks;
    int fds_after = open_fds();
    ASSERT_EQ(fds_after, fds_before);
    if (heap_after != heap_before)
        TEST_FAIL_("heap in use grew from %zu to %zu bytes over %ld cycles", heap_before,
                   heap_after, cycles);
    ASSERT_EQ(callback_runs, 4 * (cycles + 2));
    printf("leak: %ld cycles (%ld callbacks, %ld forks): heap in use %zu -> %zu bytes, "
           "%d -> %d descriptors\n",
           cycles, callback_runs, cycles / 50 + 2, heap_before, heap_after, fds_before,
           fds_after);
    TEST_PASS("test_leak_cycles");
    return 0;
}
