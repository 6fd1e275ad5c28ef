/*
 * The exporter plugin loader and the export pipeline, from C: every way a plugin can be
 * broken gets its own status and a message naming the file; delivery is complete on flush
 * and shutdown; a slow, hanging or failing plugin costs only its own data, and what is
 * lost is counted. Plugins are built by this test from Tests/C/plugins/test_plugin.c.
 *
 * Each scenario runs in a forked child: n3obs_shutdown is final for a process.
 */
#define _XOPEN_SOURCE 700
#include "check.h"
#include "plugin_util.h"

#include <n3obs_exporter.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char plugin_dir[512];
static char sticky_plugin[256];

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static void build_plugin(const char *variant, const char *file) {
    char path[600];
    snprintf(path, sizeof path, "%s/%s", plugin_dir, file);
    CHECK(build_test_plugin(variant, path), "built the %s plugin (%s)", variant, file);
}

static void plugin_path(char *buf, size_t cap, const char *file) {
    snprintf(buf, cap, "%s/%s", plugin_dir, file);
}

/* The counts a counting plugin wrote: spans metrics health calls flushes shut_down. */
typedef struct counts { unsigned long spans, metrics, health, calls, flushes; int shut_down; } counts;

static counts read_counts(const char *path) {
    counts c = {0, 0, 0, 0, 0, 0};
    FILE *f = fopen(path, "r");
    if (f == NULL) return c;
    if (fscanf(f, "%lu %lu %lu %lu %lu %d", &c.spans, &c.metrics, &c.health, &c.calls, &c.flushes,
               &c.shut_down) != 6)
        memset(&c, 0, sizeof c);
    fclose(f);
    return c;
}

static int load_counting(const char *file, const char *counts_path) {
    char path[600], config[700];
    plugin_path(path, sizeof path, file);
    snprintf(config, sizeof config, "{\"path\":\"%s\"}", counts_path);
    return n3obs_exporter_load(path, config);
}

static void end_spans(int n) {
    int i;
    for (i = 0; i < n; i++) {
        n3obs_span *s;
        if (n3obs_span_start(&s, "work", NULL) == N3OBS_OK) n3obs_span_end(s, 0);
    }
}

/* A counter's value in a fresh snapshot (sum over series whose labels contain `label`). */
static double metric_sum(const char *family, const char *label) {
    n3obs_metrics_snapshot *snap;
    double sum = 0;
    size_t f, s, l;
    if (n3obs_metrics_collect(&snap) != N3OBS_OK) return -1;
    for (f = 0; f < snap->family_count; f++) {
        const n3obs_family_data *fam = &snap->families[f];
        if (strcmp(fam->name, family) != 0) continue;
        for (s = 0; s < fam->series_count; s++) {
            int match = label == NULL;
            for (l = 0; l < fam->label_count && !match; l++)
                match = strcmp(fam->series[s].label_values[l], label) == 0;
            if (match) sum += fam->series[s].value;
        }
    }
    n3obs_metrics_snapshot_free(snap);
    return sum;
}

static void scenario_loader_errors(void) {
    char path[600], msg[1024];
    CHECK_ST(n3obs_exporter_load("counting", NULL), N3OBS_E_NOT_INITIALIZED, "load before init");
    CHECK_OK(n3obs_init(NULL), "init");

    CHECK_ST(n3obs_exporter_load(NULL, NULL), N3OBS_E_INVALID_ARGUMENT, "NULL name");
    CHECK_ST(n3obs_exporter_load("no_such_plugin", "{}"), N3OBS_E_PLUGIN_NOT_FOUND, "unknown name");
    CHECK(strstr(n3obs_error_last(), "libn3obs_no_such_plugin.so") != NULL, "message names the file looked for");
    CHECK_ST(n3obs_exporter_load("/nonexistent/libx.so", "{}"), N3OBS_E_PLUGIN_NOT_FOUND, "missing path");

    plugin_path(path, sizeof path, "libn3obs_text.so");
    CHECK_ST(n3obs_exporter_load(path, "{}"), N3OBS_E_PLUGIN_NOT_LOADABLE, "a text file");
    CHECK(strstr(n3obs_error_last(), "not a shared object") != NULL, "says it is not a shared object");

    plugin_path(path, sizeof path, "libn3obs_noentry.so");
    CHECK_ST(n3obs_exporter_load(path, "{}"), N3OBS_E_PLUGIN_NO_ENTRY, "no entry point");
    CHECK(strstr(n3obs_error_last(), "n3obs_noentry_init") != NULL, "names both entry points tried");

    plugin_path(path, sizeof path, "libn3obs_newabi.so");
    CHECK_ST(n3obs_exporter_load(path, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_ABI, "ABI newer than ours");
    CHECK(strstr(n3obs_error_last(), "newer") != NULL, "says the plugin is newer");
    plugin_path(path, sizeof path, "libn3obs_oldabi.so");
    CHECK_ST(n3obs_exporter_load(path, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_ABI, "ABI older than supported");

    plugin_path(path, sizeof path, "libn3obs_refuse.so");
    CHECK_ST(n3obs_exporter_load(path, "{}"), N3OBS_E_PLUGIN_REFUSED, "init refuses");
    snprintf(msg, sizeof msg, "%s", n3obs_error_last());
    CHECK(strstr(msg, "no api_key in the configuration") != NULL && strstr(msg, path) != NULL,
          "message has the plugin's reason and the file (%s)", msg);

    plugin_path(path, sizeof path, "libn3obs_smalltable.so");
    CHECK_ST(n3obs_exporter_load(path, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_TABLE, "table too small");
    plugin_path(path, sizeof path, "libn3obs_nocallback.so");
    CHECK_ST(n3obs_exporter_load(path, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_TABLE,
             "claims spans without export_spans");
    plugin_path(path, sizeof path, "libn3obs_notable.so");
    CHECK_ST(n3obs_exporter_load(path, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_TABLE, "no table at all");

    plugin_path(path, sizeof path, "libn3obs_unsafe.so");
    CHECK_ST(n3obs_exporter_load(path, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_UNSAFE,
             "a file others may write");
    CHECK(strstr(n3obs_error_last(), "N3OBS_PLUGIN_ALLOW_INSECURE") != NULL, "says how to allow it");

    /* A symlink in this safe folder to a plugin in a folder anyone may write: the target is
     * what gets loaded, so it is checked too. */
    plugin_path(path, sizeof path, "libn3obs_link.so");
    CHECK_ST(n3obs_exporter_load(path, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_UNSAFE,
             "a symlink into a world-writable folder");
    CHECK(strstr(n3obs_error_last(), "world-writable") != NULL || strstr(n3obs_error_last(), "writable by other") != NULL,
          "says why (%s)", n3obs_error_last());
    /* A sticky world-writable folder (/tmp): our own file, not writable by others, loads. */
    CHECK_OK(n3obs_exporter_load(sticky_plugin, "{\"path\":\"/dev/null\"}"),
             "a plugin of ours in sticky /tmp loads (%s)", n3obs_error_last());
    chmod(sticky_plugin, 0777);
    CHECK_ST(n3obs_exporter_load(sticky_plugin, "{\"path\":\"/dev/null\"}"), N3OBS_E_PLUGIN_UNSAFE,
             "a plugin in /tmp that others may write is refused");

    /* By name through N3OBS_PLUGIN_PATH, with the entry point named after the file. */
    setenv("N3OBS_PLUGIN_PATH", plugin_dir, 1);
    CHECK_OK(n3obs_exporter_load("named", "{\"path\":\"/dev/null\"}"), "n3obs_named_init found by name");
    CHECK_OK(n3obs_shutdown(5000), "shutdown");
    CHECK_ST(n3obs_exporter_load("named", "{}"), N3OBS_E_SHUTDOWN, "load after shutdown");
}

static void scenario_delivery(const char *counts_path) {
    counts c;
    n3obs_config config = N3OBS_CONFIG_INIT;
    config.metric_export_interval_ms = 3600000; /* only the shutdown push */
    /* 100 batches for a flush of 1000 spans: many more than an exporter's inbox holds, so
     * the flush must wait for room rather than drop. */
    config.bsp_max_export_batch_size = 10;
    CHECK_OK(n3obs_init(&config), "init with batches of 10");
    CHECK_OK(load_counting("libn3obs_counting.so", counts_path), "load the counting plugin");
    end_spans(1000);
    CHECK_OK(n3obs_force_flush(10000), "force_flush");
    c = read_counts(counts_path);
    CHECK(c.spans == 1000, "force_flush delivered every span ended before it (%lu of 1000)", c.spans);
    CHECK(c.flushes >= 1, "the plugin's force_flush was called");
    CHECK(metric_sum("n3obs_spans_exported", "counting") == 1000, "n3obs_spans_exported_total{exporter}");
    end_spans(500);
    CHECK_OK(n3obs_shutdown(10000), "shutdown");
    c = read_counts(counts_path);
    CHECK(c.spans == 1500, "shutdown delivered every span ended before it (%lu of 1500)", c.spans);
    CHECK(c.metrics >= 1 && c.health >= 1, "a last metrics snapshot and health report at shutdown (%lu, %lu)",
          c.metrics, c.health);
    CHECK(c.shut_down == 1, "the plugin was shut down");
}

static void scenario_slow_exporter(const char *counts_path) {
    counts c;
    double dropped, queued;
    long rss_before, rss_after;
    const int ended = 20000;
    n3obs_config config = N3OBS_CONFIG_INIT;
    config.bsp_max_queue_size = 64;
    config.bsp_max_export_batch_size = 16;
    config.bsp_schedule_delay_ms = 20;
    CHECK_OK(n3obs_init(&config), "init with a small queue");
    CHECK_OK(load_counting("libn3obs_slow.so", counts_path), "load a slow plugin (20 ms per batch)");
    rss_before = 0;
    {
        FILE *f = fopen("/proc/self/statm", "r");
        long pages;
        if (f && fscanf(f, "%*d %ld", &pages) == 1) rss_before = pages * sysconf(_SC_PAGESIZE);
        if (f) fclose(f);
    }
    end_spans(ended);
    CHECK_ST(n3obs_force_flush(10000), N3OBS_OK, "force_flush");
    c = read_counts(counts_path);
    dropped = metric_sum("n3obs_spans_dropped", NULL);
    queued = metric_sum("n3obs_span_queue_size", NULL);
    CHECK((double)c.spans + dropped == ended,
          "exported (%lu) + dropped (%.0f) == ended (%d), queue %.0f", c.spans, dropped, ended, queued);
    CHECK(dropped > 0, "a slow exporter makes the SDK drop rather than wait (%.0f dropped)", dropped);
    {
        FILE *f = fopen("/proc/self/statm", "r");
        long pages;
        rss_after = rss_before;
        if (f && fscanf(f, "%*d %ld", &pages) == 1) rss_after = pages * sysconf(_SC_PAGESIZE);
        if (f) fclose(f);
    }
    CHECK(rss_after - rss_before < 16 * 1024 * 1024, "memory stays bounded (%ld KiB more)",
          (rss_after - rss_before) / 1024);
    CHECK_OK(n3obs_shutdown(10000), "shutdown");
}

static void scenario_hanging_exporter(const char *counts_path, const char *sleepy_path) {
    counts c;
    char path[600], config_json[700];
    setenv("OTEL_BSP_EXPORT_TIMEOUT", "300", 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "50", 1);
    CHECK_OK(n3obs_init(NULL), "init with a 300 ms export timeout");
    plugin_path(path, sizeof path, "libn3obs_sleepy.so");
    snprintf(config_json, sizeof config_json, "{\"path\":\"%s\"}", sleepy_path);
    CHECK_OK(n3obs_exporter_load(path, config_json), "load a plugin whose export takes 1.5 s");
    CHECK_OK(load_counting("libn3obs_counting.so", counts_path), "and a healthy one");
    end_spans(100);
    sleep_ms(800);
    end_spans(100);
    sleep_ms(300);
    CHECK_OK(n3obs_force_flush(5000), "force_flush: the healthy plugin is not held up");
    c = read_counts(counts_path);
    CHECK(c.spans == 200, "the healthy plugin got every span (%lu of 200)", c.spans);
    CHECK(metric_sum("n3obs_export_errors", "timeout") >= 1, "the hang was counted as a timeout error");
    end_spans(10);
    sleep_ms(200); /* the sleepy plugin is inside its 1.5 s export again */
    CHECK_ST(n3obs_shutdown(300), N3OBS_E_TIMEOUT, "shutdown reports the plugin that did not finish");
}

static void scenario_retryable(const char *counts_path) {
    counts c;
    double dropped;
    setenv("OTEL_BSP_EXPORT_TIMEOUT", "700", 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "50", 1);
    CHECK_OK(n3obs_init(NULL), "init");
    CHECK_OK(load_counting("libn3obs_retry.so", counts_path), "load a plugin that always says retry");
    end_spans(10);
    CHECK_OK(n3obs_force_flush(5000), "force_flush");
    c = read_counts(counts_path);
    CHECK(c.calls >= 2, "the batch was retried (%lu calls)", c.calls);
    dropped = metric_sum("n3obs_spans_dropped", "retries_exhausted");
    CHECK(dropped == 10, "the spans were dropped as retries_exhausted once the timeout passed (%.0f)", dropped);
    CHECK(metric_sum("n3obs_export_errors", "retry") >= 1, "an export error was counted");
    CHECK_OK(n3obs_shutdown(2000), "shutdown");
}

static void scenario_missing_exporter(void) {
    setenv("N3OBS_PLUGIN_PATH", plugin_dir, 1);
    setenv("N3OBS_EXPORTERS", "no_such_exporter", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_PLUGIN_NOT_FOUND, "init with N3OBS_EXPORTERS naming a missing plugin");
    CHECK(strstr(n3obs_error_last(), "libn3obs_no_such_exporter.so") != NULL, "the message names the file looked for");
    CHECK(n3obs_is_running() == 1, "the SDK runs without it");
    CHECK_OK(n3obs_shutdown(1000), "shutdown");
}

static void scenario_exporters_env(const char *counts_path) {
    char config_env[700];
    counts c;
    snprintf(config_env, sizeof config_env, "%s", counts_path);
    setenv("N3OBS_PLUGIN_PATH", plugin_dir, 1);
    setenv("N3OBS_EXPORTERS", "named", 1);
    /* The test plugin takes its file from JSON only, so N3OBS_EXPORTERS loading it with "{}"
     * must fail: init says so with the plugin's status, and the SDK runs all the same. */
    CHECK_ST(n3obs_init(NULL), N3OBS_E_PLUGIN_REFUSED,
             "init with N3OBS_EXPORTERS naming a plugin that refuses \"{}\" reports it");
    CHECK(strstr(n3obs_error_last(), "named") != NULL, "the message names the exporter (%s)", n3obs_error_last());
    CHECK(n3obs_is_running() == 1, "a failing exporter does not stop init");
    CHECK_OK(n3obs_init(NULL), "a second init changes nothing and succeeds");
    c = read_counts(config_env);
    CHECK(c.spans == 0, "nothing delivered to a plugin that refused");
    CHECK_OK(n3obs_shutdown(1000), "shutdown");
}

typedef void (*scenario_fn)(void);

static int run_child(const char *name, void (*body)(const char *, const char *), const char *a,
                     const char *b) {
    pid_t pid = fork();
    int status = 0;
    if (pid == 0) {
        check_failures = 0; /* fork copied the parent's tally; the child reports only its own */
        body(a, b);
        fflush(stdout);
        _exit(check_finish());
    }
    waitpid(pid, &status, 0);
    return CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "scenario '%s' passed in its own process", name);
}

static void loader_errors(const char *a, const char *b) { (void)a; (void)b; scenario_loader_errors(); }
static void delivery(const char *a, const char *b) { (void)b; scenario_delivery(a); }
static void slow(const char *a, const char *b) { (void)b; scenario_slow_exporter(a); }
static void hanging(const char *a, const char *b) { scenario_hanging_exporter(a, b); }
static void retry(const char *a, const char *b) { (void)b; scenario_retryable(a); }
static void exporters_env(const char *a, const char *b) { (void)b; scenario_exporters_env(a); }
static void missing_exporter(const char *a, const char *b) { (void)a; (void)b; scenario_missing_exporter(); }

int main(void) {
    char counts_path[600], sleepy_path[600], path[600];
    FILE *f;
    snprintf(plugin_dir, sizeof plugin_dir, ".build/ctests/plugins");
    mkdir(plugin_dir, 0755);
    chmod(plugin_dir, 0755);
    build_plugin("COUNTING", "libn3obs_counting.so");
    build_plugin("SLOW", "libn3obs_slow.so");
    build_plugin("SLEEPY", "libn3obs_sleepy.so");
    build_plugin("RETRY", "libn3obs_retry.so");
    build_plugin("NO_ENTRY", "libn3obs_noentry.so");
    build_plugin("NAMED_ENTRY", "libn3obs_named.so");
    build_plugin("NEW_ABI", "libn3obs_newabi.so");
    build_plugin("OLD_ABI", "libn3obs_oldabi.so");
    build_plugin("REFUSE", "libn3obs_refuse.so");
    build_plugin("SMALL_TABLE", "libn3obs_smalltable.so");
    build_plugin("MISSING_CALLBACK", "libn3obs_nocallback.so");
    build_plugin("NO_TABLE", "libn3obs_notable.so");
    build_plugin("COUNTING", "libn3obs_unsafe.so");
    plugin_path(path, sizeof path, "libn3obs_unsafe.so");
    chmod(path, 0777);
    {   /* libn3obs_link.so -> a plugin in a world-writable (not sticky) folder */
        char ww[600], target[1200], abs_target[PATH_MAX];
        snprintf(ww, sizeof ww, "%s/world-writable", plugin_dir);
        mkdir(ww, 0777);
        chmod(ww, 0777);
        snprintf(target, sizeof target, "cp %s/libn3obs_counting.so %s/libn3obs_counting.so", plugin_dir, ww);
        CHECK(system(target) == 0, "copied a plugin into a world-writable folder");
        snprintf(target, sizeof target, "%s/libn3obs_counting.so", ww);
        CHECK(realpath(target, abs_target) != NULL, "its absolute path");
        plugin_path(path, sizeof path, "libn3obs_link.so");
        unlink(path);
        CHECK(symlink(abs_target, path) == 0, "a symlink to it in the plugin folder");
        snprintf(sticky_plugin, sizeof sticky_plugin, "/tmp/libn3obs_sticky_%ld.so", (long)getpid());
        snprintf(target, sizeof target, "cp %s/libn3obs_counting.so %s && chmod 0755 %s", plugin_dir,
                 sticky_plugin, sticky_plugin);
        CHECK(system(target) == 0, "copied a plugin into /tmp");
    }
    plugin_path(path, sizeof path, "libn3obs_text.so");
    f = fopen(path, "w");
    if (f) {
        fputs("this is not a plugin\n", f);
        fclose(f);
    }
    chmod(path, 0644);

    snprintf(counts_path, sizeof counts_path, "%s/counts.txt", plugin_dir);
    snprintf(sleepy_path, sizeof sleepy_path, "%s/sleepy.txt", plugin_dir);
    run_child("loader errors", loader_errors, NULL, NULL);
    remove(counts_path);
    run_child("delivery on flush and shutdown", delivery, counts_path, NULL);
    remove(counts_path);
    run_child("slow exporter", slow, counts_path, NULL);
    remove(counts_path);
    run_child("hanging exporter", hanging, counts_path, sleepy_path);
    remove(counts_path);
    run_child("retryable failures", retry, counts_path, NULL);
    remove(counts_path);
    run_child("N3OBS_EXPORTERS", exporters_env, counts_path, NULL);
    run_child("N3OBS_EXPORTERS naming a missing plugin", missing_exporter, NULL, NULL);
    unlink(sticky_plugin);
    return check_finish();
}
