/* Looking signals up (sigx_name to sigx_is_catchable in sigx.h): names as
 * `kill -l` spells them, every accepted spelling of sigx_number,
 * descriptions and the real-time range against glibc's own values, default
 * actions per signal(7), the valid set, catchability, and what invalid
 * input gets. */
#include "test.h"

#include <limits.h>
#include <signal.h>
#include <stdint.h>

/* The standard signals: number, `kill -l` name, default action. */
static const struct {
    int signo;
    const char *name;
    int action;
} standard[] = {
    {SIGHUP, "SIGHUP", SIGX_ACTION_TERMINATE},    {SIGINT, "SIGINT", SIGX_ACTION_TERMINATE},
    {SIGQUIT, "SIGQUIT", SIGX_ACTION_CORE},       {SIGILL, "SIGILL", SIGX_ACTION_CORE},
    {SIGTRAP, "SIGTRAP", SIGX_ACTION_CORE},       {SIGABRT, "SIGABRT", SIGX_ACTION_CORE},
    {SIGBUS, "SIGBUS", SIGX_ACTION_CORE},         {SIGFPE, "SIGFPE", SIGX_ACTION_CORE},
    {SIGKILL, "SIGKILL", SIGX_ACTION_TERMINATE},  {SIGUSR1, "SIGUSR1", SIGX_ACTION_TERMINATE},
    {SIGSEGV, "SIGSEGV", SIGX_ACTION_CORE},       {SIGUSR2, "SIGUSR2", SIGX_ACTION_TERMINATE},
    {SIGPIPE, "SIGPIPE", SIGX_ACTION_TERMINATE},  {SIGALRM, "SIGALRM", SIGX_ACTION_TERMINATE},
    {SIGTERM, "SIGTERM", SIGX_ACTION_TERMINATE},  {SIGSTKFLT, "SIGSTKFLT", SIGX_ACTION_TERMINATE},
    {SIGCHLD, "SIGCHLD", SIGX_ACTION_IGNORE},     {SIGCONT, "SIGCONT", SIGX_ACTION_CONTINUE},
    {SIGSTOP, "SIGSTOP", SIGX_ACTION_STOP},       {SIGTSTP, "SIGTSTP", SIGX_ACTION_STOP},
    {SIGTTIN, "SIGTTIN", SIGX_ACTION_STOP},       {SIGTTOU, "SIGTTOU", SIGX_ACTION_STOP},
    {SIGURG, "SIGURG", SIGX_ACTION_IGNORE},       {SIGXCPU, "SIGXCPU", SIGX_ACTION_CORE},
    {SIGXFSZ, "SIGXFSZ", SIGX_ACTION_CORE},       {SIGVTALRM, "SIGVTALRM", SIGX_ACTION_TERMINATE},
    {SIGPROF, "SIGPROF", SIGX_ACTION_TERMINATE},  {SIGWINCH, "SIGWINCH", SIGX_ACTION_IGNORE},
    {SIGIO, "SIGIO", SIGX_ACTION_TERMINATE},      {SIGPWR, "SIGPWR", SIGX_ACTION_TERMINATE},
    {SIGSYS, "SIGSYS", SIGX_ACTION_CORE},
};
#define N_STANDARD ((int)(sizeof standard / sizeof standard[0]))

static int is_valid(int s) { return (s >= 1 && s <= 31) || (s >= SIGRTMIN && s <= SIGRTMAX); }

static void check_range_and_valid_set(void)
{
    uint64_t expect = 0;
    ASSERT_EQ(sigx_rtmin(), SIGRTMIN);
    ASSERT_EQ(sigx_rtmax(), SIGRTMAX);
    ASSERT_EQ(SIGRTMIN, 34); /* glibc keeps 32 and 33 (top of sigx.h) */
    ASSERT_EQ(SIGRTMAX, 64);
    ASSERT_EQ(N_STANDARD, 31);
    for (int s = 1; s <= 64; s++)
        if (is_valid(s))
            expect |= SIGX_BIT(s);
    ASSERT_U64_EQ(sigx_valid_signals(), expect);
    ASSERT_TRUE((sigx_valid_signals() & (SIGX_BIT(32) | SIGX_BIT(33))) == 0);
}

static void check_standard(void)
{
    char buf[64];
    for (int i = 0; i < N_STANDARD; i++) {
        int s = standard[i].signo;
        ASSERT_EQ(s, i + 1);
        ASSERT_STREQ(sigx_name(s), standard[i].name);
        ASSERT_STREQ(sigx_describe(s), strsignal(s)); /* C locale */
        ASSERT_EQ(sigx_default_action(s), standard[i].action);
        /* glibc's own abbreviation (SIGPOLL for 29) is accepted as well. */
        snprintf(buf, sizeof buf, "SIG%s", sigabbrev_np(s));
        ASSERT_EQ(sigx_number(buf), s);
        ASSERT_EQ(sigx_number(sigabbrev_np(s)), s);
        int uncatchable = s == SIGKILL || s == SIGSTOP || s == SIGSEGV ||
                          s == SIGBUS || s == SIGFPE || s == SIGILL;
        ASSERT_EQ(sigx_is_catchable(s), !uncatchable);
    }
}

/* Real-time: SIGRTMIN, SIGRTMIN+1 .. +15, SIGRTMAX-14 .. -1, SIGRTMAX. */
static void check_realtime(void)
{
    char buf[64];
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++) {
        int up = s - SIGRTMIN, down = SIGRTMAX - s;
        if (up == 0)
            snprintf(buf, sizeof buf, "SIGRTMIN");
        else if (up <= 15)
            snprintf(buf, sizeof buf, "SIGRTMIN+%d", up);
        else if (down == 0)
            snprintf(buf, sizeof buf, "SIGRTMAX");
        else
            snprintf(buf, sizeof buf, "SIGRTMAX-%d", down);
        ASSERT_STREQ(sigx_name(s), buf);
        ASSERT_STREQ(sigx_describe(s), strsignal(s)); /* "Real-time signal N" */
        ASSERT_EQ(sigx_default_action(s), SIGX_ACTION_TERMINATE);
        ASSERT_EQ(sigx_is_catchable(s), 1);
        /* Both forms name every real-time signal, with or without SIG. */
        snprintf(buf, sizeof buf, "SIGRTMIN+%d", up);
        ASSERT_EQ(sigx_number(buf), s);
        snprintf(buf, sizeof buf, "RTMAX-%d", down);
        ASSERT_EQ(sigx_number(buf), s);
    }
}

static void check_spellings(void)
{
    static const struct { const char *text; int signo; } ok[] = {
        {"SIGINT", 2}, {"INT", 2}, {"sigint", 2}, {"int", 2}, {"SigInt", 2},
        {"2", 2}, {"64", 64}, {"34", 34}, {"SIGIOT", SIGABRT}, {"IOT", SIGABRT},
        {"SIGPOLL", SIGIO}, {"SIGCLD", SIGCHLD}, {"cld", SIGCHLD},
        {"SIGRTMIN", 34}, {"RTMIN", 34}, {"sigrtmin", 34}, {"SIGRTMIN+3", 37},
        {"SIGRTMIN+20", 54}, {"SIGRTMIN+30", 64}, {"SIGRTMAX", 64},
        {"RTMAX-1", 63}, {"rtmax-30", 34}, {"SIGRTMAX-14", 50},
    };
    static const char *bad[] = {
        "0", "32", "33", "65", "-1", "+2", " 2", "2 ", "2x", "SIG", "SIGFOO",
        "SIGINT ", " SIGINT", "SIGSIGINT", "INT2", "KILL-1", "SIGRTMIN+31",
        "SIGRTMAX-31", "RTMIN-1", "RTMAX+1", "SIGRTMIN+", "SIGRTMIN+-1",
        "RTMIN+ 1", "4294967298", "99999999999999999999999", "SIG\xc4\xb0NT",
        "\xff",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (sigx_number(ok[i].text) != ok[i].signo)
            TEST_FAIL_("sigx_number(\"%s\") = %d, want %d", ok[i].text,
                       sigx_number(ok[i].text), ok[i].signo);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (sigx_number(bad[i]) != SIGX_ERR_SIGNAL)
            TEST_FAIL_("sigx_number(\"%s\") = %d, want SIGX_ERR_SIGNAL", bad[i],
                       sigx_number(bad[i]));
    }
    ASSERT_EQ(sigx_number(NULL), SIGX_ERR_ARGUMENT);
    ASSERT_EQ(sigx_number(""), SIGX_ERR_ARGUMENT);
}

/* Invalid numbers: NULL texts, SIGX_ERR_SIGNAL statuses. */
static void check_invalid_numbers(void)
{
    const int bad[] = {0, -1, 32, 33, 65, 100, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_TRUE(sigx_name(bad[i]) == NULL);
        ASSERT_TRUE(sigx_describe(bad[i]) == NULL);
        ASSERT_EQ(sigx_default_action(bad[i]), SIGX_ERR_SIGNAL);
        ASSERT_EQ(sigx_is_catchable(bad[i]), SIGX_ERR_SIGNAL);
    }
}

/* Every valid signal survives name -> number, with and without the SIG
 * prefix, in lower case, and as a decimal string. */
static void check_round_trip(void)
{
    char buf[64];
    int count = 0;
    for (int s = -2; s <= 66; s++) {
        if (!is_valid(s))
            continue;
        const char *name = sigx_name(s);
        ASSERT_TRUE(name != NULL && strncmp(name, "SIG", 3) == 0);
        ASSERT_EQ(sigx_number(name), s);
        ASSERT_EQ(sigx_number(name + 3), s);
        for (size_t k = 0; name[k] != '\0' && k + 1 < sizeof buf; k++)
            buf[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
        buf[strlen(name)] = '\0';
        ASSERT_EQ(sigx_number(buf), s);
        snprintf(buf, sizeof buf, "%d", s);
        ASSERT_EQ(sigx_number(buf), s);
        ASSERT_TRUE(sigx_name(s) == name); /* static text */
        count++;
    }
    ASSERT_EQ(count, 62);
}

int main(void)
{
    check_range_and_valid_set();
    check_standard();
    check_realtime();
    check_spellings();
    check_invalid_numbers();
    check_round_trip();
    TEST_PASS("test_api_lookup");
    return 0;
}
