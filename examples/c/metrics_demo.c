/*
 * metrics_demo: records into every metric type through the C API and prints the
 * collected snapshot the way a person reads it. `make demo` builds and runs it.
 */
#include <n3obs.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call)                                                                  \
    do {                                                                           \
        int rc_ = (call);                                                          \
        if (rc_ != N3OBS_OK) {                                                     \
            fprintf(stderr, "%s failed: %s (%s)\n", #call, n3obs_errstr(rc_),      \
                    n3obs_error_last());                                           \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static void print_labels(const n3obs_family_data *f, const n3obs_series_data *s) {
    printf("{");
    for (size_t i = 0; i < f->label_count; i++)
        printf("%s%s=\"%s\"", i ? "," : "", f->label_names[i], s->label_values[i]);
    if (s->is_overflow) printf("%sotel_metric_overflow=\"true\"", f->label_count ? "," : "");
    printf("}");
}

static const char *type_name(n3obs_metric_type t) {
    switch (t) {
    case N3OBS_METRIC_COUNTER: return "counter";
    case N3OBS_METRIC_GAUGE: return "gauge";
    case N3OBS_METRIC_HISTOGRAM: return "histogram";
    case N3OBS_METRIC_SUMMARY: return "summary";
    case N3OBS_METRIC_INFO: return "info";
    }
    return "?";
}

static void print_snapshot(const n3obs_metrics_snapshot *snap) {
    for (size_t f = 0; f < snap->family_count; f++) {
        const n3obs_family_data *fam = &snap->families[f];
        if (fam->series_count == 0) continue;
        printf("%s (%s%s%s) %s\n", fam->name, type_name(fam->type), fam->unit[0] ? ", " : "",
               fam->unit, fam->help);
        for (size_t i = 0; i < fam->series_count; i++) {
            const n3obs_series_data *s = &fam->series[i];
            printf("  ");
            print_labels(fam, s);
            if (fam->type == N3OBS_METRIC_HISTOGRAM) {
                printf(" count=%llu sum=%.4f buckets:", (unsigned long long)s->count, s->sum);
                for (size_t b = 0; b < s->bucket_count; b++)
                    printf(" le=%g:%llu", s->buckets[b].upper_bound,
                           (unsigned long long)s->buckets[b].cumulative_count);
            } else if (fam->type == N3OBS_METRIC_SUMMARY) {
                printf(" count=%llu sum=%.1f", (unsigned long long)s->count, s->sum);
                for (size_t q = 0; q < s->quantile_count; q++)
                    printf(" p%g=%.2f", s->quantiles[q].quantile * 100, s->quantiles[q].value);
            } else {
                printf(" %g", s->value);
            }
            printf("\n");
        }
    }
}

int main(void) {
    n3obs_config config = N3OBS_CONFIG_INIT;
    config.service_name = "metrics-demo";
    TRY(n3obs_init(&config));
    printf("n3obs %s (abi %d)\n\n", n3obs_version(), n3obs_abi_version());

    const char *route_labels[] = {"method", "route"};
    n3obs_metric_opts opts = N3OBS_METRIC_OPTS_INIT;
    opts.name = "http_requests_total";
    opts.help = "HTTP requests served.";
    opts.label_names = route_labels;
    opts.label_count = 2;
    n3obs_counter *requests;
    TRY(n3obs_counter_new(&requests, &opts));
    const char *get_home[] = {"GET", "/"};
    n3obs_counter_series *home;
    TRY(n3obs_counter_bind(&home, requests, get_home, 2));
    for (int i = 0; i < 1000; i++) TRY(n3obs_counter_inc(home));
    const char *post_login[] = {"POST", "/login"};
    TRY(n3obs_counter_add_labels(requests, post_login, 2, 42));

    n3obs_metric_opts gopts = N3OBS_METRIC_OPTS_INIT;
    gopts.name = "queue_depth";
    gopts.help = "Items waiting.";
    n3obs_gauge *depth;
    n3obs_gauge_series *depth_series;
    TRY(n3obs_gauge_new(&depth, &gopts));
    TRY(n3obs_gauge_bind(&depth_series, depth, NULL, 0));
    TRY(n3obs_gauge_set(depth_series, 17));
    TRY(n3obs_gauge_add(depth_series, -2));

    n3obs_metric_opts hopts = N3OBS_METRIC_OPTS_INIT;
    hopts.name = "request_duration_seconds";
    hopts.help = "Request latency.";
    hopts.unit = "seconds";
    n3obs_histogram *latency;
    n3obs_histogram_series *latency_series;
    TRY(n3obs_histogram_new(&latency, &hopts, NULL, 0));
    TRY(n3obs_histogram_bind(&latency_series, latency, NULL, 0));
    n3obs_metric_opts sopts = N3OBS_METRIC_OPTS_INIT;
    sopts.name = "payload_bytes";
    sopts.help = "Request payload sizes.";
    n3obs_summary *payload;
    n3obs_summary_series *payload_series;
    TRY(n3obs_summary_new(&payload, &sopts, NULL));
    TRY(n3obs_summary_bind(&payload_series, payload, NULL, 0));
    srand(7);
    for (int i = 0; i < 10000; i++) {
        double u = (rand() + 1.0) / (RAND_MAX + 2.0);
        TRY(n3obs_histogram_observe(latency_series, -0.05 * log(u)));
        TRY(n3obs_summary_observe(payload_series, (double)(1 + rand() % 1000)));
    }

    const char *build_labels[] = {"version", "commit"};
    n3obs_metric_opts iopts = N3OBS_METRIC_OPTS_INIT;
    iopts.name = "build";
    iopts.help = "Build information.";
    iopts.label_names = build_labels;
    iopts.label_count = 2;
    n3obs_info *build;
    TRY(n3obs_info_new(&build, &iopts));
    const char *build_values[] = {n3obs_version(), "demo"};
    TRY(n3obs_info_set(build, build_values, 2));

    /* The standard catalogue: an execution that succeeds and one that fails. */
    n3obs_execution exec;
    TRY(n3obs_execution_begin(&exec, "planner", "parallel"));
    TRY(n3obs_execution_end(&exec, "success"));
    TRY(n3obs_execution_begin(&exec, "planner", "parallel"));
    TRY(n3obs_execution_end(&exec, "error"));
    TRY(n3obs_catalog_record_error("planner", "timeout", "warning"));
    TRY(n3obs_catalog_set_worker_pool_size("default", "node-1", 8));

    /* A bad call is refused with a status and a message, and nothing is lost. */
    int rc = n3obs_counter_add(home, -1);
    printf("n3obs_counter_add(home, -1) -> %s: %s\n\n", n3obs_errstr(rc), n3obs_error_last());

    n3obs_metrics_snapshot *snap;
    TRY(n3obs_metrics_collect(&snap));
    print_snapshot(snap);
    n3obs_metrics_snapshot_free(snap);
    TRY(n3obs_shutdown(1000));
    return 0;
}
