/*
 * Span delivery with the default settings: a burst far larger than OpenTelemetry's
 * 2048-span queue reaches the exporter whole; full batches go out as soon as they are
 * ready, not at the schedule delay; and an exporter that never returns cannot make span
 * end block or the process' memory grow past the queue's bound.
 *
 * Each scenario runs in a forked child: n3obs_shutdown is final for a process.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "health_util.h"
#include "plugin_util.h"

#include <sys/stat.h>
#include <sys/wait.h>

static const char *dir = ".build/ctests/delivery";

static int load(const char *variant, const char *counts) {
    char plugin[256], config[300];
    snprintf(plugin, sizeof plugin, "%s/libn3obs_%s.so", dir, variant);
    if (!build_test_plugin(variant, plugin)) return -100;
    snprintf(config, sizeof config, "{\"path\":\"%s\"}", counts);
    return n3obs_exporter_load(plugin, config);
}

static long ended(long n) {
    long ok = 0, i;
    for (i = 0; i < n; i++) {
        n3obs_span *s;
        if (n3obs_span_start(&s, "burst", NULL) == N3OBS_OK && n3obs_span_end(s, 0) == N3OBS_OK) ok++;
    }
    return ok;
}

static void burst(void) {
    char counts[256];
    uint64_t dropped = 1;
    snprintf(counts, sizeof counts, "%s/burst.txt", dir);
    remove(counts);
    CHECK_OK(n3obs_init(NULL), "init with the defaults");
    CHECK_OK(load("COUNTING", counts), "a counting exporter");
    CHECK(ended(50000) == 50000, "50,000 spans ended as fast as one thread can");
    CHECK_OK(n3obs_force_flush(30000), "force_flush");
    CHECK(counted_spans(counts) == 50000, "all 50,000 reached the exporter (%lu)", counted_spans(counts));
    CHECK_OK(n3obs_spans_dropped(&dropped), "dropped");
    CHECK_U64(dropped, 0, "none was dropped");
    CHECK_OK(n3obs_shutdown(5000), "shutdown");
}

static void full_batches_go_at_once(void) {
    char counts[256];
    int waited = 0;
    snprintf(counts, sizeof counts, "%s/batches.txt", dir);
    remove(counts);
    /* A schedule delay of a minute: only a full batch can make spans leave before it. */
    setenv("OTEL_BSP_SCHEDULE_DELAY", "60000", 1);
    CHECK_OK(n3obs_init(NULL), "init with a 60 s schedule delay");
    CHECK_OK(load("COUNTING", counts), "a counting exporter");
    CHECK(ended(5000) == 5000, "5,000 spans ended (9 full batches of 512)");
    while (counted_spans(counts) < 9 * 512 && waited < 10000) {
        sleep_ms(20);
        waited += 20;
    }
    CHECK(counted_spans(counts) >= 9 * 512, "the full batches were exported without a flush, long before the "
          "schedule delay (%lu spans after %d ms)", counted_spans(counts), waited);
    CHECK_OK(n3obs_shutdown(5000), "shutdown");
}

static void stuck_exporter(void) {
    char counts[256];
    long before, after;
    uint64_t dropped = 0;
    snprintf(counts, sizeof counts, "%s/stuck.txt", dir);
    CHECK_OK(n3obs_init(NULL), "init with the defaults");
    CHECK_OK(load("STUCK", counts), "an exporter whose export never returns");
    before = resident_bytes() / 1024;
    CHECK(ended(1000000) == 1000000, "1,000,000 span ends all returned (none blocked on the stuck exporter)");
    after = resident_bytes() / 1024;
    CHECK_OK(n3obs_spans_dropped(&dropped), "dropped");
    CHECK(dropped > 0 && dropped < 1000000, "the queue filled and the rest was dropped and counted (%llu)",
          (unsigned long long)dropped);
    /* The bound: 64 MiB of queued span records, plus the batches handed to the exporter. */
    CHECK(after - before < 96 * 1024, "resident memory grew by %ld KiB, within the queue's 64 MiB bound and "
          "the exporter's inbox", after - before);
    CHECK_ST(n3obs_shutdown(500), N3OBS_E_TIMEOUT, "shutdown gives up on the stuck exporter in time");
}

static int run_child(const char *name, void (*body)(void)) {
    int status = 0;
    pid_t pid = fork();
    if (pid == 0) {
        check_failures = 0;
        body();
        fflush(stdout);
        _exit(check_finish());
    }
    waitpid(pid, &status, 0);
    return CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "scenario '%s' passed in its own process", name);
}

int main(void) {
    mkdir(".build/ctests", 0755);
    mkdir(dir, 0755);
    unsetenv("OTEL_BSP_MAX_QUEUE_SIZE");
    unsetenv("OTEL_BSP_SCHEDULE_DELAY");
    run_child("a burst of 50,000", burst);
    run_child("full batches leave at once", full_batches_go_at_once);
    run_child("a stuck exporter", stuck_exporter);
    return check_finish();
}
