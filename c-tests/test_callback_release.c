/* Issue #12: sigx_on_release(signo, cb, user, release) (sigx_on_release in
 * sigx.h): release(user) is called exactly once, in
 * normal context, after the registration has been replaced or removed and
 * no run of cb for it is in progress or can start; on the thread that
 * removed it, or on the thread whose dispatch ended the last run.
 *
 * Every registration here has a struct of its own as `user`. The callback
 * checks that release has not been called and that the removal has not
 * returned, and marks itself in progress; release checks that no run is in
 * progress, that a removal has begun, counts itself and notes its thread.
 * Paths, each with a callback that has run at least once before:
 *   replaced by sigx_on; replaced by sigx_on_release; removed by
 *   sigx_on(NULL); by sigx_uninstall; by sigx_ignore; by sigx_default;
 *   removed from another thread while the callback runs (release after
 *   the run ended; the removal returns only after it, the v0.1 promise);
 *   removed from inside the callback itself (returns at once; release
 *   only once that dispatch ended, on the dispatching thread);
 *   release == NULL accepted;
 *   error cases (bad signal numbers): the documented status, no release
 *   call, and the registration in place untouched.
 * Without a run in progress, release runs on the removing thread, so it
 * has run when the removal returns. Where it may run on the dispatcher,
 * the test waits for it (10 s bound). */
#include "test.h"
#include "churn.h"

#include <pthread.h>

#define WAIT_MS 10000

struct reg {
    const char *name;
    int running;         /* runs of cb in progress */
    int runs;            /* runs started */
    int releases;        /* release calls */
    int removal_began;   /* set just before the call that removes it */
    int removal_returned;/* set just after that call returned */
    int bad;             /* what went wrong, 0 if nothing */
    pthread_t release_thread;
    int remove_inside;   /* 1: the callback removes its registration */
    int block_pipe;      /* >= 0: the callback waits for a byte here */
    int inside_rc;
    int releases_inside; /* releases seen just after the removal inside */
};

static int ran_pipe[2];    /* the callback writes a byte after each run */
static int started_pipe[2];/* ... and one when it starts, if it blocks */
static int go_pipe[2];
static pthread_t dispatcher;
static int stop_dispatcher;

static void bad(struct reg *r, int what)
{
    if (SEQ_LOAD(&r->bad) == 0)
        SEQ_STORE(&r->bad, what);
}

static void callback(const sigx_info *info, void *user)
{
    struct reg *r = user;
    if (SEQ_LOAD(&r->releases) != 0)
        bad(r, 1); /* a run after release */
    if (SEQ_LOAD(&r->removal_returned))
        bad(r, 2); /* a run started after its removal returned */
    SEQ_ADD(&r->running, 1);
    SEQ_ADD(&r->runs, 1);
    /* Atomic: set by main before a raise whose record reaches this thread
     * through sigx's lock-free queue, which ThreadSanitizer cannot see. */
    int block = SEQ_LOAD(&r->block_pipe);
    if (block >= 0) {
        churn_write_byte(started_pipe[1]);
        ASSERT_TRUE(churn_read_byte(block, WAIT_MS));
    }
    if (r->remove_inside) {
        SEQ_STORE(&r->removal_began, 1);
        r->inside_rc = sigx_on(info->signo, NULL, NULL);
        SEQ_STORE(&r->removal_returned, 1);
        /* This run is still in progress: no release yet. */
        r->releases_inside = SEQ_LOAD(&r->releases);
    }
    SEQ_ADD(&r->running, -1);
    churn_write_byte(ran_pipe[1]);
}

static void release(void *user)
{
    struct reg *r = user;
    if (SEQ_LOAD(&r->running) != 0)
        bad(r, 3); /* release while a run is in progress */
    if (!SEQ_LOAD(&r->removal_began))
        bad(r, 4); /* release of a registration nobody removed */
    r->release_thread = pthread_self();
    SEQ_ADD(&r->releases, 1);
}

static void *dispatcher_main(void *arg)
{
    (void)arg;
    while (!SEQ_LOAD(&stop_dispatcher)) {
        int rc = sigx_dispatch(100);
        if (rc == SIGX_ERR_NOT_INSTALLED) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        } else if (rc != SIGX_ERR_TIMEOUT && rc <= 0) {
            TEST_FAIL_("sigx_dispatch returned %d (%s)", rc, sigx_strerror(rc));
        }
    }
    return NULL;
}

/* Registrations live in a static pool: some stay registered until the
 * process exits, and a pool leaves nothing for LeakSanitizer to report. */
static struct reg reg_pool[32];
static size_t reg_used;

static struct reg *new_reg(const char *name)
{
    ASSERT_LT(reg_used, sizeof reg_pool / sizeof reg_pool[0]);
    struct reg *r = &reg_pool[reg_used++];
    r->name = name;
    r->block_pipe = -1;
    return r;
}

/* Register r for signo with release, and let its callback run once. */
static void register_and_run(int signo, struct reg *r)
{
    ASSERT_OK(sigx_on_release(signo, callback, r, release));
    ASSERT_OK(sigx_raise(signo));
    ASSERT_TRUE(churn_read_byte(ran_pipe[0], WAIT_MS));
    ASSERT_EQ(SEQ_LOAD(&r->runs), 1);
}

static void wait_released(struct reg *r)
{
    uint64_t start = now_ns();
    while (SEQ_LOAD(&r->releases) == 0 && now_ns() - start < WAIT_MS * 1000000ull) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

static void expect_released_once(struct reg *r, int on_main_only)
{
    ASSERT_EQ(SEQ_LOAD(&r->releases), 1);
    if (r->bad != 0)
        TEST_FAIL_("%s: violation %d (1 run after release, 2 run after removal returned, "
                   "3 release during a run, 4 release without removal)", r->name, r->bad);
    pthread_t me = pthread_self();
    int on_main = pthread_equal(r->release_thread, me);
    int on_dispatcher = pthread_equal(r->release_thread, dispatcher);
    ASSERT_TRUE(on_main || (!on_main_only && on_dispatcher));
    printf("%s: released once, on the %s thread\n", r->name,
           on_main ? "removing" : "dispatching");
}

/* Each simple path: register, run once, remove with `how`, check. */
static void simple_path(int signo, const char *name, int how)
{
    struct reg *r = new_reg(name);
    struct reg *next = new_reg("replacement");
    register_and_run(signo, r);
    SEQ_STORE(&r->removal_began, 1);
    switch (how) {
    case 0:
        ASSERT_OK(sigx_on(signo, callback, next));
        break;
    case 1:
        ASSERT_OK(sigx_on_release(signo, callback, next, release));
        break;
    case 2:
        ASSERT_OK(sigx_on(signo, NULL, NULL));
        break;
    case 3:
        ASSERT_OK(sigx_uninstall(signo));
        break;
    case 4:
        ASSERT_OK(sigx_ignore(signo));
        break;
    default:
        ASSERT_OK(sigx_default(signo));
        break;
    }
    SEQ_STORE(&r->removal_returned, 1);
    /* No run was in progress: release ran inside the removing call. */
    expect_released_once(r, 1);
    if (how <= 1) {
        /* The replacement is in place and runs; then remove it too. */
        ASSERT_OK(sigx_raise(signo));
        ASSERT_TRUE(churn_read_byte(ran_pipe[0], WAIT_MS));
        ASSERT_EQ(SEQ_LOAD(&next->runs), 1);
        SEQ_STORE(&next->removal_began, 1);
        ASSERT_OK(sigx_on(signo, NULL, NULL));
        SEQ_STORE(&next->removal_returned, 1);
        ASSERT_EQ(SEQ_LOAD(&next->releases), how == 1 ? 1 : 0);
        ASSERT_EQ(next->bad, 0);
    }
    ASSERT_EQ(SEQ_LOAD(&r->runs), 1);
    ASSERT_EQ(SEQ_LOAD(&r->releases), 1); /* still once */
}

/* ---- removal from another thread while the callback runs --------------- */

struct removal {
    int signo;
    struct reg *r;
    int done;
};

static void *remover_main(void *arg)
{
    struct removal *rm = arg;
    SEQ_STORE(&rm->r->removal_began, 1);
    ASSERT_OK(sigx_on(rm->signo, NULL, NULL));
    SEQ_STORE(&rm->r->removal_returned, 1);
    /* The run had to end before this returned. */
    ASSERT_EQ(SEQ_LOAD(&rm->r->running), 0);
    SEQ_STORE(&rm->done, 1);
    return NULL;
}

static void removal_during_run(int signo)
{
    struct reg *r = new_reg("sigx_on(NULL) from another thread during a run");
    register_and_run(signo, r);
    SEQ_STORE(&r->block_pipe, go_pipe[0]);
    ASSERT_OK(sigx_raise(signo));
    ASSERT_TRUE(churn_read_byte(started_pipe[0], WAIT_MS));
    struct removal rm = {signo, r, 0};
    pthread_t remover;
    ASSERT_EQ(pthread_create(&remover, NULL, remover_main, &rm), 0);
    /* The run is blocked: neither the removal nor release may finish. The
     * remover may not even have started; either way nothing is released. */
    ASSERT_EQ(SEQ_LOAD(&r->releases), 0);
    churn_write_byte(go_pipe[1]);
    ASSERT_TRUE(churn_read_byte(ran_pipe[0], WAIT_MS));
    ASSERT_EQ(timed_join(remover, NULL, WAIT_MS / 1000), 0);
    ASSERT_EQ(rm.done, 1);
    wait_released(r);
    /* On the remover's thread or the dispatcher's: the remover has ended,
     * so compare with the dispatcher only when it is not the remover. */
    ASSERT_EQ(SEQ_LOAD(&r->releases), 1);
    ASSERT_EQ(r->bad, 0);
    ASSERT_TRUE(pthread_equal(r->release_thread, remover) ||
                pthread_equal(r->release_thread, dispatcher));
    ASSERT_EQ(SEQ_LOAD(&r->runs), 2);
    printf("%s: released once, on the %s thread\n", r->name,
           pthread_equal(r->release_thread, remover) ? "removing" : "dispatching");
}

static void removal_inside(int signo)
{
    struct reg *r = new_reg("sigx_on(NULL) from inside the callback");
    r->remove_inside = 1;
    ASSERT_OK(sigx_on_release(signo, callback, r, release));
    ASSERT_OK(sigx_raise(signo));
    ASSERT_TRUE(churn_read_byte(ran_pipe[0], WAIT_MS));
    ASSERT_OK(r->inside_rc);
    ASSERT_EQ(r->releases_inside, 0);
    wait_released(r);
    ASSERT_EQ(SEQ_LOAD(&r->releases), 1);
    ASSERT_EQ(r->bad, 0);
    ASSERT_TRUE(pthread_equal(r->release_thread, dispatcher));
    ASSERT_EQ(SEQ_LOAD(&r->runs), 1);
    printf("%s: returned %d inside, released once after the run, on the dispatching "
           "thread\n", r->name, r->inside_rc);
}

/* ---- release == NULL, and errors ---------------------------------------- */

static void null_release_and_errors(int signo)
{
    struct reg *plain = new_reg("release == NULL");
    ASSERT_OK(sigx_on_release(signo, callback, plain, NULL));
    ASSERT_OK(sigx_raise(signo));
    ASSERT_TRUE(churn_read_byte(ran_pipe[0], WAIT_MS));
    ASSERT_EQ(SEQ_LOAD(&plain->runs), 1);

    /* Errors: the registration in place stays, nothing is released. */
    struct reg *keep = new_reg("kept across errors");
    ASSERT_OK(sigx_on_release(signo, callback, keep, release));
    struct reg *refused = new_reg("refused");
    ASSERT_EQ(sigx_on_release(0, callback, refused, release), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_on_release(-1, callback, refused, release), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_on_release(65, callback, refused, release), SIGX_ERR_SIGNAL);
    ASSERT_EQ(sigx_on_release(SIGKILL, callback, refused, release), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_on_release(SIGSTOP, callback, refused, release), SIGX_ERR_UNCATCHABLE);
    ASSERT_EQ(sigx_on_release(SIGSEGV, callback, refused, release), SIGX_ERR_FORBIDDEN);
    ASSERT_EQ(sigx_on_release(32, callback, refused, release), SIGX_ERR_FORBIDDEN);
    ASSERT_EQ(sigx_is_installed(SIGSEGV), 0);
    ASSERT_EQ(SEQ_LOAD(&refused->releases), 0);
    ASSERT_EQ(SEQ_LOAD(&keep->releases), 0);
    ASSERT_OK(sigx_raise(signo));
    ASSERT_TRUE(churn_read_byte(ran_pipe[0], WAIT_MS));
    ASSERT_EQ(SEQ_LOAD(&keep->runs), 1);
    ASSERT_EQ(SEQ_LOAD(&plain->runs), 1);
    SEQ_STORE(&keep->removal_began, 1);
    ASSERT_OK(sigx_uninstall(signo));
    SEQ_STORE(&keep->removal_returned, 1);
    expect_released_once(keep, 1);
    ASSERT_EQ(SEQ_LOAD(&refused->releases), 0);
    ASSERT_EQ(refused->bad, 0);
    ASSERT_EQ(plain->bad, 0);
    printf("release == NULL accepted; errors left the registration and released nothing\n");
}

int main(void)
{
    ASSERT_SYS(pipe(ran_pipe));
    ASSERT_SYS(pipe(started_pipe));
    ASSERT_SYS(pipe(go_pipe));
    ASSERT_EQ(pthread_create(&dispatcher, NULL, dispatcher_main, NULL), 0);

    simple_path(SIGUSR1, "replaced by sigx_on", 0);
    simple_path(SIGUSR1, "replaced by sigx_on_release", 1);
    simple_path(SIGUSR1, "removed by sigx_on(NULL)", 2);
    simple_path(SIGUSR1, "removed by sigx_uninstall", 3);
    simple_path(SIGUSR2, "removed by sigx_ignore", 4);
    simple_path(SIGWINCH, "removed by sigx_default", 5);
    removal_during_run(SIGHUP);
    removal_inside(SIGURG);
    null_release_and_errors(SIGCHLD);

    SEQ_STORE(&stop_dispatcher, 1);
    ASSERT_EQ(pthread_join(dispatcher, NULL), 0);
    TEST_PASS("test_callback_release");
    return 0;
}
