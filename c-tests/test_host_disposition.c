/* sigx_disposition_get (sigx.h): what the kernel says, whoever set
 * it. Every valid signal in a fresh process (compared with sigaction's own
 * answer), after sigx_install / sigx_ignore / sigx_default / sigx_uninstall,
 * and after another shared object (libsigx_test_foreign.so) took a signal
 * over: kind FOREIGN, its handler's address, and its path in `module`,
 * which stays the same pointer. Misuse per contract. */
#include "test.h"
#include "helpers.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "foreign.h"

static void exe_handler(int signo)
{
    (void)signo;
}

static sigx_disposition get(int signo)
{
    sigx_disposition d;
    memset(&d, 0xa5, sizeof d); /* so that a field left unwritten shows */
    ASSERT_OK(sigx_disposition_get(signo, &d));
    ASSERT_U64_EQ(d.reserved[0], 0);
    ASSERT_U64_EQ(d.reserved[1], 0);
    ASSERT_U64_EQ(d.reserved[2], 0);
    return d;
}

/* The kind sigaction's own answer implies, for signals sigx never touched
 * (SIG_DFL and SIG_IGN are values of the handler word whatever the flags
 * say; valgrind, for one, reports SA_SIGINFO with them). */
static int kind_of(const struct sigaction *sa)
{
    if (sa->sa_handler == SIG_DFL)
        return SIGX_DISP_DEFAULT;
    if (sa->sa_handler == SIG_IGN)
        return SIGX_DISP_IGNORE;
    return SIGX_DISP_FOREIGN;
}

static void fresh_process(void)
{
    uint64_t valid = sigx_valid_signals();
    int seen = 0;
    for (int s = 1; s <= 64; s++) {
        if ((valid & SIGX_BIT(s)) == 0)
            continue;
        struct sigaction sa;
        ASSERT_SYS(sigaction(s, NULL, &sa));
        sigx_disposition d = get(s);
        ASSERT_EQ(d.kind, kind_of(&sa));
        ASSERT_EQ(d.sigx_flags, 0);
        ASSERT_U64_EQ(d.sa_flags, (uint64_t)(uint32_t)sa.sa_flags);
        if (d.kind != SIGX_DISP_FOREIGN) {
            ASSERT_U64_EQ(d.handler, 0);
            ASSERT_TRUE(d.module == NULL);
        }
        seen++;
    }
    ASSERT_GE(seen, 31 + 29);
    /* SIGKILL and SIGSTOP are valid and always SIG_DFL. */
    ASSERT_EQ(get(SIGKILL).kind, SIGX_DISP_DEFAULT);
    ASSERT_EQ(get(SIGSTOP).kind, SIGX_DISP_DEFAULT);
}

static void sigx_kinds(void)
{
    /* Start from SIG_DFL whatever the test was started with. */
    signal(SIGUSR1, SIG_DFL);
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_INTERRUPT | SIGX_CHAIN));
    sigx_disposition d = get(SIGUSR1);
    ASSERT_EQ(d.kind, SIGX_DISP_SIGX);
    ASSERT_EQ(d.sigx_flags, SIGX_INTERRUPT | SIGX_CHAIN);
    ASSERT_TRUE(d.sa_flags & SA_SIGINFO);
    ASSERT_TRUE(d.sa_flags & SA_ONSTACK);
    ASSERT_TRUE((d.sa_flags & SA_RESTART) == 0);
    ASSERT_TRUE(d.sa_mask & SIGX_BIT(SIGTERM)); /* sigx blocks everything */
    ASSERT_U64_EQ(d.handler, 0);
    ASSERT_TRUE(d.module != NULL);
    ASSERT_TRUE(strstr(d.module, "libsigx") != NULL);
    const char *libsigx = d.module;

    /* Updating the flags shows; the module string is the same one. */
    ASSERT_OK(sigx_install(SIGUSR1, SIGX_FORK_RESET));
    d = get(SIGUSR1);
    ASSERT_EQ(d.sigx_flags, SIGX_FORK_RESET);
    ASSERT_TRUE(d.sa_flags & SA_RESTART);
    ASSERT_TRUE(d.module == libsigx);

    ASSERT_OK(sigx_ignore(SIGUSR1));
    d = get(SIGUSR1);
    ASSERT_EQ(d.kind, SIGX_DISP_IGNORE);
    ASSERT_EQ(d.sigx_flags, 0);
    ASSERT_TRUE(d.module == NULL);

    ASSERT_OK(sigx_default(SIGUSR1));
    ASSERT_EQ(get(SIGUSR1).kind, SIGX_DISP_DEFAULT);

    ASSERT_OK(sigx_install(SIGUSR1, 0));
    ASSERT_EQ(get(SIGUSR1).kind, SIGX_DISP_SIGX);
    ASSERT_OK(sigx_uninstall(SIGUSR1));
    ASSERT_EQ(get(SIGUSR1).kind, SIGX_DISP_DEFAULT);

    /* A fault signal sigx may ignore shows as ignored. */
    ASSERT_OK(sigx_ignore(SIGFPE));
    ASSERT_EQ(get(SIGFPE).kind, SIGX_DISP_IGNORE);
    ASSERT_OK(sigx_uninstall(SIGFPE));
}

static void foreign_kind(void)
{
    signal(SIGUSR2, SIG_DFL);
    ASSERT_SYS(foreign_take(SIGUSR2));
    sigx_disposition d = get(SIGUSR2);
    ASSERT_EQ(d.kind, SIGX_DISP_FOREIGN);
    ASSERT_EQ(d.sigx_flags, 0);
    ASSERT_U64_EQ(d.handler, foreign_handler_address());
    ASSERT_TRUE(d.sa_flags & SA_SIGINFO);
    ASSERT_TRUE(d.sa_flags & SA_RESTART);
    ASSERT_U64_EQ(d.sa_mask, 0);
    ASSERT_TRUE(d.module != NULL);
    if (strstr(d.module, SIGX_TEST_FOREIGN_NAME) == NULL)
        TEST_FAIL_("module \"%s\" does not name %s", d.module, SIGX_TEST_FOREIGN_NAME);
    const char *first = d.module;
    ASSERT_TRUE(get(SIGUSR2).module == first); /* sigx's copy, kept */

    /* A handler of the executable itself names the test program. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = exe_handler; /* never called */
    ASSERT_SYS(sigaction(SIGWINCH, &sa, NULL));
    d = get(SIGWINCH);
    ASSERT_EQ(d.kind, SIGX_DISP_FOREIGN);
    ASSERT_TRUE(d.module == NULL || strstr(d.module, "test_host_disposition") != NULL);
    signal(SIGWINCH, SIG_DFL);
}

static void misuse(void)
{
    sigx_disposition d;
    memset(&d, 0x5a, sizeof d);
    sigx_disposition before = d;
    ASSERT_EQ(sigx_disposition_get(SIGUSR1, NULL), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_disposition_get(0, NULL), SIGX_ERR_ARGUMENT); /* pointers first */
    const int bad[] = {0, -1, 32, 33, 65, 1000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ASSERT_EQ(sigx_disposition_get(bad[i], &d), SIGX_ERR_SIGNAL);
    ASSERT_TRUE(memcmp(&d, &before, sizeof d) == 0); /* written only on SIGX_OK */
}

int main(void)
{
    ASSERT_EQ(sizeof(sigx_disposition), 64);
    ASSERT_EQ(offsetof(sigx_disposition, module), 32);
    ASSERT_EQ(offsetof(sigx_disposition, reserved), 40);
    fresh_process();
    sigx_kinds();
    foreign_kind();
    misuse();
    printf("ok\n");
    return 0;
}
