/* The fixed numbers of the C ABI (sigx.h): status codes and their
 * sigx_strerror texts, flag and action values, mask macros, version, and the
 * exact layout of sigx_info and sigx_stats, which FFI callers mirror by hand.
 * Nothing here touches a signal. */
#include "test.h"

#include <limits.h>
#include <stddef.h>

/* Every status the header declares, in its order (SIGX_ERR_INTERNAL is
 * sigx's own addition to the contract's list). */
static const int statuses[] = {
    SIGX_OK,           SIGX_ERR_SIGNAL,        SIGX_ERR_UNCATCHABLE,
    SIGX_ERR_FORBIDDEN, SIGX_ERR_ARGUMENT,     SIGX_ERR_TIMEOUT,
    SIGX_ERR_NOT_INSTALLED, SIGX_ERR_SYSTEM,   SIGX_ERR_NO_MEMORY,
    SIGX_ERR_UNSUPPORTED, SIGX_ERR_BUSY,       SIGX_ERR_INTERNAL,
    SIGX_ERR_NOT_FOUND,   SIGX_ERR_DISPLACED, /* v0.2 */
};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

static void check_status_values(void)
{
    ASSERT_EQ(SIGX_OK, 0);
    ASSERT_EQ(SIGX_ERR_SIGNAL, -1);
    ASSERT_EQ(SIGX_ERR_UNCATCHABLE, -2);
    ASSERT_EQ(SIGX_ERR_FORBIDDEN, -3);
    ASSERT_EQ(SIGX_ERR_ARGUMENT, -4);
    ASSERT_EQ(SIGX_ERR_TIMEOUT, -5);
    ASSERT_EQ(SIGX_ERR_NOT_INSTALLED, -6);
    ASSERT_EQ(SIGX_ERR_SYSTEM, -7);
    ASSERT_EQ(SIGX_ERR_NO_MEMORY, -8);
    ASSERT_EQ(SIGX_ERR_UNSUPPORTED, -9);
    ASSERT_EQ(SIGX_ERR_BUSY, -10);
    /* sigx's own addition after the fixed codes: it must not reuse one. */
    ASSERT_LT(SIGX_ERR_INTERNAL, SIGX_ERR_BUSY);
    /* v0.2 additions. */
    ASSERT_EQ(SIGX_ERR_NOT_FOUND, -12);
    ASSERT_EQ(SIGX_ERR_DISPLACED, -13);
}

/* Each status has its own non-empty sentence; anything else gets one
 * generic sentence that no real status uses. */
static void check_strerror(void)
{
    const int unknown[] = {1, 2, 42, -14, -100, 1000, INT_MAX, INT_MIN};
    const char *generic = sigx_strerror(unknown[0]);
    ASSERT_TRUE(generic != NULL && generic[0] != '\0');
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        ASSERT_STREQ(sigx_strerror(unknown[i]), generic);

    for (size_t i = 0; i < N_STATUSES; i++) {
        const char *text = sigx_strerror(statuses[i]);
        ASSERT_TRUE(text != NULL);
        ASSERT_GT(strlen(text), 0);
        ASSERT_TRUE(strcmp(text, generic) != 0);
        for (size_t j = 0; j < i; j++)
            ASSERT_TRUE(strcmp(text, sigx_strerror(statuses[j])) != 0);
        /* Static: the same pointer every time. */
        ASSERT_TRUE(sigx_strerror(statuses[i]) == text);
    }
}

static void check_flags_and_macros(void)
{
    ASSERT_EQ(SIGX_INTERRUPT, 1);
    ASSERT_EQ(SIGX_ONESHOT, 2);
    ASSERT_EQ(SIGX_CHAIN, 4);

    ASSERT_EQ(SIGX_ACTION_TERMINATE, 0);
    ASSERT_EQ(SIGX_ACTION_CORE, 1);
    ASSERT_EQ(SIGX_ACTION_IGNORE, 2);
    ASSERT_EQ(SIGX_ACTION_STOP, 3);
    ASSERT_EQ(SIGX_ACTION_CONTINUE, 4);

    /* SIGX_BIT(s) is bit s - 1 of a uint64_t, for every possible signal. */
    for (int s = 1; s <= 64; s++)
        ASSERT_U64_EQ(SIGX_BIT(s), (uint64_t)1 << (s - 1));
    ASSERT_EQ(sizeof(SIGX_BIT(1)), 8);
    ASSERT_U64_EQ(SIGX_BIT(64), UINT64_C(0x8000000000000000));
    ASSERT_U64_EQ(SIGX_ALL, UINT64_MAX);
    ASSERT_EQ(sizeof(SIGX_ALL), 8);
}

static void check_version(void)
{
    char expect[32];
    /* SIGX_TEST_VERSION: CMake's project version, read from Cargo.toml. */
    snprintf(expect, sizeof expect, "%d.%d.%d", SIGX_VERSION_MAJOR,
             SIGX_VERSION_MINOR, SIGX_VERSION_PATCH);
    ASSERT_STREQ(expect, SIGX_TEST_VERSION);
    ASSERT_STREQ(sigx_version(), expect);
}

/* sigx_info: exactly 64 bytes, the header's field order, natural alignment. */
static void check_layouts(void)
{
    ASSERT_EQ(sizeof(sigx_info), 64);
    ASSERT_EQ(offsetof(sigx_info, signo), 0);
    ASSERT_EQ(offsetof(sigx_info, code), 4);
    ASSERT_EQ(offsetof(sigx_info, pid), 8);
    ASSERT_EQ(offsetof(sigx_info, uid), 12);
    ASSERT_EQ(offsetof(sigx_info, status), 16);
    ASSERT_EQ(offsetof(sigx_info, reserved0), 20);
    ASSERT_EQ(offsetof(sigx_info, value), 24);
    ASSERT_EQ(offsetof(sigx_info, seq), 32);
    ASSERT_EQ(offsetof(sigx_info, time_ns), 40);
    ASSERT_EQ(offsetof(sigx_info, dropped), 48);
    ASSERT_EQ(offsetof(sigx_info, reserved1), 56);
    ASSERT_EQ(sizeof(((sigx_info *)0)->uid), 4);
    ASSERT_EQ(sizeof(((sigx_info *)0)->value), 8);

    ASSERT_EQ(sizeof(sigx_stats), 32);
    ASSERT_EQ(offsetof(sigx_stats, delivered), 0);
    ASSERT_EQ(offsetof(sigx_stats, dropped), 8);
    ASSERT_EQ(offsetof(sigx_stats, queued), 16);
    ASSERT_EQ(offsetof(sigx_stats, high_water), 24);
}

int main(void)
{
    check_status_values();
    check_strerror();
    check_flags_and_macros();
    check_version();
    check_layouts();
    TEST_PASS("test_api_status");
    return 0;
}
