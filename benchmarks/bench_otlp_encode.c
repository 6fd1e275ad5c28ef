/*
 * bench_otlp_encode: how fast libn3obs_otlp.so turns spans into OTLP/JSON.
 *
 * Loads the plugin the way the SDK does (dlopen, n3obs_exporter_init) with a minimal host
 * table and the file sink on /dev/null, then hands it one batch of N spans, each like the
 * ones benchmarks/run_otlp.py gives the OpenTelemetry Python SDK's encoder: a SERVER span
 * with a parent, six attributes (string, int, double, bool, string array), one event with
 * one attribute, status OK. One export = one ExportTraceServiceRequest of N spans.
 *
 *   bench_otlp_encode path/to/libn3obs_otlp.so [spans] [runs]
 * prints "otlp_encode_spans_per_sec <best> spans/s" and the request size.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "n3obs_exporter.h"

static void host_log(int level, const char *plugin, const char *message) {
    (void)level;
    fprintf(stderr, "%s: %s\n", plugin, message);
}

static void host_dropped(const char *plugin, const char *signal, uint64_t count, const char *reason) {
    fprintf(stderr, "%s dropped %llu %s (%s)\n", plugin, (unsigned long long)count, signal, reason);
}

static n3obs_attribute str_attr(const char *k, const char *v) {
    n3obs_attribute a;
    memset(&a, 0, sizeof a);
    a.key = k;
    a.value.type = N3OBS_VALUE_STRING;
    a.value.string_value = v;
    return a;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_otlp_encode libn3obs_otlp.so [spans] [runs]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 10000;
    int runs = argc > 3 ? atoi(argv[3]) : 5;

    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    n3obs_exporter_init_fn init = (n3obs_exporter_init_fn)dlsym(lib, N3OBS_EXPORTER_ENTRY_POINT);
    if (!init) {
        fprintf(stderr, "no entry point\n");
        return 1;
    }

    static n3obs_attribute resource[4];
    resource[0] = str_attr("service.name", "bench");
    resource[1] = str_attr("telemetry.sdk.name", "n3obs");
    resource[2] = str_attr("telemetry.sdk.language", "swift");
    resource[3] = str_attr("telemetry.sdk.version", "0.1.0");
    n3obs_host host;
    memset(&host, 0, sizeof host);
    host.version = N3OBS_EXPORTER_ABI_VERSION;
    host.size = sizeof host;
    host.log = host_log;
    host.count_dropped = host_dropped;
    host.resource_attributes = resource;
    host.resource_attribute_count = 4;
    host.sdk_version = "0.1.0";

    n3obs_exporter *ex = NULL;
    char err[512] = {0};
    if (init(&host, "{\"file\":\"/dev/null\",\"file_max_bytes\":0}", &ex, err, sizeof err) != 0) {
        fprintf(stderr, "init refused: %s\n", err);
        return 1;
    }

    static const char *const tags[] = {"alpha", "beta"};
    n3obs_attribute attrs[6];
    attrs[0] = str_attr("http.method", "GET");
    attrs[1] = str_attr("http.route", "/users/{id}");
    memset(&attrs[2], 0, sizeof attrs[2]);
    attrs[2].key = "http.status_code"; attrs[2].value.type = N3OBS_VALUE_INT64; attrs[2].value.int_value = 200;
    memset(&attrs[3], 0, sizeof attrs[3]);
    attrs[3].key = "sample.ratio"; attrs[3].value.type = N3OBS_VALUE_DOUBLE; attrs[3].value.double_value = 0.25;
    memset(&attrs[4], 0, sizeof attrs[4]);
    attrs[4].key = "cache.hit"; attrs[4].value.type = N3OBS_VALUE_BOOL; attrs[4].value.bool_value = 1;
    memset(&attrs[5], 0, sizeof attrs[5]);
    attrs[5].key = "tags"; attrs[5].value.type = N3OBS_VALUE_STRING_ARRAY;
    attrs[5].value.array = tags; attrs[5].value.array_count = 2;
    n3obs_attribute ev_attr = str_attr("detail", "cache lookup");
    n3obs_event_data event;
    memset(&event, 0, sizeof event);
    event.name = "lookup";
    event.attributes = &ev_attr;
    event.attribute_count = 1;

    n3obs_span_data *spans = calloc((size_t)n, sizeof *spans);
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < n; i++) {
        n3obs_span_data *s = &spans[i];
        s->size = sizeof *s;
        s->kind = N3OBS_SPAN_KIND_SERVER;
        for (int k = 0; k < 16; k++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; s->trace_id[k] = (uint8_t)x; }
        for (int k = 0; k < 8; k++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; s->span_id[k] = (uint8_t)x; }
        for (int k = 0; k < 8; k++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; s->parent_span_id[k] = (uint8_t)x; }
        s->trace_flags = N3OBS_TRACE_FLAG_SAMPLED;
        s->status_code = N3OBS_STATUS_OK;
        s->name = "GET /users/{id}";
        s->status_description = "";
        s->tracestate = "";
        s->start_time_unix_nano = 1700000000000000000LL + (int64_t)i * 1000;
        s->end_time_unix_nano = s->start_time_unix_nano + 1234567;
        s->attributes = attrs;
        s->attribute_count = 6;
        event.time_unix_nano = s->start_time_unix_nano + 1000;
        s->events = &event;
        s->event_count = 1;
    }
    n3obs_span_batch batch;
    memset(&batch, 0, sizeof batch);
    batch.size = sizeof batch;
    batch.spans = spans;
    batch.span_count = (size_t)n;

    /* One warm-up export, then the timed ones. */
    if (ex->export_spans(ex->state, &batch) != N3OBS_EXPORT_SUCCESS) {
        fprintf(stderr, "export failed\n");
        return 1;
    }
    double best = 0;
    for (int r = 0; r < runs; r++) {
        uint64_t t0 = bench_now_ns();
        ex->export_spans(ex->state, &batch);
        double secs = (double)(bench_now_ns() - t0) / 1e9;
        double rate = n / secs;
        if (rate > best) best = rate;
    }
    bench_report("otlp_encode_spans_per_sec", best, "spans/s");
    ex->shutdown(ex->state, 1000);
    ex->free(ex->state);
    free(spans);
    return 0;
}
