/* sigx_child_watch (sigx.h): 500 watched children end within the same
 * millisecond (all blocked reading one pipe that is closed at once), and the
 * kernel merges their SIGCHLDs; sigx still returns exactly one exit record
 * each, with the right pid, code and status (exit codes, a plain killing
 * signal, a core-dumping signal with RLIMIT_CORE 0: CLD_DUMPED or CLD_KILLED
 * as the kernel says). Unwatched children in the same burst are neither
 * reaped nor reported twice. Five rounds, one per way of taking records:
 * sigx_wait with SIGX_CHILD_REAP (no zombie left), sigx_wait without it
 * (every child still waitable, with the same status), sigx_fd + drain,
 * sigx_dispatch, and sigx_wait with SIGCHLD blocked (taken from the kernel).
 * The accounting identity holds for SIGCHLD throughout.
 * ctest: RUN_SERIAL (hundreds of processes at once) */
#include "test.h"
#include "helpers.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WATCHED 500
#define UNWATCHED 10
#define MAX_UNWATCHED (5 * UNWATCHED)

enum how_taken { BY_WAIT, BY_FD, BY_DISPATCH, BY_WAIT_BLOCKED };

struct kid {
    pid_t pid;
    enum child_end how;
    int arg;
    int reports;
};

static struct kid kids[MAX_WATCHED];
static int nkids;
static struct kid strays[MAX_UNWATCHED]; /* unwatched, over all rounds */
static int nstrays;
static uint64_t returned;                /* SIGCHLD records taken, all rounds */
static int watched_reports;
static uint64_t last_seq;

static struct kid *find(struct kid *table, int n, pid_t pid)
{
    for (int i = 0; i < n; i++)
        if (table[i].pid == pid)
            return &table[i];
    return NULL;
}

/* One SIGCHLD record taken by any of the three ways. */
static void take(const sigx_info *info)
{
    struct kid *k;
    returned++;
    ASSERT_EQ(info->signo, SIGCHLD);
    ASSERT_GT(info->seq, last_seq); /* one consumer: seq order */
    last_seq = info->seq;
    ASSERT_U64_EQ(info->uid, getuid());
    ASSERT_U64_EQ(info->value, 0);
    ASSERT_EQ(info->reserved0, 0);
    ASSERT_U64_EQ(info->reserved1, 0);
    k = find(kids, nkids, info->pid);
    if (k == NULL) {
        struct kid *s = find(strays, nstrays, info->pid);
        if (s == NULL)
            TEST_FAIL_("record for pid %d, which is no child of this test (code %d)",
                       (int)info->pid, (int)info->code);
        ASSERT_EQ(info->code, CLD_EXITED);
        ASSERT_EQ(info->status, 77);
        s->reports++;
        if (s->reports > 1)
            TEST_FAIL_("unwatched child %d reported %d times", (int)s->pid, s->reports);
        return;
    }
    k->reports++;
    if (k->reports > 1)
        TEST_FAIL_("child %d reported %d times", (int)k->pid, k->reports);
    watched_reports++;
    switch (k->how) {
    case CHILD_EXIT:
        ASSERT_EQ(info->code, CLD_EXITED);
        break;
    case CHILD_KILL:
        ASSERT_EQ(info->code, CLD_KILLED);
        break;
    case CHILD_CORE:
        ASSERT_TRUE(info->code == CLD_DUMPED || info->code == CLD_KILLED);
        break;
    }
    ASSERT_EQ(info->status, k->arg);
    /* Remember what the kernel said about a core, for the waitpid check. */
    if (k->how == CHILD_CORE && info->code == CLD_DUMPED)
        k->arg = -k->arg;
}

static void on_sigchld(const sigx_info *info, void *user)
{
    (void)user;
    take(info);
}

/* Take everything queued now; returns how many records. */
static int drain(void)
{
    sigx_info info;
    int n = 0, rc;
    while ((rc = sigx_wait(SIGX_BIT(SIGCHLD), &info, 0)) == SIGX_OK) {
        take(&info);
        n++;
    }
    ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    return n;
}

/* Wait until every watched child of the round has been reported. */
static void collect(enum how_taken by, int fd)
{
    sigx_info info;
    while (watched_reports < nkids) {
        switch (by) {
        case BY_WAIT:
        case BY_WAIT_BLOCKED:
            ASSERT_OK(sigx_wait(SIGX_BIT(SIGCHLD), &info, 30000));
            take(&info);
            break;
        case BY_FD:
            if (!poll_readable(fd, 30000))
                TEST_FAIL_("descriptor not readable with %d of %d exits reported",
                           watched_reports, nkids);
            drain();
            break;
        case BY_DISPATCH: {
            int ran = sigx_dispatch(30000);
            ASSERT_GT(ran, 0);
            break;
        }
        }
    }
}

/* Until no SIGCHLD is pending in the kernel and none is queued: the
 * handler runs on this (only) thread, so then no record can still come. */
static void settle(enum how_taken by, int fd)
{
    for (;;) {
        int quiet = sigchld_quiet_in_kernel();
        int got = by == BY_DISPATCH ? (sigx_dispatch(0) > 0) : drain();
        if (quiet && got == 0)
            break;
    }
    if (by == BY_FD)
        ASSERT_EQ(poll_readable(fd, 0), 0);
}

static void round_of(int n, uint32_t flags, enum how_taken by)
{
    int gate[2], fd = -1;
    sigx_stats st;
    ASSERT_SYS(pipe(gate));
    if (by == BY_FD)
        ASSERT_TRUE((fd = sigx_fd_mask(SIGX_BIT(SIGCHLD))) >= 0);
    if (by == BY_DISPATCH)
        ASSERT_OK(sigx_on(SIGCHLD, on_sigchld, NULL));
    /* Blocked: sigx_wait takes the deliveries from the kernel itself. */
    if (by == BY_WAIT_BLOCKED)
        ASSERT_OK(sigx_block(SIGX_BIT(SIGCHLD), NULL));
    nkids = n;
    watched_reports = 0;
    for (int i = 0; i < n; i++) {
        struct kid *k = &kids[i];
        switch (i % 3) {
        case 0:
            k->how = CHILD_EXIT;
            k->arg = i % 256;
            break;
        case 1:
            k->how = CHILD_KILL;
            k->arg = (i % 2) ? SIGTERM : SIGKILL;
            break;
        default:
            k->how = CHILD_CORE;
            k->arg = SIGQUIT;
            break;
        }
        k->reports = 0;
        k->pid = spawn_gated(gate, k->how, k->arg);
        ASSERT_OK(sigx_child_watch(k->pid, flags));
        if (i % (n / UNWATCHED) == 0) {
            ASSERT_TRUE(nstrays < MAX_UNWATCHED);
            strays[nstrays].pid = spawn_gated(gate, CHILD_EXIT, 77);
            strays[nstrays].reports = 0;
            nstrays++;
        }
    }
    /* Everyone ends now. */
    ASSERT_SYS(close(gate[1]));
    collect(by, fd);
    settle(by, fd);
    if (by == BY_WAIT_BLOCKED)
        ASSERT_OK(sigx_unblock(SIGX_BIT(SIGCHLD), NULL));
    ASSERT_SYS(close(gate[0]));
    for (int i = 0; i < n; i++) {
        ASSERT_EQ(kids[i].reports, 1);
        /* The record has been taken: the child is watched no more. */
        ASSERT_EQ(sigx_child_unwatch(kids[i].pid), SIGX_ERR_NOT_FOUND);
    }

    /* Reaped by sigx, or waitable with what the record said. */
    for (int i = 0; i < n; i++) {
        struct kid *k = &kids[i];
        int status = 0;
        if (flags & SIGX_CHILD_REAP) {
            errno = 0;
            ASSERT_EQ(waitpid(k->pid, &status, WNOHANG), -1);
            ASSERT_EQ(errno, ECHILD);
            continue;
        }
        ASSERT_EQ(waitpid(k->pid, &status, WNOHANG), k->pid);
        if (k->how == CHILD_EXIT) {
            ASSERT_TRUE(WIFEXITED(status));
            ASSERT_EQ(WEXITSTATUS(status), k->arg);
        } else {
            int sig = k->arg < 0 ? -k->arg : k->arg;
            ASSERT_TRUE(WIFSIGNALED(status));
            ASSERT_EQ(WTERMSIG(status), sig);
            ASSERT_EQ(WCOREDUMP(status) != 0, k->arg < 0);
        }
    }
    /* Unwatched children: never reaped by sigx. */
    for (int i = 0; i < nstrays; i++) {
        if (strays[i].pid == 0)
            continue;
        ASSERT_TRUE(still_waitable(strays[i].pid));
        ASSERT_EQ(sigx_child_unwatch(strays[i].pid), SIGX_ERR_NOT_FOUND);
        ASSERT_EQ(waitpid(strays[i].pid, NULL, 0), strays[i].pid);
    }
    /* Every child has exited now: take the strays' late records, then
     * forget them (a later child may get the same pid). */
    settle(by, fd);
    for (int i = 0; i < nstrays; i++)
        strays[i].pid = 0;
    errno = 0;
    ASSERT_EQ(waitpid(-1, NULL, WNOHANG), -1); /* no zombie left */
    ASSERT_EQ(errno, ECHILD);

    st = expect_identity(SIGCHLD, returned);
    ASSERT_U64_EQ(st.dropped, 0);
    if (by == BY_DISPATCH)
        ASSERT_OK(sigx_on(SIGCHLD, NULL, NULL));
    printf("  round: %d watched (flags %u, way %d), %d records in all so far\n", n,
           (unsigned)flags, (int)by, (int)returned);
}

int main(void)
{
    int n = (int)flood_size(MAX_WATCHED, 30);
    roomy_sigpending();
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    if (!children_supported("test_child_flood"))
        exit(0);
    round_of(n, SIGX_CHILD_REAP, BY_WAIT);
    round_of(n, 0, BY_WAIT);
    round_of(n, SIGX_CHILD_REAP, BY_FD);
    round_of(n, 0, BY_DISPATCH);
    round_of(n, SIGX_CHILD_REAP, BY_WAIT_BLOCKED);
    TEST_PASS("test_child_flood");
    return 0;
}
