/* asig_shim: interposes the allocator, pthread_mutex_lock/trylock and
 * futex waits, and counts every call made while the calling thread runs on
 * a watched alternate signal stack.
 *
 * How "inside a signal handler" is decided: sigx installs its handler with
 * SA_ONSTACK, so when a thread has an alternate stack (sigaltstack) the
 * kernel runs the handler on it. The test gives each thread that may take a
 * signal an alternate stack and registers it here; normal code never runs
 * there. So a watched call whose stack pointer lies inside a registered
 * alternate stack was made by a signal handler (sigx's, or whatever sigx
 * chained to), on any thread, at any nesting depth, without having to
 * instrument the handler itself. The self-test in test_safety_handler.c
 * checks that a handler of the test's own that calls malloc is caught.
 *
 * How it is put in the path: the test executable links this library before
 * libc (DT_NEEDED order), so the dynamic linker resolves malloc & co. from
 * every object (libsigx.so's Rust allocator calls libc's malloc, its
 * registry mutex is a pthread mutex, its waits are syscall(SYS_futex)) to
 * the definitions below first. They forward to glibc's __libc_* entry points
 * or to the next definition (dlsym(RTLD_NEXT)). It cannot work under
 * AddressSanitizer or ThreadSanitizer, whose runtimes take malloc first.
 *
 * Everything the shim itself does on the checked path is async-signal-safe:
 * atomics, a thread-local counter (initial-exec TLS: no allocation on first
 * use) and write(2). */
#include "asig_shim.h"

#include <dlfcn.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ASIG_EXPORT __attribute__((visibility("default")))

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

#define MAX_STACKS 64
static uintptr_t stack_lo[MAX_STACKS], stack_hi[MAX_STACKS];
static int stacks;

static long violations[ASIG_KINDS];
static long calls[ASIG_KINDS];
static long reports;

static __thread int busy __attribute__((tls_model("initial-exec")));

static const char *const kind_name[ASIG_KINDS] = {
    "malloc", "calloc", "realloc", "free", "memalign",
    "pthread_mutex_lock", "pthread_mutex_trylock", "futex wait",
};

static int on_watched_stack(void)
{
    volatile char here = 0;
    uintptr_t sp = (uintptr_t)&here;
    int n = __atomic_load_n(&stacks, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++)
        if (sp >= stack_lo[i] && sp < stack_hi[i])
            return 1;
    return 0;
}

static void say(const char *s)
{
    (void)!write(2, s, strlen(s));
}

/* Count a call; if it came from a signal handler, count a violation and
 * say so (the first few times). */
static void check(enum asig_kind kind)
{
    __atomic_add_fetch(&calls[kind], 1, __ATOMIC_RELAXED);
    if (!on_watched_stack())
        return;
    __atomic_add_fetch(&violations[kind], 1, __ATOMIC_SEQ_CST);
    if (__atomic_add_fetch(&reports, 1, __ATOMIC_RELAXED) <= 10) {
        say("asig_shim: ");
        say(kind_name[kind]);
        say(" called inside a signal handler\n");
    }
}

ASIG_EXPORT void asig_shim_watch_stack(const void *base, size_t size)
{
    int i = __atomic_load_n(&stacks, __ATOMIC_ACQUIRE);
    if (i >= MAX_STACKS)
        return;
    stack_lo[i] = (uintptr_t)base;
    stack_hi[i] = (uintptr_t)base + size;
    /* Release: the range is written before the count that publishes it.
     * (The test registers stacks from one thread at a time.) */
    __atomic_store_n(&stacks, i + 1, __ATOMIC_RELEASE);
}

ASIG_EXPORT long asig_shim_violations(int kind)
{
    long n = 0;
    for (int k = 0; k < ASIG_KINDS; k++)
        if (kind < 0 || kind == k)
            n += __atomic_load_n(&violations[k], __ATOMIC_SEQ_CST);
    return n;
}

ASIG_EXPORT long asig_shim_calls(int kind)
{
    long n = 0;
    for (int k = 0; k < ASIG_KINDS; k++)
        if (kind < 0 || kind == k)
            n += __atomic_load_n(&calls[k], __ATOMIC_SEQ_CST);
    return n;
}

ASIG_EXPORT void asig_shim_reset(void)
{
    for (int k = 0; k < ASIG_KINDS; k++) {
        __atomic_store_n(&violations[k], 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&calls[k], 0, __ATOMIC_SEQ_CST);
    }
    __atomic_store_n(&reports, 0, __ATOMIC_SEQ_CST);
}

ASIG_EXPORT int asig_shim_on_watched_stack(void)
{
    return on_watched_stack();
}

ASIG_EXPORT int asig_shim_busy(void)
{
    return busy;
}

/* ---- the allocator ------------------------------------------------------- */

ASIG_EXPORT void *malloc(size_t n)
{
    busy++;
    check(ASIG_MALLOC);
    void *p = __libc_malloc(n);
    busy--;
    return p;
}

ASIG_EXPORT void *calloc(size_t n, size_t size)
{
    busy++;
    check(ASIG_CALLOC);
    void *p = __libc_calloc(n, size);
    busy--;
    return p;
}

ASIG_EXPORT void *realloc(void *old, size_t n)
{
    busy++;
    check(ASIG_REALLOC);
    void *p = __libc_realloc(old, n);
    busy--;
    return p;
}

ASIG_EXPORT void free(void *p)
{
    busy++;
    check(ASIG_FREE);
    __libc_free(p);
    busy--;
}

ASIG_EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
    if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
        return 22; /* EINVAL */
    busy++;
    check(ASIG_MEMALIGN);
    void *p = __libc_memalign(align, n);
    busy--;
    if (p == NULL)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}

ASIG_EXPORT void *aligned_alloc(size_t align, size_t n)
{
    busy++;
    check(ASIG_MEMALIGN);
    void *p = __libc_memalign(align, n);
    busy--;
    return p;
}

ASIG_EXPORT void *memalign(size_t align, size_t n)
{
    busy++;
    check(ASIG_MEMALIGN);
    void *p = __libc_memalign(align, n);
    busy--;
    return p;
}

/* ---- locks and waits ----------------------------------------------------- */

typedef int (*mutex_fn)(pthread_mutex_t *);
typedef long (*syscall_fn)(long, ...);

static mutex_fn real_lock, real_trylock;
static syscall_fn real_syscall;

/* dlsym returns an object pointer; copying its bits is the portable way to
 * turn it into a function pointer under -Wpedantic. */
static void resolve(void *slot, size_t size, const char *name)
{
    void *sym = dlsym(RTLD_NEXT, name);
    if (sym == NULL) {
        say("asig_shim: cannot find the real ");
        say(name);
        say("\n");
        _exit(99);
    }
    void *current;
    memcpy(&current, &sym, sizeof current);
    (void)size;
    __atomic_store_n((void **)slot, current, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void asig_shim_init(void)
{
    resolve(&real_lock, sizeof real_lock, "pthread_mutex_lock");
    resolve(&real_trylock, sizeof real_trylock, "pthread_mutex_trylock");
    resolve(&real_syscall, sizeof real_syscall, "syscall");
}

ASIG_EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
    if (__atomic_load_n((void **)&real_lock, __ATOMIC_ACQUIRE) == NULL)
        asig_shim_init();
    busy++;
    check(ASIG_MUTEX_LOCK);
    int rc = real_lock(m);
    busy--;
    return rc;
}

ASIG_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (__atomic_load_n((void **)&real_trylock, __ATOMIC_ACQUIRE) == NULL)
        asig_shim_init();
    busy++;
    check(ASIG_MUTEX_TRYLOCK);
    int rc = real_trylock(m);
    busy--;
    return rc;
}

ASIG_EXPORT long syscall(long number, ...)
{
    va_list ap;
    long a[6];
    va_start(ap, number);
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    if (__atomic_load_n((void **)&real_syscall, __ATOMIC_ACQUIRE) == NULL)
        asig_shim_init();
    if (number == SYS_futex) {
        int cmd = (int)a[1] & FUTEX_CMD_MASK;
        if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
            cmd == FUTEX_WAIT_REQUEUE_PI)
            check(ASIG_FUTEX_WAIT);
    }
    return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
