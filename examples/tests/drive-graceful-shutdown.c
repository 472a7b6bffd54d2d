/* Test driver for the graceful-shutdown example: starts it with its stdout
 * on a pipe, waits for the lines that say it is ready for the next step,
 * sends it signals, and checks how it ended and what it left on disk. Every
 * step is sequenced on the program's own output, never on sleeps.
 *
 *   drive-graceful-shutdown PATH/TO/graceful-shutdown
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *program;
static char dir[] = "/tmp/sigx-graceful-XXXXXX";

static void fail(const char *what)
{
    fprintf(stderr, "FAIL: %s\n", what);
    exit(1);
}

static void write_config(const char *value, long cleanup_ms)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/config", dir);
    f = fopen(path, "w");
    if (f == NULL)
        fail("cannot write config");
    fprintf(f, "value=%s\ncleanup_ms=%ld\n", value, cleanup_ms);
    fclose(f);
}

static int exists(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static int file_contains(const char *name, const char *text)
{
    char path[256], line[256];
    int found = 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = strstr(line, text) != NULL;
    fclose(f);
    return found;
}

static void clean_dir(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/config", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/output.txt", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/worker.tmp", dir);
    remove(path);
}

/* Runs at exit, also after a failure. */
static void remove_dir(void)
{
    clean_dir();
    rmdir(dir);
}

/* Starts the program; its stdout comes back through *out. */
static pid_t start(FILE **out)
{
    int fds[2];
    pid_t pid;
    if (pipe(fds) < 0)
        fail("pipe");
    pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a killed driver */
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(program, program, dir, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    *out = fdopen(fds[0], "r");
    return pid;
}

/* Echoes the program's lines until one contains `text` (NULL: until EOF). */
static void read_until(FILE *out, const char *text)
{
    char line[512];
    while (fgets(line, sizeof line, out) != NULL) {
        printf("    | %s", line);
        if (text != NULL && strstr(line, text) != NULL)
            return;
    }
    if (text != NULL) {
        fprintf(stderr, "FAIL: output ended before a line with \"%s\"\n", text);
        exit(1);
    }
}

static int finish(pid_t pid, FILE *out)
{
    int status;
    read_until(out, NULL);
    fclose(out);
    if (waitpid(pid, &status, 0) < 0)
        fail("waitpid");
    return status;
}

int main(int argc, char **argv)
{
    FILE *out;
    pid_t pid;
    int status;

    if (argc != 2)
        fail("usage: drive-graceful-shutdown PROGRAM");
    program = argv[1];
    if (mkdtemp(dir) == NULL)
        fail("mkdtemp");
    atexit(remove_dir);
    setvbuf(stdout, NULL, _IOLBF, 0);

    printf("1. reload with SIGHUP, stop with SIGTERM\n");
    write_config("first", 0);
    pid = start(&out);
    read_until(out, "value=first");
    read_until(out, "ready");
    if (!exists("worker.tmp"))
        fail("temp file missing while running");
    write_config("second", 0);
    kill(pid, SIGHUP);
    read_until(out, "reloaded config: value=second");
    kill(pid, SIGTERM);
    read_until(out, "SIGTERM from pid");
    read_until(out, "clean exit");
    status = finish(pid, out);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("expected exit status 0 after SIGTERM");
    if (exists("worker.tmp"))
        fail("temp file left behind after a clean exit");
    if (!file_contains("output.txt", "reloaded value=second") ||
        !file_contains("output.txt", "stopped by SIGTERM"))
        fail("output file not flushed");
    printf("  ok: exit status 0, temp file removed, output flushed\n");
    clean_dir();

    printf("2. one SIGINT: clean up, then die of SIGINT\n");
    write_config("x", 0);
    pid = start(&out);
    read_until(out, "ready");
    kill(pid, SIGINT);
    read_until(out, "clean exit");
    status = finish(pid, out);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGINT)
        fail("expected death by SIGINT after cleanup");
    if (exists("worker.tmp") || !file_contains("output.txt", "stopped by SIGINT"))
        fail("cleanup did not happen");
    printf("  ok: killed by SIGINT after a full cleanup\n");
    clean_dir();

    printf("3. a second SIGINT during cleanup forces exit\n");
    write_config("y", 60000); /* cleanup would take a minute */
    pid = start(&out);
    read_until(out, "ready");
    kill(pid, SIGINT);
    read_until(out, "cleaning up");
    kill(pid, SIGINT);
    read_until(out, "forcing exit");
    status = finish(pid, out);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGINT)
        fail("expected death by SIGINT");
    if (!exists("worker.tmp"))
        fail("a forced exit should have skipped the cleanup");
    printf("  ok: killed by SIGINT, cleanup skipped\n");
    printf("all scenarios passed\n");
    return 0;
}
