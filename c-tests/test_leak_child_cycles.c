/* sigx_child_watch (sigx.h): watches hold close-on-exec descriptors and none is
 * left behind. 10,000 cycles of fork, watch, exit and record (alternately
 * with and without SIGX_CHILD_REAP, the exit before or after the watch)
 * leave the process with the descriptors it had after the first cycle
 * (the first watch creates sigx's epoll instance), and no zombie. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void cycle(long i)
{
    int gate[2];
    pid_t kid;
    sigx_info info;
    uint32_t flags = (i % 2) ? SIGX_CHILD_REAP : 0;
    ASSERT_SYS(pipe(gate));
    kid = spawn_gated(gate, CHILD_EXIT, (int)(i % 100));
    if (i % 4 < 2) {
        ASSERT_OK(sigx_child_watch(kid, flags));
        ASSERT_SYS(close(gate[1]));
    } else {
        ASSERT_SYS(close(gate[1]));
        ASSERT_TRUE(still_waitable(kid));
        ASSERT_OK(sigx_child_watch(kid, flags));
    }
    ASSERT_SYS(close(gate[0]));
    do
        ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 30000));
    while (info.pid != kid || info.code != CLD_EXITED);
    ASSERT_EQ(info.status, (int)(i % 100));
    if (!flags)
        ASSERT_EQ(waitpid(kid, NULL, 0), kid);
}

int main(void)
{
    long n = flood_size(10000, 200);
    int pidfds = -1, baseline;
    sigx_info info;
    roomy_sigpending();
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    if (!children_supported("test_leak_child_cycles"))
        exit(0);
    cycle(0);
    baseline = count_fds(&pidfds);
    ASSERT_EQ(pidfds, 0);
    for (long i = 1; i < n; i++)
        cycle(i);
    while (!sigchld_quiet_in_kernel()) {
    }
    while (sigx_wait(SIGX_BIT(SIGCHLD), &info, 0) == SIGX_OK) {
    }
    ASSERT_EQ(count_fds(&pidfds), baseline);
    ASSERT_EQ(pidfds, 0);
    errno = 0;
    ASSERT_EQ(waitpid(-1, NULL, WNOHANG), -1);
    ASSERT_EQ(errno, ECHILD);
    printf("%ld cycles, %d descriptors before and after\n", n, baseline);
    TEST_PASS("test_leak_child_cycles");
    return 0;
}
