/* A signal sent to a child right after fork must not vanish (the top of
 * sigx.h: the child starts with empty queues; and nothing is lost silently).
 *
 * The parent sends a real-time signal to the child as soon as fork returns.
 * If the child has not run yet, the kernel delivers it at the child's first
 * return to user space, before glibc runs the pthread_atfork child hooks;
 * sigx's handler records it, and the hook that then empties the queues and
 * zeroes the figures must not take that record with it. The child, not the
 * parent, is the receiver: the signal did not exist before the fork. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 20
#define VALUE UINT64_C(0xea21e51)

/* In the child: the one signal the parent sends must arrive, counted. */
static int child_main(int sig)
{
    sigx_info info;
    sigx_stats st;
    int rc = sigx_wait(SIGX_BIT(sig), &info, 10000);
    if (sigx_stats_get(sig, &st) != SIGX_OK)
        return 2;
    if (rc != SIGX_OK) {
        fprintf(stderr, "child %d: sigx_wait: %s; delivered %llu\n", (int)getpid(),
                sigx_strerror(rc), (unsigned long long)st.delivered);
        return 3;
    }
    if (info.value != VALUE || info.pid != getppid() || st.delivered != 1)
        return 4;
    return 0;
}

int main(void)
{
    const int sig = SIGRTMIN + 9;
    roomy_sigpending(); /* see helpers.h */
    ASSERT_OK(sigx_install(sig, 0));
    for (int round = 0; round < ROUNDS; round++) {
        int status;
        pid_t child;
        fflush(stdout);
        fflush(stderr);
        child = fork();
        ASSERT_SYS(child);
        if (child == 0)
            _exit(child_main(sig));
        ASSERT_EQ(queue_retry(child, sig, VALUE), 0); /* at once */
        status = wait_child(child);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            TEST_FAIL_("round %d: the child lost the signal sent after fork "
                       "(exit status 0x%x)", round, status);
    }
    TEST_PASS("test_fork_early_signal");
    return 0;
}
