/* demo: a short guided tour of sigx. The program sends itself a few signals
 * (directly, and from child processes), and prints each record sigx made:
 *
 *   name   which signal          pid    who sent it (for SIGCHLD: the child)
 *   code   how it was sent        seq    delivery number, process-wide
 *   value  the number a sender attached with sigqueue (sigx_send)
 *
 * sigx's signal handler only writes such a record into a queue; the program
 * takes records out when it is ready with sigx_wait(), or lets
 * sigx_dispatch() run a callback for them. Nothing unsafe ever runs inside
 * the handler itself. Takes well under a second.
 *
 * Run: ./demo
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (fork, kill) in strict C99 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sigx.h>

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

/* si_code says how a signal was sent. */
static const char *code_name(const sigx_info *info)
{
    if (info->signo == SIGCHLD && info->code == CLD_EXITED) return "CLD_EXITED";
    if (info->signo == SIGCHLD && info->code == CLD_KILLED) return "CLD_KILLED";
    switch (info->code) {
    case SI_USER:   return "SI_USER";   /* kill() */
    case SI_QUEUE:  return "SI_QUEUE";  /* sigqueue(): sigx_send */
    case SI_TKILL:  return "SI_TKILL";  /* to one thread: raise(), sigx_raise */
    case SI_KERNEL: return "SI_KERNEL"; /* the kernel itself (e.g. a timer) */
    default:        return "other";
    }
}

static void print_record(const sigx_info *info)
{
    printf("   %-11s pid=%-7d code=%-10s seq=%-3llu value=%llu", sigx_name(info->signo),
           (int)info->pid, code_name(info), (unsigned long long)info->seq,
           (unsigned long long)info->value);
    if (info->signo == SIGCHLD)
        printf(" exit status=%d", (int)info->status);
    printf("\n");
}

/* Take the next record of a signal in `mask` (waiting up to 10 s) and show it. */
static void show_next(uint64_t mask)
{
    sigx_info info;
    check(sigx_wait(mask, &info, 10000), "sigx_wait");
    print_record(&info);
}

static void on_alarm(const sigx_info *info, void *user)
{
    (void)user;
    printf("   callback: Alarm went off! (%s, seq=%llu)\n", sigx_name(info->signo),
           (unsigned long long)info->seq);
}

int main(void)
{
    const int rt = sigx_rtmin() + 1;
    const uint64_t from_child = SIGX_BIT(SIGHUP) | SIGX_BIT(SIGTERM) | SIGX_BIT(SIGCHLD);
    uint64_t pending, mask;
    sigx_stats stats;
    pid_t child;
    int i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("sigx %s demo, pid %d\n", sigx_version(), (int)getpid());
    /* Catch everything we are about to receive. Until now each of these
     * had its default action (most would have ended the program). */
    {
        const int signals[] = {SIGUSR1, SIGUSR2, SIGHUP, SIGTERM, SIGCHLD, rt};
        for (i = 0; i < (int)(sizeof signals / sizeof signals[0]); i++)
            check(sigx_install(signals[i], 0), "sigx_install");
    }

    printf("1. SIGUSR1 sent to ourselves with sigx_raise:\n");
    check(sigx_raise(SIGUSR1), "sigx_raise");
    show_next(SIGX_BIT(SIGUSR1));

    printf("2. %s with the value 42, with sigx_send (sigqueue):\n", sigx_name(rt));
    check(sigx_send(getpid(), rt, 42), "sigx_send");
    show_next(SIGX_BIT(rt));

    printf("3. SIGCHLD: a child exits with status 7:\n");
    if ((child = fork()) == 0)
        _exit(7);
    show_next(SIGX_BIT(SIGCHLD));
    waitpid(child, NULL, 0); /* reap it */

    printf("4. SIGHUP and SIGTERM sent by a child with kill(), then its SIGCHLD:\n");
    if ((child = fork()) == 0) {
        kill(getppid(), SIGHUP);
        kill(getppid(), SIGTERM);
        _exit(0);
    }
    for (i = 0; i < 3; i++)
        show_next(from_child);
    waitpid(child, NULL, 0);

    printf("5. An alarm after 100 ms, handled by a callback via sigx_dispatch:\n");
    check(sigx_on(SIGALRM, on_alarm, NULL), "sigx_on");
    check(sigx_alarm(100, 0, NULL), "sigx_alarm");
    check(sigx_dispatch(10000), "sigx_dispatch");

    printf("6. Blocking: SIGUSR2 blocked, then sent:\n");
    check(sigx_block(SIGX_BIT(SIGUSR2), NULL), "sigx_block");
    check(sigx_raise(SIGUSR2), "sigx_raise");
    check(sigx_kernel_pending(&pending), "sigx_kernel_pending");
    check(sigx_stats_get(SIGUSR2, &stats), "sigx_stats_get");
    printf("   the kernel holds it pending: %s, in sigx's queue: %s\n",
           pending & SIGX_BIT(SIGUSR2) ? "yes" : "no", stats.queued ? "yes" : "no");
    printf("   this thread blocks it, so sigx_wait takes it from the kernel:\n");
    show_next(SIGX_BIT(SIGUSR2));
    check(sigx_block(0, &mask), "sigx_block");
    printf("   and leaves the thread's mask alone: SIGUSR2 still blocked: %s\n",
           mask & SIGX_BIT(SIGUSR2) ? "yes" : "no");
    check(sigx_unblock(SIGX_BIT(SIGUSR2), NULL), "sigx_unblock");

    check(sigx_stats_get(0, &stats), "sigx_stats_get");
    printf("Done: %llu signals delivered, %llu dropped, %llu still queued.\n",
           (unsigned long long)stats.delivered, (unsigned long long)stats.dropped,
           (unsigned long long)stats.queued);
    return 0;
}
