/* list-signals: print every signal this system lets programs use.
 *
 * A signal is a small number the kernel delivers to a process to tell it
 * that something happened: the user pressed Ctrl+C (SIGINT), a child
 * exited (SIGCHLD), a timer expired (SIGALRM), another program asked it to
 * stop (SIGTERM). Each signal has a *default action*, what the kernel does
 * when the program has not said otherwise: terminate the process, terminate
 * it and write a core dump, ignore the signal, or stop/continue it.
 *
 * Signals 1..31 are the classic "standard" signals, each with a fixed
 * meaning. SIGRTMIN..SIGRTMAX are the "real-time" signals: they have no
 * fixed meaning (programs pick one for their own use), they can carry a
 * value, and several sent in a row are all delivered instead of merging
 * into one. The C library keeps a couple of numbers for itself (32 and 33
 * on glibc), so they are missing from the list.
 *
 * Run: ./list-signals
 */
#include <stdio.h>

#include <sigx.h>

/* sigx_default_action() returns one of these, in this order. */
static const char *const action_names[] = {
    "terminate", /* SIGX_ACTION_TERMINATE */
    "core",      /* SIGX_ACTION_CORE: terminate and dump core */
    "ignore",    /* SIGX_ACTION_IGNORE */
    "stop",      /* SIGX_ACTION_STOP: pause the process (like Ctrl+Z) */
    "continue",  /* SIGX_ACTION_CONTINUE: resume a stopped process */
};

int main(void)
{
    uint64_t valid = sigx_valid_signals(); /* bit (signo - 1) per signal */
    int count = 0;
    int signo;

    printf("%3s  %-12s %-10s %s\n", "NUM", "NAME", "DEFAULT", "DESCRIPTION");
    for (signo = 1; signo <= 64; signo++) {
        int action;
        if (!(valid & SIGX_BIT(signo)))
            continue; /* reserved by the C library, or beyond SIGRTMAX */
        if (signo == sigx_rtmin())
            printf("---- real-time signals: SIGRTMIN = %d .. SIGRTMAX = %d ----\n",
                   sigx_rtmin(), sigx_rtmax());
        action = sigx_default_action(signo);
        printf("%3d  %-12s %-10s %s%s\n", signo, sigx_name(signo),
               action >= 0 ? action_names[action] : "?", sigx_describe(signo),
               /* SIGKILL and SIGSTOP can never be caught, blocked or ignored;
                * sigx also refuses to queue the fault signals. */
               sigx_is_catchable(signo) ? "" : "  (sigx cannot catch it)");
        count++;
    }
    printf("%d signals\n", count);
    return 0;
}
