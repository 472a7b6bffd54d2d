/* A stand-in for "other code" in the test_host_* tests: a shared object of
 * its own (libsigx_test_foreign.so) that takes signals over with sigaction,
 * as a language runtime or a plugin would, and counts what its handler
 * gets. sigx_disposition_get must name this file as the handler's module. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "foreign.h"

static volatile sig_atomic_t hits[65];

static void foreign_handler(int signo, siginfo_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
    if (signo > 0 && signo < 65)
        hits[signo]++;
}

int foreign_take(int signo)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = foreign_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    return sigaction(signo, &sa, NULL);
}

uintptr_t foreign_handler_address(void)
{
    return (uintptr_t)foreign_handler;
}

long foreign_hits(int signo)
{
    return signo > 0 && signo < 65 ? (long)hits[signo] : -1;
}
