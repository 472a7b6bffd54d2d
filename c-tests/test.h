/* Assertion helpers for the C tests: each failure prints file:line, the
 * expression and both values, then exits with status 1. They work under
 * NDEBUG too. Include this first (it sets _GNU_SOURCE-level features via the
 * build). */
#ifndef SIGX_TEST_H
#define SIGX_TEST_H

#undef NDEBUG
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sigx.h>

#define TEST_FAIL_(fmt, ...)                                                   \
    do {                                                                       \
        fprintf(stderr, "%s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__);  \
        exit(1);                                                               \
    } while (0)

/* Integer comparisons (values are widened to long long / unsigned long long). */
#define ASSERT_OP_(a, op, b)                                                   \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if (!(a_ op b_))                                                       \
            TEST_FAIL_("ASSERT(%s %s %s) failed: %lld vs %lld", #a, #op, #b,   \
                       a_, b_);                                                \
    } while (0)
#define ASSERT_EQ(a, b) ASSERT_OP_(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_OP_(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_OP_(a, <, b)
#define ASSERT_LE(a, b) ASSERT_OP_(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_OP_(a, >, b)
#define ASSERT_GE(a, b) ASSERT_OP_(a, >=, b)

#define ASSERT_U64_EQ(a, b)                                                    \
    do {                                                                       \
        unsigned long long a_ = (unsigned long long)(a),                       \
                           b_ = (unsigned long long)(b);                       \
        if (a_ != b_)                                                          \
            TEST_FAIL_("ASSERT(%s == %s) failed: %llu vs %llu (0x%llx vs 0x%llx)", \
                       #a, #b, a_, b_, a_, b_);                                \
    } while (0)

#define ASSERT_TRUE(c)                                                         \
    do {                                                                       \
        if (!(c))                                                              \
            TEST_FAIL_("ASSERT(%s) failed", #c);                               \
    } while (0)

#define ASSERT_STREQ(a, b)                                                     \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                   \
            TEST_FAIL_("ASSERT_STREQ(%s, %s) failed: \"%s\" vs \"%s\"", #a, #b, \
                       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                \
    } while (0)

/* A sigx call that must return SIGX_OK; prints the status text otherwise. */
#define ASSERT_OK(call)                                                        \
    do {                                                                       \
        int rc_ = (call);                                                      \
        if (rc_ != SIGX_OK)                                                    \
            TEST_FAIL_("%s returned %d (%s), errno %d", #call, rc_,            \
                       sigx_strerror(rc_), errno);                             \
    } while (0)

/* A libc call that must not return -1. */
#define ASSERT_SYS(call)                                                       \
    do {                                                                       \
        if ((call) == -1)                                                      \
            TEST_FAIL_("%s failed: %s", #call, strerror(errno));               \
    } while (0)

#define TEST_PASS(name)                                                        \
    do {                                                                       \
        printf("ok - %s\n", name);                                             \
        fflush(stdout);                                                        \
    } while (0)

#endif
