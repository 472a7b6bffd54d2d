/* Every thread's mask stays the program's, in every receiving style (issue
 * #11; the top of sigx.h: sigx never changes a thread's mask behind your
 * back).
 *
 * In four receiving styles, each in a process of its own, a forked sender
 * floods a real-time signal while the test reads the SigBlk line of every
 * thread in /proc/self/task/<tid>/status, many times during the flood and
 * once after it; each must be the mask the program set for that thread:
 *   A. a thread waiting in sigx_wait (the signal blocked in the others, as
 *      examples/threads.c does), an idle thread, and the main thread;
 *   B. a single-threaded poll loop on sigx_fd() draining with timeout 0;
 *   C. a single-threaded sigx_dispatch loop (sampling in the callbacks too);
 *   D. the signal blocked in every thread, one thread waiting in sigx_wait
 *      (the kernel keeps the flood), an idle thread, the main thread.
 * What the kernel shows for another thread is only compared exactly when
 * nothing legitimate can change it at that moment: the thread is outside
 * every sigx call (checked with a call counter read before and after the
 * /proc read) and cannot be running sigx's handler (every flooded signal
 * blocked in its mask; the kernel adds the handler's sa_mask while a handler
 * runs). A wait may change its own thread's mask for the length of its sleep
 * (pselect pattern), so threads inside a wait are not compared. Each thread
 * also reads its own line between its sigx calls (and from callbacks), which
 * is always exact, as is the final look at every parked thread after the
 * flood. (Under valgrind, which keeps the kernel mask of every thread not
 * running client code at its own setting, only a thread's own look
 * counts.) At the end every value sent came back once and nothing was
 * dropped (the flood is below the default capacity, or kept by the kernel).
 */
/* ctest: RUN_SERIAL */
#include "test.h"
#include "helpers.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define MAX_THREADS 4
#define WAIT_MS 10000
#define SAMPLE_EVERY 64

struct tslot {
    pid_t tid;            /* 0: free */
    const char *name;
    uint64_t expected;    /* SigBlk as the program set it */
    uint64_t expected_pt; /* the same, as pthread_sigmask reports it */
    int may_handle;       /* a flooded signal is unblocked in it */
    unsigned calls;       /* odd while inside a sigx call */
};

static struct tslot slots[MAX_THREADS];
static int nslots;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static long samples_self, samples_other, samples_skipped;
static int under_valgrind;
static const char *style;
static int sig;
static long flood;
static unsigned char *seen;
static uint64_t returned, reported_dropped;
static pid_t sender;

/* The calling thread's slot, after it has set its mask. */
static struct tslot *register_self(const char *name, int may_handle)
{
    pthread_mutex_lock(&slots_lock);
    ASSERT_LT(nslots, MAX_THREADS);
    struct tslot *s = &slots[nslots];
    s->name = name;
    s->expected = thread_sigblk(0);
    s->expected_pt = pthread_mask_now();
    s->may_handle = may_handle;
    SEQ_STORE(&s->calls, 0u);
    SEQ_STORE(&s->tid, my_tid());
    SEQ_STORE(&nslots, nslots + 1);
    pthread_mutex_unlock(&slots_lock);
    return s;
}

static struct tslot *find_slot(pid_t tid)
{
    int n = SEQ_LOAD(&nslots);
    for (int i = 0; i < n; i++)
        if (SEQ_LOAD(&slots[i].tid) == tid)
            return &slots[i];
    return NULL;
}

static void enter_call(struct tslot *s)
{
    SEQ_ADD(&s->calls, 1u);
}

static void leave_call(struct tslot *s)
{
    SEQ_ADD(&s->calls, 1u);
}

static void mismatch(const struct tslot *s, uint64_t seen_mask, const char *when)
{
    TEST_FAIL_("%s: thread \"%s\" (tid %d) has SigBlk 0x%llx %s, the program set 0x%llx",
               style, s->name, (int)s->tid, (unsigned long long)seen_mask, when,
               (unsigned long long)s->expected);
}

/* The calling thread looks at its own mask. */
static void self_check(const char *when)
{
    struct tslot *s = find_slot(my_tid());
    ASSERT_TRUE(s != NULL);
    uint64_t m = thread_sigblk(0);
    if (m != s->expected)
        mismatch(s, m, when);
    ASSERT_U64_EQ(pthread_mask_now(), s->expected_pt);
    SEQ_ADD(&samples_self, 1);
}

/* Look at every thread of the process. `final`: after the flood, with
 * every other thread parked outside sigx: everything exact. */
static void sample_all(int final)
{
    const pid_t me = my_tid();
    DIR *d = opendir("/proc/self/task");
    ASSERT_TRUE(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
        if (tid <= 0)
            continue;
        struct tslot *s = find_slot(tid);
        if (s == NULL) {
            SEQ_ADD(&samples_skipped, 1); /* not registered yet */
            continue;
        }
        uint64_t m;
        if (tid == me) {
            self_check(final ? "after the flood" : "during the flood (its own look)");
            continue;
        }
        if (under_valgrind) {
            SEQ_ADD(&samples_skipped, 1);
            continue;
        }
        unsigned c1 = SEQ_LOAD(&s->calls);
        if (proc_mask(tid, "SigBlk", &m) != 0)
            continue; /* gone */
        unsigned c2 = SEQ_LOAD(&s->calls);
        if (final || (!s->may_handle && c1 == c2 && c1 % 2 == 0)) {
            if (m != s->expected)
                mismatch(s, m, final ? "after the flood" : "during the flood, outside sigx");
            SEQ_ADD(&samples_other, 1);
        } else {
            SEQ_ADD(&samples_skipped, 1);
        }
    }
    closedir(d);
}

static void take(const sigx_info *info)
{
    ASSERT_EQ(info->signo, sig);
    ASSERT_EQ(info->code, SI_QUEUE);
    ASSERT_EQ(info->pid, SEQ_LOAD(&sender));
    ASSERT_TRUE(info->value < (uint64_t)flood);
    if (seen[info->value]++ != 0)
        TEST_FAIL_("%s: value %llu returned twice", style, (unsigned long long)info->value);
    reported_dropped += info->dropped;
    SEQ_ADD(&returned, 1);
}

/* A receiving call gave up: say where the flood is. */
static void stuck(const char *call, int rc)
{
    sigx_stats st;
    uint64_t shared = 0, mine = 0;
    ASSERT_OK(sigx_stats_get(sig, &st));
    (void)proc_mask(0, "ShdPnd", &shared);
    (void)proc_mask(my_tid(), "SigPnd", &mine);
    TEST_FAIL_("%s: %s returned %d (%s) after %llu records; delivered %llu, queued %llu, "
               "dropped %llu; pending in the kernel: %s; this thread's SigBlk 0x%llx; "
               "sender %s",
               style, call, rc, sigx_strerror(rc), (unsigned long long)SEQ_LOAD(&returned),
               (unsigned long long)st.delivered, (unsigned long long)st.queued,
               (unsigned long long)st.dropped,
               ((shared | mine) & SIGX_BIT(sig)) ? "yes" : "no",
               (unsigned long long)thread_sigblk(0),
               waitpid(SEQ_LOAD(&sender), NULL, WNOHANG) == 0 ? "still sending" : "gone");
}

static void final_checks(void)
{
    reap_clean(SEQ_LOAD(&sender), "sender");
    sample_all(1);
    sigx_stats st = expect_identity(sig, SEQ_LOAD(&returned));
    ASSERT_U64_EQ(st.dropped, 0);
    ASSERT_U64_EQ(reported_dropped, 0);
    ASSERT_U64_EQ(st.queued, 0);
    ASSERT_U64_EQ(SEQ_LOAD(&returned), (uint64_t)flood);
    ASSERT_GT(SEQ_LOAD(&samples_self), 0);
    printf("%s: flood of %ld received; masks sampled %ld times by their own thread, %ld times "
           "from another (%ld looks skipped: inside sigx or its handler)\n",
           style, flood, SEQ_LOAD(&samples_self), SEQ_LOAD(&samples_other),
           SEQ_LOAD(&samples_skipped));
}

/* ---- threads shared by styles A and D ------------------------------------ */

static pthread_mutex_t park_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t park_cond = PTHREAD_COND_INITIALIZER;
static int released, parked, waiter_ready;

static void park(void)
{
    self_check("when it parked");
    pthread_mutex_lock(&park_lock);
    parked++;
    pthread_cond_broadcast(&park_cond);
    while (!released)
        pthread_cond_wait(&park_cond, &park_lock);
    pthread_mutex_unlock(&park_lock);
    self_check("after the flood");
}

static void wait_parked(int n)
{
    pthread_mutex_lock(&park_lock);
    while (parked < n)
        pthread_cond_wait(&park_cond, &park_lock);
    pthread_mutex_unlock(&park_lock);
}

static void release_all(void)
{
    pthread_mutex_lock(&park_lock);
    released = 1;
    pthread_cond_broadcast(&park_cond);
    pthread_mutex_unlock(&park_lock);
}

static void *idle_main(void *arg)
{
    (void)arg;
    register_self("idle", 0); /* inherits the main thread's mask */
    park();
    return NULL;
}

/* The waiter: `unblock` says whether it unblocks the signal for itself. */
static void *waiter_main(void *arg)
{
    int unblock = *(int *)arg;
    if (unblock)
        ASSERT_OK(sigx_unblock(SIGX_BIT(sig), NULL));
    struct tslot *me = register_self("waiter", unblock);
    pthread_mutex_lock(&park_lock);
    waiter_ready = 1;
    pthread_cond_broadcast(&park_cond);
    pthread_mutex_unlock(&park_lock);
    while (SEQ_LOAD(&returned) < (uint64_t)flood) {
        sigx_info info;
        enter_call(me);
        int rc = sigx_wait(SIGX_BIT(sig), &info, WAIT_MS);
        leave_call(me);
        if (rc != SIGX_OK)
            stuck("sigx_wait", rc);
        take(&info);
        if (SEQ_LOAD(&returned) % SAMPLE_EVERY == 0)
            sample_all(0);
    }
    park();
    return NULL;
}

/* A and D: the main thread sets its mask, starts an idle thread and the
 * waiter, and samples while the flood lasts. */
static void threaded_style(int blocked_everywhere)
{
    pthread_t idle, waiter;
    int unblock = !blocked_everywhere, go[2];
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_setmask(SIGX_BIT(sig), NULL)); /* blocked in main: the program's choice */
    register_self("main", 0);
    /* The sender is forked before any thread exists (under valgrind, a block
     * another thread is allocating at fork time shows as a leak in the
     * child) and started once the waiter waits. */
    ASSERT_SYS(pipe(go));
    SEQ_STORE(&sender, flood_fork(getpid(), sig, 0, flood, go));
    ASSERT_EQ(pthread_create(&idle, NULL, idle_main, NULL), 0);
    ASSERT_EQ(pthread_create(&waiter, NULL, waiter_main, &unblock), 0);
    pthread_mutex_lock(&park_lock);
    while (!waiter_ready || parked < 1)
        pthread_cond_wait(&park_cond, &park_lock);
    pthread_mutex_unlock(&park_lock);

    ASSERT_EQ(write(go[1], "g", 1), 1);
    close(go[1]);
    while (SEQ_LOAD(&returned) < (uint64_t)flood) {
        sample_all(0);
        sched_yield();
    }
    wait_parked(2);
    final_checks();
    if (!under_valgrind)
        ASSERT_GT(SEQ_LOAD(&samples_other), 0);
    release_all();
    ASSERT_EQ(pthread_join(idle, NULL), 0);
    ASSERT_EQ(pthread_join(waiter, NULL), 0);
}

/* ---- B: a poll loop on sigx_fd() ----------------------------------------- */

static void fd_style(void)
{
    ASSERT_OK(sigx_install(sig, 0));
    ASSERT_OK(sigx_setmask(0, NULL));
    struct tslot *me = register_self("loop", 1);
    int fd = sigx_fd();
    ASSERT_GE(fd, 0);
    SEQ_STORE(&sender, flood_fork(getpid(), sig, 0, flood, NULL));
    while (SEQ_LOAD(&returned) < (uint64_t)flood) {
        if (!poll_readable(fd, WAIT_MS))
            stuck("poll", 0);
        sigx_info info;
        int rc;
        for (;;) {
            enter_call(me);
            rc = sigx_wait(SIGX_BIT(sig), &info, 0);
            leave_call(me);
            if (rc != SIGX_OK)
                break;
            take(&info);
            if (SEQ_LOAD(&returned) % SAMPLE_EVERY == 0)
                sample_all(0);
        }
        ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
        sample_all(0);
    }
    final_checks();
}

/* ---- C: a sigx_dispatch loop --------------------------------------------- */

static void on_record(const sigx_info *info, void *user)
{
    (void)user;
    take(info);
    if (SEQ_LOAD(&returned) % SAMPLE_EVERY == 0)
        sample_all(0); /* callbacks run in normal context, with the program's mask */
}

static void dispatch_style(void)
{
    ASSERT_OK(sigx_setmask(0, NULL));
    ASSERT_OK(sigx_on(sig, on_record, NULL));
    struct tslot *me = register_self("dispatcher", 1);
    SEQ_STORE(&sender, flood_fork(getpid(), sig, 0, flood, NULL));
    while (SEQ_LOAD(&returned) < (uint64_t)flood) {
        enter_call(me);
        int rc = sigx_dispatch(WAIT_MS);
        leave_call(me);
        if (rc < 0)
            stuck("sigx_dispatch", rc);
        sample_all(0);
    }
    final_checks();
}

/* ---- the four styles, each in a process of its own ----------------------- */

static void run_style(const char *name, int which, int signo)
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        style = name;
        sig = signo;
        seen = calloc((size_t)flood, 1);
        ASSERT_TRUE(seen != NULL);
        switch (which) {
        case 0:
            threaded_style(0);
            break;
        case 1:
            fd_style();
            break;
        case 2:
            dispatch_style();
            break;
        default:
            threaded_style(1);
            break;
        }
        fflush(NULL);
        exit(0);
    }
    reap_clean(pid, name);
}

int main(void)
{
    roomy_sigpending();
    under_valgrind = getenv("SIGX_VALGRIND") != NULL;
    flood = flood_size(40000, 2000);
    const int rt = sigx_rtmin();
    run_style("A: sigx_wait thread", 0, rt + 1);
    run_style("B: sigx_fd poll loop", 1, rt + 2);
    run_style("C: sigx_dispatch loop", 2, rt + 3);
    run_style("D: blocked in every thread + sigx_wait", 3, rt + 4);
    TEST_PASS("test_mask_sampling");
    return 0;
}
