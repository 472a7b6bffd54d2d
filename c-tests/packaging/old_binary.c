/* A program written for sigx 0.1.0, compiled and linked against an installed
 * 0.1.0 by check_old_binary.sh, then run unchanged against the library of
 * this build. It uses only what 0.1.0 documented: install, raise, send,
 * wait, the descriptor, callbacks, figures, masks and the look-ups. It
 * prints the version of the library it runs against on its last line, so the
 * script can tell which one the dynamic linker loaded.
 *
 * Plain C99, no test.h: this must compile against the old header alone. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sigx.h>

static int failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "old_binary.c:%d: CHECK(%s) failed\n", __LINE__,   \
                    #cond);                                                    \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static int callback_runs;
static uint64_t callback_value;

static void on_rt(const sigx_info *info, void *user)
{
    callback_runs++;
    callback_value = info->value;
    CHECK(user == &callback_runs);
}

int main(void)
{
    sigx_info info;
    sigx_stats stats;
    uint64_t pending = 0;
    int rt = sigx_rtmin() + 3;
    struct pollfd pfd;

    /* Look-ups. */
    CHECK(strcmp(sigx_name(SIGINT), "SIGINT") == 0);
    CHECK(strcmp(sigx_name(rt), "SIGRTMIN+3") == 0);
    CHECK(sigx_number("SIGRTMIN+3") == rt);
    CHECK(sigx_number("term") == SIGTERM);
    CHECK(sigx_number("nonsense") == SIGX_ERR_SIGNAL);
    CHECK(sigx_describe(SIGINT) != NULL);
    CHECK(sigx_default_action(SIGCHLD) == SIGX_ACTION_IGNORE);
    CHECK(sigx_is_catchable(SIGKILL) == 0);
    CHECK(sigx_valid_signals() & SIGX_BIT(SIGTERM));
    CHECK(strcmp(sigx_strerror(SIGX_ERR_TIMEOUT), sigx_strerror(SIGX_OK)) != 0);
    CHECK(sigx_install(SIGKILL, 0) == SIGX_ERR_UNCATCHABLE);
    CHECK(sigx_wait(0, &info, 0) == SIGX_ERR_ARGUMENT);

    /* Install, raise, wait. */
    CHECK(sigx_install(SIGUSR1, 0) == SIGX_OK);
    CHECK(sigx_is_installed(SIGUSR1) == 1);
    CHECK(sigx_raise(SIGUSR1) == SIGX_OK);
    memset(&info, 0, sizeof info);
    CHECK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 10000) == SIGX_OK);
    CHECK(info.signo == SIGUSR1);
    CHECK(info.pid == (int)getpid());
    CHECK(info.uid == (uint32_t)getuid());
    CHECK(info.seq > 0);
    CHECK(info.dropped == 0);
    CHECK(sigx_wait(SIGX_BIT(SIGUSR1), &info, 0) == SIGX_ERR_TIMEOUT);

    /* A value through sigqueue, seen by poll on the descriptor. */
    CHECK(sigx_install(rt, 0) == SIGX_OK);
    pfd.fd = sigx_fd();
    pfd.events = POLLIN;
    CHECK(pfd.fd >= 0);
    CHECK(sigx_send((int)getpid(), rt, 42) == SIGX_OK);
    CHECK(poll(&pfd, 1, 10000) == 1);
    CHECK(sigx_wait(SIGX_BIT(rt), &info, 0) == SIGX_OK);
    CHECK(info.signo == rt && info.code == SI_QUEUE && info.value == 42);

    /* Masks: a blocked signal stays pending in the kernel. */
    CHECK(sigx_block(SIGX_BIT(SIGUSR2), NULL) == SIGX_OK);
    CHECK(raise(SIGUSR2) == 0);
    CHECK(sigx_kernel_pending(&pending) == SIGX_OK);
    CHECK(pending & SIGX_BIT(SIGUSR2));
    CHECK(sigx_ignore(SIGUSR2) == SIGX_OK); /* discards the pending one */
    CHECK(sigx_unblock(SIGX_BIT(SIGUSR2), NULL) == SIGX_OK);
    CHECK(sigx_default(SIGUSR2) == SIGX_OK);

    /* Callbacks. */
    CHECK(sigx_on(rt, on_rt, &callback_runs) == SIGX_OK);
    CHECK(sigx_send((int)getpid(), rt, 7) == SIGX_OK);
    CHECK(sigx_dispatch(10000) == 1);
    CHECK(callback_runs == 1 && callback_value == 7);
    CHECK(sigx_on(rt, NULL, NULL) == SIGX_OK);

    /* Figures, then uninstall. */
    CHECK(sigx_stats_get(SIGUSR1, &stats) == SIGX_OK);
    CHECK(stats.delivered == 1 && stats.dropped == 0 && stats.queued == 0);
    CHECK(stats.high_water == 1);
    CHECK(sigx_stats_get(rt, &stats) == SIGX_OK);
    CHECK(stats.delivered == 2 && stats.queued == 0);
    CHECK(sigx_stats_get(33, &stats) == SIGX_ERR_SIGNAL);
    CHECK(sigx_uninstall(SIGUSR1) == SIGX_OK);
    CHECK(sigx_uninstall(rt) == SIGX_OK);
    CHECK(sigx_is_installed(SIGUSR1) == 0);

    if (failures) {
        fprintf(stderr, "old_binary: %d check(s) failed\n", failures);
        return 1;
    }
    printf("old_binary: all checks passed against sigx %s\n", sigx_version());
    return 0;
}
