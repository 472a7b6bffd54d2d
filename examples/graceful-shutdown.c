/* graceful-shutdown: the signal handling a long-running service needs.
 *
 *   SIGHUP            reload the configuration file
 *   SIGTERM, SIGINT   stop cleanly: finish work, flush output, remove the
 *                     temporary file
 *   SIGINT again      while cleaning up: give up and exit at once
 *
 * The main loop sleeps in poll(). sigx_fd() is a file descriptor that
 * becomes readable when a signal has been recorded, so signals simply become
 * one more event next to sockets or pipes. No work happens in a signal
 * handler: the loop takes the records out with sigx_wait() and acts on them.
 *
 * After cleaning up on SIGINT the program ends itself *with* SIGINT
 * (sigx_reraise), so the shell that started it knows it was interrupted
 * (and e.g. stops a script). After SIGTERM it exits with status 0.
 *
 * Run: ./graceful-shutdown DIR   (DIR/config holds lines "value=..." and
 * "cleanup_ms=..."), then from another shell: kill -HUP / -TERM / -INT PID.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX names (poll, getpid) in strict C99 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sigx.h>

static void check(int status, const char *what)
{
    if (status < 0) {
        fprintf(stderr, "%s failed: %s\n", what, sigx_strerror(status));
        exit(1);
    }
}

struct config {
    char value[128];
    long cleanup_ms; /* how long the "in-flight work" takes on shutdown */
};

static void load_config(const char *path, struct config *cfg)
{
    char line[128];
    FILE *f = fopen(path, "r");
    strcpy(cfg->value, "(none)");
    cfg->cleanup_ms = 0;
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "value=", 6) == 0)
            snprintf(cfg->value, sizeof cfg->value, "%s", line + 6);
        else if (strncmp(line, "cleanup_ms=", 11) == 0)
            cfg->cleanup_ms = strtol(line + 11, NULL, 10);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    const uint64_t stop_mask = SIGX_BIT(SIGTERM) | SIGX_BIT(SIGINT);
    const uint64_t mask = stop_mask | SIGX_BIT(SIGHUP);
    char config_path[512], output_path[512], temp_path[512];
    struct config cfg;
    struct pollfd pfd;
    sigx_info info;
    FILE *output, *temp;
    int stop_signal = 0, ticks = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    snprintf(config_path, sizeof config_path, "%s/config", argv[1]);
    snprintf(output_path, sizeof output_path, "%s/output.txt", argv[1]);
    snprintf(temp_path, sizeof temp_path, "%s/worker.tmp", argv[1]);
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* Install first: from here on, these signals are only recorded. */
    check(sigx_install(SIGHUP, 0), "sigx_install");
    check(sigx_install(SIGTERM, 0), "sigx_install");
    check(sigx_install(SIGINT, 0), "sigx_install");

    load_config(config_path, &cfg);
    printf("config: value=%s\n", cfg.value);
    output = fopen(output_path, "w"); /* buffered: only fclose makes it safe */
    temp = fopen(temp_path, "w");     /* must not outlive a clean exit */
    if (output == NULL || temp == NULL) {
        perror("fopen");
        return 1;
    }
    fprintf(output, "started with value=%s\n", cfg.value);

    pfd.fd = sigx_fd();
    check(pfd.fd, "sigx_fd");
    pfd.events = POLLIN;
    printf("ready: pid %d (SIGHUP reloads, SIGTERM or SIGINT stops)\n", (int)getpid());

    while (stop_signal == 0) {
        int n = poll(&pfd, 1, 1000);
        if (n < 0 && errno == EINTR)
            continue; /* a signal interrupted poll: its record is queued */
        if (n < 0) {
            perror("poll");
            return 1;
        }
        if (n == 0) {
            fprintf(output, "tick %d\n", ++ticks); /* the periodic "work" */
            continue;
        }
        /* Readable: take every record that is queued (timeout 0). */
        while (stop_signal == 0 && sigx_wait(mask, &info, 0) == SIGX_OK) {
            if (info.signo == SIGHUP) {
                load_config(config_path, &cfg);
                printf("SIGHUP: reloaded config: value=%s\n", cfg.value);
                fprintf(output, "reloaded value=%s\n", cfg.value);
            } else {
                stop_signal = info.signo;
                printf("%s from pid %d: shutting down\n", sigx_name(stop_signal), (int)info.pid);
            }
        }
    }

    /* Clean up. Finishing the in-flight work takes cleanup_ms; a SIGINT in
     * the meantime means "stop NOW" (the user pressed Ctrl+C again). */
    printf("cleaning up (up to %ld ms; SIGINT again forces exit)\n", cfg.cleanup_ms);
    if (sigx_wait(SIGX_BIT(SIGINT), &info, cfg.cleanup_ms) == SIGX_OK) {
        printf("second SIGINT: forcing exit, skipping cleanup\n");
        sigx_reraise(SIGINT); /* does not return */
    }
    fprintf(output, "stopped by %s\n", sigx_name(stop_signal));
    if (fclose(output) != 0 || fclose(temp) != 0 || remove(temp_path) != 0) {
        perror("cleanup");
        return 1;
    }
    printf("output flushed, temp file removed: clean exit\n");
    if (stop_signal == SIGINT)
        sigx_reraise(SIGINT); /* tell the parent we were interrupted */
    return 0;
}
