/*
 * Span delivery under the default settings: one thread ends spans at a paced rate (or as
 * fast as it can) into whatever exporters N3OBS_EXPORTERS names, and the program reports
 * how many were ended, dropped and delivered, as one JSON line. benchmarks/run_delivery.py
 * drives it (`make bench-delivery`).
 *
 *   bench_delivery spans RATE SECONDS   RATE spans/s for SECONDS (RATE 0: unpaced), then
 *                                       n3obs_force_flush and the counts
 *   bench_delivery idle SECONDS         init, settle 2 s, then the voluntary context
 *                                       switches of all threads over SECONDS of idling
 *
 * Every span is the one of spans_bench.c: "GET /items" with http.request.method="GET" and
 * http.response.status_code=200, a root span, sampled. n3obs_init(NULL): no configuration
 * besides the environment the driver sets (exporters and their output only).
 *
 * "exported" is n3obs_spans_exported_total summed over exporters (spans an exporter
 * accepted); export_rate is exported over the time from the first span to the end of the
 * flush, the rate the exporter kept up with.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"
#include "n3obs.h"

/* The sum over the series of one counter family, e.g. "n3obs_spans_exported". */
static double family_total(const char *name)
{
    n3obs_metrics_snapshot *snap = NULL;
    double total = 0;
    if (n3obs_metrics_collect(&snap) != N3OBS_OK) return -1;
    for (size_t i = 0; i < snap->family_count; i++) {
        const n3obs_family_data *f = &snap->families[i];
        if (strcmp(f->name, name) != 0) continue;
        for (size_t j = 0; j < f->series_count; j++) total += f->series[j].value;
    }
    n3obs_metrics_snapshot_free(snap);
    return total;
}

static void end_one_span(void)
{
    n3obs_span *s;
    if (n3obs_span_start(&s, "GET /items", NULL) != N3OBS_OK) return;
    n3obs_span_set_attribute_string(s, "http.request.method", "GET");
    n3obs_span_set_attribute_int(s, "http.response.status_code", 200);
    n3obs_span_end(s, 0);
}

static int run_spans(double rate, double seconds)
{
    uint64_t ended = 0;
    const uint64_t t0 = bench_now_ns();
    const uint64_t stop = t0 + (uint64_t)(seconds * 1e9);
    for (;;) {
        uint64_t now = bench_now_ns();
        if (now >= stop) break;
        /* Paced: catch up with the schedule in steps of at most 256 spans, sleeping
         * 50 us when ahead of it. Unpaced: 256 spans between clock reads. */
        uint64_t due = rate > 0 ? (uint64_t)((double)(now - t0) * rate / 1e9) : ended + 256;
        if (ended >= due) {
            struct timespec pause = {0, 50000};
            nanosleep(&pause, NULL);
            continue;
        }
        uint64_t k = due - ended < 256 ? due - ended : 256;
        for (uint64_t i = 0; i < k; i++) end_one_span();
        ended += k;
    }
    const uint64_t t_end = bench_now_ns();
    const double exported_at_end = family_total("n3obs_spans_exported");
    int flush = n3obs_force_flush(120000);
    const uint64_t t_flushed = bench_now_ns();
    const double exported = family_total("n3obs_spans_exported");
    uint64_t dropped = 0;
    n3obs_spans_dropped(&dropped);
    const double dropped_all = family_total("n3obs_spans_dropped");
    const double run_s = (double)(t_end - t0) / 1e9, total_s = (double)(t_flushed - t0) / 1e9;
    printf("{\"rate\": %.0f, \"seconds\": %.3f, \"ended\": %llu, \"end_rate\": %.0f, "
           "\"dropped\": %llu, \"dropped_any_reason\": %.0f, \"exported\": %.0f, "
           "\"exported_during_run\": %.0f, \"flush_seconds\": %.3f, \"export_rate\": %.0f, "
           "\"flush_status\": %d}\n",
           rate, run_s, (unsigned long long)ended, (double)ended / run_s,
           (unsigned long long)dropped, dropped_all, exported, exported_at_end,
           total_s - run_s, exported / total_s, flush);
    fflush(stdout);
    return n3obs_shutdown(30000) == N3OBS_OK && flush == N3OBS_OK ? 0 : 1;
}

static int run_idle(double seconds)
{
    struct timespec settle = {2, 0};
    nanosleep(&settle, NULL);
    int threads0 = 0, threads1 = 0;
    long before = bench_voluntary_switches(&threads0);
    struct timespec idle = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&idle, NULL);
    long after = bench_voluntary_switches(&threads1);
    printf("{\"seconds\": %.1f, \"voluntary_switches\": %ld, \"per_second\": %.2f, "
           "\"threads\": %d}\n", seconds, after - before, (double)(after - before) / seconds,
           threads1);
    fflush(stdout);
    return n3obs_shutdown(10000) == N3OBS_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "spans") == 0 && argc < 4)) {
        fprintf(stderr, "usage: %s spans RATE SECONDS | idle SECONDS\n", argv[0]);
        return 2;
    }
    int rc = n3obs_init(NULL);
    if (rc != N3OBS_OK) {
        fprintf(stderr, "n3obs_init: %d %s\n", rc, n3obs_error_last());
        return 1;
    }
    if (strcmp(argv[1], "spans") == 0) return run_spans(atof(argv[2]), atof(argv[3]));
    if (strcmp(argv[1], "idle") == 0) return run_idle(atof(argv[2]));
    fprintf(stderr, "unknown case %s\n", argv[1]);
    return 2;
}
