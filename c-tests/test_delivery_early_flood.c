/* A flood before the first wait, and what idle queues cost (issue #11;
 * SIGX_CAPACITY_DEFAULT and sigx_wait in sigx.h).
 *
 * The default capacity is 65,536 records (SIGX_CAPACITY_DEFAULT; the most
 * is SIGX_CAPACITY_MAX, 1,048,576), and memory is touched only as records
 * wait:
 *   1. eight signals installed with the default capacity, and one record
 *      queued in each, add well under 2 MB of resident memory (VmRSS);
 *   2. SIGRTMIN+1 installed with the default capacity and blocked, a forked
 *      child queues FLOOD (60,000) deliveries and exits, then the program
 *      unblocks the signal as examples/threads.c does: every delivery is
 *      recorded (queued == FLOOD, dropped == 0) and the waits that follow
 *      return all of them, in the order sent;
 *   3. the same with SIGRTMIN+2, but the program starts waiting with the
 *      signal still blocked: the waits take the deliveries from the kernel,
 *      all of them, and leave the program's mask as it was. */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"
#include "reliability.h"

#include <signal.h>
#include <unistd.h>

#define WAIT_MS 10000
#define RSS_SIGNALS 8
#define RSS_LIMIT_KB 2048

static long flood;

static long vm_rss_kb(void)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ASSERT_SYS(fd);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    ASSERT_SYS(n);
    close(fd);
    buf[n] = 0;
    const char *p = strstr(buf, "VmRSS:");
    ASSERT_TRUE(p != NULL);
    return strtol(p + 6, NULL, 10);
}

static void capacity_macros(void)
{
    ASSERT_EQ(SIGX_CAPACITY_DEFAULT, 65536);
    ASSERT_EQ(SIGX_CAPACITY_MAX, 1048576);
    int spare = sigx_rtmin() + 12; /* never installed here */
    ASSERT_OK(sigx_set_capacity(spare, SIGX_CAPACITY_MAX));
    ASSERT_EQ(sigx_set_capacity(spare, (uint32_t)SIGX_CAPACITY_MAX + 1), SIGX_ERR_ARGUMENT);
    ASSERT_OK(sigx_set_capacity(spare, SIGX_CAPACITY_DEFAULT));
}

static void idle_queues_are_cheap(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    const int instrumented = 1;
#else
    const int instrumented = 0;
#endif
    if (instrumented || getenv("SIGX_VALGRIND") != NULL) {
        /* Shadow memory and the tools' own allocators grow VmRSS too. */
        printf("# resident memory not measured under a sanitizer or valgrind\n");
        return;
    }
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(0, &st)); /* the library is loaded and set up */
    const long before = vm_rss_kb();
    int first = sigx_rtmin() + 3;
    for (int s = first; s < first + RSS_SIGNALS; s++)
        ASSERT_OK(sigx_install(s, 0));
    const long installed = vm_rss_kb();
    for (int s = first; s < first + RSS_SIGNALS; s++)
        ASSERT_OK(sigx_raise(s));
    const long one_each = vm_rss_kb();
    printf("resident memory: %ld kB, %+ld kB with %d signals installed, %+ld kB with a record "
           "in each\n", before, installed - before, RSS_SIGNALS, one_each - before);
    ASSERT_LT(installed - before, RSS_LIMIT_KB);
    ASSERT_LT(one_each - before, RSS_LIMIT_KB);
    for (int s = first; s < first + RSS_SIGNALS; s++) {
        sigx_info info;
        ASSERT_OK(sigx_wait(SIGX_BIT(s), &info, 0));
        ASSERT_EQ(info.signo, s);
        ASSERT_EQ(sigx_wait(SIGX_BIT(s), &info, 0), SIGX_ERR_TIMEOUT);
        ASSERT_OK(sigx_uninstall(s));
    }
}

/* Queue the whole flood in the kernel while `sig` is blocked in this (only)
 * thread; the sender has exited when this returns. */
static pid_t queue_flood(int sig)
{
    pid_t sender = flood_fork(getpid(), sig, 0, flood, NULL);
    reap_clean(sender, "sender");
    uint64_t pending = 0;
    ASSERT_OK(sigx_kernel_pending(&pending));
    ASSERT_TRUE(pending & SIGX_BIT(sig));
    return sender;
}

/* Take every record of `sig`; they come in the order sent. */
static void take_all(const char *what, int sig, pid_t sender, int64_t timeout_ms)
{
    uint64_t returned = 0, dropped = 0;
    sigx_info info;
    while (returned < (uint64_t)flood) {
        int rc = sigx_wait(SIGX_BIT(sig), &info, timeout_ms);
        if (rc != SIGX_OK) {
            sigx_stats st;
            ASSERT_OK(sigx_stats_get(sig, &st));
            TEST_FAIL_("%s: sigx_wait returned %d (%s) after %llu of %ld; delivered %llu, "
                       "queued %llu, dropped %llu", what, rc, sigx_strerror(rc),
                       (unsigned long long)returned, flood, (unsigned long long)st.delivered,
                       (unsigned long long)st.queued, (unsigned long long)st.dropped);
        }
        ASSERT_EQ(info.signo, sig);
        ASSERT_EQ(info.code, SI_QUEUE);
        ASSERT_EQ(info.pid, sender);
        ASSERT_U64_EQ(info.value, returned);
        dropped += info.dropped;
        returned++;
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 0), SIGX_ERR_TIMEOUT);
    sigx_stats st = expect_identity(sig, returned);
    ASSERT_U64_EQ(dropped, 0);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(st.delivered, (uint64_t)flood);
}

int main(void)
{
    roomy_sigpending();
    ASSERT_OK(sigx_setmask(0, NULL));
    capacity_macros();
    idle_queues_are_cheap();

    /* The whole flood sits in the kernel at once: keep it within what the
     * user's RLIMIT_SIGPENDING leaves (root raised it above). */
    flood = flood_size(60000, 2000);
    long queued = 0, limit = 0;
    if (rel_user_sigq(&queued, &limit) && limit - queued < flood + 1024) {
        printf("# only %ld pending signals allowed (%ld in use): flood reduced\n", limit, queued);
        flood = (limit - queued) / 2;
    }

    /* 2: block, flood, unblock, then wait. */
    int sig = sigx_rtmin() + 1;
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_block(SIGX_BIT(sig), NULL));
    pid_t sender = queue_flood(sig);
    ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL));
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    printf("unblocked after a flood of %ld: delivered %llu, queued %llu, dropped %llu\n", flood,
           (unsigned long long)st.delivered, (unsigned long long)st.queued,
           (unsigned long long)st.dropped);
    ASSERT_U64_EQ(st.delivered, (uint64_t)flood);
    ASSERT_U64_EQ(st.queued, (uint64_t)flood);
    ASSERT_U64_EQ(st.dropped, 0);
    take_all("unblock, then wait", sig, sender, 0);

    /* 3: block, flood, wait with the signal still blocked. */
    sig = sigx_rtmin() + 2;
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_setmask(SIGX_BIT(sig), NULL));
    const uint64_t set_sigblk = thread_sigblk(0);
    sender = queue_flood(sig);
    take_all("wait while blocked", sig, sender, WAIT_MS);
    uint64_t mask = 0, pending = 0;
    ASSERT_OK(sigx_block(0, &mask));
    ASSERT_U64_EQ(mask, SIGX_BIT(sig));
    ASSERT_U64_EQ(thread_sigblk(0), set_sigblk);
    ASSERT_OK(sigx_kernel_pending(&pending));
    ASSERT_U64_EQ(pending & SIGX_BIT(sig), 0);
    printf("waits with the signal blocked took all %ld from the kernel\n", flood);

    TEST_PASS("test_delivery_early_flood");
    return 0;
}
