/*
 * otlp_emit: records spans and metrics through libn3obs.so with the OTLP plugin loaded
 * (N3OBS_EXPORTERS=otlp and the plugin's environment variables), then prints what it
 * recorded as one JSON object on stdout for Tests/otlp/test_otlp.py to compare with what
 * the plugin wrote or POSTed.
 *
 *   otlp_emit record          one span of each shape, every attribute type, metrics of
 *                             every type (a histogram with exemplars)
 *   otlp_emit load N          N spans started and ended as fast as possible; prints the
 *                             time it took and what the plugin reported dropped
 *   otlp_emit parent          a CLIENT span that runs "otlp_emit child" with its
 *                             traceparent in TRACEPARENT (two processes, one trace)
 *   otlp_emit child           a SERVER span whose remote parent is $TRACEPARENT
 */
#define _POSIX_C_SOURCE 200809L
#include <n3obs.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRY(call)                                                                  \
    do {                                                                           \
        int rc_ = (call);                                                          \
        if (rc_ != N3OBS_OK) {                                                     \
            fprintf(stderr, "%s:%d %s failed: %s (%s)\n", __FILE__, __LINE__, #call, \
                    n3obs_errstr(rc_), n3obs_error_last());                        \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static uint32_t shutdown_ms(void) {
    const char *s = getenv("EMIT_SHUTDOWN_MS");
    return s ? (uint32_t)atoi(s) : 10000;
}

static void hex(const uint8_t *b, size_t n, char *out) {
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = 0;
}

/* "name": {"trace_id": ..., "span_id": ...} */
static void print_ids(const char *name, n3obs_span *span, int comma) {
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT;
    TRY(n3obs_span_get_context(span, &ctx));
    char t[33], s[17];
    hex(ctx.trace_id, 16, t);
    hex(ctx.span_id, 8, s);
    printf("%s\"%s\":{\"trace_id\":\"%s\",\"span_id\":\"%s\"}", comma ? "," : "", name, t, s);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static n3obs_attribute attr_string(const char *k, const char *v) {
    n3obs_attribute a;
    memset(&a, 0, sizeof a);
    a.key = k;
    a.value.type = N3OBS_VALUE_STRING;
    a.value.string_value = v;
    return a;
}

static int record(void) {
    n3obs_span_opts opts = N3OBS_SPAN_OPTS_INIT;
    opts.kind = N3OBS_SPAN_KIND_SERVER;
    n3obs_span *root, *child, *linked, *remote;
    TRY(n3obs_span_start(&root, "GET /users/{id}", &opts));

    static const char *const strings[] = {"a", "b\"quoted\"", "ünï"};
    static const int64_t ints[] = {1, -2, INT64_MAX};
    static const double doubles[] = {0.5, -1.25, 1e300};
    static const int32_t bools[] = {1, 0, 1};
    n3obs_attribute attrs[8];
    memset(attrs, 0, sizeof attrs);
    attrs[0] = attr_string("http.route", "/users/{id}\n");
    attrs[1].key = "http.status_code"; attrs[1].value.type = N3OBS_VALUE_INT64;
    attrs[1].value.int_value = INT64_MIN;
    attrs[2].key = "ratio"; attrs[2].value.type = N3OBS_VALUE_DOUBLE; attrs[2].value.double_value = 0.125;
    attrs[3].key = "cached"; attrs[3].value.type = N3OBS_VALUE_BOOL; attrs[3].value.bool_value = 1;
    attrs[4].key = "tags"; attrs[4].value.type = N3OBS_VALUE_STRING_ARRAY;
    attrs[4].value.array = strings; attrs[4].value.array_count = 3;
    attrs[5].key = "ints"; attrs[5].value.type = N3OBS_VALUE_INT64_ARRAY;
    attrs[5].value.array = ints; attrs[5].value.array_count = 3;
    attrs[6].key = "doubles"; attrs[6].value.type = N3OBS_VALUE_DOUBLE_ARRAY;
    attrs[6].value.array = doubles; attrs[6].value.array_count = 3;
    attrs[7].key = "bools"; attrs[7].value.type = N3OBS_VALUE_BOOL_ARRAY;
    attrs[7].value.array = bools; attrs[7].value.array_count = 3;
    TRY(n3obs_span_set_attributes(root, attrs, 8));
    TRY(n3obs_span_set_attribute_double(root, "nan", NAN));
    n3obs_attribute ev = attr_string("detail", "cache miss");
    TRY(n3obs_span_add_event(root, "lookup", 0, &ev, 1));
    TRY(n3obs_span_record_exception(root, "KeyError", "no such user", NULL));
    TRY(n3obs_span_set_status(root, N3OBS_STATUS_ERROR, "user not found"));

    /* A histogram observed inside the root span: its bucket gets an exemplar. */
    n3obs_metric_opts hopts = N3OBS_METRIC_OPTS_INIT;
    hopts.name = "otlp_test_latency_seconds";
    hopts.help = "Latency.";
    hopts.unit = "seconds";
    static const char *const route_label[] = {"route"};
    hopts.label_names = route_label;
    hopts.label_count = 1;
    static const double bounds[] = {0.1, 0.5, 1.0};
    n3obs_histogram *h;
    TRY(n3obs_histogram_new(&h, &hopts, bounds, 3));
    static const char *const route[] = {"/users"};
    n3obs_scope scope;
    TRY(n3obs_span_make_current(root, &scope));
    TRY(n3obs_histogram_observe_labels(h, route, 1, 0.05));
    TRY(n3obs_histogram_observe_labels(h, route, 1, 0.07));
    TRY(n3obs_histogram_observe_labels(h, route, 1, 0.7));
    TRY(n3obs_histogram_observe_labels(h, route, 1, 5.0));

    n3obs_span_opts copts = N3OBS_SPAN_OPTS_INIT;
    copts.kind = N3OBS_SPAN_KIND_CLIENT;
    copts.parent = root;
    TRY(n3obs_span_start(&child, "SELECT users", &copts));
    TRY(n3obs_span_set_status(child, N3OBS_STATUS_OK, NULL));
    TRY(n3obs_scope_close(scope));

    n3obs_span_context rctx = N3OBS_SPAN_CONTEXT_INIT;
    TRY(n3obs_span_get_context(root, &rctx));
    n3obs_link link;
    memset(&link, 0, sizeof link);
    memcpy(link.trace_id, rctx.trace_id, 16);
    memcpy(link.span_id, rctx.span_id, 8);
    link.trace_flags = 1;
    link.tracestate = "k=v";
    n3obs_attribute la = attr_string("link.kind", "follows");
    link.attributes = &la;
    link.attribute_count = 1;
    n3obs_span_opts lopts = N3OBS_SPAN_OPTS_INIT;
    lopts.kind = N3OBS_SPAN_KIND_CONSUMER;
    lopts.flags = N3OBS_SPAN_ROOT;
    lopts.links = &link;
    lopts.link_count = 1;
    TRY(n3obs_span_start(&linked, "process job", &lopts));

    n3obs_span_context remote_ctx = N3OBS_SPAN_CONTEXT_INIT;
    TRY(n3obs_trace_context_extract(&remote_ctx, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                    "vendor=abc"));
    n3obs_span_opts ropts = N3OBS_SPAN_OPTS_INIT;
    ropts.kind = N3OBS_SPAN_KIND_PRODUCER;
    ropts.remote_parent = &remote_ctx;
    TRY(n3obs_span_start(&remote, "publish", &ropts));

    printf("{\"spans\":{");
    print_ids("root", root, 0);
    print_ids("child", child, 1);
    print_ids("linked", linked, 1);
    print_ids("remote", remote, 1);
    printf("}");

    TRY(n3obs_span_end(child, 0));
    TRY(n3obs_span_end(root, 0));
    TRY(n3obs_span_end(linked, 0));
    TRY(n3obs_span_end(remote, 0));

    /* Metrics of every other type. */
    n3obs_metric_opts copts2 = N3OBS_METRIC_OPTS_INIT;
    copts2.name = "otlp_test_requests";
    copts2.help = "Requests.";
    static const char *const method_label[] = {"method"};
    copts2.label_names = method_label;
    copts2.label_count = 1;
    n3obs_counter *c;
    TRY(n3obs_counter_new(&c, &copts2));
    static const char *const get[] = {"GET"};
    TRY(n3obs_counter_add_labels(c, get, 1, 41));
    TRY(n3obs_counter_add_labels(c, get, 1, 1));
    n3obs_metric_opts gopts = N3OBS_METRIC_OPTS_INIT;
    gopts.name = "otlp_test_temperature";
    gopts.help = "Temperature.";
    n3obs_gauge *g;
    TRY(n3obs_gauge_new(&g, &gopts));
    TRY(n3obs_gauge_set_labels(g, NULL, 0, -3.5));
    n3obs_metric_opts sopts = N3OBS_METRIC_OPTS_INIT;
    sopts.name = "otlp_test_size_bytes";
    sopts.help = "Sizes.";
    sopts.unit = "bytes";
    static const double qs[] = {0.5, 0.99};
    n3obs_summary_opts so = N3OBS_SUMMARY_OPTS_INIT;
    so.quantiles = qs;
    so.quantile_count = 2;
    n3obs_summary *s;
    TRY(n3obs_summary_new(&s, &sopts, &so));
    for (int i = 1; i <= 100; i++) TRY(n3obs_summary_observe_labels(s, NULL, 0, (double)i));
    n3obs_metric_opts iopts = N3OBS_METRIC_OPTS_INIT;
    iopts.name = "otlp_test_build";
    iopts.help = "Build.";
    static const char *const ver_label[] = {"version"};
    iopts.label_names = ver_label;
    iopts.label_count = 1;
    n3obs_info *info;
    TRY(n3obs_info_new(&info, &iopts));
    static const char *const ver[] = {"1.2.3"};
    TRY(n3obs_info_set(info, ver, 1));
    printf("}\n");
    fflush(stdout);
    return n3obs_shutdown(shutdown_ms()) == N3OBS_OK ? 0 : 3;
}

/* The sum of n3obs_export_dropped_total{exporter="otlp"} by signal and reason, as JSON. */
static void print_dropped(void) {
    n3obs_metrics_snapshot *snap;
    TRY(n3obs_metrics_collect(&snap));
    printf("\"dropped\":{");
    int first = 1;
    for (size_t f = 0; f < snap->family_count; f++) {
        const n3obs_family_data *fam = &snap->families[f];
        int plugin = strcmp(fam->name, "n3obs_export_dropped") == 0;
        int host = strcmp(fam->name, "n3obs_spans_dropped") == 0;
        if (!plugin && !host) continue;
        for (size_t i = 0; i < fam->series_count; i++) {
            const n3obs_series_data *se = &fam->series[i];
            if (se->value == 0) continue;
            if (plugin)
                printf("%s\"%s/%s\":%.0f", first ? "" : ",", se->label_values[1], se->label_values[2], se->value);
            else
                printf("%s\"host/%s\":%.0f", first ? "" : ",", se->label_values[0], se->value);
            first = 0;
        }
    }
    printf("}");
    n3obs_metrics_snapshot_free(snap);
}

static int load(long n) {
    int64_t worst = 0;
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        int64_t a = now_ns();
        n3obs_span *sp;
        TRY(n3obs_span_start(&sp, "load", NULL));
        TRY(n3obs_span_set_attribute_int(sp, "i", i));
        TRY(n3obs_span_end(sp, 0));
        int64_t d = now_ns() - a;
        if (d > worst) worst = d;
    }
    int64_t elapsed = now_ns() - t0;
    const char *flush = getenv("EMIT_FLUSH_MS");
    int flushed = n3obs_force_flush(flush ? (uint32_t)atoi(flush) : 2000);
    printf("{\"spans\":%ld,\"elapsed_ns\":%lld,\"worst_ns\":%lld,\"flush_status\":%d,", n,
           (long long)elapsed, (long long)worst, flushed);
    print_dropped();
    int64_t s0 = now_ns();
    int st = n3obs_shutdown(shutdown_ms());
    printf(",\"shutdown_ns\":%lld,\"shutdown_status\":%d}\n", (long long)(now_ns() - s0), st);
    return 0;
}

static int parent(const char *self) {
    n3obs_span_opts opts = N3OBS_SPAN_OPTS_INIT;
    opts.kind = N3OBS_SPAN_KIND_CLIENT;
    n3obs_span *sp;
    TRY(n3obs_span_start(&sp, "call child", &opts));
    char tp[N3OBS_TRACEPARENT_SIZE];
    TRY(n3obs_trace_context_inject(sp, tp, sizeof tp, NULL, 0));
    setenv("TRACEPARENT", tp, 1);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' child", self);
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p) return 4;
    char line[4096] = {0};
    if (!fgets(line, sizeof line, p)) line[0] = 0;
    int rc = pclose(p);
    line[strcspn(line, "\n")] = 0;
    printf("{\"traceparent\":\"%s\",\"child_exit\":%d,\"child\":%s,", tp, rc, line[0] ? line : "null");
    print_ids("parent", sp, 0);
    printf("}\n");
    TRY(n3obs_span_end(sp, 0));
    return n3obs_shutdown(shutdown_ms()) == N3OBS_OK && rc == 0 ? 0 : 3;
}

static int child(void) {
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT;
    TRY(n3obs_trace_context_extract(&ctx, getenv("TRACEPARENT"), NULL));
    n3obs_span_opts opts = N3OBS_SPAN_OPTS_INIT;
    opts.kind = N3OBS_SPAN_KIND_SERVER;
    opts.remote_parent = &ctx;
    n3obs_span *sp;
    TRY(n3obs_span_start(&sp, "handle call", &opts));
    printf("{");
    print_ids("child", sp, 0);
    printf("}\n");
    fflush(stdout);
    TRY(n3obs_span_end(sp, 0));
    return n3obs_shutdown(shutdown_ms()) == N3OBS_OK ? 0 : 3;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: otlp_emit record|load N|parent|child\n");
        return 2;
    }
    TRY(n3obs_init(NULL));
    if (strcmp(argv[1], "record") == 0) return record();
    if (strcmp(argv[1], "load") == 0) return load(argc > 2 ? atol(argv[2]) : 10000);
    if (strcmp(argv[1], "parent") == 0) return parent(argv[0]);
    if (strcmp(argv[1], "child") == 0) return child();
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}
