/* sigx_unblock and sigx_raise keep their promises during a flood (issue
 * #11; sigx_unblock and sigx_raise in sigx.h).
 *
 * While a forked sender floods a real-time signal at this (single-threaded)
 * program, which receives it with (A) a sigx_wait loop, then (B) a poll
 * loop on sigx_fd(), the program stops every so often and checks:
 *   - after sigx_block(bit) + sigx_unblock(bit), the bit is clear in the
 *     thread's mask, as sigx_block(0, &m) and /proc/self/task/<tid>/status
 *     (SigBlk) report it: what sigx_unblock was asked for is what holds;
 *   - sigx_raise(sig) of the unblocked signal has run the handler before it
 *     returns: `delivered` grew by at least one across the call (raise(3)
 *     semantics for an unblocked signal).
 * At the end every value of the flood and every raise came back once, the
 * accounting holds and nothing was dropped (below the default capacity). */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <unistd.h>

#define CHECKS 30
#define WAIT_MS 10000

static long flood;
static unsigned char *seen;

struct run {
    const char *style;
    int sig;
    pid_t sender;
    uint64_t returned, raised, raised_returned;
    int next_check;
};

static void raise_retry(int sig)
{
    int rc;
    while ((rc = sigx_raise(sig)) == SIGX_ERR_SYSTEM && errno == EAGAIN)
        sched_yield();
    ASSERT_OK(rc);
}

static void postconditions(struct run *r)
{
    const uint64_t bit = SIGX_BIT(r->sig);
    uint64_t m = 0;
    ASSERT_OK(sigx_block(bit, NULL));
    ASSERT_OK(sigx_unblock(bit, NULL));
    ASSERT_OK(sigx_block(0, &m));
    if (m & bit)
        TEST_FAIL_("%s, check %d: sigx_unblock returned SIGX_OK but the signal is blocked "
                   "(mask 0x%llx)", r->style, r->next_check, (unsigned long long)m);
    m = thread_sigblk(0);
    if (m & bit)
        TEST_FAIL_("%s, check %d: SigBlk 0x%llx has the signal after sigx_unblock", r->style,
                   r->next_check, (unsigned long long)m);

    sigx_stats before, after;
    ASSERT_OK(sigx_stats_get(r->sig, &before));
    raise_retry(r->sig);
    ASSERT_OK(sigx_stats_get(r->sig, &after));
    r->raised++;
    if (after.delivered < before.delivered + 1)
        TEST_FAIL_("%s, check %d: sigx_raise returned before the handler ran "
                   "(delivered %llu before, %llu after)", r->style, r->next_check,
                   (unsigned long long)before.delivered, (unsigned long long)after.delivered);
}

static void take(struct run *r, const sigx_info *info)
{
    ASSERT_EQ(info->signo, r->sig);
    if (info->code == SI_TKILL) {
        ASSERT_EQ(info->pid, getpid());
        r->raised_returned++;
    } else {
        ASSERT_EQ(info->code, SI_QUEUE);
        ASSERT_EQ(info->pid, r->sender);
        ASSERT_TRUE(info->value < (uint64_t)flood);
        if (seen[info->value]++ != 0)
            TEST_FAIL_("value %llu returned twice", (unsigned long long)info->value);
    }
    r->returned++;
    if (r->next_check < CHECKS &&
        r->returned >= (uint64_t)(r->next_check + 1) * (uint64_t)flood / (CHECKS + 1)) {
        postconditions(r);
        r->next_check++;
    }
}

static int flood_done(const struct run *r)
{
    return r->returned - r->raised_returned >= (uint64_t)flood &&
           r->raised_returned >= r->raised;
}

static void start(struct run *r, const char *style, int sig)
{
    memset(r, 0, sizeof *r);
    memset(seen, 0, (size_t)flood);
    r->style = style;
    r->sig = sig;
    ASSERT_OK(sigx_install(sig, 0));
    r->sender = flood_fork(getpid(), sig, 0, flood, NULL);
}

static void finish(struct run *r)
{
    reap_clean(r->sender, "sender");
    ASSERT_EQ(r->next_check, CHECKS);
    sigx_stats st = expect_identity(r->sig, r->returned);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(r->raised_returned, r->raised);
    ASSERT_U64_EQ(r->returned, (uint64_t)flood + r->raised);
    ASSERT_EQ(thread_sigblk(0) & SIGX_BIT(r->sig), 0);
    printf("%s: flood of %ld, %d unblock/raise checks held, all %llu records returned\n",
           r->style, flood, CHECKS, (unsigned long long)r->returned);
}

int main(void)
{
    roomy_sigpending();
    flood = flood_size(60000, 2000);
    seen = malloc((size_t)flood);
    ASSERT_TRUE(seen != NULL);
    ASSERT_OK(sigx_setmask(0, NULL));
    struct run r;

    /* A: a sigx_wait loop. */
    start(&r, "wait loop", sigx_rtmin() + 1);
    while (!flood_done(&r)) {
        sigx_info info;
        int rc = sigx_wait(SIGX_BIT(r.sig), &info, WAIT_MS);
        if (rc != SIGX_OK)
            TEST_FAIL_("wait loop: sigx_wait returned %d (%s) after %llu records", rc,
                       sigx_strerror(rc), (unsigned long long)r.returned);
        take(&r, &info);
    }
    finish(&r);

    /* B: a poll loop on sigx_fd(). */
    start(&r, "fd loop", sigx_rtmin() + 2);
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    while (!flood_done(&r)) {
        if (!poll_readable(fd, WAIT_MS))
            TEST_FAIL_("fd loop: no wake-up for 10 s after %llu records",
                       (unsigned long long)r.returned);
        sigx_info info;
        int rc;
        while ((rc = sigx_wait(SIGX_BIT(r.sig), &info, 0)) == SIGX_OK)
            take(&r, &info);
        ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    }
    finish(&r);

    free(seen);
    TEST_PASS("test_mask_unblock_raise");
    return 0;
}
