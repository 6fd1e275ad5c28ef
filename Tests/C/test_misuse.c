/*
 * Misuse of every function the header declares: NULL for each pointer parameter, one at a
 * time, and SIZE_MAX, SIZE_MAX - 1 and 2^63 for each count (the counts Swift would read as
 * negative), with valid small buffers behind them so that reading past them is a real bug.
 * Each call must return a negative status with a message (or OK where NULL is documented as
 * allowed), never crash, and a counter recorded before every call keeps its exact value.
 *
 * Tests/C/run.sh runs it as it runs every test and once more built with
 * -fsanitize=address (the program instrumented, libn3obs.so as built). run.sh also checks
 * that every N3OBS_API function of the header is named here.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <n3obs_exporter.h>

static const size_t huge[] = {SIZE_MAX, SIZE_MAX - 1, (size_t)1 << 63};
#define N_HUGE (sizeof huge / sizeof huge[0])

/* A call that must fail with a status and a message. */
#define REFUSED(expr, ...) CHECK_REFUSED_IMPL((expr), __VA_ARGS__)
static int CHECK_REFUSED_IMPL(int st, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    int ok = st < 0 && n3obs_error_last()[0] != '\0';
    snprintf(msg, sizeof msg, "%s", n3obs_error_last());
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok)
        printf("#   got %s (%s)\n", check_status_name(st), msg);
    return ok;
}

/* A call where NULL is allowed: any documented status, no crash. */
#define SURVIVED(expr, ...) CHECK((expr) <= 0, __VA_ARGS__)

static double counter_value(const char *name)
{
    n3obs_metrics_snapshot *snap = NULL;
    double v = -1;
    size_t f;
    if (n3obs_metrics_collect(&snap) != N3OBS_OK)
        return -2;
    for (f = 0; f < snap->family_count; f++)
        if (strcmp(snap->families[f].name, name) == 0 && snap->families[f].series_count == 1)
            v = snap->families[f].series[0].value;
    n3obs_metrics_snapshot_free(snap);
    return v;
}

int main(void)
{
    n3obs_counter *guard = NULL, *c = NULL;
    n3obs_counter_series *guard_series = NULL, *cs = NULL;
    n3obs_gauge *g = NULL;
    n3obs_gauge_series *gs = NULL;
    n3obs_histogram *h = NULL;
    n3obs_histogram_series *hs = NULL;
    n3obs_summary *sm = NULL;
    n3obs_summary_series *ss = NULL;
    n3obs_info *info = NULL;
    n3obs_span *span = NULL, *other = NULL;
    n3obs_scope scope = 0;
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_execution ex;
    n3obs_health_report *report = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    n3obs_span_batch *batch = NULL;
    uint64_t dropped = 0;
    char *json = NULL;
    char tp[N3OBS_TRACEPARENT_SIZE], ts[N3OBS_MAX_TRACESTATE_LEN + 1];
    const char *labels[] = {"k"};
    const char **values = malloc(sizeof *values); /* on the heap: its red zone is watched */
    double *bounds = malloc(sizeof *bounds);
    double *quantiles = malloc(sizeof *quantiles);
    const char **tags = malloc(sizeof *tags);
    n3obs_attribute *attrs = malloc(sizeof *attrs);
    n3obs_link *link = calloc(1, sizeof *link);
    int64_t *ints = malloc(sizeof *ints);
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_summary_opts so = N3OBS_SUMMARY_OPTS_INIT;
    n3obs_span_opts sp = N3OBS_SPAN_OPTS_INIT;
    n3obs_health_check_opts ho = N3OBS_HEALTH_CHECK_OPTS_INIT;
    size_t i;

    values[0] = "v";
    bounds[0] = 1.0;
    quantiles[0] = 0.5;
    tags[0] = "t";
    ints[0] = 7;

    /* Before init: every call that needs the SDK refuses, none crashes. */
    CHECK(n3obs_version() != NULL && n3obs_version_number() > 0 && n3obs_abi_version() > 0, "version functions");
    CHECK(n3obs_errstr(-999) != NULL && n3obs_error_last() != NULL, "errstr and error_last");
    CHECK(n3obs_is_running() == 0, "not running before init");
    REFUSED(n3obs_counter_new(&c, &o), "counter_new before init");
    REFUSED(n3obs_shutdown(10), "shutdown before init");
    REFUSED(n3obs_force_flush(10), "force_flush before init");

    {
        /* user_data without a sink: a config mistake, said so, and the SDK stays down. */
        n3obs_config cfg = N3OBS_CONFIG_INIT;
        int data = 0;
        cfg.log_user_data = &data;
        CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "config->log_user_data without log_sink is N3OBS_E_CONFIG");
        CHECK_MSG("log_sink", "the message names the field");
        CHECK(n3obs_is_running() == 0, "and n3obs did not start");
    }

    CHECK_OK(n3obs_init(NULL), "init");
    o.name = "misuse_guard_total";
    CHECK_OK(n3obs_counter_new(&guard, &o), "guard counter");
    CHECK_OK(n3obs_counter_bind(&guard_series, guard, NULL, 0), "guard series");
    CHECK_OK(n3obs_counter_add(guard_series, 42), "guard recorded");

    /* ---- families: NULL pointers, then huge counts ---- */
    o.name = "misuse_c_total";
    o.label_names = labels;
    o.label_count = 1;
    REFUSED(n3obs_counter_new(NULL, &o), "counter_new NULL out");
    REFUSED(n3obs_counter_new(&c, NULL), "counter_new NULL opts");
    REFUSED(n3obs_gauge_new(NULL, &o), "gauge_new NULL out");
    REFUSED(n3obs_gauge_new(&g, NULL), "gauge_new NULL opts");
    REFUSED(n3obs_info_new(NULL, &o), "info_new NULL out");
    REFUSED(n3obs_info_new(&info, NULL), "info_new NULL opts");
    REFUSED(n3obs_histogram_new(NULL, &o, NULL, 0), "histogram_new NULL out");
    REFUSED(n3obs_histogram_new(&h, NULL, NULL, 0), "histogram_new NULL opts");
    REFUSED(n3obs_histogram_new(&h, &o, NULL, 1), "histogram_new NULL bounds with a count");
    REFUSED(n3obs_summary_new(NULL, &o, NULL), "summary_new NULL out");
    REFUSED(n3obs_summary_new(&sm, NULL, NULL), "summary_new NULL opts");
    for (i = 0; i < N_HUGE; i++) {
        o.label_count = huge[i];
        REFUSED(n3obs_counter_new(&c, &o), "metric_opts.label_count %zu", huge[i]);
        REFUSED(n3obs_gauge_new(&g, &o), "gauge label_count %zu", huge[i]);
        REFUSED(n3obs_info_new(&info, &o), "info label_count %zu", huge[i]);
        o.label_count = 1;
        o.name = "misuse_h_seconds";
        REFUSED(n3obs_histogram_new(&h, &o, bounds, huge[i]), "histogram bound_count %zu", huge[i]);
        so.quantiles = quantiles;
        so.quantile_count = huge[i];
        o.name = "misuse_s_seconds";
        REFUSED(n3obs_summary_new(&sm, &o, &so), "summary quantile_count %zu", huge[i]);
        o.name = "misuse_c_total";
    }
    o.label_count = 1;
    CHECK_OK(n3obs_counter_new(&c, &o), "a valid counter");
    o.name = "misuse_g";
    CHECK_OK(n3obs_gauge_new(&g, &o), "a valid gauge");
    o.name = "misuse_h_seconds";
    CHECK_OK(n3obs_histogram_new(&h, &o, bounds, 1), "a valid histogram");
    so.quantile_count = 1;
    o.name = "misuse_s_seconds";
    CHECK_OK(n3obs_summary_new(&sm, &o, &so), "a valid summary");
    o.name = "misuse_build";
    CHECK_OK(n3obs_info_new(&info, &o), "a valid info");

    /* ---- series ---- */
    REFUSED(n3obs_counter_bind(NULL, c, values, 1), "counter_bind NULL out");
    REFUSED(n3obs_counter_bind(&cs, NULL, values, 1), "counter_bind NULL family");
    REFUSED(n3obs_counter_bind(&cs, c, NULL, 1), "counter_bind NULL values");
    REFUSED(n3obs_gauge_bind(NULL, g, values, 1), "gauge_bind NULL out");
    REFUSED(n3obs_gauge_bind(&gs, NULL, values, 1), "gauge_bind NULL family");
    REFUSED(n3obs_gauge_bind(&gs, g, NULL, 1), "gauge_bind NULL values");
    REFUSED(n3obs_histogram_bind(NULL, h, values, 1), "histogram_bind NULL out");
    REFUSED(n3obs_histogram_bind(&hs, NULL, values, 1), "histogram_bind NULL family");
    REFUSED(n3obs_histogram_bind(&hs, h, NULL, 1), "histogram_bind NULL values");
    REFUSED(n3obs_summary_bind(NULL, sm, values, 1), "summary_bind NULL out");
    REFUSED(n3obs_summary_bind(&ss, NULL, values, 1), "summary_bind NULL family");
    REFUSED(n3obs_summary_bind(&ss, sm, NULL, 1), "summary_bind NULL values");
    REFUSED(n3obs_counter_add(NULL, 1), "counter_add NULL");
    REFUSED(n3obs_counter_inc(NULL), "counter_inc NULL");
    REFUSED(n3obs_gauge_set(NULL, 1), "gauge_set NULL");
    REFUSED(n3obs_gauge_add(NULL, 1), "gauge_add NULL");
    REFUSED(n3obs_histogram_observe(NULL, 1), "histogram_observe NULL");
    REFUSED(n3obs_summary_observe(NULL, 1), "summary_observe NULL");
    REFUSED(n3obs_counter_add_labels(NULL, values, 1, 1), "counter_add_labels NULL family");
    REFUSED(n3obs_counter_add_labels(c, NULL, 1, 1), "counter_add_labels NULL values");
    REFUSED(n3obs_gauge_set_labels(NULL, values, 1, 1), "gauge_set_labels NULL family");
    REFUSED(n3obs_gauge_set_labels(g, NULL, 1, 1), "gauge_set_labels NULL values");
    REFUSED(n3obs_gauge_add_labels(NULL, values, 1, 1), "gauge_add_labels NULL family");
    REFUSED(n3obs_gauge_add_labels(g, NULL, 1, 1), "gauge_add_labels NULL values");
    REFUSED(n3obs_histogram_observe_labels(NULL, values, 1, 1), "histogram_observe_labels NULL family");
    REFUSED(n3obs_histogram_observe_labels(h, NULL, 1, 1), "histogram_observe_labels NULL values");
    REFUSED(n3obs_summary_observe_labels(NULL, values, 1, 1), "summary_observe_labels NULL family");
    REFUSED(n3obs_summary_observe_labels(sm, NULL, 1, 1), "summary_observe_labels NULL values");
    REFUSED(n3obs_info_set(NULL, values, 1), "info_set NULL family");
    REFUSED(n3obs_info_set(info, NULL, 1), "info_set NULL values");
    for (i = 0; i < N_HUGE; i++) {
        size_t n = huge[i];
        REFUSED(n3obs_counter_bind(&cs, c, values, n), "counter_bind label_count %zu", n);
        CHECK(strstr(n3obs_error_last(), "-") == NULL, "  the message has no negative count (%s)", n3obs_error_last());
        REFUSED(n3obs_gauge_bind(&gs, g, values, n), "gauge_bind label_count %zu", n);
        REFUSED(n3obs_histogram_bind(&hs, h, values, n), "histogram_bind label_count %zu", n);
        REFUSED(n3obs_summary_bind(&ss, sm, values, n), "summary_bind label_count %zu", n);
        REFUSED(n3obs_counter_add_labels(c, values, n, 1), "counter_add_labels label_count %zu", n);
        REFUSED(n3obs_gauge_set_labels(g, values, n, 1), "gauge_set_labels label_count %zu", n);
        REFUSED(n3obs_gauge_add_labels(g, values, n, 1), "gauge_add_labels label_count %zu", n);
        REFUSED(n3obs_histogram_observe_labels(h, values, n, 1), "histogram_observe_labels label_count %zu", n);
        REFUSED(n3obs_summary_observe_labels(sm, values, n, 1), "summary_observe_labels label_count %zu", n);
        REFUSED(n3obs_info_set(info, values, n), "info_set label_count %zu", n);
        CHECK(strstr(n3obs_error_last(), "-1") == NULL, "  info_set says the count it got (%s)", n3obs_error_last());
    }
    REFUSED(n3obs_metrics_collect(NULL), "metrics_collect NULL");
    n3obs_metrics_snapshot_free(NULL);
    CHECK(1, "metrics_snapshot_free NULL");

    /* ---- catalogue ---- */
    REFUSED(n3obs_execution_begin(NULL, "c", "s"), "execution_begin NULL execution");
    REFUSED(n3obs_execution_begin(&ex, NULL, "s"), "execution_begin NULL component");
    REFUSED(n3obs_execution_begin(&ex, "c", NULL), "execution_begin NULL strategy");
    REFUSED(n3obs_execution_end(NULL, "ok"), "execution_end NULL execution");
    REFUSED(n3obs_execution_end_with_duration(NULL, "ok", 1), "execution_end_with_duration NULL execution");
    CHECK_OK(n3obs_execution_begin(&ex, "c", "s"), "execution_begin");
    REFUSED(n3obs_execution_end(&ex, NULL), "execution_end NULL status");
    REFUSED(n3obs_execution_end_with_duration(&ex, NULL, 1), "execution_end_with_duration NULL status");
    REFUSED(n3obs_execution_end_with_duration(&ex, "ok", -1), "execution_end_with_duration negative duration");
    CHECK_OK(n3obs_execution_end_with_duration(&ex, "ok", 0.25), "execution_end_with_duration");
    REFUSED(n3obs_catalog_record_error(NULL, "t", "s"), "record_error NULL component");
    REFUSED(n3obs_catalog_record_error("c", NULL, "s"), "record_error NULL type");
    REFUSED(n3obs_catalog_record_error("c", "t", NULL), "record_error NULL severity");
    REFUSED(n3obs_catalog_record_security_validation(NULL, "r"), "security_validation NULL type");
    REFUSED(n3obs_catalog_record_security_validation("t", NULL), "security_validation NULL result");
    REFUSED(n3obs_catalog_set_worker_pool_size(NULL, "n", 1), "worker_pool_size NULL pool");
    REFUSED(n3obs_catalog_set_worker_pool_size("p", NULL, 1), "worker_pool_size NULL node");
    REFUSED(n3obs_catalog_set_task_queue_length(NULL, "p", 1), "task_queue_length NULL queue");
    REFUSED(n3obs_catalog_set_task_queue_length("q", NULL, 1), "task_queue_length NULL priority");

    /* ---- exporters ---- */
    REFUSED(n3obs_exporter_load(NULL, "{}"), "exporter_load NULL name");
    REFUSED(n3obs_exporter_load("no_such_plugin", NULL), "exporter_load unknown name, NULL config");
    CHECK_OK(n3obs_force_flush(10), "force_flush");

    /* ---- spans ---- */
    REFUSED(n3obs_span_start(NULL, "s", NULL), "span_start NULL out");
    REFUSED(n3obs_span_start(&span, NULL, NULL), "span_start NULL name");
    attrs[0].key = "a";
    attrs[0].value.type = N3OBS_VALUE_INT64_ARRAY;
    attrs[0].value.array = ints;
    for (i = 0; i < N_HUGE; i++) {
        n3obs_span_opts huge_opts = N3OBS_SPAN_OPTS_INIT;
        huge_opts.attributes = attrs;
        huge_opts.attribute_count = huge[i];
        REFUSED(n3obs_span_start(&span, "s", &huge_opts), "span_opts.attribute_count %zu", huge[i]);
        huge_opts.attribute_count = 1;
        attrs[0].value.array_count = huge[i];
        REFUSED(n3obs_span_start(&span, "s", &huge_opts), "span_start attribute array_count %zu", huge[i]);
        attrs[0].value.array_count = 1;
        huge_opts.attribute_count = 0;
        huge_opts.links = link;
        huge_opts.link_count = huge[i];
        REFUSED(n3obs_span_start(&span, "s", &huge_opts), "span_opts.link_count %zu", huge[i]);
    }
    sp.attributes = attrs;
    sp.attribute_count = 1;
    attrs[0].value.array_count = 1;
    CHECK_OK(n3obs_span_start(&span, "s", &sp), "a valid span with an array attribute");
    CHECK_OK(n3obs_span_start(&other, "o", NULL), "a second span");
    REFUSED(n3obs_span_set_attribute_string(NULL, "k", "v"), "set_attribute_string NULL span");
    REFUSED(n3obs_span_set_attribute_string(span, NULL, "v"), "set_attribute_string NULL key");
    REFUSED(n3obs_span_set_attribute_string(span, "k", NULL), "set_attribute_string NULL value");
    REFUSED(n3obs_span_set_attribute_int(NULL, "k", 1), "set_attribute_int NULL span");
    REFUSED(n3obs_span_set_attribute_int(span, NULL, 1), "set_attribute_int NULL key");
    REFUSED(n3obs_span_set_attribute_double(NULL, "k", 1), "set_attribute_double NULL span");
    REFUSED(n3obs_span_set_attribute_double(span, NULL, 1), "set_attribute_double NULL key");
    REFUSED(n3obs_span_set_attribute_bool(NULL, "k", 1), "set_attribute_bool NULL span");
    REFUSED(n3obs_span_set_attribute_bool(span, NULL, 1), "set_attribute_bool NULL key");
    REFUSED(n3obs_span_set_attributes(NULL, attrs, 1), "set_attributes NULL span");
    REFUSED(n3obs_span_set_attributes(span, NULL, 1), "set_attributes NULL attributes");
    REFUSED(n3obs_span_add_event(NULL, "e", 0, NULL, 0), "add_event NULL span");
    REFUSED(n3obs_span_add_event(span, NULL, 0, NULL, 0), "add_event NULL name");
    REFUSED(n3obs_span_add_event(span, "e", 0, NULL, 1), "add_event NULL attributes with a count");
    for (i = 0; i < N_HUGE; i++) {
        REFUSED(n3obs_span_set_attributes(span, attrs, huge[i]), "set_attributes count %zu", huge[i]);
        REFUSED(n3obs_span_add_event(span, "e", 0, attrs, huge[i]), "add_event attribute_count %zu", huge[i]);
        attrs[0].value.array_count = huge[i];
        REFUSED(n3obs_span_set_attributes(span, attrs, 1), "set_attributes array_count %zu", huge[i]);
        attrs[0].value.array_count = 1;
        CHECK_OK(n3obs_span_get_context(other, &ctx), "context of the other span");
        memcpy(link->trace_id, ctx.trace_id, 16);
        memcpy(link->span_id, ctx.span_id, 8);
        link->attributes = attrs;
        link->attribute_count = huge[i];
        REFUSED(n3obs_span_add_link(span, link), "link attribute_count %zu", huge[i]);
        link->attribute_count = 0;
    }
    REFUSED(n3obs_span_add_link(NULL, link), "add_link NULL span");
    REFUSED(n3obs_span_add_link(span, NULL), "add_link NULL link");
    REFUSED(n3obs_span_set_status(NULL, 2, "d"), "set_status NULL span");
    SURVIVED(n3obs_span_set_status(span, 2, NULL), "set_status NULL description");
    REFUSED(n3obs_span_record_exception(NULL, "T", "m", NULL), "record_exception NULL span");
    SURVIVED(n3obs_span_record_exception(span, NULL, "m", NULL), "record_exception NULL type");
    SURVIVED(n3obs_span_record_exception(span, "T", NULL, NULL), "record_exception NULL message");
    REFUSED(n3obs_span_update_name(NULL, "n"), "update_name NULL span");
    REFUSED(n3obs_span_update_name(span, NULL), "update_name NULL name");
    CHECK(n3obs_span_is_recording(NULL) <= 0, "is_recording NULL");
    REFUSED(n3obs_span_get_context(NULL, &ctx), "get_context NULL span");
    REFUSED(n3obs_span_get_context(span, NULL), "get_context NULL out");
    REFUSED(n3obs_span_make_current(NULL, &scope), "make_current NULL span");
    REFUSED(n3obs_span_make_current(span, NULL), "make_current NULL token");
    REFUSED(n3obs_scope_close(0), "scope_close of a token never given");
    REFUSED(n3obs_span_current(NULL), "span_current NULL out");
    {
        n3obs_context_storage zeroed;
        memset(&zeroed, 0, sizeof zeroed);
        REFUSED(n3obs_set_context_storage(&zeroed), "set_context_storage with a zeroed struct");
        zeroed.size = SIZE_MAX;
        REFUSED(n3obs_set_context_storage(&zeroed), "set_context_storage with size SIZE_MAX and no functions");
        SURVIVED(n3obs_set_context_storage(NULL), "set_context_storage NULL (the per-thread stacks)");
    }
    REFUSED(n3obs_trace_context_extract(NULL, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NULL),
            "extract NULL out");
    REFUSED(n3obs_trace_context_extract(&ctx, NULL, NULL), "extract NULL traceparent");
    REFUSED(n3obs_trace_context_inject(span, NULL, sizeof tp, NULL, 0), "inject NULL traceparent buffer");
    REFUSED(n3obs_trace_context_inject(span, tp, sizeof tp, NULL, 5), "inject NULL tracestate with a size");
    for (i = 0; i < N_HUGE; i++) {
        /* A capacity, not a count: a huge one is only a large buffer; at most 56 + 512 bytes are written. */
        SURVIVED(n3obs_trace_context_inject(span, tp, huge[i], ts, huge[i]), "inject with capacities %zu", huge[i]);
        CHECK(strlen(tp) == 55, "  a traceparent was written (%s)", tp);
    }
    CHECK_OK(n3obs_span_end(other, 0), "end the other span");
    CHECK_OK(n3obs_span_end(span, 0), "end the span");
    REFUSED(n3obs_span_end(NULL, 0), "span_end NULL");
    REFUSED(n3obs_spans_drain(NULL, 0), "spans_drain NULL out");
    for (i = 0; i < N_HUGE; i++) {
        CHECK_OK(n3obs_spans_drain(&batch, huge[i]), "spans_drain max %zu means all there are", huge[i]);
        n3obs_span_batch_free(batch);
        batch = NULL;
    }
    n3obs_span_batch_free(NULL);
    REFUSED(n3obs_spans_dropped(NULL), "spans_dropped NULL");
    CHECK_OK(n3obs_spans_dropped(&dropped), "spans_dropped");

    /* ---- health ---- */
    REFUSED(n3obs_health_register(NULL), "health_register NULL opts");
    ho.name = NULL;
    REFUSED(n3obs_health_register(&ho), "health_register NULL name");
    for (i = 0; i < N_HUGE; i++) {
        n3obs_health_check_opts t = N3OBS_HEALTH_CHECK_OPTS_INIT;
        t.name = "misuse_check";
        t.callback = NULL;
        REFUSED(n3obs_health_register(&t), "health_register NULL callback");
        t.tags = tags;
        t.tag_count = huge[i];
        REFUSED(n3obs_health_register(&t), "health tag_count %zu", huge[i]);
    }
    REFUSED(n3obs_health_unregister(NULL), "health_unregister NULL");
    REFUSED(n3obs_health_run(NULL), "health_run NULL out");
    REFUSED(n3obs_health_run_check(NULL, "cpu"), "health_run_check NULL out");
    REFUSED(n3obs_health_run_check(&report, NULL), "health_run_check NULL name");
    REFUSED(n3obs_health_last_report(NULL), "health_last_report NULL out");
    CHECK_OK(n3obs_health_run(&report), "health_run");
    REFUSED(n3obs_health_report_json(NULL, report), "report_json NULL out");
    REFUSED(n3obs_health_report_json(&json, NULL), "report_json NULL report");
    n3obs_health_report_free(report);
    n3obs_health_report_free(NULL);
    n3obs_health_json_free(NULL);
    CHECK(n3obs_health_status_str(12345) != NULL, "health_status_str of nonsense");

    (void)snap;
    CHECK_DBL(counter_value("misuse_guard"), 42.0, "the counter recorded before every misuse kept its value");
    CHECK_OK(n3obs_shutdown(1000), "shutdown");
    CHECK_DBL(counter_value("misuse_guard"), -2.0, "collect after shutdown refuses");
    free(values);
    free(bounds);
    free(quantiles);
    free(tags);
    free(attrs);
    free(link);
    free(ints);
    return check_finish();
}
