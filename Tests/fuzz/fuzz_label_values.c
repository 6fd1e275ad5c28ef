/*
 * fuzz_label_values: binding and recording by label values (the *_bind, *_labels and
 * n3obs_info_set functions) with fuzzed UTF-8 and non-UTF-8 values.
 *
 * Input: an operation byte (mod 10), then NUL-separated label values (their number is the
 * label count given; every family here has three labels).
 *
 * Invariants: the status is one the header documents and a failure has a message; three
 * values of valid UTF-8 within N3OBS_MAX_LABEL_VALUE_LEN are accepted, a wrong count is
 * N3OBS_E_LABEL_COUNT, and a value that is not UTF-8 (strictly: no overlong forms or
 * surrogates) or too long is never accepted; binding the same values twice gives the same
 * series; a counter recorded through its values before keeps its exact total.
 */
#include "fuzz_common.h"

#define NLABELS 3
#define MAX_VALUES 6

static n3obs_counter *counter;
static n3obs_gauge *gauge;
static n3obs_histogram *histogram;
static n3obs_summary *summary;
static n3obs_info *info;

static const int statuses[] = {N3OBS_OK, N3OBS_E_INVALID_ARGUMENT, N3OBS_E_LABEL_COUNT, N3OBS_E_INVALID_UTF8,
                               N3OBS_E_TOO_LONG, N3OBS_E_NO_MEMORY, 1};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const names[NLABELS] = {"a", "b", "c"};
    static const char *const fixed[NLABELS] = {"fixed", "ünïcödé", ""};
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    (void)argc;
    (void)argv;
    fuzz_start_sdk();
    o.label_names = names;
    o.label_count = NLABELS;
    o.name = "fuzz_values_total";
    FUZZ_ASSERT(n3obs_counter_new(&counter, &o) == N3OBS_OK, "counter");
    o.name = "fuzz_values_gauge";
    FUZZ_ASSERT(n3obs_gauge_new(&gauge, &o) == N3OBS_OK, "gauge");
    o.name = "fuzz_values_seconds";
    FUZZ_ASSERT(n3obs_histogram_new(&histogram, &o, NULL, 0) == N3OBS_OK, "histogram");
    o.name = "fuzz_values_summary";
    FUZZ_ASSERT(n3obs_summary_new(&summary, &o, NULL) == N3OBS_OK, "summary");
    o.name = "fuzz_values_build";
    FUZZ_ASSERT(n3obs_info_new(&info, &o) == N3OBS_OK, "info");
    /* A labelled series recorded before any input: fuzz_labelled_check reads it. */
    FUZZ_ASSERT(n3obs_counter_add_labels(counter, fixed, NLABELS, 7) == N3OBS_OK, "fixed series");
    return 0;
}

/* The series {fixed, ünïcödé, ""} of the counter keeps 7 + what this target never adds. */
static void fuzz_labelled_check(void)
{
    n3obs_metrics_snapshot *snap = NULL;
    size_t i, j;
    int found = 0;
    FUZZ_ASSERT(n3obs_metrics_collect(&snap) == N3OBS_OK, "collect");
    for (i = 0; i < snap->family_count; ++i) {
        const n3obs_family_data *f = &snap->families[i];
        if (strcmp(f->name, "fuzz_values") != 0)
            continue;
        for (j = 0; j < f->series_count; ++j) {
            const n3obs_series_data *s = &f->series[j];
            if (!s->is_overflow && strcmp(s->label_values[0], "fixed") == 0 && strcmp(s->label_values[1], "ünïcödé") == 0
                && s->label_values[2][0] == '\0') {
                FUZZ_ASSERT(s->value == 7, "the fixed series reads %.17g, not 7", s->value);
                found = 1;
            }
        }
    }
    n3obs_metrics_snapshot_free(snap);
    FUZZ_ASSERT(found, "the fixed series is gone");
}

/* The fixed series must keep 7: the fuzzer's values never equal it (it is skipped). */
static int is_fixed(const char *const *v, size_t n)
{
    return n == NLABELS && strcmp(v[0], "fixed") == 0 && strcmp(v[1], "ünïcödé") == 0 && v[2][0] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r;
    const char *values[MAX_VALUES];
    size_t n = 0, i;
    int op, st, valid;
    void *s1 = NULL, *s2 = NULL;

    fuzz_reader_init(&r, data, size);
    op = fuzz_u8(&r) % 10;
    while (fuzz_has(&r) && n < MAX_VALUES)
        values[n++] = fuzz_str(&r);
    if (is_fixed(values, n))
        goto done;

    switch (op) {
    case 0: st = n3obs_counter_bind((n3obs_counter_series **)&s1, counter, values, n); break;
    case 1: st = n3obs_gauge_bind((n3obs_gauge_series **)&s1, gauge, values, n); break;
    case 2: st = n3obs_histogram_bind((n3obs_histogram_series **)&s1, histogram, values, n); break;
    case 3: st = n3obs_summary_bind((n3obs_summary_series **)&s1, summary, values, n); break;
    case 4: st = n3obs_counter_add_labels(counter, values, n, 1); break;
    case 5: st = n3obs_gauge_set_labels(gauge, values, n, -2.5); break;
    case 6: st = n3obs_gauge_add_labels(gauge, values, n, 1); break;
    case 7: st = n3obs_histogram_observe_labels(histogram, values, n, 0.2); break;
    case 8: st = n3obs_summary_observe_labels(summary, values, n, 0.2); break;
    default: st = n3obs_info_set(info, values, n); break;
    }
    FUZZ_CHECK_STATUS(st, statuses, "op");

    valid = 1;
    for (i = 0; i < n; ++i)
        valid &= fuzz_utf8_valid(values[i]) && strlen(values[i]) <= N3OBS_MAX_LABEL_VALUE_LEN;
    if (n != NLABELS)
        FUZZ_ASSERT(st == N3OBS_E_LABEL_COUNT, "op %d with %zu values gave %d", op, n, st);
    else if (valid)
        FUZZ_ASSERT(st == N3OBS_OK || st == N3OBS_E_NO_MEMORY, "op %d on valid values gave %d", op, st);
    else
        FUZZ_ASSERT(st == N3OBS_E_INVALID_UTF8 || st == N3OBS_E_TOO_LONG,
                    "op %d on values that are not UTF-8 or too long gave %d", op, st);
    if (op < 4)
        FUZZ_ASSERT((st == N3OBS_OK) == (s1 != NULL), "bind: status %d with series %p", st, s1);

    /* The same values bind to the same series. */
    if (st == N3OBS_OK && op < 4) {
        switch (op) {
        case 0:
            FUZZ_ASSERT(n3obs_counter_inc(s1) == N3OBS_OK, "inc");
            st = n3obs_counter_bind((n3obs_counter_series **)&s2, counter, values, n);
            break;
        case 1:
            FUZZ_ASSERT(n3obs_gauge_set(s1, 3) == N3OBS_OK, "set");
            st = n3obs_gauge_bind((n3obs_gauge_series **)&s2, gauge, values, n);
            break;
        case 2:
            FUZZ_ASSERT(n3obs_histogram_observe(s1, 3) == N3OBS_OK, "observe");
            st = n3obs_histogram_bind((n3obs_histogram_series **)&s2, histogram, values, n);
            break;
        default:
            FUZZ_ASSERT(n3obs_summary_observe(s1, 3) == N3OBS_OK, "observe");
            st = n3obs_summary_bind((n3obs_summary_series **)&s2, summary, values, n);
        }
        FUZZ_ASSERT(st == N3OBS_OK && s2 == s1, "binding the same values again gave %d, %p (first %p)", st, s2, s1);
    }
done:
    fuzz_reader_free(&r);
    if ((fuzz_runs + 1) % 4096 == 0)
        fuzz_labelled_check();
    fuzz_after_input(4096);
    return 0;
}
