/* Async-signal-safety, proven rather than promised: sigx's handler must
 * never allocate, free, lock a mutex or wait on a futex.
 *
 * The asig_shim library (c-tests/shim/) interposes malloc, calloc,
 * realloc, free, the aligned allocators, pthread_mutex_lock/trylock and
 * syscall(SYS_futex, FUTEX_WAIT...), and flags any of them called while the
 * thread's stack pointer lies in a registered alternate signal stack. sigx
 * installs its handler with SA_ONSTACK, and every thread here that can take
 * a signal has such a stack, so every handler run happens there.
 *
 * 1. Self-test: a raw handler of the test's own, on the alternate stack,
 *    that calls malloc, free, pthread_mutex_lock and a futex wait must be
 *    flagged once for each; the same calls in normal context must not be;
 *    and sigx_install must be seen allocating and locking (so the shim is
 *    really between libsigx.so and libc).
 * 2. A flood from another process hits two threads that allocate, free and
 *    lock in a tight loop, over every path of the handler: record and push,
 *    a full queue (drop), the eventfd write, the futex wake of a sleeping
 *    waiter, SIGX_CHAIN to a raw handler, SIGX_ONESHOT and SIGCHLD. The
 *    chained handler checks that it runs on the alternate stack and counts
 *    how often the delivery interrupted the allocator or a lock: the flood
 *    goes on until that happened at least MIN_INTERRUPTED times. At the end
 *    there must be zero violations. */
/* It floods this process with signals from another: ctest: RUN_SERIAL */
#include "test.h"
#include "reliability.h"
#include "shim/asig_shim.h"

#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define ALT_SIZE (256 * 1024)
#define MIN_INTERRUPTED 100

static void give_altstack(void)
{
    void *mem = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_TRUE(mem != MAP_FAILED);
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = mem;
    ss.ss_size = ALT_SIZE;
    ASSERT_SYS(sigaltstack(&ss, NULL));
    asig_shim_watch_stack(mem, ALT_SIZE);
}

/* ---- 1. self-test ----------------------------------------------------------- */

static pthread_mutex_t test_mutex = PTHREAD_MUTEX_INITIALIZER;
static int bad_handler_on_altstack;

static void bad_handler(int signo, siginfo_t *si, void *ctx)
{
    (void)signo;
    (void)si;
    (void)ctx;
    bad_handler_on_altstack = asig_shim_on_watched_stack();
    /* Deliberately unsafe (fine here: nothing else runs at this point).
     * `volatile` keeps the compiler from eliding the malloc/free pair. */
    void *volatile p = malloc(32);
    free(p);
    pthread_mutex_lock(&test_mutex);
    pthread_mutex_unlock(&test_mutex);
    int word = 1;
    syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0); /* EAGAIN at once */
}

static void self_test(void)
{
    int s = sigx_rtmin() + 7;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = bad_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ASSERT_SYS(sigaction(s, &sa, NULL));

    asig_shim_reset();
    while (raise(s) != 0) /* EAGAIN: the user's signal budget is full */
        rel_backoff(0);
    ASSERT_EQ(bad_handler_on_altstack, 1);
    ASSERT_EQ(asig_shim_violations(ASIG_MALLOC), 1);
    ASSERT_EQ(asig_shim_violations(ASIG_FREE), 1);
    ASSERT_EQ(asig_shim_violations(ASIG_MUTEX_LOCK), 1);
    ASSERT_EQ(asig_shim_violations(ASIG_FUTEX_WAIT), 1);

    /* The same calls outside a handler are counted, not flagged. */
    asig_shim_reset();
    void *volatile p = malloc(32);
    free(p);
    pthread_mutex_lock(&test_mutex);
    pthread_mutex_unlock(&test_mutex);
    ASSERT_EQ(asig_shim_violations(-1), 0);
    ASSERT_GE(asig_shim_calls(ASIG_MALLOC), 1);
    ASSERT_GE(asig_shim_calls(ASIG_MUTEX_LOCK), 1);

    /* libsigx.so's own allocations and locks go through the shim. */
    asig_shim_reset();
    ASSERT_OK(sigx_set_capacity(s, 8));
    ASSERT_OK(sigx_install(s, 0));
    ASSERT_GE(asig_shim_calls(ASIG_MALLOC) + asig_shim_calls(ASIG_CALLOC) +
                  asig_shim_calls(ASIG_MEMALIGN),
              1);
    ASSERT_GE(asig_shim_calls(ASIG_MUTEX_LOCK), 1);
    /* ... and sigx's own handler, raised here, is clean. */
    ASSERT_OK(rel_raise(s));
    sigx_info info;
    ASSERT_OK(sigx_wait(SIGX_BIT(s), &info, 10000));
    ASSERT_EQ(asig_shim_violations(-1), 0);
    ASSERT_OK(sigx_uninstall(s));
    asig_shim_reset();
    TEST_PASS("safety self-test: the shim flags unsafe calls in a handler");
}

/* ---- 2. the flood ---------------------------------------------------------- */

static long chain_runs, chain_off_altstack, interrupted;

static void chained(int signo, siginfo_t *si, void *ctx)
{
    (void)signo;
    (void)si;
    (void)ctx;
    SEQ_ADD(&chain_runs, 1);
    if (!asig_shim_on_watched_stack())
        SEQ_ADD(&chain_off_altstack, 1);
    if (asig_shim_busy())
        SEQ_ADD(&interrupted, 1); /* this delivery cut into malloc/free/lock */
}

static int stop_work;
static long work_rounds[2];

static unsigned lcg(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* The allocator and lock loop both threads run. */
static void churn_memory(int who, unsigned seed, int with_lock)
{
    void *keep[16] = {0};
    unsigned r = seed;
    while (!SEQ_LOAD(&stop_work)) {
        unsigned x = lcg(&r);
        int slot = (int)(x % 16);
        switch ((x >> 4) % 4) {
        case 0:
            free(keep[slot]);
            keep[slot] = malloc(16 + (x >> 8) % 4096);
            break;
        case 1:
            free(keep[slot]);
            keep[slot] = calloc(1, 16 + (x >> 8) % 512);
            break;
        case 2:
            keep[slot] = realloc(keep[slot], 16 + (x >> 8) % 8192);
            break;
        default:
            if (with_lock) {
                pthread_mutex_lock(&test_mutex);
                pthread_mutex_unlock(&test_mutex);
            } else {
                void *volatile p = malloc(64);
                free(p);
            }
            break;
        }
        work_rounds[who]++;
    }
    for (int i = 0; i < 16; i++)
        free(keep[i]);
}

static void *worker_main(void *arg)
{
    (void)arg;
    give_altstack();
    ASSERT_OK(sigx_setmask(0, NULL)); /* created with everything blocked */
    churn_memory(1, 77u, 1);
    return NULL;
}

static int stop_waiter;
static long waiter_took;

static void *waiter_main(void *arg)
{
    uint64_t mask = *(const uint64_t *)arg;
    /* This thread was created with every signal blocked and leaves it so;
     * its waits take blocked deliveries from the kernel, and run the
     * handler for the signals of `mask` while they sleep (with them
     * unblocked for the sleep only), so it needs an alternate stack too. */
    give_altstack();
    while (!SEQ_LOAD(&stop_waiter)) {
        sigx_info info;
        int rc = sigx_wait(mask, &info, 100);
        if (rc == SIGX_OK)
            SEQ_ADD(&waiter_took, 1);
        else
            ASSERT_EQ(rc, SIGX_ERR_TIMEOUT);
    }
    return NULL;
}

int main(void)
{
    const int rt = sigx_rtmin();
    const int s_queue = rt;       /* consumed by the waiter: push path */
    const int s_full = rt + 1;    /* capacity 2, never consumed: drop path */
    const int s_chain = SIGUSR1;  /* SIGX_CHAIN to `chained` */
    const int s_chain_rt = rt + 2;/* also chained, real-time */
    const int s_oneshot = SIGWINCH;
    const long min_deliveries = rel_scaled(100000, 2000);

    give_altstack();
    self_test();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = chained;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    ASSERT_SYS(sigaction(s_chain, &sa, NULL));
    ASSERT_SYS(sigaction(s_chain_rt, &sa, NULL));

    ASSERT_OK(sigx_install(s_queue, 0));
    ASSERT_OK(sigx_set_capacity(s_full, 2));
    ASSERT_OK(sigx_install(s_full, SIGX_INTERRUPT));
    ASSERT_OK(sigx_install(s_chain, SIGX_CHAIN));
    ASSERT_OK(sigx_install(s_chain_rt, SIGX_CHAIN));
    ASSERT_OK(sigx_install(s_oneshot, SIGX_ONESHOT));
    ASSERT_OK(sigx_install(SIGCHLD, 0));
    int efd = sigx_fd(); /* the handler now writes to the eventfd too */
    ASSERT_GE(efd, 0);

    int stop_pipe[2];
    ASSERT_SYS(pipe(stop_pipe));
    pid_t me = getpid();
    fflush(NULL);
    pid_t flooder = fork();
    ASSERT_SYS(flooder);
    if (flooder == 0) {
        const int sigs[] = {s_queue, s_full, s_chain, s_chain_rt, s_oneshot};
        close(stop_pipe[1]);
        rel_burst_flooder(me, sigs, 5, stop_pipe[0]);
    }
    close(stop_pipe[0]);

    uint64_t wait_mask = SIGX_BIT(s_queue) | SIGX_BIT(s_chain) | SIGX_BIT(s_chain_rt) |
                         SIGX_BIT(s_oneshot) | SIGX_BIT(SIGCHLD);
    pthread_t worker, waiter;
    uint64_t old_mask;
    ASSERT_OK(sigx_block(SIGX_ALL, &old_mask));
    ASSERT_EQ(pthread_create(&waiter, NULL, waiter_main, &wait_mask), 0);
    ASSERT_EQ(pthread_create(&worker, NULL, worker_main, NULL), 0);
    ASSERT_OK(sigx_setmask(old_mask, NULL));

    /* The main thread allocates too; every so often it looks at the
     * figures (normal context) and re-arms the one-shot signal. */
    unsigned r = 5u;
    void *keep[16] = {0};
    long rounds = 0;
    for (;;) {
        unsigned x = lcg(&r);
        int slot = (int)(x % 16);
        free(keep[slot]);
        keep[slot] = malloc(16 + (x >> 8) % 2048);
        if (++rounds % 4096 != 0)
            continue;
        if (sigx_is_installed(s_oneshot) == 0)
            ASSERT_OK(sigx_install(s_oneshot, SIGX_ONESHOT));
        sigx_stats all = stats_of(0);
        if ((long)all.delivered >= min_deliveries && SEQ_LOAD(&interrupted) >= MIN_INTERRUPTED)
            break;
        if ((long)all.delivered >= 50 * min_deliveries)
            TEST_FAIL_("only %ld of %llu deliveries interrupted malloc, free or a lock",
                       SEQ_LOAD(&interrupted), (unsigned long long)all.delivered);
    }
    for (int i = 0; i < 16; i++)
        free(keep[i]);

    char byte = 1;
    ASSERT_EQ(write(stop_pipe[1], &byte, 1), 1);
    reap_clean(flooder, "flooder"); /* its exit is a SIGCHLD */
    SEQ_STORE(&stop_work, 1);
    ASSERT_EQ(pthread_join(worker, NULL), 0);
    SEQ_STORE(&stop_waiter, 1);
    ASSERT_EQ(pthread_join(waiter, NULL), 0);

    sigx_stats all = stats_of(0);
    sigx_stats full = stats_of(s_full);
    ASSERT_EQ(asig_shim_violations(-1), 0);
    ASSERT_EQ(SEQ_LOAD(&chain_off_altstack), 0);
    ASSERT_GT(SEQ_LOAD(&chain_runs), 0);
    ASSERT_GT(full.dropped, 0);          /* the drop path ran */
    ASSERT_GT(SEQ_LOAD(&waiter_took), 0); /* the wake path ran */
    ASSERT_GT(stats_of(SIGCHLD).delivered, 0);
    printf("safety: %llu deliveries (%llu dropped), %ld chained, %ld interrupted "
           "malloc/free/lock; %lld allocator rounds; %ld watched calls, 0 violations\n",
           (unsigned long long)all.delivered, (unsigned long long)all.dropped,
           SEQ_LOAD(&chain_runs), SEQ_LOAD(&interrupted), (long long)rounds + work_rounds[1],
           asig_shim_calls(-1));
    TEST_PASS("test_safety_handler");
    return 0;
}
