/*
 * An instrumented program for Tests/prometheus/test_prometheus.py: it records a known set
 * of metrics, starts the Prometheus plugin, prints one JSON line and "ready", then obeys
 * commands on stdin until "quit" or EOF.
 *
 *   scrape_target shapes CONFIG_JSON   every metric type, escapes, UTF-8, exemplars, overflow
 *   scrape_target empty CONFIG_JSON    no catalogue and nothing recorded
 *   scrape_target busy CONFIG_JSON     shapes, plus two threads recording until "quit"
 *   scrape_target env                  no explicit load: N3OBS_EXPORTERS=prometheus at init
 *
 * stdin commands: "unhealthy" / "healthy" (a critical check named gate), "quit".
 * The JSON line: {"trace_id":"..","span_id":"..","exemplar_value":0.05}
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n3obs.h"

static atomic_int gate_status = N3OBS_HEALTH_HEALTHY;
static atomic_int stop_busy = 0;

static void check(int status, const char *what) {
    if (status != N3OBS_OK) {
        fprintf(stderr, "scrape_target: %s: %s (%s)\n", what, n3obs_errstr(status), n3obs_error_last());
        exit(2);
    }
}

static int gate(void *user_data, char *detail, size_t capacity) {
    (void)user_data;
    int s = atomic_load(&gate_status);
    snprintf(detail, capacity, "%s", s == N3OBS_HEALTH_HEALTHY ? "open" : "closed by the test");
    return s;
}

static void hex(const uint8_t *b, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

static n3obs_counter *busy_counter;
static n3obs_histogram *busy_histogram;

static void *busy_thread(void *arg) {
    unsigned long seed = (unsigned long)(size_t)arg;
    char label[16];
    while (!atomic_load(&stop_busy)) {
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        snprintf(label, sizeof label, "w%lu", (seed >> 33) % 40);
        const char *values[1] = {label};
        n3obs_counter_add_labels(busy_counter, values, 1, 1);
        n3obs_histogram_observe_labels(busy_histogram, values, 1, (double)((seed >> 20) % 1000) / 100.0);
    }
    return NULL;
}

/* Every shape of output. The values are mirrored in test_prometheus.py (EXPECTED). */
static void record_shapes(char *trace_hex, char *span_hex) {
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;

    /* A counter with labels; a whole and a fractional total. */
    n3obs_counter *requests;
    const char *req_labels[] = {"method", "path"};
    o.name = "requests_total"; o.help = "Requests served."; o.label_names = req_labels; o.label_count = 2;
    check(n3obs_counter_new(&requests, &o), "counter_new");
    const char *get_a[] = {"GET", "/a"}, *post_b[] = {"POST", "/b"};
    check(n3obs_counter_add_labels(requests, get_a, 2, 3), "counter_add");
    check(n3obs_counter_add_labels(requests, post_b, 2, 1.5), "counter_add");

    /* A gauge whose help and label values need every escape, non-ASCII, NaN and infinities. */
    n3obs_gauge *temp;
    const char *room[] = {"room"};
    o = (n3obs_metric_opts)N3OBS_METRIC_OPTS_INIT;
    o.name = "temperature_celsius"; o.unit = "celsius"; o.label_names = room; o.label_count = 1;
    o.help = "Temperature \\ in a room\nmeasured \"now\" (°C)";
    check(n3obs_gauge_new(&temp, &o), "gauge_new");
    struct { const char *label; double value; } rooms[] = {
        {"kitchen", 21.5}, {"a\\b\"c\nd", -3}, {"Zürich ☃ 東京", 1e-9},
        {"nan", 0.0 / 0.0}, {"inf", 1.0 / 0.0}, {"ninf", -1.0 / 0.0},
    };
    for (size_t i = 0; i < sizeof rooms / sizeof rooms[0]; i++) {
        const char *v[1] = {rooms[i].label};
        check(n3obs_gauge_set_labels(temp, v, 1, rooms[i].value), "gauge_set");
    }

    /* A histogram with an exemplar from a sampled span. */
    n3obs_histogram *duration;
    const char *route[] = {"route"};
    const double bounds[] = {0.01, 0.1, 1, 10};
    o = (n3obs_metric_opts)N3OBS_METRIC_OPTS_INIT;
    o.name = "request_duration_seconds"; o.unit = "seconds"; o.help = "Time to serve a request.";
    o.label_names = route; o.label_count = 1;
    check(n3obs_histogram_new(&duration, &o, bounds, 4), "histogram_new");
    n3obs_histogram_series *x;
    const char *rx[] = {"/x"};
    check(n3obs_histogram_bind(&x, duration, rx, 1), "histogram_bind");
    n3obs_histogram_observe(x, 0.005);
    n3obs_histogram_observe(x, 0.5);
    n3obs_histogram_observe(x, 5);
    n3obs_histogram_observe(x, 50);
    n3obs_span *span;
    n3obs_scope scope;
    check(n3obs_span_start(&span, "handle /x", NULL), "span_start");
    check(n3obs_span_make_current(span, &scope), "make_current");
    n3obs_histogram_observe(x, 0.05);
    n3obs_span_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.size = sizeof ctx;
    check(n3obs_span_get_context(span, &ctx), "get_context");
    hex(ctx.trace_id, 16, trace_hex);
    hex(ctx.span_id, 8, span_hex);
    n3obs_scope_close(scope);
    n3obs_span_end(span, 0);

    /* A summary with observations and one without (NaN quantiles). */
    n3obs_summary *payload;
    const char *kind[] = {"kind"};
    o = (n3obs_metric_opts)N3OBS_METRIC_OPTS_INIT;
    o.name = "payload_bytes"; o.unit = "bytes"; o.help = "Payload sizes."; o.label_names = kind; o.label_count = 1;
    check(n3obs_summary_new(&payload, &o, NULL), "summary_new");
    const char *json[] = {"json"}, *none[] = {"none"};
    for (int i = 1; i <= 100; i++) check(n3obs_summary_observe_labels(payload, json, 1, i), "summary_observe");
    n3obs_summary_series *unused;
    check(n3obs_summary_bind(&unused, payload, none, 1), "summary_bind");

    /* An info metric. */
    n3obs_info *build;
    const char *build_labels[] = {"version", "commit"};
    o = (n3obs_metric_opts)N3OBS_METRIC_OPTS_INIT;
    o.name = "build"; o.help = "Build of this program."; o.label_names = build_labels; o.label_count = 2;
    check(n3obs_info_new(&build, &o), "info_new");
    const char *bv[] = {"1.2.3", "abc123"};
    check(n3obs_info_set(build, bv, 2), "info_set");

    /* Overflow: the cardinality limit is 6, jobs 0..8 leave 3 records in the overflow series. */
    n3obs_counter *jobs;
    const char *id[] = {"id"};
    o = (n3obs_metric_opts)N3OBS_METRIC_OPTS_INIT;
    o.name = "jobs_total"; o.help = "Jobs run."; o.label_names = id; o.label_count = 1;
    check(n3obs_counter_new(&jobs, &o), "counter_new jobs");
    for (int i = 0; i < 9; i++) {
        char buf[8];
        snprintf(buf, sizeof buf, "j%d", i);
        const char *v[1] = {buf};
        check(n3obs_counter_add_labels(jobs, v, 1, 1), "counter_add jobs");
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: scrape_target shapes|empty|busy|env [CONFIG_JSON]\n");
        return 2;
    }
    const char *mode = argv[1];
    const char *config = argc > 2 ? argv[2] : "{}";
    int env_mode = strcmp(mode, "env") == 0;
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    cfg.service_name = "scrape_target";
    cfg.cardinality_limit = 6;
    cfg.flags = env_mode ? 0 : N3OBS_INIT_IGNORE_ENV;
    if (strcmp(mode, "empty") == 0) cfg.flags |= N3OBS_INIT_NO_CATALOG;
    check(n3obs_init(&cfg), "n3obs_init");

    n3obs_health_check_opts h = N3OBS_HEALTH_CHECK_OPTS_INIT;
    h.name = "gate"; h.description = "Opened and closed by the test."; h.callback = gate; h.critical = 1;
    if (strcmp(mode, "empty") != 0) check(n3obs_health_register(&h), "health_register");

    char trace_hex[33] = "", span_hex[17] = "";
    if (strcmp(mode, "empty") != 0) record_shapes(trace_hex, span_hex);

    pthread_t threads[2];
    int busy = strcmp(mode, "busy") == 0;
    if (busy) {
        n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
        const char *worker[] = {"worker"};
        o.name = "busy_ops_total"; o.help = "Operations of the busy threads."; o.label_names = worker; o.label_count = 1;
        check(n3obs_counter_new(&busy_counter, &o), "counter_new busy");
        o.name = "busy_op_seconds"; o.help = "Durations of the busy threads.";
        check(n3obs_histogram_new(&busy_histogram, &o, NULL, 0), "histogram_new busy");
        for (int i = 0; i < 2; i++) pthread_create(&threads[i], NULL, busy_thread, (void *)(size_t)(i + 1));
    }

    if (!env_mode) check(n3obs_exporter_load("prometheus", config), "exporter_load prometheus");

    printf("{\"trace_id\":\"%s\",\"span_id\":\"%s\",\"exemplar_value\":0.05}\nready\n", trace_hex, span_hex);
    fflush(stdout);

    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "unhealthy", 9) == 0) atomic_store(&gate_status, N3OBS_HEALTH_UNHEALTHY);
        else if (strncmp(line, "healthy", 7) == 0) atomic_store(&gate_status, N3OBS_HEALTH_HEALTHY);
        else if (strncmp(line, "quit", 4) == 0) break;
        printf("ok\n");
        fflush(stdout);
    }
    if (busy) {
        atomic_store(&stop_busy, 1);
        for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    }
    check(n3obs_shutdown(5000), "n3obs_shutdown");
    return 0;
}
