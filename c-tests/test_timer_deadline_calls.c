/* Deadlines in 8 threads blocked in read, accept, nanosleep, waitpid and
 * flock, each with a different deadline: each call fails with EINTR after
 * its own deadline, never before, and within a generous bound (1 s; the
 * latency itself is measured by the benchmark, not asserted here). No other
 * thread sees EINTR: the main thread and a bystander stay blocked in read
 * until their data comes. Each expiry is recorded once.
 * ctest: RUN_SERIAL (timing bound) */
#include "test.h"
#include "helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000ull
#define BOUND_NS 1000000000ull
#define N 8

enum kind { READ, ACCEPT, NANOSLEEP, WAITPID, FLOCK };
static const char *const kind_name[] = {"read", "accept", "nanosleep", "waitpid", "flock"};

struct job {
    enum kind kind;
    int64_t ms;
    int fd;    /* read: a pipe's read end; accept: a listening socket */
    pid_t pid; /* waitpid: a child that waits for EOF */
    uint64_t elapsed_ns;
    int err;
    int expired;
};

static int sig;
static const char *lock_path;
static int results[2];
static struct job jobs[N];

static void *run(void *arg)
{
    struct job *j = arg;
    int rc = 0, fd = -1;
    char c;
    if (j->kind == FLOCK)
        ASSERT_SYS(fd = open(lock_path, O_RDWR | O_CLOEXEC));
    uint64_t t0 = now_ns();
    ASSERT_OK(sigx_deadline(sig, j->ms));
    switch (j->kind) {
    case READ:
        rc = (int)read(j->fd, &c, 1);
        break;
    case ACCEPT:
        rc = accept(j->fd, NULL, NULL);
        break;
    case NANOSLEEP: {
        struct timespec ts = {30, 0};
        rc = nanosleep(&ts, NULL);
        break;
    }
    case WAITPID:
        rc = (int)waitpid(j->pid, NULL, 0);
        break;
    case FLOCK:
        rc = flock(fd, LOCK_EX);
        break;
    }
    j->err = rc == -1 ? errno : 0;
    j->elapsed_ns = now_ns() - t0;
    j->expired = sigx_deadline_expired();
    ASSERT_OK(sigx_deadline(sig, -1));
    ASSERT_EQ(sigx_deadline_expired(), 0);
    if (fd >= 0)
        close(fd);
    ASSERT_EQ(write(results[1], "r", 1), 1);
    return NULL;
}

static void *bystander(void *arg)
{
    int fd = *(int *)arg;
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r != 1)
        TEST_FAIL_("bystander's read: %zd (%s)", r, strerror(errno));
    return NULL;
}

static int listener(void)
{
    struct sockaddr_in a;
    int s;
    ASSERT_SYS(s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_SYS(bind(s, (struct sockaddr *)&a, sizeof a));
    ASSERT_SYS(listen(s, 1));
    return s;
}

int main(void)
{
    static const enum kind kinds[N] = {READ, ACCEPT, NANOSLEEP, WAITPID,
                                       FLOCK, READ,  ACCEPT,    NANOSLEEP};
    int never[2], hold[2], wake_bystander[2], lock_fd;
    char path[] = "/tmp/sigx-deadline-XXXXXX";
    pthread_t threads[N], by;
    sigx_info info;
    char c;

    roomy_sigpending();
    sig = SIGUSR1;
    ASSERT_OK(sigx_install(sig, SIGX_INTERRUPT));
    ASSERT_SYS(pipe(never));
    ASSERT_SYS(pipe(hold));
    ASSERT_SYS(pipe(results));
    ASSERT_SYS(pipe(wake_bystander));
    ASSERT_SYS(lock_fd = mkstemp(path));
    lock_path = path;
    ASSERT_SYS(flock(lock_fd, LOCK_EX));

    /* Children for the waitpid jobs, forked before any thread: they wait
     * for EOF on `hold`. */
    for (int i = 0; i < N; i++) {
        jobs[i].kind = kinds[i];
        jobs[i].ms = 60 * (i + 1);
        if (kinds[i] == READ)
            jobs[i].fd = never[0];
        if (kinds[i] == ACCEPT)
            jobs[i].fd = listener();
        if (kinds[i] == WAITPID) {
            fflush(NULL);
            pid_t pid = fork();
            ASSERT_SYS(pid);
            if (pid == 0) {
                close(hold[1]);
                while (read(hold[0], &c, 1) != 0) {
                }
                _exit(0);
            }
            jobs[i].pid = pid;
        }
    }
    close(hold[0]);

    ASSERT_EQ(pthread_create(&by, NULL, bystander, &wake_bystander[0]), 0);
    for (int i = 0; i < N; i++)
        ASSERT_EQ(pthread_create(&threads[i], NULL, run, &jobs[i]), 0);
    /* The main thread blocks in read too, and must never see EINTR. */
    for (int i = 0; i < N; i++) {
        ssize_t r = read(results[0], &c, 1);
        if (r != 1)
            TEST_FAIL_("main thread's read: %zd (%s)", r, strerror(errno));
    }
    for (int i = 0; i < N; i++)
        ASSERT_EQ(pthread_join(threads[i], NULL), 0);
    ASSERT_EQ(write(wake_bystander[1], "b", 1), 1);
    ASSERT_EQ(pthread_join(by, NULL), 0);

    for (int i = 0; i < N; i++) {
        struct job *j = &jobs[i];
        printf("# %-9s deadline %3lld ms: EINTR after %.1f ms\n", kind_name[j->kind],
               (long long)j->ms, (double)j->elapsed_ns / 1e6);
        ASSERT_EQ(j->err, EINTR);
        ASSERT_EQ(j->expired, 1);
        ASSERT_GE(j->elapsed_ns, (uint64_t)j->ms * MS); /* never before */
        ASSERT_LE(j->elapsed_ns, (uint64_t)j->ms * MS + BOUND_NS);
    }
    TEST_PASS("8 threads in read, accept, nanosleep, waitpid, flock: EINTR after their own deadline");

    /* One record per expiry, none for the repeats. */
    for (int i = 0; i < N; i++) {
        ASSERT_OK(sigx_wait(SIGX_BIT(sig), &info, 0));
        ASSERT_EQ(info.code, SI_TIMER);
        ASSERT_U64_EQ(info.value >> 32, 0x5167DEAD);
        ASSERT_EQ(info.pid, 0);
        ASSERT_EQ(info.status, 0);
    }
    ASSERT_EQ(sigx_wait(SIGX_BIT(sig), &info, 100), SIGX_ERR_TIMEOUT);
    expect_identity(sig, N);
    sigx_stats st;
    ASSERT_OK(sigx_stats_get(sig, &st));
    ASSERT_U64_EQ(st.delivered, N);
    ASSERT_EQ(proc_timers(), 0);
    TEST_PASS("each expiry recorded once; every deadline's timer gone");

    close(hold[1]);
    for (int i = 0; i < N; i++)
        if (jobs[i].kind == WAITPID)
            reap_clean(jobs[i].pid, "waitpid job's child");
    unlink(path);
    return 0;
}
