/*
 * Metrics with good input: every constructor and record function, values read back through
 * n3obs_metrics_collect, re-registration, binding, snapshot shape.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <float.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static n3obs_metric_opts mopts(const char *name, const char *help, const char *unit,
                               const char *const *labels, size_t n)
{
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = name;
    o.help = help;
    o.unit = unit;
    o.label_names = labels;
    o.label_count = n;
    return o;
}

static void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The reported quantile lies within the relative error of the true quantile of 1..n. */
static void check_quantile_1_to_n(double q, double reported, int n, const char *what)
{
    double e = N3OBS_SUMMARY_RELATIVE_ERROR;
    double lo = floor(q * n), hi = ceil(q * n) + 1;
    if (lo < 1)
        lo = 1;
    if (hi > n)
        hi = n;
    CHECK(reported >= lo * (1 - e) - 1e-9 && reported <= hi * (1 + e) + 1e-9,
          "%s: quantile %g of 1..%d = %.6g within %g relative error of [%g, %g]", what, q, n,
          reported, e, lo, hi);
}

static void test_counters(void)
{
    static const char *const labels[] = {"method", "code"};
    static const char *const get200[] = {"GET", "200"};
    static const char *const post500[] = {"POST", "500"};
    n3obs_metric_opts o = mopts("n3t_requests_total", "Requests served.", NULL, labels, 2);
    n3obs_counter *c = NULL, *c2 = NULL, *c3 = NULL;
    n3obs_counter_series *s1 = NULL, *s1b = NULL, *s2 = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_family_data *f;

    CHECK_OK(n3obs_counter_new(&c, &o), "counter_new n3t_requests_total");
    CHECK(c != NULL, "counter_new writes a handle");
    CHECK_OK(n3obs_counter_new(&c2, &o), "counter_new again with the same shape");
    CHECK(c2 == c, "re-registering a counter with the same shape returns the same pointer");
    o.name = "n3t_requests";
    CHECK_OK(n3obs_counter_new(&c3, &o), "counter_new n3t_requests (same family name without _total)");
    CHECK(c3 == c, "n3t_requests and n3t_requests_total are the same counter family");
    o.name = "n3t_requests_total";

    CHECK_OK(n3obs_counter_bind(&s1, c, get200, 2), "counter_bind {GET,200}");
    CHECK_OK(n3obs_counter_bind(&s1b, c, get200, 2), "counter_bind {GET,200} again");
    CHECK(s1 != NULL && s1 == s1b, "binding the same label values twice returns the same handle");
    CHECK_OK(n3obs_counter_bind(&s2, c, post500, 2), "counter_bind {POST,500}");
    CHECK(s2 != NULL && s2 != s1, "other label values give another handle");

    CHECK_OK(n3obs_counter_inc(s1), "counter_inc");
    CHECK_OK(n3obs_counter_add(s1, 2), "counter_add 2");
    CHECK_OK(n3obs_counter_add(s1, 0), "counter_add 0");
    CHECK_OK(n3obs_counter_add(s1, -0.0), "counter_add -0.0 (>= 0)");
    CHECK_OK(n3obs_counter_add_labels(c, get200, 2, 4), "counter_add_labels {GET,200} 4");
    CHECK_DBL(read_value("n3t_requests", get200, 2), 7,
              "bound handle and label values hit the same series (1+2+4 = 7)");
    CHECK_OK(n3obs_counter_add_labels(c, post500, 2, 1), "counter_add_labels {POST,500} 1");
    CHECK_DBL(read_value("n3t_requests", post500, 2), 1, "POST/500 == 1");

    /* a series created by recording, then bound */
    {
        static const char *const put201[] = {"PUT", "201"};
        n3obs_counter_series *s3 = NULL;
        CHECK_OK(n3obs_counter_add_labels(c, put201, 2, 10), "counter_add_labels creates {PUT,201}");
        CHECK_OK(n3obs_counter_bind(&s3, c, put201, 2), "bind {PUT,201} after add_labels");
        CHECK_OK(n3obs_counter_inc(s3), "inc {PUT,201}");
        CHECK_DBL(read_value("n3t_requests", put201, 2), 11, "PUT/201 == 11");
    }

    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "n3t_requests");
    CHECK(f != NULL, "counter family is named n3t_requests (_total dropped)");
    CHECK(snap_family(snap, "n3t_requests_total") == NULL, "no family named n3t_requests_total");
    if (f != NULL) {
        CHECK(f->type == N3OBS_METRIC_COUNTER, "family type COUNTER");
        CHECK_STR(f->help, "Requests served.", "family help");
        CHECK_STR(f->unit, "", "NULL unit is \"\"");
        CHECK(f->label_count == 2 && f->label_names != NULL &&
                  strcmp(f->label_names[0], "method") == 0 &&
                  strcmp(f->label_names[1], "code") == 0,
              "family label names method, code in order");
        CHECK(f->series_count == 3, "3 series (got %zu)", f->series_count);
        if (f->series_count == 3 && f->series != NULL) {
            CHECK(strcmp(f->series[0].label_values[0], "GET") == 0 &&
                      strcmp(f->series[1].label_values[0], "POST") == 0 &&
                      strcmp(f->series[2].label_values[0], "PUT") == 0,
                  "series in creation order");
            CHECK(!f->series[0].is_overflow && !f->series[1].is_overflow &&
                      !f->series[2].is_overflow,
                  "no series is an overflow series");
            CHECK(f->series[0].created_unix_nano > 0 &&
                      f->series[0].created_unix_nano <= snap->time_unix_nano,
                  "created_unix_nano set and not after the snapshot time");
            CHECK(f->series[0].created_unix_nano <= f->series[2].created_unix_nano,
                  "later series were created later");
        }
    }
    /* a snapshot is plain data: later recording does not change it */
    CHECK_OK(n3obs_counter_add(s1, 100), "counter_add after collect");
    {
        const n3obs_series_data *s = fam_series(f, get200, 2);
        CHECK(s != NULL && s->value == 7, "an existing snapshot does not change on recording");
    }
    n3obs_metrics_snapshot_free(snap);
    CHECK_DBL(read_value("n3t_requests", get200, 2), 107, "a new snapshot sees the increment");

    /* whole and fractional increments sum exactly */
    {
        n3obs_counter *fc = NULL;
        n3obs_counter_series *fs = NULL;
        n3obs_metric_opts fo = mopts("n3t_fraction_total", NULL, NULL, NULL, 0);
        int i, ok = 1;
        CHECK_OK(n3obs_counter_new(&fc, &fo), "counter without labels");
        CHECK_OK(n3obs_counter_bind(&fs, fc, NULL, 0), "bind with label_count 0");
        for (i = 0; i < 4; ++i)
            ok &= (n3obs_counter_add(fs, 0.5) == N3OBS_OK);
        ok &= (n3obs_counter_add(fs, 3) == N3OBS_OK);
        CHECK(ok, "0.5 x4 and 3 added");
        CHECK_DBL(read_value("n3t_fraction", NULL, 0), 5.0, "0.5*4 + 3 == 5 exactly");
        CHECK_OK(n3obs_counter_add_labels(fc, NULL, 0, 0.25), "add_labels with no labels");
        CHECK_DBL(read_value("n3t_fraction", NULL, 0), 5.25, "== 5.25");
        CHECK_OK(n3obs_counter_add(fs, 4294967296.0 * 1024), "add 2^42 (whole)");
        CHECK_DBL(read_value("n3t_fraction", NULL, 0), 4294967296.0 * 1024 + 5.25,
                  "large whole increment exact");
    }

    /* counter label "le" is fine outside histograms */
    {
        static const char *const le[] = {"le"};
        n3obs_counter *lc = NULL;
        n3obs_metric_opts lo = mopts("n3t_le_counter", "", NULL, le, 1);
        CHECK_OK(n3obs_counter_new(&lc, &lo), "counter with a label named le");
    }
}

/* One rule decides which amounts a counter takes (n3o_counter_accepts): the bound fast
 * path, its slow path and the by-labels path give the same status for every edge value,
 * and what they take is counted in full. */
static void test_counter_rule(void)
{
    static const char *const key[] = {"k"};
    static const char *const one[] = {"v"};
    const double two63 = 9223372036854775808.0;
    const struct { double v; int ok; const char *what; } cases[] = {
        {0.0, 1, "0"}, {-0.0, 1, "-0.0"}, {4.9e-324, 1, "the smallest subnormal"},
        {0.5, 1, "0.5"}, {3, 1, "3"}, {two63 - 1024, 1, "the largest double below 2^63"},
        {two63, 1, "2^63"}, {DBL_MAX, 1, "DBL_MAX"},
        {-4.9e-324, 0, "-4.9e-324"}, {-1, 0, "-1"}, {-DBL_MAX, 0, "-DBL_MAX"},
        {INFINITY, 0, "+Inf"}, {-INFINITY, 0, "-Inf"}, {NAN, 0, "NaN"},
    };
    n3obs_metric_opts o = mopts("n3t_rule_total", "Counter rule.", NULL, NULL, 0);
    n3obs_metric_opts ol = mopts("n3t_rule_labels_total", "Counter rule.", NULL, key, 1);
    n3obs_counter *c = NULL, *cl = NULL;
    n3obs_counter_series *s = NULL;
    size_t i;
    CHECK_OK(n3obs_counter_new(&c, &o), "counter_new n3t_rule_total");
    CHECK_OK(n3obs_counter_bind(&s, c, NULL, 0), "counter_bind n3t_rule_total");
    CHECK_OK(n3obs_counter_new(&cl, &ol), "counter_new n3t_rule_labels_total");
    for (i = 0; i < ARRAY_LEN(cases); i++) {
        int want = cases[i].ok ? N3OBS_OK : N3OBS_E_INVALID_VALUE;
        CHECK_ST(n3obs_counter_add(s, cases[i].v), want, "counter_add %s", cases[i].what);
        CHECK_ST(n3obs_counter_add_labels(cl, one, 1, cases[i].v), want, "counter_add_labels %s",
                 cases[i].what);
    }
    /* The same amounts in the same order: the same sum, to the bit. */
    CHECK_DBL(read_value("n3t_rule", NULL, 0), read_value("n3t_rule_labels", one, 1),
              "the bound and the by-labels series counted the same amounts");
    CHECK(read_value("n3t_rule", NULL, 0) >= DBL_MAX, "DBL_MAX was counted");
}

static void test_gauges(void)
{
    static const char *const labels[] = {"room"};
    static const char *const kitchen[] = {"kitchen"};
    static const char *const hall[] = {"hall"};
    n3obs_metric_opts o = mopts("n3t_temperature_celsius", "Temperature.", "celsius", labels, 1);
    n3obs_gauge *g = NULL, *g2 = NULL;
    n3obs_gauge_series *s = NULL, *s2 = NULL;
    n3obs_metrics_snapshot *snap = NULL;

    CHECK_OK(n3obs_gauge_new(&g, &o), "gauge_new with unit");
    CHECK_OK(n3obs_gauge_new(&g2, &o), "gauge_new again");
    CHECK(g2 == g, "re-registering a gauge returns the same pointer");
    CHECK_OK(n3obs_gauge_bind(&s, g, kitchen, 1), "gauge_bind");
    CHECK_OK(n3obs_gauge_bind(&s2, g, kitchen, 1), "gauge_bind again");
    CHECK(s == s2, "same gauge series handle");
    CHECK_OK(n3obs_gauge_set(s, 21.5), "gauge_set 21.5");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), 21.5, "gauge == 21.5");
    CHECK_OK(n3obs_gauge_add(s, -1.5), "gauge_add -1.5");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), 20, "gauge == 20");
    CHECK_OK(n3obs_gauge_add_labels(g, kitchen, 1, 2), "gauge_add_labels 2");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), 22, "gauge == 22 (same series)");
    CHECK_OK(n3obs_gauge_set_labels(g, kitchen, 1, 7), "gauge_set_labels 7");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), 7, "gauge == 7");
    CHECK_OK(n3obs_gauge_add_labels(g, hall, 1, -3), "gauge_add_labels creates hall at -3");
    CHECK_DBL(read_value("n3t_temperature_celsius", hall, 1), -3, "hall == -3");
    CHECK_OK(n3obs_gauge_set(s, NAN), "gauge_set NaN is allowed");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), NAN, "gauge reads NaN");
    CHECK_OK(n3obs_gauge_set(s, INFINITY), "gauge_set +Inf is allowed");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), INFINITY, "gauge reads +Inf");
    CHECK_OK(n3obs_gauge_set(s, -INFINITY), "gauge_set -Inf is allowed");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), -INFINITY, "gauge reads -Inf");
    CHECK_OK(n3obs_gauge_set(s, 0.1), "gauge_set 0.1");
    CHECK_OK(n3obs_gauge_add(s, 0.2), "gauge_add 0.2");
    CHECK_DBL(read_value("n3t_temperature_celsius", kitchen, 1), 0.1 + 0.2, "gauge == 0.1 + 0.2");

    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    {
        const n3obs_family_data *f = snap_family(snap, "n3t_temperature_celsius");
        CHECK(f != NULL && f->type == N3OBS_METRIC_GAUGE, "gauge family with type GAUGE");
        if (f != NULL)
            CHECK_STR(f->unit, "celsius", "gauge unit");
    }
    n3obs_metrics_snapshot_free(snap);
}

static void test_histograms(void)
{
    static const char *const labels[] = {"op"};
    static const char *const read_[] = {"read"};
    static const char *const write_[] = {"write"};
    static const double bounds[] = {0.1, 0.5, 1, 5};
    static const double bounds_inf[] = {0.1, 0.5, 1, 5, INFINITY};
    static const double other_bounds[] = {0.1, 0.5, 1, 10};
    n3obs_metric_opts o = mopts("n3t_latency_seconds", "Latency.", "seconds", labels, 1);
    n3obs_histogram *h = NULL, *h2 = NULL, *h3 = NULL;
    n3obs_histogram_series *s = NULL, *sb = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_series_data *sd;
    const double vals[] = {0.05, 0.1, 0.3, 1, 2, 10};
    size_t i;

    CHECK_OK(n3obs_histogram_new(&h, &o, bounds, 4), "histogram_new with 4 bounds");
    CHECK_OK(n3obs_histogram_new(&h2, &o, bounds, 4), "histogram_new again, same bounds");
    CHECK(h2 == h, "same histogram pointer");
    CHECK_OK(n3obs_histogram_new(&h3, &o, bounds_inf, 5), "same bounds with an explicit last +Inf");
    CHECK(h3 == h, "an explicit last +Inf is the same shape");
    h3 = (n3obs_histogram *)&o;
    CHECK_ST(n3obs_histogram_new(&h3, &o, other_bounds, 4), N3OBS_E_CONFLICT,
             "other bounds -> N3OBS_E_CONFLICT");
    CHECK(h3 == NULL, "*out NULL after conflict");

    CHECK_OK(n3obs_histogram_bind(&s, h, read_, 1), "histogram_bind");
    CHECK_OK(n3obs_histogram_bind(&sb, h, read_, 1), "histogram_bind again");
    CHECK(s == sb, "same histogram series handle");
    for (i = 0; i < 5; ++i)
        CHECK_OK(n3obs_histogram_observe(s, vals[i]), "observe %g", vals[i]);
    CHECK_OK(n3obs_histogram_observe_labels(h, read_, 1, vals[5]), "observe_labels %g", vals[5]);
    CHECK_OK(n3obs_histogram_observe_labels(h, write_, 1, 0.7), "observe_labels write 0.7");

    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    {
        const n3obs_family_data *f = snap_family(snap, "n3t_latency_seconds");
        CHECK(f != NULL && f->type == N3OBS_METRIC_HISTOGRAM, "histogram family");
        sd = fam_series(f, read_, 1);
        CHECK(sd != NULL, "series {read}");
        if (sd != NULL) {
            const double ub[] = {0.1, 0.5, 1, 5, INFINITY};
            const uint64_t cum[] = {2, 3, 4, 5, 6};
            CHECK_U64(sd->count, 6, "count 6");
            CHECK_NEAR(sd->sum, 0.05 + 0.1 + 0.3 + 1 + 2 + 10, 1e-9, "sum 13.45");
            CHECK(sd->bucket_count == 5 && sd->buckets != NULL,
                  "5 buckets (4 bounds + +Inf), got %zu", sd->bucket_count);
            if (sd->bucket_count == 5 && sd->buckets != NULL) {
                for (i = 0; i < 5; ++i) {
                    CHECK_DBL(sd->buckets[i].upper_bound, ub[i], "bucket %zu upper bound", i);
                    CHECK_U64(sd->buckets[i].cumulative_count, cum[i],
                              "bucket le=%g cumulative count (value == bound counts in it)", ub[i]);
                    CHECK(sd->buckets[i].has_exemplar == 0, "bucket %zu has no exemplar", i);
                }
            }
        }
        sd = fam_series(f, write_, 1);
        CHECK(sd != NULL && sd->count == 1 && sd->bucket_count == 5 &&
                  sd->buckets[1].cumulative_count == 0 && sd->buckets[2].cumulative_count == 1,
              "series {write}: 0.7 lands in le=1");
    }
    n3obs_metrics_snapshot_free(snap);

    /* default buckets, infinities */
    {
        static const double defb[] = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
        n3obs_metric_opts d = mopts("n3t_default_buckets", "", NULL, NULL, 0);
        n3obs_histogram *dh = NULL;
        n3obs_histogram_series *ds = NULL;
        CHECK_OK(n3obs_histogram_new(&dh, &d, NULL, 0), "histogram_new with bounds NULL");
        CHECK_OK(n3obs_histogram_bind(&ds, dh, NULL, 0), "bind");
        CHECK_OK(n3obs_histogram_observe(ds, 0.003), "observe 0.003");
        CHECK_OK(n3obs_histogram_observe(ds, INFINITY), "observe +Inf is accepted");
        CHECK_OK(n3obs_histogram_observe(ds, -INFINITY), "observe -Inf is accepted");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        sd = fam_series(snap_family(snap, "n3t_default_buckets"), NULL, 0);
        CHECK(sd != NULL && sd->bucket_count == 12, "default: 12 buckets (11 + +Inf), got %zu",
              sd ? sd->bucket_count : 0);
        if (sd != NULL && sd->bucket_count == 12) {
            int ok = 1;
            for (i = 0; i < 11; ++i)
                ok &= (sd->buckets[i].upper_bound == defb[i]);
            CHECK(ok, "default bounds .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10");
            CHECK_DBL(sd->buckets[11].upper_bound, INFINITY, "last bound +Inf");
            CHECK_U64(sd->buckets[0].cumulative_count, 2, "le=.005 holds 0.003 and -Inf");
            CHECK_U64(sd->buckets[10].cumulative_count, 2, "le=10 holds 2");
            CHECK_U64(sd->buckets[11].cumulative_count, 3, "+Inf holds all 3");
            CHECK_U64(sd->count, 3, "count 3");
        }
        n3obs_metrics_snapshot_free(snap);
    }

    /* histogram label "quantile" is fine */
    {
        static const char *const q[] = {"quantile"};
        n3obs_metric_opts qo = mopts("n3t_hist_quantile_label", "", NULL, q, 1);
        n3obs_histogram *qh = NULL;
        CHECK_OK(n3obs_histogram_new(&qh, &qo, bounds, 4), "histogram with a label named quantile");
    }
}

static void test_summaries(void)
{
    static const char *const labels[] = {"path"};
    static const char *const root[] = {"/"};
    static const char *const api[] = {"/api"};
    static const double def_q[] = {0.5, 0.9, 0.99};
    static const double my_q[] = {0, 0.25, 0.75, 1};
    n3obs_metric_opts o = mopts("n3t_response_bytes", "Sizes.", "bytes", labels, 1);
    n3obs_summary *sm = NULL, *sm2 = NULL, *sm3 = NULL;
    n3obs_summary_series *s = NULL, *sb = NULL;
    n3obs_summary_opts so = N3OBS_SUMMARY_OPTS_INIT;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_series_data *sd;
    int i;

    CHECK_OK(n3obs_summary_new(&sm, &o, NULL), "summary_new with summary_opts NULL");
    CHECK_OK(n3obs_summary_new(&sm2, &o, NULL), "summary_new again");
    CHECK(sm2 == sm, "same summary pointer");
    so.quantiles = def_q;
    so.quantile_count = 3;
    CHECK_OK(n3obs_summary_new(&sm3, &o, &so), "summary_new with the default quantiles spelt out");
    CHECK(sm3 == sm, "explicit default quantiles are the same shape");
    so.quantiles = my_q;
    so.quantile_count = 4;
    sm3 = (n3obs_summary *)&o;
    CHECK_ST(n3obs_summary_new(&sm3, &o, &so), N3OBS_E_CONFLICT, "other quantiles -> N3OBS_E_CONFLICT");
    CHECK(sm3 == NULL, "*out NULL after conflict");

    CHECK_OK(n3obs_summary_bind(&s, sm, root, 1), "summary_bind");
    CHECK_OK(n3obs_summary_bind(&sb, sm, root, 1), "summary_bind again");
    CHECK(s == sb, "same summary series handle");
    /* an empty window: quantiles NaN */
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    sd = fam_series(snap_family(snap, "n3t_response_bytes"), root, 1);
    CHECK(sd != NULL && sd->count == 0 && sd->quantile_count == 3 && sd->quantiles != NULL &&
              isnan(sd->quantiles[0].value) && isnan(sd->quantiles[2].value),
          "bound summary without observations: count 0, 3 quantiles, values NaN");
    n3obs_metrics_snapshot_free(snap);

    {
        int ok = 1;
        /* 1..10000 in a scrambled order (7919 is prime, so i*7919 mod 10000 is a permutation) */
        for (i = 0; i < 10000; ++i)
            ok &= (n3obs_summary_observe(s, (double)((i * 7919) % 10000 + 1)) == N3OBS_OK);
        CHECK(ok, "observe 1..10000");
    }
    CHECK_OK(n3obs_summary_observe_labels(sm, api, 1, 42), "summary_observe_labels");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    {
        const n3obs_family_data *f = snap_family(snap, "n3t_response_bytes");
        CHECK(f != NULL && f->type == N3OBS_METRIC_SUMMARY, "summary family");
        sd = fam_series(f, root, 1);
        CHECK(sd != NULL, "series {/}");
        if (sd != NULL) {
            size_t k;
            CHECK_U64(sd->count, 10000, "count 10000");
            CHECK_DBL(sd->sum, 50005000.0, "sum 50005000");
            CHECK(sd->quantile_count == 3 && sd->quantiles != NULL, "3 default quantiles");
            for (k = 0; k < 3 && k < sd->quantile_count; ++k) {
                CHECK_DBL(sd->quantiles[k].quantile, def_q[k], "default quantile %zu", k);
                check_quantile_1_to_n(sd->quantiles[k].quantile, sd->quantiles[k].value, 10000,
                                      "default");
            }
        }
        sd = fam_series(f, api, 1);
        CHECK(sd != NULL && sd->count == 1 && sd->sum == 42 && sd->quantile_count == 3 &&
                  fabs(sd->quantiles[0].value - 42) <= 42 * N3OBS_SUMMARY_RELATIVE_ERROR,
              "series {/api}: one observation 42");
    }
    n3obs_metrics_snapshot_free(snap);

    /* custom quantiles including 0 and 1 */
    {
        n3obs_metric_opts co = mopts("n3t_custom_quantiles", "", NULL, NULL, 0);
        n3obs_summary *cs = NULL;
        int ok = 1;
        so.quantiles = my_q;
        so.quantile_count = 4;
        CHECK_OK(n3obs_summary_new(&cs, &co, &so), "summary with quantiles 0 .25 .75 1");
        for (i = 10000; i >= 1; --i)
            ok &= (n3obs_summary_observe_labels(cs, NULL, 0, i) == N3OBS_OK);
        CHECK(ok, "observe 10000..1 by labels");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        sd = fam_series(snap_family(snap, "n3t_custom_quantiles"), NULL, 0);
        CHECK(sd != NULL && sd->quantile_count == 4, "4 quantiles");
        if (sd != NULL && sd->quantile_count == 4) {
            size_t k;
            for (k = 0; k < 4; ++k) {
                CHECK_DBL(sd->quantiles[k].quantile, my_q[k], "quantile %zu", k);
                check_quantile_1_to_n(my_q[k], sd->quantiles[k].value, 10000, "custom");
            }
        }
        n3obs_metrics_snapshot_free(snap);
    }

    /* the window slides: old observations leave the quantiles, not _count/_sum */
    {
        n3obs_metric_opts wo = mopts("n3t_window", "", NULL, NULL, 0);
        n3obs_summary *ws = NULL;
        n3obs_summary_series *wss = NULL;
        n3obs_summary_opts wso = N3OBS_SUMMARY_OPTS_INIT;
        wso.max_age_seconds = 0.6;
        wso.age_buckets = 2;
        CHECK_OK(n3obs_summary_new(&ws, &wo, &wso), "summary with max_age 0.6 s, 2 age buckets");
        CHECK_OK(n3obs_summary_bind(&wss, ws, NULL, 0), "bind");
        for (i = 0; i < 100; ++i)
            n3obs_summary_observe(wss, 1000);
        sleep_ms(1500);
        CHECK_OK(n3obs_metrics_collect(&snap), "collect after the window passed");
        sd = fam_series(snap_family(snap, "n3t_window"), NULL, 0);
        CHECK(sd != NULL && sd->count == 100 && sd->sum == 100000,
              "count and sum are cumulative after the window passed");
        CHECK(sd != NULL && sd->quantile_count == 3 && isnan(sd->quantiles[0].value) &&
                  isnan(sd->quantiles[1].value) && isnan(sd->quantiles[2].value),
              "quantiles NaN when the window holds no observation (got %g)",
              sd && sd->quantile_count ? sd->quantiles[0].value : -1.0);
        n3obs_metrics_snapshot_free(snap);
        CHECK_OK(n3obs_summary_observe(wss, 7), "observe 7");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        sd = fam_series(snap_family(snap, "n3t_window"), NULL, 0);
        CHECK(sd != NULL && sd->quantile_count == 3 &&
                  fabs(sd->quantiles[1].value - 7) <= 7 * N3OBS_SUMMARY_RELATIVE_ERROR,
              "only the new observation is in the window (p90 = %g)",
              sd && sd->quantile_count ? sd->quantiles[1].value : -1.0);
        n3obs_metrics_snapshot_free(snap);
    }
}

static void test_info(void)
{
    static const char *const labels[] = {"version", "commit"};
    static const char *const v1[] = {"1.2.3", "abc123"};
    static const char *const v2[] = {"1.2.4", "def456"};
    n3obs_metric_opts o = mopts("n3t_build", "Build.", NULL, labels, 2);
    n3obs_info *in = NULL, *in2 = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_family_data *f;

    CHECK_OK(n3obs_info_new(&in, &o), "info_new");
    CHECK_OK(n3obs_info_new(&in2, &o), "info_new again");
    CHECK(in2 == in, "same info pointer");
    CHECK_OK(n3obs_info_set(in, v1, 2), "info_set");
    CHECK_OK(n3obs_info_set(in, v1, 2), "info_set again is a no-op");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "n3t_build");
    CHECK(f != NULL && f->type == N3OBS_METRIC_INFO, "info family");
    CHECK(f != NULL && f->series_count == 1, "one info series after setting it twice");
    CHECK(fam_series(f, v1, 2) != NULL && fam_series(f, v1, 2)->value == 1, "info value 1");
    n3obs_metrics_snapshot_free(snap);
    CHECK_OK(n3obs_info_set(in, v2, 2), "info_set other values");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "n3t_build");
    CHECK(f != NULL && f->series_count == 2 && fam_series(f, v2, 2) != NULL &&
              fam_series(f, v2, 2)->value == 1,
          "a second info series with value 1");
    n3obs_metrics_snapshot_free(snap);
}

static void test_conflicts(void)
{
    static const char *const ab[] = {"a", "b"};
    static const char *const ba[] = {"b", "a"};
    static const char *const abc[] = {"a", "b", "c"};
    n3obs_metric_opts o = mopts("n3t_shape_total", "Shape.", "", ab, 2);
    n3obs_counter *c = NULL, *c2;
    n3obs_gauge *g;
    n3obs_histogram *h;
    n3obs_summary *s;
    n3obs_info *in;

    CHECK_OK(n3obs_counter_new(&c, &o), "counter n3t_shape_total");
    o.help = "Other help.";
    c2 = (n3obs_counter *)&o;
    CHECK_ST(n3obs_counter_new(&c2, &o), N3OBS_E_CONFLICT, "other help -> N3OBS_E_CONFLICT");
    CHECK(c2 == NULL, "*out NULL after conflict");
    CHECK_MSG("n3t_shape", "conflict message names the family");
    o.help = "Shape.";
    o.unit = "seconds";
    CHECK_ST(n3obs_counter_new(&c2, &o), N3OBS_E_CONFLICT, "other unit -> N3OBS_E_CONFLICT");
    o.unit = NULL;
    CHECK_OK(n3obs_counter_new(&c2, &o), "unit NULL is the same as \"\"");
    CHECK(c2 == c, "same pointer");
    o.label_names = ba;
    CHECK_ST(n3obs_counter_new(&c2, &o), N3OBS_E_CONFLICT,
             "label names in another order -> N3OBS_E_CONFLICT");
    o.label_names = abc;
    o.label_count = 3;
    CHECK_ST(n3obs_counter_new(&c2, &o), N3OBS_E_CONFLICT, "more label names -> N3OBS_E_CONFLICT");
    o.label_count = 1;
    CHECK_ST(n3obs_counter_new(&c2, &o), N3OBS_E_CONFLICT, "fewer label names -> N3OBS_E_CONFLICT");
    o.label_names = ab;
    o.label_count = 2;
    o.name = "n3t_shape";
    g = (n3obs_gauge *)&o;
    CHECK_ST(n3obs_gauge_new(&g, &o), N3OBS_E_CONFLICT,
             "gauge named like the counter family -> N3OBS_E_CONFLICT");
    CHECK(g == NULL, "*out NULL after conflict");
    CHECK_ST(n3obs_histogram_new(&h, &o, NULL, 0), N3OBS_E_CONFLICT, "histogram -> N3OBS_E_CONFLICT");
    CHECK_ST(n3obs_summary_new(&s, &o, NULL), N3OBS_E_CONFLICT, "summary -> N3OBS_E_CONFLICT");
    CHECK_ST(n3obs_info_new(&in, &o), N3OBS_E_CONFLICT, "info -> N3OBS_E_CONFLICT");

    /* help NULL is the same as "" */
    {
        n3obs_metric_opts go = mopts("n3t_help_null", NULL, NULL, NULL, 0);
        n3obs_gauge *g1 = NULL, *g2 = NULL;
        CHECK_OK(n3obs_gauge_new(&g1, &go), "gauge with help NULL");
        go.help = "";
        CHECK_OK(n3obs_gauge_new(&g2, &go), "same gauge with help \"\"");
        CHECK(g1 == g2, "help NULL and \"\" are the same shape");
    }
}

static void test_names_and_values(void)
{
    char name[N3OBS_MAX_NAME_LEN + 1];
    char lname[N3OBS_MAX_NAME_LEN + 1];
    char big[N3OBS_MAX_LABEL_VALUE_LEN + 1];
    const char *labels32[N3OBS_MAX_LABELS];
    const char *values32[N3OBS_MAX_LABELS];
    char lbuf[N3OBS_MAX_LABELS][8];
    n3obs_metric_opts o;
    n3obs_gauge *g = NULL;
    n3obs_counter *c = NULL;
    size_t i;

    const char *good_names[] = {"n3t:colon", "_n3t_under", "N3T_Upper", "a", "n3t:x:y_z9"};
    for (i = 0; i < ARRAY_LEN(good_names); ++i) {
        o = mopts(good_names[i], "", NULL, NULL, 0);
        CHECK_OK(n3obs_gauge_new(&g, &o), "valid metric name \"%s\"", good_names[i]);
    }
    memset(name, 'n', N3OBS_MAX_NAME_LEN);
    name[N3OBS_MAX_NAME_LEN] = '\0';
    o = mopts(name, "", NULL, NULL, 0);
    CHECK_OK(n3obs_gauge_new(&g, &o), "metric name of exactly N3OBS_MAX_NAME_LEN bytes");

    memset(lname, 'l', N3OBS_MAX_NAME_LEN);
    lname[N3OBS_MAX_NAME_LEN] = '\0';
    {
        const char *ln[] = {"_a", "B9", NULL};
        ln[2] = lname;
        o = mopts("n3t_label_names", "", NULL, ln, 3);
        CHECK_OK(n3obs_gauge_new(&g, &o), "label names _a, B9 and one of N3OBS_MAX_NAME_LEN bytes");
    }

    for (i = 0; i < N3OBS_MAX_LABELS; ++i) {
        snprintf(lbuf[i], sizeof lbuf[i], "l%zu", i);
        labels32[i] = lbuf[i];
        values32[i] = lbuf[i];
    }
    o = mopts("n3t_many_labels_total", "", NULL, labels32, N3OBS_MAX_LABELS);
    CHECK_OK(n3obs_counter_new(&c, &o), "counter with N3OBS_MAX_LABELS labels");
    CHECK_OK(n3obs_counter_add_labels(c, values32, N3OBS_MAX_LABELS, 1), "record with 32 labels");
    CHECK_DBL(read_value("n3t_many_labels", values32, N3OBS_MAX_LABELS), 1, "32-label series == 1");

    /* label values: any valid UTF-8, "" and the maximal length */
    {
        static const char *const lab[] = {"v"};
        const char *vals[] = {"", "h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80", "\xe2\x82\xac",
                              "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "a b\"c\\d\ne", NULL};
        o = mopts("n3t_values_total", "", NULL, lab, 1);
        CHECK_OK(n3obs_counter_new(&c, &o), "counter with one label");
        memset(big, 'x', N3OBS_MAX_LABEL_VALUE_LEN);
        big[N3OBS_MAX_LABEL_VALUE_LEN] = '\0';
        vals[6] = big;
        for (i = 0; i < ARRAY_LEN(vals); ++i) {
            const char *one[1];
            one[0] = vals[i];
            CHECK_OK(n3obs_counter_add_labels(c, one, 1, (double)(i + 1)),
                     "label value #%zu (%zu bytes) accepted", i, strlen(vals[i]));
            CHECK_DBL(read_value("n3t_values", one, 1), (double)(i + 1),
                      "label value #%zu read back byte-exact", i);
        }
    }

    /* help: any UTF-8 up to the limit */
    {
        static char help[N3OBS_MAX_HELP_LEN + 1];
        n3obs_metrics_snapshot *snap = NULL;
        const n3obs_family_data *f;
        memset(help, 'h', N3OBS_MAX_HELP_LEN);
        help[N3OBS_MAX_HELP_LEN] = '\0';
        memcpy(help, "\xc3\xa9 \"q\" \\ \n", 10);
        o = mopts("n3t_long_help", help, NULL, NULL, 0);
        CHECK_OK(n3obs_gauge_new(&g, &o), "help of N3OBS_MAX_HELP_LEN bytes with UTF-8, quotes and newline");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        f = snap_family(snap, "n3t_long_help");
        CHECK(f != NULL && f->help != NULL && strcmp(f->help, help) == 0, "help read back exactly");
        n3obs_metrics_snapshot_free(snap);
    }
}

static void test_snapshot_shape(void)
{
    n3obs_metrics_snapshot *snap = NULL, *snap2 = NULL;
    size_t i;
    int sorted = 1, valid = 1;
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    CHECK_OK(n3obs_metrics_collect(&snap2), "a second collect while the first is held");
    CHECK(snap != NULL && snap->size >= sizeof(n3obs_metrics_snapshot),
          "snapshot size >= sizeof(n3obs_metrics_snapshot)");
    CHECK(snap != NULL && snap->time_unix_nano > (int64_t)time(NULL) * 1000000000LL - 3600000000000LL &&
              snap->time_unix_nano < (int64_t)time(NULL) * 1000000000LL + 3600000000000LL,
          "snapshot time_unix_nano is the wall clock");
    for (i = 1; snap != NULL && i < snap->family_count; ++i)
        if (strcmp(snap->families[i - 1].name, snap->families[i].name) >= 0)
            sorted = 0;
    if (!CHECK(sorted, "families strictly sorted by name (%zu families)", snap ? snap->family_count : 0))
        for (i = 1; i < snap->family_count; ++i)
            if (strcmp(snap->families[i - 1].name, snap->families[i].name) >= 0)
                printf("#   %s !< %s\n", snap->families[i - 1].name, snap->families[i].name);
    for (i = 0; snap != NULL && i < snap->family_count; ++i)
        if (!is_valid_metric_name(snap->families[i].name))
            valid = 0;
    if (!CHECK(valid, "every family name is a valid metric name"))
        for (i = 0; i < snap->family_count; ++i)
            if (!is_valid_metric_name(snap->families[i].name))
                printf("#   invalid family name \"%s\"\n", snap->families[i].name);
    CHECK(snap2 != NULL && snap != NULL && snap2->family_count == snap->family_count,
          "both snapshots hold the same families");
    n3obs_metrics_snapshot_free(snap);
    n3obs_metrics_snapshot_free(snap2);
    n3obs_metrics_snapshot_free(NULL);
    CHECK(1, "n3obs_metrics_snapshot_free(NULL) is ignored");
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "n3obs_init");
    test_counters();
    test_counter_rule();
    test_gauges();
    test_histograms();
    test_summaries();
    test_info();
    test_conflicts();
    test_names_and_values();
    test_snapshot_shape();
    CHECK(n3obs_is_running() == 1, "still running");
    return check_finish();
}
