/*
 * Cardinality limit: with cardinality_limit 10, the 11th and later label sets of a family
 * land in its one overflow series (labels "", is_overflow 1), and the self-metric
 * n3obs_metric_overflow_total{metric} counts the records that land there.
 */
#include "check.h"

#define LIMIT 10
#define BINDS 15

static const char *const K[] = {"k"};

/* n3obs_metric_overflow_total{metric=family} (counter: stored without _total). */
static double overflow_records(const char *family)
{
    const char *v[1];
    v[0] = family;
    return read_value("n3obs_metric_overflow", v, 1);
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_gauge *g = NULL;
    n3obs_gauge_series *gs[BINDS];
    n3obs_counter *c = NULL;
    n3obs_histogram *h = NULL, *dh = NULL;
    n3obs_summary *sm = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_family_data *f;
    char vals[BINDS + 5][16];
    const char *one[1];
    int i, distinct = 1, same_overflow = 1;

    cfg.cardinality_limit = LIMIT;
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "n3obs_init with cardinality_limit 10");

    for (i = 0; i < BINDS + 5; ++i)
        snprintf(vals[i], sizeof vals[i], "v%02d", i);

    /* a gauge: 15 binds */
    o.name = "card_gauge";
    o.label_names = K;
    o.label_count = 1;
    CHECK_OK(n3obs_gauge_new(&g, &o), "gauge card_gauge");
    for (i = 0; i < BINDS; ++i) {
        one[0] = vals[i];
        gs[i] = NULL;
        CHECK_OK(n3obs_gauge_bind(&gs[i], g, one, 1), "bind label set %d -> N3OBS_OK", i);
    }
    for (i = 1; i < LIMIT; ++i)
        distinct &= (gs[i] != NULL && gs[i] != gs[i - 1] && gs[i] != gs[0]);
    CHECK(distinct, "the first 10 label sets get distinct handles");
    for (i = LIMIT; i < BINDS; ++i) {
        int j;
        for (j = 0; j < LIMIT; ++j)
            same_overflow &= (gs[i] != gs[j]);
        same_overflow &= (gs[i] == gs[LIMIT]);
    }
    CHECK(same_overflow && gs[LIMIT] != NULL,
          "label sets 11..15 all get one overflow handle, distinct from the real series");
    one[0] = vals[3];
    {
        n3obs_gauge_series *again = NULL;
        CHECK_OK(n3obs_gauge_bind(&again, g, one, 1), "re-bind an existing label set at the limit");
        CHECK(again == gs[3], "an existing label set keeps its own series at the limit");
    }

    for (i = 0; i < BINDS; ++i)
        CHECK_OK(n3obs_gauge_add(gs[i], i + 1), "gauge_add %d into handle %d", i + 1, i);

    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "card_gauge");
    CHECK(f != NULL && f->series_count == LIMIT + 1, "10 real series + 1 overflow series (got %zu)",
          f ? f->series_count : 0);
    CHECK(fam_overflow_count(f) == 1, "exactly one series has is_overflow == 1");
    {
        const n3obs_series_data *ov = fam_overflow(f);
        int real_ok = 1;
        CHECK(ov != NULL && ov->label_values != NULL && ov->label_values[0] != NULL &&
                  ov->label_values[0][0] == '\0',
              "overflow series has label value \"\"");
        CHECK(ov != NULL && ov->value == 11 + 12 + 13 + 14 + 15,
              "overflow series holds the records of the other 5 (65, got %g)", ov ? ov->value : -1.0);
        for (i = 0; i < LIMIT; ++i) {
            const char *v1[1];
            const n3obs_series_data *s;
            v1[0] = vals[i];
            s = fam_series(f, v1, 1);
            real_ok &= (s != NULL && s->value == i + 1);
        }
        CHECK(real_ok, "the 10 real series hold their own values");
        for (i = LIMIT; i < BINDS; ++i) {
            const char *v1[1];
            v1[0] = vals[i];
            if (fam_series(f, v1, 1) != NULL)
                real_ok = 0;
        }
        CHECK(real_ok, "label sets 11..15 have no series of their own");
    }
    n3obs_metrics_snapshot_free(snap);
    CHECK_DBL(overflow_records("card_gauge"), 5,
              "n3obs_metric_overflow_total{metric=\"card_gauge\"} counts 5 records");

    /* recording by labels past the limit */
    one[0] = vals[BINDS];
    CHECK_OK(n3obs_gauge_add_labels(g, one, 1, 100), "gauge_add_labels on a new label set at the limit");
    one[0] = vals[2];
    CHECK_OK(n3obs_gauge_add_labels(g, one, 1, 1000), "gauge_add_labels on an existing label set");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "card_gauge");
    CHECK(f != NULL && f->series_count == LIMIT + 1, "still 11 series");
    CHECK(fam_overflow(f) != NULL && fam_overflow(f)->value == 165, "overflow series 65 + 100");
    CHECK(fam_series(f, one, 1) != NULL && fam_series(f, one, 1)->value == 1003,
          "an existing label set records into its own series");
    n3obs_metrics_snapshot_free(snap);
    CHECK_DBL(overflow_records("card_gauge"), 6, "self-metric counts 6 records");

    /* a counter, a summary and a default-bucket histogram: each family has its own limit
     * and overflow series */
    o.name = "card_counter_total";
    CHECK_OK(n3obs_counter_new(&c, &o), "counter card_counter_total");
    o.name = "card_summary";
    CHECK_OK(n3obs_summary_new(&sm, &o, NULL), "summary card_summary");
    o.name = "card_default_histogram";
    CHECK_OK(n3obs_histogram_new(&dh, &o, NULL, 0), "histogram card_default_histogram");
    for (i = 0; i < BINDS; ++i) {
        n3obs_histogram_series *hs = NULL;
        one[0] = vals[i];
        CHECK_OK(n3obs_counter_add_labels(c, one, 1, 2), "counter_add_labels set %d", i);
        CHECK_OK(n3obs_summary_observe_labels(sm, one, 1, 5), "summary_observe_labels set %d", i);
        CHECK_OK(n3obs_histogram_bind(&hs, dh, one, 1), "histogram_bind set %d", i);
        CHECK_OK(n3obs_histogram_observe(hs, 3), "histogram_observe set %d", i);
    }
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "card_counter");
    CHECK(f != NULL && f->series_count == LIMIT + 1 && fam_overflow(f) != NULL &&
              fam_overflow(f)->value == 10,
          "counter: 10 series + overflow holding 5 x 2");
    f = snap_family(snap, "card_summary");
    CHECK(f != NULL && f->series_count == LIMIT + 1 && fam_overflow(f) != NULL &&
              fam_overflow(f)->count == 5 && fam_overflow(f)->sum == 25 &&
              fam_overflow(f)->quantile_count == 3,
          "summary: 10 series + overflow holding 5 observations");
    f = snap_family(snap, "card_default_histogram");
    CHECK(f != NULL && f->series_count == LIMIT + 1 && fam_overflow(f) != NULL &&
              fam_overflow(f)->count == 5 && fam_overflow(f)->sum == 15 &&
              fam_overflow(f)->bucket_count == 12 &&
              fam_overflow(f)->buckets[9].cumulative_count == 5 &&
              fam_overflow(f)->buckets[11].cumulative_count == 5,
          "default-bucket histogram: 10 series + overflow holding 5 observations");
    f = snap_family(snap, "n3obs_metric_overflow");
    CHECK(f != NULL && f->type == N3OBS_METRIC_COUNTER && f->label_count == 1 &&
              f->label_names != NULL && strcmp(f->label_names[0], "metric") == 0,
          "self-metric family n3obs_metric_overflow is a counter labelled {metric}");
    CHECK(snap_family(snap, "n3obs_metric_overflow_total") == NULL,
          "no family named n3obs_metric_overflow_total (_total is dropped)");
    n3obs_metrics_snapshot_free(snap);
    CHECK_DBL(overflow_records("card_counter"), 5, "self-metric{metric=\"card_counter\"} == 5");
    CHECK_DBL(overflow_records("card_summary"), 5, "self-metric{metric=\"card_summary\"} == 5");
    CHECK_DBL(overflow_records("card_default_histogram"), 5,
              "self-metric{metric=\"card_default_histogram\"} == 5 (binding is not a record)");
    CHECK_DBL(overflow_records("card_gauge"), 6, "self-metric{metric=\"card_gauge\"} still 6");

    /* an existing label set written as "" alone is still a new set */
    {
        n3obs_gauge *g2 = NULL;
        n3obs_gauge_series *s2 = NULL;
        o.name = "card_gauge_two";
        CHECK_OK(n3obs_gauge_new(&g2, &o), "a second gauge family");
        one[0] = "";
        CHECK_OK(n3obs_gauge_bind(&s2, g2, one, 1), "bind label value \"\" below the limit");
        CHECK_OK(n3obs_gauge_set(s2, 9), "set 9");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        f = snap_family(snap, "card_gauge_two");
        CHECK(f != NULL && f->series_count == 1 && fam_overflow(f) == NULL &&
                  fam_series(f, one, 1) != NULL && fam_series(f, one, 1)->value == 9,
              "a real series with label value \"\" is not the overflow series");
        n3obs_metrics_snapshot_free(snap);
    }
    /* Last, because a corrupt overflow series can take the process down: a histogram with
     * explicit bounds past the limit. */
    o.name = "card_histogram";
    {
        static const double b[] = {1, 10};
        CHECK_OK(n3obs_histogram_new(&h, &o, b, 2), "histogram card_histogram with bounds 1, 10");
    }
    for (i = 0; i < BINDS; ++i) {
        one[0] = vals[i];
        CHECK_OK(n3obs_histogram_observe_labels(h, one, 1, 5), "histogram_observe_labels set %d", i);
    }
    printf("# collecting a histogram with explicit bounds and an overflow series next\n");
    fflush(stdout);
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "card_histogram");
    {
        const n3obs_series_data *ov = fam_overflow(f);
        CHECK(f != NULL && f->series_count == LIMIT + 1 && ov != NULL, "histogram: 10 series + overflow");
        CHECK(ov != NULL && ov->bucket_count == 3, "overflow series has 3 buckets like the others (got %zu)",
              ov ? ov->bucket_count : 0);
        CHECK(ov != NULL && ov->count == 5 && ov->sum == 25,
              "overflow series holds 5 observations, sum 25 (got count %llu, sum %g)",
              ov ? (unsigned long long)ov->count : 0ULL, ov ? ov->sum : -1.0);
        CHECK(ov != NULL && ov->bucket_count == 3 && ov->buckets[0].cumulative_count == 0 &&
                  ov->buckets[1].cumulative_count == 5 && ov->buckets[2].cumulative_count == 5,
              "overflow series buckets le=1: 0, le=10: 5, +Inf: 5");
    }
    n3obs_metrics_snapshot_free(snap);
    CHECK(1, "n3obs_metrics_snapshot_free of that snapshot returned");
    CHECK_DBL(overflow_records("card_histogram"), 5, "self-metric{metric=\"card_histogram\"} == 5");
    return check_finish();
}
