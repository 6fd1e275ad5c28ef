/*
 * Bad input: every function with every kind of bad argument gets its status and a message,
 * nothing is recorded or created by a refused call, and the process keeps running.
 */
#include "check.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum { T_COUNTER, T_GAUGE, T_HISTOGRAM, T_SUMMARY, T_INFO, T_COUNT };
static const char *const type_fn[T_COUNT] = {"n3obs_counter_new", "n3obs_gauge_new",
                                             "n3obs_histogram_new", "n3obs_summary_new",
                                             "n3obs_info_new"};

static const char *const AB[] = {"a", "b"};
static const char *const XY[] = {"x", "y"};
static const char *const XYZ[] = {"x", "y", "z"};

/* invalid UTF-8: bad byte, bad continuation, overlong "/", lone surrogate U+D800, beyond
 * U+10FFFF, truncated sequence, lone continuation byte, 5-byte form */
static const char *const bad_utf8[] = {
    "\xff", "\xc3\x28", "\xc0\xaf", "\xed\xa0\x80", "ok\xf4\x90\x80\x80",
    "\xe2\x82", "\x80", "\xf8\x88\x80\x80\x80",
};
static const char *const bad_utf8_desc[] = {
    "\\xff", "\\xc3\\x28", "overlong \\xc0\\xaf", "surrogate \\xed\\xa0\\x80",
    "beyond U+10FFFF", "truncated \\xe2\\x82", "lone continuation \\x80", "5-byte form",
};

static char sentinel_obj;
#define SENTINEL ((void *)&sentinel_obj)

static char too_long_name[N3OBS_MAX_NAME_LEN + 2];
static char too_long_value[N3OBS_MAX_LABEL_VALUE_LEN + 2];
static char max_value[N3OBS_MAX_LABEL_VALUE_LEN + 1];
static char too_long_help[N3OBS_MAX_HELP_LEN + 2];

static n3obs_metric_opts mopts(const char *name, const char *const *labels, size_t n)
{
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = name;
    o.help = "bad input test";
    o.label_names = labels;
    o.label_count = n;
    return o;
}

/* Calls the constructor of type t; *nulled tells whether *out was set to NULL. */
static int new_any(int t, const n3obs_metric_opts *o, int *nulled)
{
    n3obs_counter *c = SENTINEL;
    n3obs_gauge *g = SENTINEL;
    n3obs_histogram *h = SENTINEL;
    n3obs_summary *s = SENTINEL;
    n3obs_info *i = SENTINEL;
    int st = N3OBS_E_MISUSE;
    switch (t) {
    case T_COUNTER: st = n3obs_counter_new(&c, o); *nulled = (c == NULL); break;
    case T_GAUGE: st = n3obs_gauge_new(&g, o); *nulled = (g == NULL); break;
    case T_HISTOGRAM: st = n3obs_histogram_new(&h, o, NULL, 0); *nulled = (h == NULL); break;
    case T_SUMMARY: st = n3obs_summary_new(&s, o, NULL); *nulled = (s == NULL); break;
    case T_INFO: st = n3obs_info_new(&i, o); *nulled = (i == NULL); break;
    }
    return st;
}

/* One refused constructor call: its status, *out NULL, and (if mention) the message. */
static void expect_new(int t, const n3obs_metric_opts *o, int want, int want2,
                       const char *mention, const char *what)
{
    int nulled = 0;
    int st = new_any(t, o, &nulled);
    char msg[1024];
    check_copy_error(msg, sizeof msg);
    if (CHECK_ST2(st, want, want2, "%s: %s -> %s", type_fn[t], what, check_status_name(want)) &&
        mention != NULL) {
        CHECK(strstr(msg, mention) != NULL, "%s: %s: message mentions \"%s\" (\"%s\")",
              type_fn[t], what, mention, msg);
    }
    CHECK(nulled, "%s: %s: *out set to NULL", type_fn[t], what);
}

static void test_constructors(void)
{
    static const struct {
        const char *name;
        int want;
        const char *mention;
    } names[] = {
        {"", N3OBS_E_INVALID_NAME, NULL},
        {"9abc", N3OBS_E_INVALID_NAME, "9abc"},
        {"a-b", N3OBS_E_INVALID_NAME, "a-b"},
        {"__reserved", N3OBS_E_INVALID_NAME, "__reserved"},
        {"__", N3OBS_E_INVALID_NAME, NULL},
        {"has space", N3OBS_E_INVALID_NAME, "has space"},
        {"a.b", N3OBS_E_INVALID_NAME, "a.b"},
        {"caf\xc3\xa9", N3OBS_E_INVALID_NAME, NULL},
        {"tab\tname", N3OBS_E_INVALID_NAME, NULL},
    };
    const struct {
        const char *const *labels;
        size_t n;
        int want;
        const char *mention;
        const char *what;
    } lbls[] = {
        {NULL, 2, N3OBS_E_INVALID_ARGUMENT, NULL, "label_names NULL with label_count 2"},
        {(const char *const[]){"a", NULL}, 2, N3OBS_E_INVALID_ARGUMENT, NULL, "a NULL label name"},
        {(const char *const[]){""}, 1, N3OBS_E_INVALID_NAME, NULL, "label name \"\""},
        {(const char *const[]){"9a"}, 1, N3OBS_E_INVALID_NAME, "9a", "label name \"9a\""},
        {(const char *const[]){"a-b"}, 1, N3OBS_E_INVALID_NAME, "a-b", "label name \"a-b\""},
        {(const char *const[]){"a:b"}, 1, N3OBS_E_INVALID_NAME, "a:b", "label name \"a:b\" (colon)"},
        {(const char *const[]){"__x"}, 1, N3OBS_E_INVALID_NAME, "__x", "label name \"__x\""},
        {(const char *const[]){"ok", "x y"}, 2, N3OBS_E_INVALID_NAME, "x y", "label name \"x y\""},
        {(const char *const[]){"dup", "other", "dup"}, 3, N3OBS_E_INVALID_NAME, "dup",
         "duplicate label name \"dup\""},
    };
    char nm[96];
    int t;
    size_t k;
    n3obs_metric_opts o;

    for (t = 0; t < T_COUNT; ++t) {
        /* NULL out and NULL opts */
        o = mopts("bad_ok_name", AB, 2);
        switch (t) {
        case T_COUNTER:
            CHECK_ST(n3obs_counter_new(NULL, &o), N3OBS_E_INVALID_ARGUMENT, "%s: out NULL", type_fn[t]);
            break;
        case T_GAUGE:
            CHECK_ST(n3obs_gauge_new(NULL, &o), N3OBS_E_INVALID_ARGUMENT, "%s: out NULL", type_fn[t]);
            break;
        case T_HISTOGRAM:
            CHECK_ST(n3obs_histogram_new(NULL, &o, NULL, 0), N3OBS_E_INVALID_ARGUMENT,
                     "%s: out NULL", type_fn[t]);
            break;
        case T_SUMMARY:
            CHECK_ST(n3obs_summary_new(NULL, &o, NULL), N3OBS_E_INVALID_ARGUMENT,
                     "%s: out NULL", type_fn[t]);
            break;
        case T_INFO:
            CHECK_ST(n3obs_info_new(NULL, &o), N3OBS_E_INVALID_ARGUMENT, "%s: out NULL", type_fn[t]);
            break;
        }
        expect_new(t, NULL, N3OBS_E_INVALID_ARGUMENT, N3OBS_E_INVALID_ARGUMENT, NULL, "opts NULL");

        o = mopts(NULL, AB, 2);
        expect_new(t, &o, N3OBS_E_INVALID_ARGUMENT, N3OBS_E_INVALID_NAME, NULL, "opts.name NULL");

        for (k = 0; k < ARRAY_LEN(names); ++k) {
            o = mopts(names[k].name, AB, 2);
            snprintf(nm, sizeof nm, "metric name \"%s\"", names[k].name);
            expect_new(t, &o, names[k].want, names[k].want, names[k].mention, nm);
        }
        o = mopts(too_long_name, AB, 2);
        expect_new(t, &o, N3OBS_E_TOO_LONG, N3OBS_E_TOO_LONG, NULL,
                   "metric name of N3OBS_MAX_NAME_LEN + 1 bytes");

        for (k = 0; k < ARRAY_LEN(lbls); ++k) {
            snprintf(nm, sizeof nm, "bad_labels_%d_%zu", t, k);
            o = mopts(nm, lbls[k].labels, lbls[k].n);
            expect_new(t, &o, lbls[k].want, lbls[k].want, lbls[k].mention, lbls[k].what);
        }
        {
            const char *ln[1];
            ln[0] = too_long_name;
            o = mopts("bad_long_label", ln, 1);
            expect_new(t, &o, N3OBS_E_TOO_LONG, N3OBS_E_TOO_LONG, NULL,
                       "label name of N3OBS_MAX_NAME_LEN + 1 bytes");
        }
        {
            const char *many[N3OBS_MAX_LABELS + 1];
            char buf[N3OBS_MAX_LABELS + 1][8];
            for (k = 0; k < N3OBS_MAX_LABELS + 1; ++k) {
                snprintf(buf[k], sizeof buf[k], "l%zu", k);
                many[k] = buf[k];
            }
            o = mopts("bad_many_labels", many, N3OBS_MAX_LABELS + 1);
            expect_new(t, &o, N3OBS_E_TOO_LONG, N3OBS_E_TOO_LONG, NULL,
                       "N3OBS_MAX_LABELS + 1 label names");
        }
        for (k = 0; k < ARRAY_LEN(bad_utf8); ++k) {
            o = mopts("bad_help_utf8", AB, 2);
            o.help = bad_utf8[k];
            snprintf(nm, sizeof nm, "help with invalid UTF-8 (%s)", bad_utf8_desc[k]);
            expect_new(t, &o, N3OBS_E_INVALID_UTF8, N3OBS_E_INVALID_UTF8, NULL, nm);
        }
        o = mopts("bad_help_long", AB, 2);
        o.help = too_long_help;
        expect_new(t, &o, N3OBS_E_TOO_LONG, N3OBS_E_TOO_LONG, NULL,
                   "help of N3OBS_MAX_HELP_LEN + 1 bytes");
        {
            static const char *const ff[] = {"\xff"};
            o = mopts("bad_labels_ff", ff, 1);
            expect_new(t, &o, N3OBS_E_INVALID_NAME, N3OBS_E_INVALID_UTF8, NULL, "label name \\xff");
        }
        o = mopts("bad_unit", AB, 2);
        o.unit = "per-second";
        expect_new(t, &o, N3OBS_E_INVALID_NAME, N3OBS_E_INVALID_ARGUMENT, "per-second",
                   "unit \"per-second\" (not [a-zA-Z0-9_]*)");
        o.unit = "\xff";
        expect_new(t, &o, N3OBS_E_INVALID_NAME, N3OBS_E_INVALID_UTF8, NULL, "unit \\xff");
        o = mopts("bad_opts_size", AB, 2);
        o.size = 0;
        {
            int nulled = 0;
            int st = new_any(t, &o, &nulled);
            CHECK(st != N3OBS_OK && nulled, "%s: opts.size 0 is refused (%s)", type_fn[t],
                  check_status_name(st));
        }
    }

    /* le on histograms, quantile on summaries */
    {
        static const char *const le[] = {"path", "le"};
        static const char *const q[] = {"quantile"};
        o = mopts("bad_hist_le", le, 2);
        expect_new(T_HISTOGRAM, &o, N3OBS_E_INVALID_NAME, N3OBS_E_INVALID_NAME, "le",
                   "label named \"le\"");
        o = mopts("bad_summary_quantile", q, 1);
        expect_new(T_SUMMARY, &o, N3OBS_E_INVALID_NAME, N3OBS_E_INVALID_NAME, "quantile",
                   "label named \"quantile\"");
    }

    /* histogram bounds */
    {
        static const struct {
            double b[4];
            size_t n;
            const char *what;
        } bb[] = {
            {{1, 0.5, 2, 0}, 3, "unsorted bounds 1 0.5 2"},
            {{0.1, 1, 1, 0}, 3, "duplicate bounds 0.1 1 1"},
            {{0.1, 0, 1, 0}, 3, "NaN bound"},
            {{0, 1, 0, 0}, 2, "-Inf bound"},
            {{1, 0, 2, 0}, 3, "+Inf bound not last"},
        };
        double bounds[ARRAY_LEN(bb)][4];
        double many[N3OBS_MAX_BUCKETS + 10];
        n3obs_histogram *h;
        memcpy(bounds[0], bb[0].b, sizeof bounds[0]);
        memcpy(bounds[1], bb[1].b, sizeof bounds[1]);
        memcpy(bounds[2], bb[2].b, sizeof bounds[2]);
        bounds[2][1] = NAN;
        memcpy(bounds[3], bb[3].b, sizeof bounds[3]);
        bounds[3][0] = -INFINITY;
        memcpy(bounds[4], bb[4].b, sizeof bounds[4]);
        bounds[4][1] = INFINITY;
        o = mopts("bad_bounds", AB, 2);
        for (k = 0; k < ARRAY_LEN(bb); ++k) {
            h = SENTINEL;
            CHECK_ST(n3obs_histogram_new(&h, &o, bounds[k], bb[k].n), N3OBS_E_INVALID_VALUE,
                     "n3obs_histogram_new: %s -> N3OBS_E_INVALID_VALUE", bb[k].what);
            CHECK(h == NULL, "n3obs_histogram_new: %s: *out NULL", bb[k].what);
        }
        h = SENTINEL;
        CHECK_ST(n3obs_histogram_new(&h, &o, NULL, 3), N3OBS_E_INVALID_ARGUMENT,
                 "n3obs_histogram_new: bounds NULL with bound_count 3");
        CHECK(h == NULL, "*out NULL");
        {
            n3obs_metric_opts zo = mopts("bad_zero_bounds", AB, 2);
            CHECK_ST(n3obs_histogram_new(&h, &zo, bounds[0], 0), N3OBS_E_INVALID_ARGUMENT,
                     "n3obs_histogram_new: bounds non-NULL with bound_count 0 (a zero bucket list)");
        }
        for (k = 0; k < ARRAY_LEN(many); ++k)
            many[k] = (double)k + 1;
        CHECK_ST(n3obs_histogram_new(&h, &o, many, ARRAY_LEN(many)), N3OBS_E_TOO_LONG,
                 "n3obs_histogram_new: N3OBS_MAX_BUCKETS + 10 bounds -> N3OBS_E_TOO_LONG");
        CHECK(h == NULL, "*out NULL");
    }

    /* summary options */
    {
        static const double gt1[] = {0.5, 1.5};
        static const double neg[] = {-0.1, 0.5};
        static const double unsorted[] = {0.9, 0.5};
        static const double dup[] = {0.5, 0.5};
        double nanq[2];
        double many[N3OBS_MAX_QUANTILES + 1];
        n3obs_summary_opts so = N3OBS_SUMMARY_OPTS_INIT;
        n3obs_summary *s;
        static const struct {
            const double *q;
            size_t n;
            const char *what;
        } qq[] = {
            {gt1, 2, "quantile 1.5 (> 1)"},
            {neg, 2, "quantile -0.1 (< 0)"},
            {unsorted, 2, "unsorted quantiles 0.9 0.5"},
            {dup, 2, "duplicate quantiles 0.5 0.5"},
        };
        o = mopts("bad_summary_opts", AB, 2);
        for (k = 0; k < ARRAY_LEN(qq); ++k) {
            so = (n3obs_summary_opts)N3OBS_SUMMARY_OPTS_INIT;
            so.quantiles = qq[k].q;
            so.quantile_count = qq[k].n;
            s = SENTINEL;
            CHECK_ST(n3obs_summary_new(&s, &o, &so), N3OBS_E_INVALID_VALUE,
                     "n3obs_summary_new: %s -> N3OBS_E_INVALID_VALUE", qq[k].what);
            CHECK(s == NULL, "n3obs_summary_new: %s: *out NULL", qq[k].what);
        }
        nanq[0] = 0.5;
        nanq[1] = NAN;
        so.quantiles = nanq;
        CHECK_ST(n3obs_summary_new(&s, &o, &so), N3OBS_E_INVALID_VALUE,
                 "n3obs_summary_new: NaN quantile -> N3OBS_E_INVALID_VALUE");
        so.quantiles = NULL;
        CHECK_ST(n3obs_summary_new(&s, &o, &so), N3OBS_E_INVALID_ARGUMENT,
                 "n3obs_summary_new: quantiles NULL with quantile_count 2");
        for (k = 0; k < ARRAY_LEN(many); ++k)
            many[k] = (double)(k + 1) / (double)(ARRAY_LEN(many) + 1);
        so.quantiles = many;
        so.quantile_count = ARRAY_LEN(many);
        CHECK_ST(n3obs_summary_new(&s, &o, &so), N3OBS_E_TOO_LONG,
                 "n3obs_summary_new: N3OBS_MAX_QUANTILES + 1 quantiles -> N3OBS_E_TOO_LONG");
        so = (n3obs_summary_opts)N3OBS_SUMMARY_OPTS_INIT;
        so.age_buckets = 65;
        CHECK_ST2(n3obs_summary_new(&s, &o, &so), N3OBS_E_INVALID_VALUE, N3OBS_E_INVALID_ARGUMENT,
                  "n3obs_summary_new: age_buckets 65 (> 64) refused");
        so.age_buckets = 0;
        so.max_age_seconds = -1;
        CHECK_ST2(n3obs_summary_new(&s, &o, &so), N3OBS_E_INVALID_VALUE, N3OBS_E_INVALID_ARGUMENT,
                  "n3obs_summary_new: max_age_seconds -1 refused");
        so.max_age_seconds = NAN;
        CHECK_ST2(n3obs_summary_new(&s, &o, &so), N3OBS_E_INVALID_VALUE, N3OBS_E_INVALID_ARGUMENT,
                  "n3obs_summary_new: max_age_seconds NaN refused");
        so.max_age_seconds = INFINITY;
        CHECK_ST2(n3obs_summary_new(&s, &o, &so), N3OBS_E_INVALID_VALUE, N3OBS_E_INVALID_ARGUMENT,
                  "n3obs_summary_new: max_age_seconds +Inf refused");
        CHECK(s == NULL, "*out NULL");
    }
}

typedef struct fams {
    n3obs_counter *c;
    n3obs_gauge *g;
    n3obs_histogram *h;
    n3obs_summary *s;
    n3obs_info *i;
    n3obs_counter_series *cs;
    n3obs_gauge_series *gs;
    n3obs_histogram_series *hs;
    n3obs_summary_series *ss;
} fams;

static const char *const bind_fn[4] = {"n3obs_counter_bind", "n3obs_gauge_bind",
                                       "n3obs_histogram_bind", "n3obs_summary_bind"};

static int bind_any(const fams *f, int t, const char *const *v, size_t n, int null_out)
{
    n3obs_counter_series *cs;
    n3obs_gauge_series *gs;
    n3obs_histogram_series *hs;
    n3obs_summary_series *ss;
    switch (t) {
    case T_COUNTER: return n3obs_counter_bind(null_out ? NULL : &cs, f->c, v, n);
    case T_GAUGE: return n3obs_gauge_bind(null_out ? NULL : &gs, f->g, v, n);
    case T_HISTOGRAM: return n3obs_histogram_bind(null_out ? NULL : &hs, f->h, v, n);
    case T_SUMMARY: return n3obs_summary_bind(null_out ? NULL : &ss, f->s, v, n);
    }
    return N3OBS_E_MISUSE;
}

/* record by labels: 0 counter_add_labels, 1 gauge_set_labels, 2 gauge_add_labels,
 * 3 histogram_observe_labels, 4 summary_observe_labels, 5 info_set */
static const char *const lab_fn[6] = {"n3obs_counter_add_labels", "n3obs_gauge_set_labels",
                                      "n3obs_gauge_add_labels", "n3obs_histogram_observe_labels",
                                      "n3obs_summary_observe_labels", "n3obs_info_set"};

static int rec_labels(const fams *f, int which, const char *const *v, size_t n, double x)
{
    switch (which) {
    case 0: return n3obs_counter_add_labels(f->c, v, n, x);
    case 1: return n3obs_gauge_set_labels(f->g, v, n, x);
    case 2: return n3obs_gauge_add_labels(f->g, v, n, x);
    case 3: return n3obs_histogram_observe_labels(f->h, v, n, x);
    case 4: return n3obs_summary_observe_labels(f->s, v, n, x);
    case 5: return n3obs_info_set(f->i, v, n);
    }
    return N3OBS_E_MISUSE;
}

static void label_value_cases(const fams *f, const char *fn, int is_bind, int which)
{
    const char *v[2];
    size_t k;
#define CALL(vals, n) (is_bind ? bind_any(f, which, (vals), (n), 0) : rec_labels(f, which, (vals), (n), 1))
    CHECK_ST(CALL(NULL, 2), N3OBS_E_INVALID_ARGUMENT, "%s: label_values NULL with count 2", fn);
    v[0] = "x";
    v[1] = NULL;
    CHECK_ST(CALL(v, 2), N3OBS_E_INVALID_ARGUMENT, "%s: a NULL label value", fn);
    v[0] = NULL;
    v[1] = "y";
    CHECK_ST(CALL(v, 2), N3OBS_E_INVALID_ARGUMENT, "%s: a NULL first label value", fn);
    CHECK_ST(CALL(XY, 1), N3OBS_E_LABEL_COUNT, "%s: 1 value for 2 labels -> N3OBS_E_LABEL_COUNT", fn);
    CHECK_ST(CALL(XYZ, 3), N3OBS_E_LABEL_COUNT,
             "%s: 3 values for 2 labels -> N3OBS_E_LABEL_COUNT", fn);
    CHECK_ST(CALL(NULL, 0), N3OBS_E_LABEL_COUNT, "%s: 0 values for 2 labels -> N3OBS_E_LABEL_COUNT", fn);
    v[0] = "x";
    v[1] = too_long_value;
    CHECK_ST(CALL(v, 2), N3OBS_E_TOO_LONG,
             "%s: label value of N3OBS_MAX_LABEL_VALUE_LEN + 1 bytes -> N3OBS_E_TOO_LONG", fn);
    for (k = 0; k < ARRAY_LEN(bad_utf8); ++k) {
        v[0] = bad_utf8[k];
        v[1] = "y";
        CHECK_ST(CALL(v, 2), N3OBS_E_INVALID_UTF8, "%s: label value %s -> N3OBS_E_INVALID_UTF8", fn,
                 bad_utf8_desc[k]);
    }
#undef CALL
}

static void test_bind_and_record(fams *f)
{
    int t, w;

    for (t = 0; t < 4; ++t) {
        CHECK_ST(bind_any(f, t, XY, 2, 1), N3OBS_E_INVALID_ARGUMENT, "%s: out NULL", bind_fn[t]);
        label_value_cases(f, bind_fn[t], 1, t);
    }
    {
        n3obs_counter_series *cs;
        n3obs_gauge_series *gs;
        n3obs_histogram_series *hs;
        n3obs_summary_series *ss;
        CHECK_ST(n3obs_counter_bind(&cs, NULL, XY, 2), N3OBS_E_INVALID_ARGUMENT, "counter_bind: family NULL");
        CHECK_ST(n3obs_gauge_bind(&gs, NULL, XY, 2), N3OBS_E_INVALID_ARGUMENT, "gauge_bind: family NULL");
        CHECK_ST(n3obs_histogram_bind(&hs, NULL, XY, 2), N3OBS_E_INVALID_ARGUMENT,
                 "histogram_bind: family NULL");
        CHECK_ST(n3obs_summary_bind(&ss, NULL, XY, 2), N3OBS_E_INVALID_ARGUMENT, "summary_bind: family NULL");
        /* a family handle of another type */
        CHECK_ST(n3obs_counter_bind(&cs, (n3obs_counter *)f->g, XY, 2), N3OBS_E_MISUSE,
                 "counter_bind with a gauge family -> N3OBS_E_MISUSE");
        CHECK_ST(n3obs_gauge_bind(&gs, (n3obs_gauge *)f->c, XY, 2), N3OBS_E_MISUSE,
                 "gauge_bind with a counter family -> N3OBS_E_MISUSE");
        CHECK_ST(n3obs_histogram_bind(&hs, (n3obs_histogram *)f->s, XY, 2), N3OBS_E_MISUSE,
                 "histogram_bind with a summary family -> N3OBS_E_MISUSE");
        CHECK_ST(n3obs_summary_bind(&ss, (n3obs_summary *)f->h, XY, 2), N3OBS_E_MISUSE,
                 "summary_bind with a histogram family -> N3OBS_E_MISUSE");
        CHECK_ST(n3obs_counter_bind(&cs, (n3obs_counter *)f->cs, XY, 2), N3OBS_E_MISUSE,
                 "counter_bind with a counter series as family -> N3OBS_E_MISUSE");
        CHECK_ST(n3obs_gauge_bind(&gs, (n3obs_gauge *)f->i, XY, 2), N3OBS_E_MISUSE,
                 "gauge_bind with an info family -> N3OBS_E_MISUSE");
    }

    for (w = 0; w < 6; ++w)
        label_value_cases(f, lab_fn[w], 0, w);
    CHECK_ST(n3obs_counter_add_labels(NULL, XY, 2, 1), N3OBS_E_INVALID_ARGUMENT, "counter_add_labels: family NULL");
    CHECK_ST(n3obs_gauge_set_labels(NULL, XY, 2, 1), N3OBS_E_INVALID_ARGUMENT, "gauge_set_labels: family NULL");
    CHECK_ST(n3obs_gauge_add_labels(NULL, XY, 2, 1), N3OBS_E_INVALID_ARGUMENT, "gauge_add_labels: family NULL");
    CHECK_ST(n3obs_histogram_observe_labels(NULL, XY, 2, 1), N3OBS_E_INVALID_ARGUMENT,
             "histogram_observe_labels: family NULL");
    CHECK_ST(n3obs_summary_observe_labels(NULL, XY, 2, 1), N3OBS_E_INVALID_ARGUMENT,
             "summary_observe_labels: family NULL");
    CHECK_ST(n3obs_info_set(NULL, XY, 2), N3OBS_E_INVALID_ARGUMENT, "info_set: family NULL");
    CHECK_ST(n3obs_counter_add_labels((n3obs_counter *)f->g, XY, 2, 1), N3OBS_E_MISUSE,
             "counter_add_labels with a gauge family -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_gauge_set_labels((n3obs_gauge *)f->c, XY, 2, 1), N3OBS_E_MISUSE,
             "gauge_set_labels with a counter family -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_gauge_add_labels((n3obs_gauge *)f->h, XY, 2, 1), N3OBS_E_MISUSE,
             "gauge_add_labels with a histogram family -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_histogram_observe_labels((n3obs_histogram *)f->s, XY, 2, 1), N3OBS_E_MISUSE,
             "histogram_observe_labels with a summary family -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_summary_observe_labels((n3obs_summary *)f->h, XY, 2, 1), N3OBS_E_MISUSE,
             "summary_observe_labels with a histogram family -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_info_set((n3obs_info *)f->c, XY, 2), N3OBS_E_MISUSE,
             "info_set with a counter family -> N3OBS_E_MISUSE");

    /* invalid values, by labels (existing series) */
    CHECK_ST(n3obs_counter_add_labels(f->c, XY, 2, NAN), N3OBS_E_INVALID_VALUE, "counter_add_labels NaN");
    CHECK_ST(n3obs_counter_add_labels(f->c, XY, 2, -1), N3OBS_E_INVALID_VALUE, "counter_add_labels -1");
    CHECK_ST(n3obs_counter_add_labels(f->c, XY, 2, INFINITY), N3OBS_E_INVALID_VALUE,
             "counter_add_labels +Inf");
    CHECK_ST(n3obs_gauge_add_labels(f->g, XY, 2, NAN), N3OBS_E_INVALID_VALUE, "gauge_add_labels NaN");
    CHECK_ST(n3obs_gauge_add_labels(f->g, XY, 2, -INFINITY), N3OBS_E_INVALID_VALUE,
             "gauge_add_labels -Inf");
    CHECK_ST(n3obs_histogram_observe_labels(f->h, XY, 2, NAN), N3OBS_E_INVALID_VALUE,
             "histogram_observe_labels NaN");
    CHECK_ST(n3obs_summary_observe_labels(f->s, XY, 2, NAN), N3OBS_E_INVALID_VALUE,
             "summary_observe_labels NaN");
    CHECK_ST(n3obs_summary_observe_labels(f->s, XY, 2, INFINITY), N3OBS_E_INVALID_VALUE,
             "summary_observe_labels +Inf");

    /* recording into bound series */
    CHECK_ST(n3obs_counter_add(NULL, 1), N3OBS_E_INVALID_ARGUMENT, "counter_add: series NULL");
    CHECK_ST(n3obs_counter_inc(NULL), N3OBS_E_INVALID_ARGUMENT, "counter_inc: series NULL");
    CHECK_ST(n3obs_gauge_set(NULL, 1), N3OBS_E_INVALID_ARGUMENT, "gauge_set: series NULL");
    CHECK_ST(n3obs_gauge_add(NULL, 1), N3OBS_E_INVALID_ARGUMENT, "gauge_add: series NULL");
    CHECK_ST(n3obs_histogram_observe(NULL, 1), N3OBS_E_INVALID_ARGUMENT, "histogram_observe: series NULL");
    CHECK_ST(n3obs_summary_observe(NULL, 1), N3OBS_E_INVALID_ARGUMENT, "summary_observe: series NULL");

    CHECK_ST(n3obs_counter_add(f->cs, NAN), N3OBS_E_INVALID_VALUE, "counter_add NaN -> N3OBS_E_INVALID_VALUE");
    CHECK_MSG_CI("nan", "counter_add NaN: message mentions NaN");
    CHECK_ST(n3obs_counter_add(f->cs, INFINITY), N3OBS_E_INVALID_VALUE, "counter_add +Inf");
    CHECK_ST(n3obs_counter_add(f->cs, -INFINITY), N3OBS_E_INVALID_VALUE, "counter_add -Inf");
    CHECK_ST(n3obs_counter_add(f->cs, -1), N3OBS_E_INVALID_VALUE, "counter_add -1");
    CHECK_ST(n3obs_counter_add(f->cs, -0.5), N3OBS_E_INVALID_VALUE, "counter_add -0.5");
    CHECK_ST(n3obs_counter_add(f->cs, -1e-300), N3OBS_E_INVALID_VALUE, "counter_add -1e-300");
    CHECK_ST(n3obs_gauge_add(f->gs, NAN), N3OBS_E_INVALID_VALUE, "gauge_add NaN");
    CHECK_ST(n3obs_gauge_add(f->gs, INFINITY), N3OBS_E_INVALID_VALUE, "gauge_add +Inf");
    CHECK_ST(n3obs_gauge_add(f->gs, -INFINITY), N3OBS_E_INVALID_VALUE, "gauge_add -Inf");
    CHECK_ST(n3obs_histogram_observe(f->hs, NAN), N3OBS_E_INVALID_VALUE, "histogram_observe NaN");
    CHECK_ST(n3obs_summary_observe(f->ss, NAN), N3OBS_E_INVALID_VALUE, "summary_observe NaN");
    CHECK_ST(n3obs_summary_observe(f->ss, INFINITY), N3OBS_E_INVALID_VALUE, "summary_observe +Inf");
    CHECK_ST(n3obs_summary_observe(f->ss, -INFINITY), N3OBS_E_INVALID_VALUE, "summary_observe -Inf");

    /* a series handle of another type */
    CHECK_ST(n3obs_counter_add((n3obs_counter_series *)f->gs, 1), N3OBS_E_MISUSE,
             "counter_add with a gauge series -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_counter_inc((n3obs_counter_series *)f->gs), N3OBS_E_MISUSE,
             "counter_inc with a gauge series -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_counter_inc((n3obs_counter_series *)f->hs), N3OBS_E_MISUSE,
             "counter_inc with a histogram series -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_gauge_set((n3obs_gauge_series *)f->cs, 1), N3OBS_E_MISUSE,
             "gauge_set with a counter series -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_gauge_add((n3obs_gauge_series *)f->cs, 1), N3OBS_E_MISUSE,
             "gauge_add with a counter series -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_histogram_observe((n3obs_histogram_series *)f->ss, 1), N3OBS_E_MISUSE,
             "histogram_observe with a summary series -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_summary_observe((n3obs_summary_series *)f->hs, 1), N3OBS_E_MISUSE,
             "summary_observe with a histogram series -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_summary_observe((n3obs_summary_series *)f->cs, 1), N3OBS_E_MISUSE,
             "summary_observe with a counter series -> N3OBS_E_MISUSE");
    /* a family handle passed as a series */
    CHECK_ST(n3obs_counter_inc((n3obs_counter_series *)f->c), N3OBS_E_MISUSE,
             "counter_inc with the counter family handle -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_gauge_set((n3obs_gauge_series *)f->g, 1), N3OBS_E_MISUSE,
             "gauge_set with the gauge family handle -> N3OBS_E_MISUSE");

    CHECK_ST(n3obs_metrics_collect(NULL), N3OBS_E_INVALID_ARGUMENT, "metrics_collect(NULL)");
}

static void test_catalog_bad(void)
{
    n3obs_execution ex;
    size_t k;
    CHECK_ST(n3obs_catalog_record_error(NULL, "t", "s"), N3OBS_E_INVALID_ARGUMENT, "record_error: component NULL");
    CHECK_ST(n3obs_catalog_record_error("c", NULL, "s"), N3OBS_E_INVALID_ARGUMENT, "record_error: error_type NULL");
    CHECK_ST(n3obs_catalog_record_error("c", "t", NULL), N3OBS_E_INVALID_ARGUMENT, "record_error: severity NULL");
    CHECK_ST(n3obs_catalog_record_security_validation(NULL, "r"), N3OBS_E_INVALID_ARGUMENT,
             "record_security_validation: validation_type NULL");
    CHECK_ST(n3obs_catalog_record_security_validation("v", NULL), N3OBS_E_INVALID_ARGUMENT,
             "record_security_validation: result NULL");
    CHECK_ST(n3obs_catalog_set_worker_pool_size(NULL, "n", 1), N3OBS_E_INVALID_ARGUMENT,
             "set_worker_pool_size: pool_name NULL");
    CHECK_ST(n3obs_catalog_set_worker_pool_size("p", NULL, 1), N3OBS_E_INVALID_ARGUMENT,
             "set_worker_pool_size: node NULL");
    CHECK_ST(n3obs_catalog_set_task_queue_length(NULL, "p", 1), N3OBS_E_INVALID_ARGUMENT,
             "set_task_queue_length: queue_name NULL");
    CHECK_ST(n3obs_catalog_set_task_queue_length("q", NULL, 1), N3OBS_E_INVALID_ARGUMENT,
             "set_task_queue_length: priority NULL");
    for (k = 0; k < ARRAY_LEN(bad_utf8); ++k) {
        CHECK_ST(n3obs_catalog_record_error("c", bad_utf8[k], "s"), N3OBS_E_INVALID_UTF8,
                 "record_error: %s", bad_utf8_desc[k]);
        CHECK_ST(n3obs_catalog_record_security_validation(bad_utf8[k], "r"), N3OBS_E_INVALID_UTF8,
                 "record_security_validation: %s", bad_utf8_desc[k]);
        CHECK_ST(n3obs_catalog_set_worker_pool_size("p", bad_utf8[k], 1), N3OBS_E_INVALID_UTF8,
                 "set_worker_pool_size: %s", bad_utf8_desc[k]);
        CHECK_ST(n3obs_catalog_set_task_queue_length(bad_utf8[k], "p", 1), N3OBS_E_INVALID_UTF8,
                 "set_task_queue_length: %s", bad_utf8_desc[k]);
    }
    CHECK_ST(n3obs_catalog_record_error(too_long_value, "t", "s"), N3OBS_E_TOO_LONG, "record_error: too long");
    CHECK_ST(n3obs_catalog_record_security_validation("v", too_long_value), N3OBS_E_TOO_LONG,
             "record_security_validation: too long");
    CHECK_ST(n3obs_catalog_set_worker_pool_size(too_long_value, "n", 1), N3OBS_E_TOO_LONG,
             "set_worker_pool_size: too long");
    CHECK_ST(n3obs_catalog_set_task_queue_length("q", too_long_value, 1), N3OBS_E_TOO_LONG,
             "set_task_queue_length: too long");

    CHECK_ST(n3obs_execution_begin(NULL, "c", "s"), N3OBS_E_INVALID_ARGUMENT, "execution_begin: execution NULL");
    CHECK_ST(n3obs_execution_begin(&ex, NULL, "s"), N3OBS_E_INVALID_ARGUMENT, "execution_begin: component NULL");
    CHECK_ST(n3obs_execution_begin(&ex, "c", NULL), N3OBS_E_INVALID_ARGUMENT, "execution_begin: strategy NULL");
    CHECK_ST(n3obs_execution_begin(&ex, "\xc0\xaf", "s"), N3OBS_E_INVALID_UTF8, "execution_begin: invalid UTF-8");
    CHECK_ST(n3obs_execution_begin(&ex, "c", too_long_value), N3OBS_E_TOO_LONG, "execution_begin: too long");
    CHECK_ST(n3obs_execution_end(&ex, "success"), N3OBS_E_MISUSE,
             "execution_end of a failed begin -> N3OBS_E_MISUSE");
    CHECK_ST2(n3obs_execution_end(NULL, "success"), N3OBS_E_INVALID_ARGUMENT, N3OBS_E_MISUSE,
              "execution_end(NULL) refused");
    memset(&ex, 0, sizeof ex);
    CHECK_ST(n3obs_execution_end(&ex, "success"), N3OBS_E_MISUSE, "execution_end of a zeroed struct");
}

static void check_intact(const fams *f, const char *when)
{
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_family_data *fd;
    const n3obs_series_data *s;
    (void)f;
    CHECK_OK(n3obs_metrics_collect(&snap), "%s: collect", when);
    fd = snap_family(snap, "bad_c");
    s = fam_series(fd, XY, 2);
    CHECK(fd && fd->series_count == 1 && s && s->value == 3, "%s: counter still 3, one series", when);
    fd = snap_family(snap, "bad_g");
    s = fam_series(fd, XY, 2);
    CHECK(fd && fd->series_count == 1 && s && s->value == 4, "%s: gauge still 4, one series", when);
    fd = snap_family(snap, "bad_h");
    s = fam_series(fd, XY, 2);
    CHECK(fd && fd->series_count == 1 && s && s->count == 1 && s->sum == 1.5 &&
              s->bucket_count == 3 && s->buckets[1].cumulative_count == 1 &&
              s->buckets[2].cumulative_count == 1,
          "%s: histogram still count 1 sum 1.5, one series", when);
    fd = snap_family(snap, "bad_s");
    s = fam_series(fd, XY, 2);
    CHECK(fd && fd->series_count == 1 && s && s->count == 1 && s->sum == 2,
          "%s: summary still count 1 sum 2, one series", when);
    fd = snap_family(snap, "bad_i");
    CHECK(fd && fd->series_count == 1 && fam_series(fd, XY, 2) != NULL,
          "%s: info still one series", when);
    {
        size_t i;
        int valid = 1;
        char left[512] = "";
        for (i = 0; snap && i < snap->family_count; ++i)
            if (!is_valid_metric_name(snap->families[i].name) ||
                strncmp(snap->families[i].name, "bad_labels", 10) == 0 ||
                strncmp(snap->families[i].name, "bad_help", 8) == 0 ||
                strcmp(snap->families[i].name, "bad_bounds") == 0 ||
                strcmp(snap->families[i].name, "bad_summary_opts") == 0 ||
                strcmp(snap->families[i].name, "bad_unit") == 0) {
                valid = 0;
                strncat(left, " ", sizeof left - strlen(left) - 1);
                strncat(left, snap->families[i].name, sizeof left - strlen(left) - 1);
            }
        if (!CHECK(valid, "%s: no refused constructor left a family behind", when))
            printf("#   families that should not exist:%s\n", left);
    }
    n3obs_metrics_snapshot_free(snap);
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    fams f;
    n3obs_metric_opts o;
    static const double hb[] = {1, 2};

    memset(too_long_name, 'n', N3OBS_MAX_NAME_LEN + 1);
    memset(too_long_value, 'v', N3OBS_MAX_LABEL_VALUE_LEN + 1);
    memset(max_value, 'v', N3OBS_MAX_LABEL_VALUE_LEN);
    memset(too_long_help, 'h', N3OBS_MAX_HELP_LEN + 1);

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "n3obs_init");
    memset(&f, 0, sizeof f);
    o = mopts("bad_c_total", AB, 2);
    CHECK_OK(n3obs_counter_new(&f.c, &o), "counter bad_c_total");
    o = mopts("bad_g", AB, 2);
    CHECK_OK(n3obs_gauge_new(&f.g, &o), "gauge bad_g");
    o = mopts("bad_h", AB, 2);
    CHECK_OK(n3obs_histogram_new(&f.h, &o, hb, 2), "histogram bad_h");
    o = mopts("bad_s", AB, 2);
    CHECK_OK(n3obs_summary_new(&f.s, &o, NULL), "summary bad_s");
    o = mopts("bad_i", AB, 2);
    CHECK_OK(n3obs_info_new(&f.i, &o), "info bad_i");
    CHECK_OK(n3obs_counter_bind(&f.cs, f.c, XY, 2), "bind counter");
    CHECK_OK(n3obs_gauge_bind(&f.gs, f.g, XY, 2), "bind gauge");
    CHECK_OK(n3obs_histogram_bind(&f.hs, f.h, XY, 2), "bind histogram");
    CHECK_OK(n3obs_summary_bind(&f.ss, f.s, XY, 2), "bind summary");
    CHECK_OK(n3obs_counter_add(f.cs, 3), "counter 3");
    CHECK_OK(n3obs_gauge_set(f.gs, 4), "gauge 4");
    CHECK_OK(n3obs_histogram_observe(f.hs, 1.5), "histogram 1.5");
    CHECK_OK(n3obs_summary_observe(f.ss, 2), "summary 2");
    CHECK_OK(n3obs_info_set(f.i, XY, 2), "info set");
    check_intact(&f, "before bad input");

    /* the limit itself is accepted (in its own family, to keep bad_c at one series) */
    {
        n3obs_counter *mc = NULL;
        const char *v[2];
        o = mopts("bad_max_value_total", AB, 2);
        v[0] = max_value;
        v[1] = "";
        CHECK_OK(n3obs_counter_new(&mc, &o), "counter bad_max_value_total");
        CHECK_OK(n3obs_counter_add_labels(mc, v, 2, 1), "label value of exactly N3OBS_MAX_LABEL_VALUE_LEN bytes");
    }

    test_constructors();
    test_bind_and_record(&f);
    test_catalog_bad();
    check_intact(&f, "after bad input");
    CHECK(n3obs_is_running() == 1, "still running after all bad input");

    /* Unknown handles last: a library that dereferences them blindly would crash here. */
    {
        static uint64_t zeros[64];
        printf("# unknown handles (a zeroed buffer) next\n");
        fflush(stdout);
        CHECK_ST(n3obs_counter_inc((n3obs_counter_series *)(void *)zeros), N3OBS_E_MISUSE,
                 "counter_inc with an unknown handle (zeroed memory) -> N3OBS_E_MISUSE");
        CHECK_ST(n3obs_gauge_set((n3obs_gauge_series *)(void *)zeros, 1), N3OBS_E_MISUSE,
                 "gauge_set with an unknown handle -> N3OBS_E_MISUSE");
        CHECK_ST(n3obs_counter_add_labels((n3obs_counter *)(void *)zeros, XY, 2, 1), N3OBS_E_MISUSE,
                 "counter_add_labels with an unknown family handle -> N3OBS_E_MISUSE");
        check_intact(&f, "after unknown handles");
    }
    return check_finish();
}
