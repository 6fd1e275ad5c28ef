/*
 * The shipped exporter plugins without the loader: each is dlopen'ed directly, its entry
 * point called with a host table that points at the real libn3obs functions (log and
 * count_dropped are fakes that record what they get), and its callbacks fed a real metrics
 * snapshot, a real drained span batch, a real health report and some odd hand-made data.
 * The output files are read back and checked.
 *
 * Needs .build/release/libn3obs_stdout.so (swift build) and .build/release/libn3obs_csv.so
 * (make plugins).
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <unistd.h>

#include "check.h"
#include "n3obs_exporter.h"

#define STDOUT_PLUGIN ".build/release/libn3obs_stdout.so"
#define CSV_PLUGIN ".build/release/libn3obs_csv.so"

static char tmpdir[64];
static char last_log[1024];
static int log_count;

static void fake_log(int level, const char *plugin, const char *message)
{
    (void)level;
    ++log_count;
    snprintf(last_log, sizeof last_log, "%s: %s", plugin ? plugin : "(null)", message ? message : "(null)");
}

static void fake_count_dropped(const char *plugin, const char *signal, uint64_t count, const char *reason)
{
    (void)plugin; (void)signal; (void)count; (void)reason;
}

static n3obs_host make_host(void)
{
    n3obs_host h;
    memset(&h, 0, sizeof h);
    h.version = N3OBS_EXPORTER_ABI_VERSION;
    h.size = (uint32_t)sizeof h;
    h.collect_metrics = n3obs_metrics_collect;
    h.metrics_snapshot_free = n3obs_metrics_snapshot_free;
    h.health_run = n3obs_health_run;
    h.health_last_report = n3obs_health_last_report;
    h.health_report_free = n3obs_health_report_free;
    h.health_report_json = n3obs_health_report_json;
    h.health_json_free = n3obs_health_json_free;
    h.log = fake_log;
    h.count_dropped = fake_count_dropped;
    h.sdk_version = n3obs_version();
    return h;
}

/* The whole file as a NUL-terminated string (static buffer, "" when missing). */
static const char *slurp(const char *path)
{
    static char buf[1 << 16];
    size_t n = 0;
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (f == NULL)
        return buf;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int contains(const char *haystack, const char *needle)
{
    return strstr(haystack, needle) != NULL;
}

#define CHECK_HAS(text, needle, ...)                                                   \
    do {                                                                                \
        if (!CHECK(contains((text), (needle)), __VA_ARGS__))                            \
            printf("#   looked for: %s\n#   in:\n%s\n", (needle), (text));             \
    } while (0)

static void hex(char *out, const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; ++i)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static int health_ok(void *user, char *detail, size_t cap)
{
    (void)user;
    snprintf(detail, cap, "all good");
    return N3OBS_HEALTH_HEALTHY;
}

/* Everything both plugins export: recorded once, collected and drained once. */
static n3obs_metrics_snapshot *snapshot;
static n3obs_span_batch *spans;
static n3obs_health_report *report;
static char root_trace[33], root_span[17], child_span[17];

static void record_data(void)
{
    const char *labels[] = { "method", "code" };
    const char *get200[] = { "GET", "200" };
    const char *route[] = { "route" };
    const char *slash[] = { "/users" };
    const double bounds[] = { 0.1, 1.0 };
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *c = NULL;
    n3obs_gauge *g = NULL;
    n3obs_histogram *h = NULL;
    n3obs_summary *s = NULL;
    n3obs_span *root = NULL, *child = NULL;
    n3obs_span_opts so = N3OBS_SPAN_OPTS_INIT;
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_health_check_opts ho = N3OBS_HEALTH_CHECK_OPTS_INIT;

    o.name = "plugtest_requests_total";
    o.help = "Requests served";
    o.label_names = labels;
    o.label_count = 2;
    CHECK_OK(n3obs_counter_new(&c, &o), "counter plugtest_requests_total");
    CHECK_OK(n3obs_counter_add_labels(c, get200, 2, 3), "counter += 3");

    o.name = "plugtest_temperature";
    o.help = NULL;
    o.label_names = NULL;
    o.label_count = 0;
    CHECK_OK(n3obs_gauge_new(&g, &o), "gauge plugtest_temperature");
    CHECK_OK(n3obs_gauge_set_labels(g, NULL, 0, NAN), "gauge = NaN");

    o.name = "plugtest_latency_seconds";
    o.unit = "seconds";
    o.label_names = route;
    o.label_count = 1;
    CHECK_OK(n3obs_histogram_new(&h, &o, bounds, 2), "histogram plugtest_latency_seconds");
    CHECK_OK(n3obs_histogram_observe_labels(h, slash, 1, 0.0625), "observe 0.0625");
    CHECK_OK(n3obs_histogram_observe_labels(h, slash, 1, 0.5), "observe 0.5");
    CHECK_OK(n3obs_histogram_observe_labels(h, slash, 1, 4), "observe 4");

    o.name = "plugtest_rpc_seconds";
    o.label_names = NULL;
    o.label_count = 0;
    CHECK_OK(n3obs_summary_new(&s, &o, NULL), "summary plugtest_rpc_seconds");
    CHECK_OK(n3obs_summary_observe_labels(s, NULL, 0, 2.0), "summary observe 2");

    CHECK_OK(n3obs_metrics_collect(&snapshot), "collect a snapshot");

    so.kind = N3OBS_SPAN_KIND_SERVER;
    CHECK_OK(n3obs_span_start(&root, "GET /users", &so), "start the root span");
    CHECK_OK(n3obs_span_set_attribute_string(root, "http.route", "/users"), "root attribute");
    CHECK_OK(n3obs_span_set_attribute_int(root, "http.status_code", 500), "root int attribute");
    CHECK_OK(n3obs_span_set_status(root, N3OBS_STATUS_ERROR, "boom"), "root status ERROR");
    CHECK_OK(n3obs_span_get_context(root, &ctx), "root context");
    hex(root_trace, ctx.trace_id, 16);
    hex(root_span, ctx.span_id, 8);
    so = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    so.parent = root;
    CHECK_OK(n3obs_span_start(&child, "db.query", &so), "start the child span");
    CHECK_OK(n3obs_span_add_event(child, "retry", 0, NULL, 0), "child event");
    CHECK_OK(n3obs_span_get_context(child, &ctx), "child context");
    hex(child_span, ctx.span_id, 8);
    CHECK_OK(n3obs_span_end(child, 0), "end the child");
    CHECK_OK(n3obs_span_end(root, 0), "end the root");
    CHECK_OK(n3obs_spans_drain(&spans, 0), "drain the spans");
    CHECK(spans != NULL && spans->span_count == 2, "two spans drained");

    ho.name = "plugtest_check";
    ho.callback = health_ok;
    CHECK_OK(n3obs_health_register(&ho), "register a health check");
    CHECK_OK(n3obs_health_run(&report), "run the health checks");
}

static n3obs_exporter_init_fn entry(void *lib, const char *name)
{
    n3obs_exporter_init_fn f = NULL;
    void *sym = dlsym(lib, name);
    memcpy(&f, &sym, sizeof f);   /* object to function pointer, as POSIX allows */
    return f;
}

static void finish_plugin(n3obs_exporter *t)
{
    t->shutdown(t->state, 1000);
    CHECK(t->export_spans == NULL || t->export_spans(t->state, spans) == N3OBS_EXPORT_FAILURE,
          "%s: export after shutdown fails", t->name);
    t->shutdown(t->state, 1000);   /* a second call changes nothing */
    t->free(t->state);
    CHECK(1, "shutdown, a second shutdown and free return");
}

/* ---- the stdout plugin ---------------------------------------------------------------- */

static n3obs_exporter *stdout_start(n3obs_exporter_init_fn init, const n3obs_host *host,
                                    const char *config, char *err, size_t cap)
{
    n3obs_exporter *t = (n3obs_exporter *)(uintptr_t)1;
    int rc = init(host, config, &t, err, cap);
    if (rc != 0) {
        CHECK(t == NULL, "a refused init leaves *out NULL");
        return NULL;
    }
    return t;
}

static void test_stdout(const n3obs_host *host)
{
    char err[512], config[256], text_path[128], json_path[128], odd_path[128], line[256];
    const char *out;
    n3obs_exporter *t;
    n3obs_exporter_init_fn init, init2;
    void *lib = dlopen(STDOUT_PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

    if (!CHECK(lib != NULL, "dlopen %s", STDOUT_PLUGIN)) {
        printf("#   %s\n", dlerror());
        return;
    }
    init = entry(lib, "n3obs_stdout_init");
    init2 = entry(lib, "n3obs_exporter_init");
    CHECK(init != NULL && init2 != NULL, "stdout exports n3obs_stdout_init and n3obs_exporter_init");
    if (init == NULL)
        return;

    /* text */
    snprintf(text_path, sizeof text_path, "%s/stdout.txt", tmpdir);
    snprintf(config, sizeof config, "{\"format\": \"text\", \"output\": \"%s\"}", text_path);
    t = stdout_start(init, host, config, err, sizeof err);
    if (!CHECK(t != NULL, "stdout init with a text file output")) {
        printf("#   error: %s\n", err);
        return;
    }
    CHECK_U64(t->version, N3OBS_EXPORTER_ABI_VERSION, "table version");
    CHECK_U64(t->size, sizeof(n3obs_exporter), "table size");
    CHECK_STR(t->name, "stdout", "table name");
    CHECK_U64(t->capabilities, N3OBS_EXPORTER_CAP_SPANS | N3OBS_EXPORTER_CAP_METRICS | N3OBS_EXPORTER_CAP_HEALTH,
              "capabilities: spans, metrics, health");
    CHECK(t->export_spans && t->export_metrics && t->export_health && t->force_flush && t->shutdown && t->free,
          "every callback is set");
    CHECK_U64(t->export_metrics(t->state, snapshot), N3OBS_EXPORT_SUCCESS, "text: export_metrics");
    CHECK_U64(t->export_spans(t->state, spans), N3OBS_EXPORT_SUCCESS, "text: export_spans");
    CHECK_U64(t->export_health(t->state, report), N3OBS_EXPORT_SUCCESS, "text: export_health");
    CHECK_U64(t->force_flush(t->state, 100), N3OBS_EXPORT_SUCCESS, "text: force_flush");
    CHECK_U64(t->export_metrics(t->state, NULL), N3OBS_EXPORT_INVALID_ARGUMENT, "text: NULL snapshot is refused");
    out = slurp(text_path);
    CHECK_HAS(out, "# counter plugtest_requests_total: Requests served\n", "text: counter family header");
    CHECK_HAS(out, "\nplugtest_requests_total{method=\"GET\",code=\"200\"} 3\n", "text: counter series line");
    CHECK_HAS(out, "\nplugtest_temperature NaN\n", "text: NaN gauge without labels");
    CHECK_HAS(out, "# histogram plugtest_latency_seconds [seconds]\n", "text: histogram header with unit");
    CHECK_HAS(out, "plugtest_latency_seconds{route=\"/users\"} count 3 sum 4.5625\n", "text: histogram count and sum");
    CHECK_HAS(out, "    le 0.1 1\n    le 1 2\n    le +Inf 3\n", "text: cumulative buckets");
    CHECK_HAS(out, "plugtest_rpc_seconds count 1 sum 2\n    quantile 0.5 ", "text: summary and quantiles");
    snprintf(line, sizeof line, "trace %s span %s parent - name \"GET /users\" kind server duration ", root_trace, root_span);
    CHECK_HAS(out, line, "text: root span line");
    CHECK_HAS(out, "status ERROR \"boom\"\n", "text: root status with description");
    snprintf(line, sizeof line, "trace %s span %s parent %s name \"db.query\" kind internal", root_trace, child_span, root_span);
    CHECK_HAS(out, line, "text: child span names its parent");
    CHECK_HAS(out, "    attr http.route = \"/users\"\n    attr http.status_code = 500\n", "text: attributes indented");
    CHECK_HAS(out, "    event +", "text: event indented");
    CHECK_HAS(out, " \"retry\"\n", "text: event name");
    CHECK_HAS(out, "health healthy at ", "text: health overall line");
    CHECK_HAS(out, "    healthy plugtest_check (", "text: one line per check");
    CHECK_HAS(out, "): all good\n", "text: check detail");
    finish_plugin(t);

    /* JSON lines */
    snprintf(json_path, sizeof json_path, "%s/stdout.jsonl", tmpdir);
    snprintf(config, sizeof config, "{\"format\": \"json\", \"output\": \"%s\"}", json_path);
    t = stdout_start(init2, host, config, err, sizeof err);
    if (CHECK(t != NULL, "stdout init (through n3obs_exporter_init) with JSON output")) {
        CHECK_U64(t->export_metrics(t->state, snapshot), N3OBS_EXPORT_SUCCESS, "json: export_metrics");
        CHECK_U64(t->export_spans(t->state, spans), N3OBS_EXPORT_SUCCESS, "json: export_spans");
        CHECK_U64(t->export_health(t->state, report), N3OBS_EXPORT_SUCCESS, "json: export_health");
        out = slurp(json_path);
        CHECK_HAS(out, "{\"type\":\"metric\",\"time\":\"", "json: a metric line starts with its type and time");
        CHECK_HAS(out, "\"name\":\"plugtest_requests_total\",\"kind\":\"counter\",\"help\":\"Requests served\","
                       "\"labels\":{\"method\":\"GET\",\"code\":\"200\"},\"value\":3,", "json: counter series");
        CHECK_HAS(out, "\"name\":\"plugtest_temperature\",\"kind\":\"gauge\",\"labels\":{},\"value\":\"NaN\"",
                  "json: NaN as the string \"NaN\"");
        CHECK_HAS(out, "\"count\":3,\"sum\":4.5625,\"buckets\":[{\"le\":0.1,\"count\":1},{\"le\":1,\"count\":2},"
                       "{\"le\":\"+Inf\",\"count\":3}]", "json: histogram buckets");
        snprintf(line, sizeof line, "{\"type\":\"span\",\"trace_id\":\"%s\",\"span_id\":\"%s\",\"parent_span_id\":null,"
                 "\"name\":\"GET /users\",\"kind\":\"server\"", root_trace, root_span);
        CHECK_HAS(out, line, "json: root span");
        snprintf(line, sizeof line, "\"span_id\":\"%s\",\"parent_span_id\":\"%s\",\"name\":\"db.query\"", child_span, root_span);
        CHECK_HAS(out, line, "json: child span with its parent");
        CHECK_HAS(out, "\"attributes\":{\"http.route\":\"/users\",\"http.status_code\":500}", "json: attributes");
        CHECK_HAS(out, "\"status\":\"ERROR\",\"status_description\":\"boom\"", "json: status");
        CHECK_HAS(out, "{\"type\":\"health\",\"status\":\"healthy\",", "json: health line");
        CHECK_HAS(out, "{\"name\":\"plugtest_check\",\"status\":\"healthy\",\"critical\":false,\"detail\":\"all good\"",
                  "json: health check");
        {
            /* one object per line: 4 families' series + 2 spans + 1 report, every line an object */
            int lines = 0, objects = 0;
            const char *p = out;
            while (*p) {
                const char *nl = strchr(p, '\n');
                if (nl == NULL) break;
                ++lines;
                if (*p == '{' && nl[-1] == '}') ++objects;
                p = nl + 1;
            }
            CHECK(lines >= 7 && lines == objects, "json: every line is one object (%d lines, %d objects)", lines, objects);
        }
        finish_plugin(t);
    }

    /* the environment configures what the JSON leaves out */
    snprintf(odd_path, sizeof odd_path, "%s/env.jsonl", tmpdir);
    setenv("N3OBS_STDOUT_FORMAT", "json", 1);
    setenv("N3OBS_STDOUT_OUTPUT", odd_path, 1);
    t = stdout_start(init, host, "{}", err, sizeof err);
    if (CHECK(t != NULL, "stdout init from N3OBS_STDOUT_FORMAT and N3OBS_STDOUT_OUTPUT")) {
        CHECK_U64(t->export_health(t->state, report), N3OBS_EXPORT_SUCCESS, "env: export_health");
        CHECK_HAS(slurp(odd_path), "{\"type\":\"health\"", "env: JSON written to the file the environment names");
        finish_plugin(t);
    }
    unsetenv("N3OBS_STDOUT_FORMAT");
    unsetenv("N3OBS_STDOUT_OUTPUT");

    /* odd data: NULL strings, NaN, huge counts, a family whose label values are missing */
    {
        const char *names[] = { "a", "b" };
        n3obs_bucket_data buckets[1];
        n3obs_series_data series[2];
        n3obs_family_data fams[2];
        n3obs_metrics_snapshot snap;
        n3obs_span_data sd;
        n3obs_span_batch batch;
        n3obs_attribute attr;
        memset(buckets, 0, sizeof buckets);
        memset(series, 0, sizeof series);
        memset(fams, 0, sizeof fams);
        memset(&snap, 0, sizeof snap);
        buckets[0].upper_bound = INFINITY;
        buckets[0].cumulative_count = UINT64_MAX;
        series[0].value = -INFINITY;
        series[1].count = UINT64_MAX;
        series[1].sum = NAN;
        series[1].buckets = buckets;
        series[1].bucket_count = 1;
        series[1].is_overflow = 1;
        fams[0].name = NULL;
        fams[0].type = N3OBS_METRIC_GAUGE;
        fams[0].label_names = names;
        fams[0].label_count = 2;       /* but label_values stays NULL */
        fams[0].series = &series[0];
        fams[0].series_count = 1;
        fams[1].name = "odd\nname\"\xff";
        fams[1].help = "bad utf-8 \xc3";
        fams[1].type = N3OBS_METRIC_HISTOGRAM;
        fams[1].series = &series[1];
        fams[1].series_count = 1;
        snap.size = sizeof snap;
        snap.time_unix_nano = INT64_MIN;
        snap.families = fams;
        snap.family_count = 2;

        memset(&sd, 0, sizeof sd);
        sd.size = sizeof sd;
        sd.kind = 99;
        sd.status_code = 42;
        sd.start_time_unix_nano = INT64_MAX;
        sd.end_time_unix_nano = INT64_MIN;
        memset(&attr, 0, sizeof attr);
        attr.key = NULL;
        attr.value.type = N3OBS_VALUE_STRING_ARRAY;
        attr.value.array = NULL;
        attr.value.array_count = 1000000;
        sd.attributes = &attr;
        sd.attribute_count = 1;
        batch.size = sizeof batch;
        batch.reserved = 0;
        batch.spans = &sd;
        batch.span_count = 1;

        snprintf(odd_path, sizeof odd_path, "%s/odd.txt", tmpdir);
        snprintf(config, sizeof config, "{\"output\": \"%s\"}", odd_path);
        t = stdout_start(init, host, config, err, sizeof err);
        if (CHECK(t != NULL, "stdout init for odd data")) {
            CHECK_U64(t->export_metrics(t->state, &snap), N3OBS_EXPORT_SUCCESS, "odd metrics are written");
            CHECK_U64(t->export_spans(t->state, &batch), N3OBS_EXPORT_SUCCESS, "an odd span is written");
            sd.size = 8;
            CHECK_U64(t->export_spans(t->state, &batch), N3OBS_EXPORT_INVALID_ARGUMENT,
                      "a span struct smaller than ABI 1's is refused");
            out = slurp(odd_path);
            CHECK_HAS(out, " -Inf\n", "odd: -Inf gauge");
            CHECK_HAS(out, "{otel_metric_overflow=\"true\"} count 18446744073709551615 sum NaN", "odd: huge count, NaN sum, overflow label");
            CHECK_HAS(out, "odd\\nname\\\"\xef\xbf\xbd", "odd: a name with a newline, quote and bad UTF-8 is escaped");
            CHECK_HAS(out, "kind unknown duration 0ns status UNKNOWN", "odd: unknown kind and status, negative duration");
            finish_plugin(t);
        }
    }

    /* refusals */
    {
        static const struct { const char *config; const char *needle; } bad[] = {
            { "{\"format\": \"xml\"}", "format \"xml\" is not" },
            { "{\"format\": 3}", "\"format\" must be a string, got number" },
            { "{\"format\": ", "not valid JSON: line 1, column 12" },
            { "[1, 2]", "must be a JSON object, got array" },
            { "{\"output\": \"/nonexistent-dir/x/y.txt\"}", "cannot open output file /nonexistent-dir/x/y.txt" },
        };
        size_t i;
        n3obs_host old = *host;
        for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
            err[0] = '\0';
            t = (n3obs_exporter *)(uintptr_t)1;
            CHECK(init(host, bad[i].config, &t, err, sizeof err) != 0 && t == NULL,
                  "stdout refuses config %s", bad[i].config);
            CHECK_HAS(err, bad[i].needle, "the message says why");
        }
        CHECK(init(host, "{\"format\": \"xml\"}", &t, err, 8) != 0 && strlen(err) == 7,
              "a message is cut to the buffer");
        CHECK(init(NULL, "{}", &t, err, sizeof err) != 0 && contains(err, "host table is NULL"), "a NULL host is refused");
        old.version = 0;
        CHECK(init(&old, "{}", &t, err, sizeof err) != 0 && contains(err, "ABI 0"), "a host of version 0 is refused");
        CHECK(init(host, "{}", NULL, err, sizeof err) != 0, "a NULL out is refused");
    }

    /* an unknown key is logged, not refused; an old host without log still works */
    {
        n3obs_host small = *host;
        log_count = 0;
        snprintf(config, sizeof config, "{\"output\": \"%s\", \"colour\": true}", odd_path);
        t = stdout_start(init, host, config, err, sizeof err);
        CHECK(t != NULL && log_count == 1 && contains(last_log, "colour"), "an unknown key is logged through host->log");
        if (t) t->free(t->state);   /* free without shutdown closes the file too */
        char stderr_path[128];
        int saved = dup(2), fd;
        small.size = (uint32_t)offsetof(n3obs_host, log);
        log_count = 0;
        snprintf(stderr_path, sizeof stderr_path, "%s/stderr.txt", tmpdir);
        fflush(stderr);
        fd = fileno(fopen(stderr_path, "w"));
        dup2(fd, 2);
        snprintf(config, sizeof config, "{\"output\": \"%s\", \"colour2\": true}", odd_path);
        t = stdout_start(init, &small, config, err, sizeof err);
        dup2(saved, 2);
        close(saved);
        close(fd);
        CHECK(t != NULL && log_count == 0, "a host table without log is not read past its size");
        CHECK_HAS(slurp(stderr_path), "n3obs stdout warning: ignoring unknown config keys: colour2",
                  "without host->log the plugin logs to stderr");
        if (t) t->free(t->state);
    }
}

/* ---- the csv plugin ------------------------------------------------------------------- */

static void test_csv(const n3obs_host *host)
{
    char err[512], config[512], mpath[128], spath[128], line[256];
    const char *out;
    n3obs_exporter *t = NULL;
    n3obs_exporter_init_fn init;
    void *lib = dlopen(CSV_PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

    if (!CHECK(lib != NULL, "dlopen %s", CSV_PLUGIN)) {
        printf("#   %s\n", dlerror());
        return;
    }
    init = entry(lib, "n3obs_exporter_init");
    if (!CHECK(init != NULL, "csv exports n3obs_exporter_init"))
        return;

    err[0] = '\0';
    CHECK(init(host, "{}", &t, err, sizeof err) != 0 && t == NULL, "csv refuses to start without paths");
    CHECK_HAS(err, "give \"metrics_path\" and/or \"spans_path\"", "csv: the message says what to give");
    CHECK(init(host, "{\"metrics_path\": 5}", &t, err, sizeof err) != 0, "csv refuses a number as path");
    CHECK_HAS(err, "\"metrics_path\" must be a string", "csv: the message names the key");
    CHECK(init(host, "{\"metrics_path\": \"/nonexistent-dir/m.csv\"}", &t, err, sizeof err) != 0,
          "csv refuses a file it cannot open");
    CHECK_HAS(err, "cannot open /nonexistent-dir/m.csv", "csv: the message names the file");
    CHECK(init(host, "{\"metrics_path\" \"x\"}", &t, err, sizeof err) != 0, "csv refuses malformed JSON");

    snprintf(mpath, sizeof mpath, "%s/metrics.csv", tmpdir);
    snprintf(spath, sizeof spath, "%s/spans.csv", tmpdir);
    snprintf(config, sizeof config,
             "{\"other\": {\"a\": [1, \"}\"], \"b\": null}, \"metrics_path\": \"%s\", \"spans_path\": \"%s\"}",
             mpath, spath);
    if (!CHECK(init(host, config, &t, err, sizeof err) == 0 && t != NULL, "csv starts with both paths")) {
        printf("#   error: %s\n", err);
        return;
    }
    CHECK_U64(t->version, N3OBS_EXPORTER_ABI_VERSION, "csv: table version");
    CHECK_U64(t->size, sizeof(n3obs_exporter), "csv: table size");
    CHECK_STR(t->name, "csv", "csv: table name");
    CHECK_U64(t->capabilities, N3OBS_EXPORTER_CAP_SPANS | N3OBS_EXPORTER_CAP_METRICS, "csv: spans and metrics");
    CHECK(t->export_health == NULL, "csv: no health callback");
    CHECK_U64(t->export_metrics(t->state, snapshot), N3OBS_EXPORT_SUCCESS, "csv: export_metrics");
    CHECK_U64(t->export_spans(t->state, spans), N3OBS_EXPORT_SUCCESS, "csv: export_spans");
    CHECK_U64(t->force_flush(t->state, 100), N3OBS_EXPORT_SUCCESS, "csv: force_flush");

    out = slurp(mpath);
    CHECK(strncmp(out, "time,family,type,labels,value,count,sum\n", 40) == 0, "csv: metrics header first");
    CHECK_HAS(out, ",plugtest_requests,counter,method=GET;code=200,3,,\n", "csv: counter row");
    CHECK_HAS(out, ",plugtest_temperature,gauge,,NaN,,\n", "csv: gauge row");
    CHECK_HAS(out, ",plugtest_latency_seconds,histogram,route=/users,,3,4.5625\n", "csv: histogram row");
    out = slurp(spath);
    CHECK(strncmp(out, "trace_id,span_id,parent_span_id,name,", 37) == 0, "csv: spans header first");
    snprintf(line, sizeof line, "%s,%s,,GET /users,", root_trace, root_span);
    CHECK_HAS(out, line, "csv: root span row");
    CHECK_HAS(out, ",ERROR,boom\n", "csv: status and description");
    snprintf(line, sizeof line, "%s,%s,%s,db.query,", root_trace, child_span, root_span);
    CHECK_HAS(out, line, "csv: child span row with its parent");
    finish_plugin(t);

    /* the environment names the files when the config does not */
    setenv("N3OBS_CSV_SPANS_PATH", spath, 1);
    t = NULL;
    if (CHECK(init(host, "{}", &t, err, sizeof err) == 0 && t != NULL, "csv starts from N3OBS_CSV_SPANS_PATH")) {
        CHECK_U64(t->capabilities, N3OBS_EXPORTER_CAP_SPANS, "csv: spans only from the environment");
        t->free(t->state);
    }
    unsetenv("N3OBS_CSV_SPANS_PATH");

    /* appending again: no second header */
    snprintf(config, sizeof config, "{\"metrics_path\": \"%s\"}", mpath);
    t = NULL;
    if (CHECK(init(host, config, &t, err, sizeof err) == 0 && t != NULL, "csv starts with metrics only")) {
        CHECK_U64(t->capabilities, N3OBS_EXPORTER_CAP_METRICS, "csv: metrics only");
        CHECK(t->export_spans == NULL, "csv: no span callback without spans_path");
        CHECK_U64(t->export_metrics(t->state, snapshot), N3OBS_EXPORT_SUCCESS, "csv: export again");
        out = slurp(mpath);
        CHECK(strstr(out + 1, "time,family") == NULL, "csv: the header is written once per file");
        t->shutdown(t->state, 0);
        t->free(t->state);
    }
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_host host;
    char cmd[128];

    snprintf(tmpdir, sizeof tmpdir, "/tmp/n3obs_plugins_XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        printf("not ok 1 - mkdtemp\n1..1\n");
        return 1;
    }
    /* the plugins' own variables come only from the checks that set them */
    unsetenv("N3OBS_STDOUT_FORMAT");
    unsetenv("N3OBS_STDOUT_OUTPUT");
    unsetenv("N3OBS_CSV_METRICS_PATH");
    unsetenv("N3OBS_CSV_SPANS_PATH");
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    cfg.traces_sampler = "always_on";
    cfg.health_builtins_off = N3OBS_HEALTH_BUILTIN_ALL;
    CHECK_OK(n3obs_init(&cfg), "init");
    host = make_host();
    record_data();

    test_stdout(&host);
    test_csv(&host);

    n3obs_metrics_snapshot_free(snapshot);
    n3obs_span_batch_free(spans);
    n3obs_health_report_free(report);
    CHECK_OK(n3obs_shutdown(1000), "shutdown");
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (getenv("N3OBS_TEST_KEEP") != NULL)
        printf("# output kept in %s\n", tmpdir);
    else if (check_failures == 0 && system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
    return check_finish();
}
