/*
 * Uses every macro, type, enum constant and function of sigx.h, so that
 * pedantic C and C++ compilers see all of it. Compiled, never run; compiled as
 * C (C99, C11) and as C++ (C++11, C++17), so it keeps to their common subset.
 *
 * check_header.sh fails when sigx.h defines a SIGX_ macro that this file
 * does not mention, so a new macro cannot go unchecked.
 *
 * The function-pointer table pins each signature: a declaration that
 * drifts from the published ABI is a type error here (in C++ for certain).
 */
#include <sigx.h>
#include <sigx.h> /* the include guard works */

#include <stddef.h>
#include <stdint.h>

/* A static assertion both C99 and C++11 accept. */
#define CHECK_AT_COMPILE_TIME(name, cond) typedef char check_##name[(cond) ? 1 : -1]

/* Macros. */
CHECK_AT_COMPILE_TIME(bit_1, SIGX_BIT(1) == 1);
CHECK_AT_COMPILE_TIME(bit_64, SIGX_BIT(64) == ((uint64_t)1 << 63));
CHECK_AT_COMPILE_TIME(all, SIGX_ALL == UINT64_MAX);
CHECK_AT_COMPILE_TIME(flags, SIGX_INTERRUPT == 1 && SIGX_ONESHOT == 2 && SIGX_CHAIN == 4 &&
                                  SIGX_FORK_RESET == 8);
CHECK_AT_COMPILE_TIME(capacity, SIGX_CAPACITY_DEFAULT == 65536 && SIGX_CAPACITY_MAX == 1048576);
CHECK_AT_COMPILE_TIME(version, SIGX_VERSION_MAJOR == 0 && SIGX_VERSION_MINOR >= 1 &&
                                   SIGX_VERSION_PATCH + 1 > 0);
#if !defined(SIGX_H)
#error "SIGX_H is the include guard"
#endif
/* Usable in #if. */
#if SIGX_VERSION_MAJOR != 0 || SIGX_VERSION_MINOR < 1
#error "unexpected SIGX_VERSION_*"
#endif

/* Status codes and default actions: fixed values, part of the ABI. */
CHECK_AT_COMPILE_TIME(ok, SIGX_OK == 0);
CHECK_AT_COMPILE_TIME(err_signal, SIGX_ERR_SIGNAL == -1);
CHECK_AT_COMPILE_TIME(err_uncatchable, SIGX_ERR_UNCATCHABLE == -2);
CHECK_AT_COMPILE_TIME(err_forbidden, SIGX_ERR_FORBIDDEN == -3);
CHECK_AT_COMPILE_TIME(err_argument, SIGX_ERR_ARGUMENT == -4);
CHECK_AT_COMPILE_TIME(err_timeout, SIGX_ERR_TIMEOUT == -5);
CHECK_AT_COMPILE_TIME(err_not_installed, SIGX_ERR_NOT_INSTALLED == -6);
CHECK_AT_COMPILE_TIME(err_system, SIGX_ERR_SYSTEM == -7);
CHECK_AT_COMPILE_TIME(err_no_memory, SIGX_ERR_NO_MEMORY == -8);
CHECK_AT_COMPILE_TIME(err_unsupported, SIGX_ERR_UNSUPPORTED == -9);
CHECK_AT_COMPILE_TIME(err_busy, SIGX_ERR_BUSY == -10);
CHECK_AT_COMPILE_TIME(act_terminate, SIGX_ACTION_TERMINATE == 0);
CHECK_AT_COMPILE_TIME(act_core, SIGX_ACTION_CORE == 1);
CHECK_AT_COMPILE_TIME(act_ignore, SIGX_ACTION_IGNORE == 2);
CHECK_AT_COMPILE_TIME(act_stop, SIGX_ACTION_STOP == 3);
CHECK_AT_COMPILE_TIME(act_continue, SIGX_ACTION_CONTINUE == 4);

/* The record's fixed layout (exactly 64 bytes, part of the ABI). */
CHECK_AT_COMPILE_TIME(info_size, sizeof(sigx_info) == 64);
CHECK_AT_COMPILE_TIME(info_signo, offsetof(sigx_info, signo) == 0);
CHECK_AT_COMPILE_TIME(info_code, offsetof(sigx_info, code) == 4);
CHECK_AT_COMPILE_TIME(info_pid, offsetof(sigx_info, pid) == 8);
CHECK_AT_COMPILE_TIME(info_uid, offsetof(sigx_info, uid) == 12);
CHECK_AT_COMPILE_TIME(info_status, offsetof(sigx_info, status) == 16);
CHECK_AT_COMPILE_TIME(info_reserved0, offsetof(sigx_info, reserved0) == 20);
CHECK_AT_COMPILE_TIME(info_value, offsetof(sigx_info, value) == 24);
CHECK_AT_COMPILE_TIME(info_seq, offsetof(sigx_info, seq) == 32);
CHECK_AT_COMPILE_TIME(info_time_ns, offsetof(sigx_info, time_ns) == 40);
CHECK_AT_COMPILE_TIME(info_dropped, offsetof(sigx_info, dropped) == 48);
CHECK_AT_COMPILE_TIME(info_reserved1, offsetof(sigx_info, reserved1) == 56);
CHECK_AT_COMPILE_TIME(stats_size, sizeof(sigx_stats) == 32);
CHECK_AT_COMPILE_TIME(stats_high_water, offsetof(sigx_stats, high_water) == 24);
/* Both the typedef and the tag name work, in C and in C++. */
CHECK_AT_COMPILE_TIME(info_tag, sizeof(struct sigx_info) == sizeof(sigx_info));
CHECK_AT_COMPILE_TIME(stats_tag, sizeof(struct sigx_stats) == sizeof(sigx_stats));
CHECK_AT_COMPILE_TIME(status_tag, sizeof(enum sigx_status) == sizeof(sigx_status));
CHECK_AT_COMPILE_TIME(action_tag, sizeof(enum sigx_action) == sizeof(sigx_action));

/* Every function, with its published signature. */
struct sigx_functions {
    int (*install)(int, uint32_t);
    int (*ignore)(int);
    int (*default_)(int);
    int (*uninstall)(int);
    int (*is_installed)(int);
    int (*set_capacity)(int, uint32_t);
    int (*wait)(uint64_t, sigx_info *, int64_t);
    int (*fd)(void);
    int (*on)(int, sigx_callback, void *);
    int (*dispatch)(int64_t);
    int (*alarm)(uint64_t, uint64_t, uint64_t *);
    int (*block)(uint64_t, uint64_t *);
    int (*unblock)(uint64_t, uint64_t *);
    int (*setmask)(uint64_t, uint64_t *);
    int (*kernel_pending)(uint64_t *);
    int (*send)(int, int, uint64_t);
    int (*raise)(int);
    int (*reraise)(int);
    const char *(*name)(int);
    int (*number)(const char *);
    const char *(*describe)(int);
    int (*default_action)(int);
    int (*rtmin)(void);
    int (*rtmax)(void);
    uint64_t (*valid_signals)(void);
    int (*is_catchable)(int);
    int (*stats_get)(int, sigx_stats *);
    const char *(*version)(void);
    const char *(*strerror)(int);
};

/* v0.2: timers and deadlines (issue #13). */
CHECK_AT_COMPILE_TIME(timer_flags, SIGX_TIMER_THREAD == 1 && SIGX_TIMER_ABSTIME == 1);
CHECK_AT_COMPILE_TIME(clocks, SIGX_CLOCK_MONOTONIC == 0 && SIGX_CLOCK_REALTIME == 1 &&
                                  SIGX_CLOCK_BOOTTIME == 2 && SIGX_CLOCK_PROCESS_CPU == 3 &&
                                  SIGX_CLOCK_THREAD_CPU == 4);
CHECK_AT_COMPILE_TIME(clock_tag, sizeof(enum sigx_clock) == sizeof(sigx_clock));

struct sigx_timer_functions {
    int (*timer_create)(int, int, uint32_t, uint64_t, int *);
    int (*timer_set)(int, uint64_t, uint64_t, uint32_t);
    int (*timer_get)(int, uint64_t *, uint64_t *);
    int (*timer_delete)(int);
    int (*deadline)(int, int64_t);
    int (*deadline_expired)(void);
};

int sigx_header_check_timers(const struct sigx_timer_functions **out);

int sigx_header_check_timers(const struct sigx_timer_functions **out) {
    static const struct sigx_timer_functions functions = {
        sigx_timer_create, sigx_timer_set, sigx_timer_get,
        sigx_timer_delete, sigx_deadline,  sigx_deadline_expired,
    };
    sigx_clock clock = SIGX_CLOCK_MONOTONIC;
    *out = &functions;
    return (int)clock;
}

static void on_signal(const sigx_info *info, void *user) {
    (void)info;
    (void)user;
}

int sigx_header_check(const struct sigx_functions **out);

int sigx_header_check(const struct sigx_functions **out) {
    static const struct sigx_functions functions = {
        sigx_install,        sigx_ignore,         sigx_default,        sigx_uninstall,
        sigx_is_installed,   sigx_set_capacity,   sigx_wait,           sigx_fd,
        sigx_on,             sigx_dispatch,       sigx_alarm,          sigx_block,
        sigx_unblock,        sigx_setmask,        sigx_kernel_pending, sigx_send,
        sigx_raise,          sigx_reraise,        sigx_name,           sigx_number,
        sigx_describe,       sigx_default_action, sigx_rtmin,          sigx_rtmax,
        sigx_valid_signals,  sigx_is_catchable,   sigx_stats_get,      sigx_version,
        sigx_strerror,
    };
    sigx_callback cb = on_signal;
    sigx_status status = SIGX_OK;
    sigx_action action = SIGX_ACTION_TERMINATE;
    uint32_t flags = SIGX_INTERRUPT | SIGX_ONESHOT | SIGX_CHAIN;
    uint64_t mask = SIGX_BIT(2) | (SIGX_ALL & SIGX_BIT(10));

    *out = &functions;
    (void)cb;
    return (int)status + (int)action + (int)flags + (int)(mask & 1);
}

/* Hosts: dispositions, displacement, sender filters. */
CHECK_AT_COMPILE_TIME(err_v02, SIGX_ERR_NOT_FOUND == -12 && SIGX_ERR_DISPLACED == -13);
CHECK_AT_COMPILE_TIME(from_bits, SIGX_FROM_KERNEL == 1 && SIGX_FROM_SELF == 2 &&
                                     SIGX_FROM_PARENT == 4 && SIGX_FROM_ROOT == 8 &&
                                     SIGX_FROM_SAME_USER == 16 && SIGX_FROM_ANY == 31);
CHECK_AT_COMPILE_TIME(disp_kinds, SIGX_DISP_DEFAULT == 0 && SIGX_DISP_IGNORE == 1 &&
                                      SIGX_DISP_SIGX == 2 && SIGX_DISP_FOREIGN == 3);
CHECK_AT_COMPILE_TIME(disp_size, sizeof(sigx_disposition) == 64);
CHECK_AT_COMPILE_TIME(disp_sigx_flags, offsetof(sigx_disposition, sigx_flags) == 4);
CHECK_AT_COMPILE_TIME(disp_sa_flags, offsetof(sigx_disposition, sa_flags) == 8);
CHECK_AT_COMPILE_TIME(disp_sa_mask, offsetof(sigx_disposition, sa_mask) == 16);
CHECK_AT_COMPILE_TIME(disp_handler, offsetof(sigx_disposition, handler) == 24);
CHECK_AT_COMPILE_TIME(disp_module, offsetof(sigx_disposition, module) == 32);
CHECK_AT_COMPILE_TIME(disp_reserved, offsetof(sigx_disposition, reserved) == 40);
CHECK_AT_COMPILE_TIME(disp_tag, sizeof(struct sigx_disposition) == sizeof(sigx_disposition));
CHECK_AT_COMPILE_TIME(kind_tag,
                      sizeof(enum sigx_disposition_kind) == sizeof(sigx_disposition_kind));

struct sigx_host_functions {
    int (*disposition_get)(int, sigx_disposition *);
    uint64_t (*displaced)(void);
    int (*filter)(int, uint32_t);
    int (*refused)(int, uint64_t *);
};

int sigx_header_check_host(const struct sigx_host_functions **out);

int sigx_header_check_host(const struct sigx_host_functions **out) {
    static const struct sigx_host_functions functions = {
        sigx_disposition_get, sigx_displaced, sigx_filter, sigx_refused,
    };
    sigx_disposition_kind kind = SIGX_DISP_SIGX;
    *out = &functions;
    return (int)kind;
}

/* Children: the flag, the status codes, and the functions with their
 * published signatures. */
CHECK_AT_COMPILE_TIME(child_reap, SIGX_CHILD_REAP == 1);
CHECK_AT_COMPILE_TIME(err_not_found, SIGX_ERR_NOT_FOUND == -12);
CHECK_AT_COMPILE_TIME(err_displaced, SIGX_ERR_DISPLACED == -13);

struct sigx_child_functions {
    int (*watch)(int, uint32_t);
    int (*unwatch)(int);
};

int sigx_header_check_children(const struct sigx_child_functions **out);

int sigx_header_check_children(const struct sigx_child_functions **out) {
    static const struct sigx_child_functions functions = {sigx_child_watch, sigx_child_unwatch};
    *out = &functions;
    return 0;
}
