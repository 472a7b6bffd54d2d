/* A user of an installed sigx: catch SIGUSR1, send it to itself, take the
 * record. kill(), not sigx_raise(): a standard signal sent with kill() keeps
 * its sender details even while the user's queue of pending signals
 * (RLIMIT_SIGPENDING, shared by all processes of the user) is full. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sigx.h>

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "consumer: %s:%d: check failed: %s\n", __FILE__,   \
                    __LINE__, #cond);                                          \
            return 1;                                                          \
        }                                                                      \
    } while (0)

int main(void) {
    char header_version[32];
    sigx_info info;
    int rc;

    snprintf(header_version, sizeof header_version, "%d.%d.%d", SIGX_VERSION_MAJOR,
             SIGX_VERSION_MINOR, SIGX_VERSION_PATCH);
    CHECK(strcmp(sigx_version(), header_version) == 0);

    rc = sigx_install(SIGUSR1, 0);
    if (rc != SIGX_OK) {
        fprintf(stderr, "consumer: sigx_install: %s\n", sigx_strerror(rc));
        return 1;
    }
    CHECK(kill(getpid(), SIGUSR1) == 0);

    memset(&info, 0, sizeof info);
    rc = sigx_wait(SIGX_BIT(SIGUSR1), &info, 10000);
    if (rc != SIGX_OK) {
        fprintf(stderr, "consumer: sigx_wait: %s\n", sigx_strerror(rc));
        return 1;
    }
    CHECK(info.signo == SIGUSR1);
    CHECK(info.code == SI_USER);
    CHECK(info.pid == (int32_t)getpid());
    CHECK(info.uid == (uint32_t)getuid());
    CHECK(info.seq >= 1);
    CHECK(info.dropped == 0);
    CHECK(sigx_uninstall(SIGUSR1) == SIGX_OK);

    printf("consumer: sigx %s caught %s (seq %llu)\n", sigx_version(), sigx_name(info.signo),
           (unsigned long long)info.seq);
    return 0;
}
