/* Callbacks that call back into sigx for their own signal (remove themselves,
 * uninstall, replace themselves, re-install), and callbacks that do ordinary
 * normal-context things (print, malloc, lock, fork). A deadlock shows up as a
 * ctest TIMEOUT. */
#include "test.h"
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 10000

static int removed_calls, uninstall_calls, replaced_calls, second_calls;
static int reinstall_calls, print_calls, fork_calls;

static void remove_myself(const sigx_info *info, void *user)
{
    (void)user;
    removed_calls++;
    ASSERT_OK(sigx_on(info->signo, NULL, NULL));
}

static void uninstall_myself(const sigx_info *info, void *user)
{
    (void)user;
    uninstall_calls++;
    ASSERT_OK(sigx_uninstall(info->signo));
}

static void second(const sigx_info *info, void *user)
{
    (void)info;
    ASSERT_TRUE(user == &second_calls);
    second_calls++;
}

static void replace_myself(const sigx_info *info, void *user)
{
    (void)user;
    replaced_calls++;
    ASSERT_OK(sigx_on(info->signo, second, &second_calls));
}

static void reinstall_myself(const sigx_info *info, void *user)
{
    (void)user;
    reinstall_calls++;
    ASSERT_OK(sigx_install(info->signo, SIGX_INTERRUPT));
    ASSERT_EQ(sigx_is_installed(info->signo), 1);
    /* Other sigx calls from a callback. */
    {
        sigx_stats st;
        sigx_info other;
        ASSERT_OK(sigx_stats_get(info->signo, &st));
        ASSERT_EQ(sigx_wait(SIGX_BIT(info->signo), &other, 0), SIGX_ERR_TIMEOUT);
    }
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void print_and_malloc(const sigx_info *info, void *user)
{
    char **out = user;
    size_t len = 64;
    char *text = malloc(len);
    ASSERT_TRUE(text != NULL);
    ASSERT_EQ(pthread_mutex_lock(&lock), 0);
    snprintf(text, len, "callback for %s, seq %llu", sigx_name(info->signo),
             (unsigned long long)info->seq);
    printf("# %s\n", text);
    fflush(stdout);
    free(*out);
    *out = text; /* freed by main */
    print_calls++;
    ASSERT_EQ(pthread_mutex_unlock(&lock), 0);
}

/* Forks from inside a callback; the child uses sigx (its locks must not be
 * held by a thread it does not have) and exits with a code that says how it
 * went. */
static void child_callback(const sigx_info *info, void *user)
{
    (void)info;
    *(int *)user += 1;
}

static void fork_in_callback(const sigx_info *info, void *user)
{
    pid_t pid;
    int status;
    (void)user;
    fork_calls++;
    pid = fork();
    ASSERT_SYS(pid);
    if (pid == 0) {
        int hits = 0;
        if (sigx_on(info->signo, NULL, NULL) != SIGX_OK)
            _exit(10);
        if (sigx_on(SIGUSR2, child_callback, &hits) != SIGX_OK)
            _exit(11);
        if (sigx_raise(SIGUSR2) != SIGX_OK)
            _exit(12);
        if (sigx_dispatch(WAIT_MS) != 1 || hits != 1)
            _exit(13);
        _exit(0);
    }
    status = wait_child(pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
}

static int handler_of_is(int signo, void (*h)(int))
{
    struct sigaction sa;
    ASSERT_SYS(sigaction(signo, NULL, &sa));
    return !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == h;
}

int main(void)
{
    int rtmin = sigx_rtmin();
    int rt = rtmin + 4;
    sigx_info info;
    char *text = NULL;

    /* A callback that removes itself: it ran once, the signal is still
     * installed, and a later delivery is only queued. Two records were
     * queued: the second one never reaches the removed callback. */
    ASSERT_OK(sigx_on(rt, remove_myself, NULL));
    ASSERT_OK(sigx_raise(rt));
    ASSERT_OK(sigx_raise(rt));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(removed_calls, 1);
    ASSERT_EQ(sigx_is_installed(rt), 1);
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    while (sigx_wait(SIGX_BIT(rt), &info, 0) == SIGX_OK)
        ; /* the second record, if it was left queued */
    ASSERT_OK(sigx_raise(rt));
    ASSERT_OK(sigx_wait(SIGX_BIT(rt), &info, WAIT_MS));
    ASSERT_EQ(info.signo, rt);
    ASSERT_EQ(removed_calls, 1);
    TEST_PASS("callback removing itself");

    /* A callback that uninstalls its signal: the original disposition (here
     * SIG_IGN, set before sigx touched it) comes back. */
    ASSERT_TRUE(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
    ASSERT_OK(sigx_on(SIGUSR2, uninstall_myself, NULL));
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 1);
    ASSERT_OK(sigx_raise(SIGUSR2));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(uninstall_calls, 1);
    ASSERT_EQ(sigx_is_installed(SIGUSR2), 0);
    ASSERT_TRUE(handler_of_is(SIGUSR2, SIG_IGN));
    ASSERT_EQ(sigx_uninstall(SIGUSR2), SIGX_ERR_NOT_INSTALLED);
    ASSERT_EQ(sigx_dispatch(0), SIGX_ERR_NOT_INSTALLED);
    ASSERT_OK(sigx_raise(SIGUSR2)); /* ignored: nothing recorded */
    {
        sigx_stats st;
        ASSERT_OK(sigx_stats_get(SIGUSR2, &st));
        ASSERT_U64_EQ(st.delivered, 1);
        ASSERT_U64_EQ(st.queued, 0);
    }
    ASSERT_TRUE(signal(SIGUSR2, SIG_DFL) != SIG_ERR);
    TEST_PASS("callback uninstalling its signal");

    /* A callback that replaces itself: the next delivery goes to the new
     * one, with the new user pointer. */
    ASSERT_OK(sigx_on(SIGUSR1, replace_myself, NULL));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(replaced_calls, 1);
    ASSERT_EQ(second_calls, 0);
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(replaced_calls, 1);
    ASSERT_EQ(second_calls, 1);
    TEST_PASS("callback replacing itself");

    /* A callback that re-installs its signal with other flags and calls
     * other sigx functions. */
    ASSERT_OK(sigx_on(SIGHUP, reinstall_myself, NULL));
    ASSERT_OK(sigx_raise(SIGHUP));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(reinstall_calls, 1);
    {
        struct sigaction sa;
        ASSERT_SYS(sigaction(SIGHUP, NULL, &sa));
        ASSERT_TRUE(!(sa.sa_flags & SA_RESTART));
    }
    ASSERT_OK(sigx_raise(SIGHUP)); /* the callback is still registered */
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(reinstall_calls, 2);
    ASSERT_OK(sigx_on(SIGHUP, NULL, NULL));
    TEST_PASS("callback re-installing its signal");

    /* Print, allocate and lock in a callback, many times. */
    {
        int i;
        ASSERT_OK(sigx_on(SIGUSR1, print_and_malloc, &text));
        for (i = 0; i < 5; i++) {
            ASSERT_OK(sigx_raise(SIGUSR1));
            ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
        }
        ASSERT_EQ(print_calls, 5);
        ASSERT_TRUE(text != NULL);
        ASSERT_TRUE(strncmp(text, "callback for SIGUSR1, seq ", 26) == 0);
        free(text);
        text = NULL;
        ASSERT_OK(sigx_on(SIGUSR1, NULL, NULL));
    }
    TEST_PASS("callback printing, allocating and locking");

    /* fork from a callback: the child can use sigx, including callbacks. */
    ASSERT_OK(sigx_on(SIGUSR1, fork_in_callback, NULL));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(fork_calls, 1);
    /* And the parent's gate was released after the callback. */
    ASSERT_OK(sigx_on(SIGUSR1, NULL, NULL));
    ASSERT_OK(sigx_on(SIGUSR1, second, &second_calls));
    ASSERT_OK(sigx_raise(SIGUSR1));
    ASSERT_EQ(sigx_dispatch(WAIT_MS), 1);
    ASSERT_EQ(second_calls, 2);
    TEST_PASS("callback forking");

    TEST_PASS("test_callback_reentrant");
    return 0;
}
