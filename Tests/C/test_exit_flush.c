/*
 * Nothing lost at exit: a program that ends spans at a steady pace into the OTLP file
 * exporter and never calls n3obs_shutdown still delivers every span when it returns from
 * main, calls exit() from another thread, or (with N3OBS_FLUSH_ON_SIGNALS=1) is killed by
 * SIGTERM or SIGINT, which then still ends it by that signal. The program is built by this
 * test from Tests/C/programs/exit_spans.c; spans are counted in the file it writes.
 */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256], program[512];

/* Spans in an OTLP/JSON file: one "spanId" key each (the spans have no links). */
static long count_spans(const char *path) {
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    static const char key[] = "\"spanId\"";
    long n = 0;
    size_t matched = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (c == key[matched]) {
            if (++matched == sizeof key - 1) { n++; matched = 0; }
        } else {
            matched = c == key[0] ? 1 : 0;
        }
    }
    fclose(f);
    return n;
}

typedef struct run { int status; long spans; int ended; } run;

/* Runs the program in MODE; if sig is not 0, sends it once the program has ended its spans.
 * extra_env: "NAME=value" or NULL. */
static run run_program(const char *mode, long count, long rate, int sig, const char *extra_env) {
    run r = {-1, -1, 0};
    char file[600], out[600];
    snprintf(file, sizeof file, "%s/%s-%d.jsonl", dir, mode, sig);
    snprintf(out, sizeof out, "%s/%s-%d.out", dir, mode, sig);
    unlink(file);
    unlink(out);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("N3OBS_EXPORTERS", "otlp", 1);
        setenv("N3OBS_OTLP_FILE", file, 1);
        setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512", 1);
        unsetenv("N3OBS_FLUSH_ON_SIGNALS");
        if (extra_env != NULL) putenv((char *)extra_env);
        char err[620];
        snprintf(err, sizeof err, "%s.err", out);
        if (freopen(out, "w", stdout) == NULL || freopen(err, "w", stderr) == NULL) _exit(120);
        char counts[32], rates[32];
        snprintf(counts, sizeof counts, "%ld", count);
        snprintf(rates, sizeof rates, "%ld", rate);
        execl(program, program, mode, counts, rates, (char *)NULL);
        _exit(121);
    }
    if (pid < 0) return r;
    if (sig != 0) {
        /* wait until the program says it ended every span, then send the signal */
        for (int i = 0; i < 600 && !r.ended; i++) {
            FILE *f = fopen(out, "r");
            char line[64] = "";
            if (f != NULL) {
                r.ended = fgets(line, sizeof line, f) != NULL && strncmp(line, "ended ", 6) == 0;
                fclose(f);
            }
            if (!r.ended) nanosleep(&(struct timespec){0, 100000000L}, NULL);
        }
        kill(pid, sig);
    }
    waitpid(pid, &r.status, 0);
    r.spans = count_spans(file);
    return r;
}

static int exited_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
static int killed_by(int status, int sig) { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }

int main(void) {
    snprintf(dir, sizeof dir, "%s", ".build/ctests/exit_flush");
    snprintf(program, sizeof program, "%s/exit_spans", dir);
    CHECK(system("mkdir -p .build/ctests/exit_flush") == 0, "made %s", dir);
    char build[1024];
    snprintf(build, sizeof build,
             "${CC:-cc} -std=c99 -Wall -Wextra -Werror -Iinclude Tests/C/programs/exit_spans.c -o %s "
             "-L.build/release -ln3obs -Wl,-rpath,$PWD/.build/release -pthread", program);
    CHECK(system(build) == 0, "built %s", program);

    /* About 500 spans a second for 3 s in batches of 512: the last ~476 never fill one. */
    run r = run_program("return", 1500, 500, 0, NULL);
    CHECK(exited_with(r.status, 0), "returning from main without n3obs_shutdown exits 0 (status %d)", r.status);
    CHECK(r.spans == 1500, "returning from main without n3obs_shutdown delivers all 1500 spans (got %ld)", r.spans);

    r = run_program("thread-exit", 1500, 5000, 0, NULL);
    CHECK(exited_with(r.status, 0), "exit() from a second thread exits 0 (status %d)", r.status);
    CHECK(r.spans == 1500, "exit() from a second thread delivers all 1500 spans (got %ld)", r.spans);

    r = run_program("shutdown", 1500, 5000, 0, NULL);
    CHECK(exited_with(r.status, 0), "n3obs_shutdown then return: exits 0, the exit handler does nothing more "
          "(status %d)", r.status);
    CHECK(r.spans == 1500, "n3obs_shutdown then return delivers all 1500 spans once (got %ld)", r.spans);

    r = run_program("exit-beside-shutdown", 1500, 5000, 0, NULL);
    CHECK(exited_with(r.status, 0), "exit() while another thread runs n3obs_shutdown exits 0 (status %d)",
          r.status);
    CHECK(r.spans == 1500, "exit() beside n3obs_shutdown delivers all 1500 spans once (got %ld)", r.spans);

    r = run_program("fork", 1500, 5000, 0, NULL);
    CHECK(exited_with(r.status, 0), "a forked child that returns exits 0 (status %d)", r.status);
    CHECK(r.spans == 1500, "a forked child's exit delivers the child's 1500 spans (got %ld)", r.spans);

    r = run_program("wait", 1500, 500, SIGTERM, "N3OBS_FLUSH_ON_SIGNALS=1");
    CHECK(r.ended, "the program ended its spans before SIGTERM");
    CHECK(killed_by(r.status, SIGTERM), "with N3OBS_FLUSH_ON_SIGNALS=1, SIGTERM still ends the process by "
          "SIGTERM (status %d)", r.status);
    CHECK(r.spans == 1500, "with N3OBS_FLUSH_ON_SIGNALS=1, SIGTERM loses none of 1500 spans (got %ld)", r.spans);

    r = run_program("wait", 1500, 5000, SIGINT, "N3OBS_FLUSH_ON_SIGNALS=1");
    CHECK(killed_by(r.status, SIGINT), "with N3OBS_FLUSH_ON_SIGNALS=1, SIGINT ends the process by SIGINT "
          "(status %d)", r.status);
    CHECK(r.spans == 1500, "with N3OBS_FLUSH_ON_SIGNALS=1, SIGINT loses none of 1500 spans (got %ld)", r.spans);

    r = run_program("chained", 1500, 5000, SIGTERM, "N3OBS_FLUSH_ON_SIGNALS=1");
    CHECK(exited_with(r.status, 7), "a SIGTERM handler installed before n3obs_init is chained: it runs and "
          "the program returns 7 (status %d)", r.status);
    CHECK(r.spans == 1500, "the chained handler's program delivers all 1500 spans (got %ld)", r.spans);

    r = run_program("fork-term", 1500, 5000, 0, "N3OBS_FLUSH_ON_SIGNALS=1");
    CHECK(exited_with(r.status, 0), "with N3OBS_FLUSH_ON_SIGNALS=1, a forked child that gets SIGTERM ends by "
          "SIGTERM (status %d)", r.status);
    CHECK(r.spans == 1500, "and its 1500 spans are delivered by the child's own n3obs-signals thread "
          "(got %ld)", r.spans);

    r = run_program("signals-stop", 1, 5000, 0, "N3OBS_FLUSH_ON_SIGNALS=1");
    CHECK(exited_with(r.status, 0), "n3obs_shutdown joins the n3obs-signals thread and puts SIGTERM's "
          "default disposition back (status %d: 10 no thread, 11 thread left, 12 handler left)", r.status);

    r = run_program("wait", 10, 5000, SIGTERM, "N3OBS_FLUSH_ON_SIGNALS=0");
    CHECK(killed_by(r.status, SIGTERM), "without the opt-in, SIGTERM ends the process as before (status %d)",
          r.status);

    r = run_program("return", 10, 5000, 0, "N3OBS_FLUSH_ON_SIGNALS=maybe");
    CHECK(exited_with(r.status, 3), "N3OBS_FLUSH_ON_SIGNALS=maybe makes n3obs_init fail (status %d)", r.status);
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    cfg.flush_on_signals = 3;
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "config->flush_on_signals 3 is refused with N3OBS_E_CONFIG");
    return check_finish();
}
