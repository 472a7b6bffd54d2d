/* asig_shim: a tiny interposer that proves code running in a signal handler
 * is async-signal-safe. See asig_shim.c for how it decides that a call was
 * made from inside a handler. */
#ifndef SIGX_ASIG_SHIM_H
#define SIGX_ASIG_SHIM_H

#include <stddef.h>

/* What the shim watches. */
enum asig_kind {
    ASIG_MALLOC,
    ASIG_CALLOC,
    ASIG_REALLOC,
    ASIG_FREE,
    ASIG_MEMALIGN,     /* posix_memalign, aligned_alloc, memalign */
    ASIG_MUTEX_LOCK,   /* pthread_mutex_lock */
    ASIG_MUTEX_TRYLOCK,/* pthread_mutex_trylock */
    ASIG_FUTEX_WAIT,   /* syscall(SYS_futex, ..., FUTEX_WAIT*, ...) */
    ASIG_KINDS
};

/* Declare [base, base + size) an alternate signal stack: any watched call
 * made while the stack pointer lies inside it is a violation. Up to 64
 * stacks; async-signal-safe. */
void asig_shim_watch_stack(const void *base, size_t size);

/* Violations of one kind since the last reset, or of all kinds (-1). */
long asig_shim_violations(int kind);

/* Calls of one kind (anywhere) since the last reset, or all (-1). Proves the
 * shim is really in the path of the code under test. */
long asig_shim_calls(int kind);

/* Zero every counter. */
void asig_shim_reset(void);

/* 1 if the caller's stack pointer lies in a watched stack. */
int asig_shim_on_watched_stack(void);

/* Non-zero while the calling thread is inside a watched function (so a
 * handler can tell that it interrupted malloc, free or a mutex lock). */
int asig_shim_busy(void);

#endif
