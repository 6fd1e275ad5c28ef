/*
 * Concurrency: concurrent first n3obs_init calls, exact totals from many threads on one
 * series and on new series, concurrent binds of one label set, histograms and summaries
 * from several threads, per-thread error messages, and collect during recording (no torn
 * or decreasing values).
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <pthread.h>

#define THREADS 8
#define INCS 200000
#define OWN_SERIES 100
#define SHARED_SERIES 10
#define REPS 50
#define RACE_SERIES 50
#define HIST_THREADS 4
#define HIST_OBS 100000
#define SUM_OBS 20000

static pthread_barrier_t barrier;
static int init_status[THREADS];
static int init_msg_empty[THREADS];

static n3obs_counter *labels_family;
static n3obs_counter *race_family;
static n3obs_counter_series *shared_series;
static n3obs_histogram_series *hist_series;
static n3obs_summary_series *summary_series;
static n3obs_counter_series *race_handles[THREADS][RACE_SERIES];
static int worker_errors[THREADS];

static void *init_thread(void *arg)
{
    int t = (int)(size_t)arg;
    const char *m = n3obs_error_last();
    init_msg_empty[t] = (m != NULL && m[0] == '\0');
    pthread_barrier_wait(&barrier);
    init_status[t] = n3obs_init(NULL);
    return NULL;
}

static void *inc_thread(void *arg)
{
    int t = (int)(size_t)arg, i;
    pthread_barrier_wait(&barrier);
    for (i = 0; i < INCS; ++i)
        if (n3obs_counter_inc(shared_series) != N3OBS_OK)
            worker_errors[t]++;
    return NULL;
}

static void *labels_thread(void *arg)
{
    int t = (int)(size_t)arg, r, s;
    char buf[32];
    const char *one[1];
    one[0] = buf;
    pthread_barrier_wait(&barrier);
    for (s = 0; s < RACE_SERIES; ++s) {
        snprintf(buf, sizeof buf, "race_%d", s);
        if (n3obs_counter_bind(&race_handles[t][s], race_family, one, 1) != N3OBS_OK)
            worker_errors[t]++;
    }
    for (r = 0; r < REPS; ++r) {
        for (s = 0; s < OWN_SERIES; ++s) {
            snprintf(buf, sizeof buf, "t%d_s%d", t, s);
            if (n3obs_counter_add_labels(labels_family, one, 1, 1) != N3OBS_OK)
                worker_errors[t]++;
            if (s < SHARED_SERIES) {
                snprintf(buf, sizeof buf, "shared_%d", s);
                if (n3obs_counter_add_labels(labels_family, one, 1, 1) != N3OBS_OK)
                    worker_errors[t]++;
            }
        }
    }
    for (s = 0; s < RACE_SERIES; ++s)
        if (n3obs_counter_inc(race_handles[t][s]) != N3OBS_OK)
            worker_errors[t]++;
    return NULL;
}

static void *hist_thread(void *arg)
{
    int t = (int)(size_t)arg, i;
    pthread_barrier_wait(&barrier);
    for (i = 0; i < HIST_OBS; ++i)
        if (n3obs_histogram_observe(hist_series, (double)(i % 16)) != N3OBS_OK)
            worker_errors[t]++;
    for (i = 0; i < SUM_OBS; ++i)
        if (n3obs_summary_observe(summary_series, (double)(i % 100 + 1)) != N3OBS_OK)
            worker_errors[t]++;
    return NULL;
}

/* ---- collect during recording ------------------------------------------------------- */

#define REC_THREADS 4
#define REC_ITERS 100000

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static int recorders_done;
static n3obs_counter_series *live_counter;
static n3obs_counter_series *live_frac;
static n3obs_histogram_series *live_hist;
static n3obs_gauge_series *live_gauge;
static n3obs_counter *live_growing;

typedef struct collector_result {
    long snapshots;
    long collect_errors;
    long counter_decreased;
    long counter_not_whole;
    long frac_decreased;
    long hist_torn;
    long hist_count_decreased;
    long hist_not_cumulative;
    long gauge_out_of_range;
    long series_decreased;
} collector_result;

static collector_result collector;

static void *record_thread(void *arg)
{
    int t = (int)(size_t)arg, i;
    char buf[32];
    const char *one[1];
    one[0] = buf;
    pthread_barrier_wait(&barrier);
    for (i = 0; i < REC_ITERS; ++i) {
        int bad = 0;
        bad |= n3obs_counter_inc(live_counter);
        bad |= n3obs_counter_add(live_frac, 0.25);
        bad |= n3obs_histogram_observe(live_hist, (double)(i % 7) * 0.5);
        bad |= n3obs_gauge_add(live_gauge, 1);
        bad |= n3obs_gauge_add(live_gauge, -1);
        if (i % 500 == 0) {
            snprintf(buf, sizeof buf, "g%d_%d", t, i / 500);
            bad |= n3obs_counter_add_labels(live_growing, one, 1, 1);
        }
        if (bad)
            worker_errors[t]++;
    }
    return NULL;
}

static int is_done(void)
{
    int d;
    pthread_mutex_lock(&done_lock);
    d = recorders_done;
    pthread_mutex_unlock(&done_lock);
    return d;
}

static void *collect_thread(void *arg)
{
    double last_counter = 0, last_frac = 0;
    uint64_t last_hist_count = 0;
    size_t last_series = 0;
    (void)arg;
    pthread_barrier_wait(&barrier);
    do {
        n3obs_metrics_snapshot *snap = NULL;
        const n3obs_family_data *f;
        const n3obs_series_data *s;
        if (n3obs_metrics_collect(&snap) != N3OBS_OK || snap == NULL) {
            collector.collect_errors++;
            continue;
        }
        collector.snapshots++;
        s = fam_series(snap_family(snap, "conc_live"), NULL, 0);
        if (s != NULL) {
            if (s->value < last_counter)
                collector.counter_decreased++;
            if (s->value != floor(s->value))
                collector.counter_not_whole++;
            last_counter = s->value;
        }
        s = fam_series(snap_family(snap, "conc_frac"), NULL, 0);
        if (s != NULL) {
            if (s->value < last_frac)
                collector.frac_decreased++;
            last_frac = s->value;
        }
        s = fam_series(snap_family(snap, "conc_live_hist"), NULL, 0);
        if (s != NULL && s->bucket_count > 0) {
            size_t b;
            if (s->buckets[s->bucket_count - 1].cumulative_count != s->count)
                collector.hist_torn++;
            if (s->count < last_hist_count)
                collector.hist_count_decreased++;
            for (b = 1; b < s->bucket_count; ++b)
                if (s->buckets[b].cumulative_count < s->buckets[b - 1].cumulative_count)
                    collector.hist_not_cumulative++;
            last_hist_count = s->count;
        }
        s = fam_series(snap_family(snap, "conc_live_gauge"), NULL, 0);
        if (s != NULL && !(s->value >= 0 && s->value <= REC_THREADS && s->value == floor(s->value)))
            collector.gauge_out_of_range++;
        f = snap_family(snap, "conc_growing");
        if (f != NULL) {
            if (f->series_count < last_series)
                collector.series_decreased++;
            last_series = f->series_count;
        }
        n3obs_metrics_snapshot_free(snap);
    } while (!is_done());
    return NULL;
}

/* ---- per-thread error messages -------------------------------------------------------- */

static char thread_msg_before[256];
static char thread_msg_after[256];

static void *error_thread(void *arg)
{
    n3obs_counter *c = NULL;
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    (void)arg;
    snprintf(thread_msg_before, sizeof thread_msg_before, "%s", n3obs_error_last());
    o.name = "thread-bad";
    n3obs_counter_new(&c, &o);
    snprintf(thread_msg_after, sizeof thread_msg_after, "%s", n3obs_error_last());
    return NULL;
}

static void run_threads(int n, void *(*fn)(void *), int with_barrier_extra)
{
    pthread_t th[THREADS + 1];
    int i;
    pthread_barrier_init(&barrier, NULL, (unsigned)(n + with_barrier_extra));
    for (i = 0; i < n; ++i)
        pthread_create(&th[i], NULL, fn, (void *)(size_t)i);
    for (i = 0; i < n; ++i)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
}

static int no_worker_errors(void)
{
    int i, total = 0;
    for (i = 0; i < THREADS; ++i) {
        total += worker_errors[i];
        worker_errors[i] = 0;
    }
    return total == 0;
}

int main(void)
{
    int i, ok;
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    static const char *const k[] = {"k"};
    n3obs_counter *c = NULL;
    n3obs_histogram *h = NULL;
    n3obs_summary *sm = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_family_data *f;

    unsetenv("N3OBS_METRIC_NAMESPACE");
    unsetenv("N3OBS_METRIC_CARDINALITY_LIMIT");

    /* concurrent first init */
    run_threads(THREADS, init_thread, 0);
    ok = 1;
    for (i = 0; i < THREADS; ++i)
        ok &= (init_status[i] == N3OBS_OK);
    CHECK(ok, "%d concurrent first n3obs_init(NULL) calls all return N3OBS_OK", THREADS);
    ok = 1;
    for (i = 0; i < THREADS; ++i)
        ok &= init_msg_empty[i];
    CHECK(ok, "n3obs_error_last() is \"\" in every new thread");
    CHECK(n3obs_is_running() == 1, "running");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    {
        size_t j, n = 0;
        for (j = 0; snap && j < snap->family_count; ++j)
            n += (strcmp(snap->families[j].name, "namel3ss_execution") == 0);
        CHECK(n == 1, "the catalogue was registered once");
    }
    n3obs_metrics_snapshot_free(snap);

    /* one bound counter, 8 threads */
    o.name = "conc_shared_total";
    CHECK_OK(n3obs_counter_new(&c, &o), "counter");
    CHECK_OK(n3obs_counter_bind(&shared_series, c, NULL, 0), "bind");
    run_threads(THREADS, inc_thread, 0);
    CHECK(no_worker_errors(), "every counter_inc returned N3OBS_OK");
    CHECK_DBL(read_value("conc_shared", NULL, 0), (double)THREADS * INCS,
              "%d threads x %d inc on one bound counter: exact total", THREADS, INCS);

    /* new series from many threads */
    o.name = "conc_labels_total";
    o.label_names = k;
    o.label_count = 1;
    CHECK_OK(n3obs_counter_new(&labels_family, &o), "labelled counter");
    o.name = "conc_race_total";
    CHECK_OK(n3obs_counter_new(&race_family, &o), "race counter");
    run_threads(THREADS, labels_thread, 0);
    CHECK(no_worker_errors(), "every bind / add_labels returned N3OBS_OK");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "conc_labels");
    CHECK(f != NULL && f->series_count == THREADS * OWN_SERIES + SHARED_SERIES,
          "%d series created concurrently (got %zu)", THREADS * OWN_SERIES + SHARED_SERIES,
          f ? f->series_count : 0);
    {
        int t, s, own_ok = 1, shared_ok = 1;
        char buf[32];
        const char *one[1];
        one[0] = buf;
        for (t = 0; t < THREADS; ++t)
            for (s = 0; s < OWN_SERIES; ++s) {
                const n3obs_series_data *sd;
                snprintf(buf, sizeof buf, "t%d_s%d", t, s);
                sd = fam_series(f, one, 1);
                if (sd == NULL || sd->value != REPS) {
                    if (own_ok)
                        printf("#   %s = %g\n", buf, sd ? sd->value : -1.0);
                    own_ok = 0;
                }
            }
        CHECK(own_ok, "each thread's own %d series total exactly %d", OWN_SERIES, REPS);
        for (s = 0; s < SHARED_SERIES; ++s) {
            const n3obs_series_data *sd;
            snprintf(buf, sizeof buf, "shared_%d", s);
            sd = fam_series(f, one, 1);
            if (sd == NULL || sd->value != THREADS * REPS) {
                if (shared_ok)
                    printf("#   %s = %g\n", buf, sd ? sd->value : -1.0);
                shared_ok = 0;
            }
        }
        CHECK(shared_ok, "each shared series totals exactly %d", THREADS * REPS);
        ok = 1;
        for (s = 0; s < RACE_SERIES; ++s)
            for (t = 1; t < THREADS; ++t)
                ok &= (race_handles[t][s] != NULL && race_handles[t][s] == race_handles[0][s]);
        CHECK(ok, "concurrent binds of one label set return one handle");
        f = snap_family(snap, "conc_race");
        ok = (f != NULL && f->series_count == RACE_SERIES);
        for (s = 0; ok && s < RACE_SERIES; ++s) {
            const n3obs_series_data *sd;
            snprintf(buf, sizeof buf, "race_%d", s);
            sd = fam_series(f, one, 1);
            ok = (sd != NULL && sd->value == THREADS);
        }
        CHECK(ok, "raced series: %d series, each totalling %d", RACE_SERIES, THREADS);
    }
    n3obs_metrics_snapshot_free(snap);

    /* histogram and summary from 4 threads */
    {
        static const double b[] = {1, 2, 5, 10};
        n3obs_metric_opts ho = N3OBS_METRIC_OPTS_INIT;
        const n3obs_series_data *sd;
        ho.name = "conc_hist";
        CHECK_OK(n3obs_histogram_new(&h, &ho, b, 4), "histogram");
        CHECK_OK(n3obs_histogram_bind(&hist_series, h, NULL, 0), "bind");
        ho.name = "conc_summary";
        CHECK_OK(n3obs_summary_new(&sm, &ho, NULL), "summary");
        CHECK_OK(n3obs_summary_bind(&summary_series, sm, NULL, 0), "bind");
        run_threads(HIST_THREADS, hist_thread, 0);
        CHECK(no_worker_errors(), "every observe returned N3OBS_OK");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        sd = fam_series(snap_family(snap, "conc_hist"), NULL, 0);
        CHECK(sd != NULL && sd->count == (uint64_t)HIST_THREADS * HIST_OBS, "histogram count exact");
        CHECK(sd != NULL && sd->bucket_count == 5 && sd->buckets[4].cumulative_count == sd->count,
              "+Inf cumulative == count");
        if (sd != NULL && sd->bucket_count == 5) {
            const uint64_t per = HIST_OBS / 16;
            CHECK(sd->buckets[0].cumulative_count == HIST_THREADS * per * 2 &&
                      sd->buckets[1].cumulative_count == HIST_THREADS * per * 3 &&
                      sd->buckets[2].cumulative_count == HIST_THREADS * per * 6 &&
                      sd->buckets[3].cumulative_count == HIST_THREADS * per * 11,
                  "every bucket count exact");
            CHECK_DBL(sd->sum, (double)HIST_THREADS * per * 120, "histogram sum exact");
        }
        sd = fam_series(snap_family(snap, "conc_summary"), NULL, 0);
        CHECK(sd != NULL && sd->count == (uint64_t)HIST_THREADS * SUM_OBS, "summary count exact");
        CHECK(sd != NULL && sd->sum == (double)HIST_THREADS * (SUM_OBS / 100) * 5050, "summary sum exact");
        CHECK(sd != NULL && sd->quantile_count == 3 && sd->quantiles[0].value >= 50 * 0.99 &&
                  sd->quantiles[0].value <= 51 * 1.01 && sd->quantiles[2].value >= 99 * 0.99 &&
                  sd->quantiles[2].value <= 100 * 1.01,
              "summary p50 ~ 50 and p99 ~ 99 within the stated error");
        n3obs_metrics_snapshot_free(snap);
    }

    /* collect while recording */
    {
        pthread_t rec[REC_THREADS], col;
        n3obs_metric_opts lo = N3OBS_METRIC_OPTS_INIT;
        n3obs_counter *lc = NULL, *fc = NULL;
        n3obs_histogram *lh = NULL;
        n3obs_gauge *lg = NULL;
        static const double b[] = {0.5, 1, 2};
        lo.name = "conc_live_total";
        CHECK_OK(n3obs_counter_new(&lc, &lo), "live counter");
        CHECK_OK(n3obs_counter_bind(&live_counter, lc, NULL, 0), "bind");
        lo.name = "conc_frac_total";
        CHECK_OK(n3obs_counter_new(&fc, &lo), "fractional counter");
        CHECK_OK(n3obs_counter_bind(&live_frac, fc, NULL, 0), "bind");
        lo.name = "conc_live_hist";
        CHECK_OK(n3obs_histogram_new(&lh, &lo, b, 3), "live histogram");
        CHECK_OK(n3obs_histogram_bind(&live_hist, lh, NULL, 0), "bind");
        lo.name = "conc_live_gauge";
        CHECK_OK(n3obs_gauge_new(&lg, &lo), "live gauge");
        CHECK_OK(n3obs_gauge_bind(&live_gauge, lg, NULL, 0), "bind");
        lo.name = "conc_growing_total";
        lo.label_names = k;
        lo.label_count = 1;
        CHECK_OK(n3obs_counter_new(&live_growing, &lo), "growing counter");

        pthread_barrier_init(&barrier, NULL, REC_THREADS + 1);
        pthread_create(&col, NULL, collect_thread, NULL);
        for (i = 0; i < REC_THREADS; ++i)
            pthread_create(&rec[i], NULL, record_thread, (void *)(size_t)i);
        for (i = 0; i < REC_THREADS; ++i)
            pthread_join(rec[i], NULL);
        pthread_mutex_lock(&done_lock);
        recorders_done = 1;
        pthread_mutex_unlock(&done_lock);
        pthread_join(col, NULL);
        pthread_barrier_destroy(&barrier);

        CHECK(no_worker_errors(), "every record during collection returned N3OBS_OK");
        printf("# %ld snapshots collected during recording\n", collector.snapshots);
        CHECK(collector.snapshots > 0 && collector.collect_errors == 0,
              "collect during recording succeeds (%ld snapshots, %ld errors)", collector.snapshots,
              collector.collect_errors);
        CHECK(collector.counter_decreased == 0, "counter never read lower than before");
        CHECK(collector.counter_not_whole == 0, "whole-increment counter always read whole");
        CHECK(collector.frac_decreased == 0, "fractional counter never read lower than before");
        CHECK(collector.hist_torn == 0, "histogram last bucket == count in every snapshot (%ld torn)",
              collector.hist_torn);
        CHECK(collector.hist_not_cumulative == 0, "histogram buckets cumulative in every snapshot");
        CHECK(collector.hist_count_decreased == 0, "histogram count never decreases");
        CHECK(collector.gauge_out_of_range == 0, "gauge (+1 then -1 per thread) always in [0, %d]",
              REC_THREADS);
        CHECK(collector.series_decreased == 0, "series count never decreases");
        CHECK_DBL(read_value("conc_live", NULL, 0), (double)REC_THREADS * REC_ITERS, "final live counter exact");
        CHECK_DBL(read_value("conc_frac", NULL, 0), (double)REC_THREADS * REC_ITERS * 0.25,
                  "final fractional counter exact");
        CHECK_DBL(read_value("conc_live_gauge", NULL, 0), 0, "final gauge 0");
        {
            series_read r = read_series("conc_live_hist", NULL, 0);
            CHECK(r.found && r.count == (uint64_t)REC_THREADS * REC_ITERS, "final histogram count exact");
        }
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        f = snap_family(snap, "conc_growing");
        CHECK(f != NULL && f->series_count == REC_THREADS * (REC_ITERS / 500), "all grown series present");
        n3obs_metrics_snapshot_free(snap);
    }

    /* per-thread error messages */
    {
        pthread_t th;
        n3obs_gauge *g = NULL;
        n3obs_metric_opts bad = N3OBS_METRIC_OPTS_INIT;
        char mine[256];
        bad.name = "main-bad";
        CHECK_ST(n3obs_gauge_new(&g, &bad), N3OBS_E_INVALID_NAME, "a failure on the main thread");
        snprintf(mine, sizeof mine, "%s", n3obs_error_last());
        pthread_create(&th, NULL, error_thread, NULL);
        pthread_join(th, NULL);
        CHECK(thread_msg_before[0] == '\0', "another thread does not see the main thread's message");
        CHECK(strstr(thread_msg_after, "thread-bad") != NULL, "the other thread sees its own failure (\"%s\")",
              thread_msg_after);
        CHECK_STR(n3obs_error_last(), mine, "the main thread's message is unchanged");
    }
    return check_finish();
}
