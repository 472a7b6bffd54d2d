/*
 * sigx benchmarks: libuv's uv_signal_t.
 *
 * One uv_signal_t per signal on a private loop; pump = uv_run(UV_RUN_ONCE).
 * libuv's handler writes a {handle, signum} message to the loop's signal pipe
 * (a full pipe loses the delivery); the callback gets only the signal number,
 * so a flood can be counted but not checked value by value.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

static uv_loop_t g_loop;
static uv_signal_t g_handles[4];

static void on_signal(uv_signal_t *handle, int signum)
{
    (void)handle;
    bench_event(signum, 0);
}

static void uv_check(int r, const char *what)
{
    if (r != 0) {
        fprintf(stderr, "bench: %s: %s\n", what, uv_strerror(r));
        exit(2);
    }
}

static void uvs_setup(const int *signos, int n)
{
    if (n > 4) {
        fprintf(stderr, "bench: too many signals\n");
        exit(2);
    }
    uv_check(uv_loop_init(&g_loop), "uv_loop_init");
    for (int i = 0; i < n; i++) {
        uv_check(uv_signal_init(&g_loop, &g_handles[i]), "uv_signal_init");
        uv_check(uv_signal_start(&g_handles[i], on_signal, signos[i]), "uv_signal_start");
    }
}

static void uvs_pump(void)
{
    uv_run(&g_loop, UV_RUN_ONCE);
}

const struct bench_mech bench_mechs[] = {
    {"libuv", 0, uvs_setup, uvs_pump, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL, NULL},
};
