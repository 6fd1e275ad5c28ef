/*
 * fuzz_metric_names: family constructors (n3obs_counter_new, gauge_new, histogram_new,
 * summary_new, info_new) with fuzzed names, help, unit, label names and bucket bounds.
 *
 * Input: a type byte (mod 5: counter, gauge, histogram, summary, info), a byte giving the
 * number of bounds (mod 8), that many doubles (8 bytes each), then NUL-separated strings:
 * name, help, unit, and label names (every string after).
 *
 * Invariants: the status is one the header documents; a failure sets *out to NULL with a
 * message; a name, label name or unit outside Prometheus' grammar, an over-long one,
 * help that is not UTF-8 or too many labels are never accepted (an independent reading of
 * the header's rules), and with every rule kept the only refusal is a conflict; an
 * accepted family binds and records, registering it again gives the same family, and the
 * same name as another type is a conflict.
 */
#include "fuzz_common.h"

#define MAX_STRINGS 40

static const int new_statuses[] = {N3OBS_OK,           N3OBS_E_INVALID_ARGUMENT, N3OBS_E_INVALID_NAME,
                                   N3OBS_E_TOO_LONG,   N3OBS_E_INVALID_UTF8,     N3OBS_E_CONFLICT,
                                   N3OBS_E_NO_MEMORY,  N3OBS_E_INVALID_VALUE,    1};
static const int record_statuses[] = {N3OBS_OK, N3OBS_E_NO_MEMORY, 1};

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* [a-zA-Z_:][a-zA-Z0-9_:]* (colon only for metric names), not "__...", at most 255 bytes. */
static int name_ok(const char *s, int colon)
{
    size_t i, n = strlen(s);
    if (n == 0 || n > N3OBS_MAX_NAME_LEN || (s[0] == '_' && s[1] == '_'))
        return 0;
    for (i = 0; i < n; ++i)
        if (!(is_letter(s[i]) || s[i] == '_' || (colon && s[i] == ':') || (i > 0 && is_digit(s[i]))))
            return 0;
    return 1;
}

static int unit_ok(const char *s)
{
    size_t i, n = strlen(s);
    if (n > N3OBS_MAX_NAME_LEN)
        return 0;
    for (i = 0; i < n; ++i)
        if (!(is_letter(s[i]) || is_digit(s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The family name the registry keeps: a counter's "_total" and an info's "_info" are
 * dropped (exporters put them back on the samples). */
static void family_name(int type, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    if (type == 0 && ends_with(name, "_total"))
        n -= 6;
    else if (type == 4 && ends_with(name, "_info"))
        n -= 5;
    if (n >= size)
        n = size - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

static int make(int type, void **out, const n3obs_metric_opts *o, const double *bounds, size_t nbounds)
{
    switch (type) {
    case 0: return n3obs_counter_new((n3obs_counter **)out, o);
    case 1: return n3obs_gauge_new((n3obs_gauge **)out, o);
    case 2: return n3obs_histogram_new((n3obs_histogram **)out, o, nbounds ? bounds : NULL, nbounds);
    case 3: return n3obs_summary_new((n3obs_summary **)out, o, NULL);
    default: return n3obs_info_new((n3obs_info **)out, o);
    }
}

/* Binds the label values "v", ... and records once. */
static void bind_and_record(int type, void *family, size_t label_count)
{
    const char *values[MAX_STRINGS];
    size_t i;
    int st;
    for (i = 0; i < label_count; ++i)
        values[i] = "v";
    switch (type) {
    case 0: {
        n3obs_counter_series *s = NULL;
        st = n3obs_counter_bind(&s, family, values, label_count);
        FUZZ_CHECK_STATUS(st, record_statuses, "n3obs_counter_bind");
        if (st == N3OBS_OK)
            FUZZ_ASSERT(n3obs_counter_inc(s) == N3OBS_OK, "n3obs_counter_inc");
        break;
    }
    case 1: {
        n3obs_gauge_series *s = NULL;
        st = n3obs_gauge_bind(&s, family, values, label_count);
        FUZZ_CHECK_STATUS(st, record_statuses, "n3obs_gauge_bind");
        if (st == N3OBS_OK)
            FUZZ_ASSERT(n3obs_gauge_set(s, 1.5) == N3OBS_OK, "n3obs_gauge_set");
        break;
    }
    case 2: {
        n3obs_histogram_series *s = NULL;
        st = n3obs_histogram_bind(&s, family, values, label_count);
        FUZZ_CHECK_STATUS(st, record_statuses, "n3obs_histogram_bind");
        if (st == N3OBS_OK)
            FUZZ_ASSERT(n3obs_histogram_observe(s, 0.5) == N3OBS_OK, "n3obs_histogram_observe");
        break;
    }
    case 3: {
        n3obs_summary_series *s = NULL;
        st = n3obs_summary_bind(&s, family, values, label_count);
        FUZZ_CHECK_STATUS(st, record_statuses, "n3obs_summary_bind");
        if (st == N3OBS_OK)
            FUZZ_ASSERT(n3obs_summary_observe(s, 0.5) == N3OBS_OK, "n3obs_summary_observe");
        break;
    }
    default:
        st = n3obs_info_set(family, values, label_count);
        FUZZ_CHECK_STATUS(st, record_statuses, "n3obs_info_set");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_start_sdk();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r;
    int type, st, valid, i;
    size_t nbounds, nlabels = 0;
    double bounds[8];
    const char *labels[MAX_STRINGS];
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    void *family = (void *)1, *again = NULL, *other = (void *)1;
    char fname[N3OBS_MAX_NAME_LEN + 1];

    fuzz_reader_init(&r, data, size);
    type = fuzz_u8(&r) % 5;
    nbounds = fuzz_u8(&r) % 8;
    fuzz_bytes(&r, bounds, nbounds * sizeof bounds[0]);
    o.name = fuzz_str(&r);
    o.help = fuzz_str(&r);
    o.unit = fuzz_str(&r);
    while (fuzz_has(&r) && nlabels < MAX_STRINGS)
        labels[nlabels++] = fuzz_str(&r);
    o.label_names = nlabels ? labels : NULL;
    o.label_count = nlabels;

    st = make(type, &family, &o, bounds, nbounds);
    FUZZ_CHECK_STATUS(st, new_statuses, "a family constructor");
    FUZZ_ASSERT((st == N3OBS_OK) == (family != NULL), "status %d with *out %p", st, family);

    /* The header's rules, read independently (bucket bounds aside). */
    family_name(type, o.name, fname, sizeof fname);
    valid = name_ok(fname, 1) && strlen(o.name) <= N3OBS_MAX_NAME_LEN && unit_ok(o.unit)
            && fuzz_utf8_valid(o.help) && strlen(o.help) <= N3OBS_MAX_HELP_LEN && nlabels <= N3OBS_MAX_LABELS;
    for (i = 0; valid && (size_t)i < nlabels; ++i) {
        int j;
        valid = name_ok(labels[i], 0) && !(type == 2 && strcmp(labels[i], "le") == 0)
                && !(type == 3 && strcmp(labels[i], "quantile") == 0);
        for (j = 0; valid && j < i; ++j)
            valid = strcmp(labels[i], labels[j]) != 0;
    }
    if (!valid)
        FUZZ_ASSERT(st != N3OBS_OK, "type %d name \"%s\" unit \"%s\" with %zu labels was accepted against the rules",
                    type, o.name, o.unit, nlabels);
    else if (type != 2 || nbounds == 0)
        FUZZ_ASSERT(st == N3OBS_OK || st == N3OBS_E_CONFLICT || st == N3OBS_E_NO_MEMORY,
                    "type %d name \"%s\" keeps every rule but got %d", type, o.name, st);
    if (st != N3OBS_OK)
        goto done;

    bind_and_record(type, family, nlabels);
    st = make(type, &again, &o, bounds, nbounds);
    FUZZ_ASSERT(st == N3OBS_OK && again == family, "registering type %d \"%s\" again gave %d, %p (first %p)", type,
                o.name, st, again, family);
    /* The kept name as another type: a conflict. (Not a name a counter would shorten;
     * collisions through exposed suffixes are Tests/C/test_name_collisions.c's.) */
    if (!ends_with(fname, "_total")) {
        n3obs_metric_opts o2 = o;
        o2.name = fname;
        st = make(type == 0 ? 1 : 0, &other, &o2, NULL, 0);
        FUZZ_ASSERT(st == N3OBS_E_CONFLICT && other == NULL, "\"%s\" as type %d and as type %d: %d", fname, type,
                    type == 0 ? 1 : 0, st);
    }
done:
    fuzz_reader_free(&r);
    fuzz_after_input(4096);
    return 0;
}
