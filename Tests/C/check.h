/*
 * check.h: the few helpers the C tests share.
 *
 * Every check prints one TAP-like line, "ok N - description" or "not ok N - description",
 * and on failure the file:line, expected and actual values and n3obs_error_last().
 * check_finish() prints the plan "1..N" and returns the exit status for main.
 *
 * Status checks expecting an error also require a non-empty n3obs_error_last(): the header
 * promises a message for every failure.
 */
#ifndef N3OBS_TEST_CHECK_H
#define N3OBS_TEST_CHECK_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n3obs.h"

static int check_count;
static int check_failures;

static inline const char *check_status_name(int st)
{
    switch (st) {
    case N3OBS_OK: return "N3OBS_OK";
    case N3OBS_E_INVALID_ARGUMENT: return "N3OBS_E_INVALID_ARGUMENT";
    case N3OBS_E_INVALID_NAME: return "N3OBS_E_INVALID_NAME";
    case N3OBS_E_LABEL_COUNT: return "N3OBS_E_LABEL_COUNT";
    case N3OBS_E_CONFLICT: return "N3OBS_E_CONFLICT";
    case N3OBS_E_NOT_INITIALIZED: return "N3OBS_E_NOT_INITIALIZED";
    case N3OBS_E_SHUTDOWN: return "N3OBS_E_SHUTDOWN";
    case N3OBS_E_MISUSE: return "N3OBS_E_MISUSE";
    case N3OBS_E_NO_MEMORY: return "N3OBS_E_NO_MEMORY";
    case N3OBS_E_INVALID_UTF8: return "N3OBS_E_INVALID_UTF8";
    case N3OBS_E_TOO_LONG: return "N3OBS_E_TOO_LONG";
    case N3OBS_E_INVALID_VALUE: return "N3OBS_E_INVALID_VALUE";
    case N3OBS_E_CONFIG: return "N3OBS_E_CONFIG";
    case N3OBS_E_PLUGIN_NOT_FOUND: return "N3OBS_E_PLUGIN_NOT_FOUND";
    case N3OBS_E_PLUGIN_NOT_LOADABLE: return "N3OBS_E_PLUGIN_NOT_LOADABLE";
    case N3OBS_E_PLUGIN_NO_ENTRY: return "N3OBS_E_PLUGIN_NO_ENTRY";
    case N3OBS_E_PLUGIN_ABI: return "N3OBS_E_PLUGIN_ABI";
    case N3OBS_E_PLUGIN_REFUSED: return "N3OBS_E_PLUGIN_REFUSED";
    case N3OBS_E_PLUGIN_TABLE: return "N3OBS_E_PLUGIN_TABLE";
    case N3OBS_E_PLUGIN_UNSAFE: return "N3OBS_E_PLUGIN_UNSAFE";
    case N3OBS_E_TIMEOUT: return "N3OBS_E_TIMEOUT";
    default: return "(unknown status)";
    }
}

static inline void check_vline(int ok, const char *fmt, va_list ap)
{
    ++check_count;
    if (!ok)
        ++check_failures;
    printf("%s %d - ", ok ? "ok" : "not ok", check_count);
    vprintf(fmt, ap);
    printf("\n");
    /* unbuffered in effect: a crash must not swallow the lines before it */
    fflush(stdout);
}

static inline void check_line(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
}

/* Copies the thread's last message so that later n3obs calls cannot invalidate it. */
static inline void check_copy_error(char *buf, size_t cap)
{
    const char *m = n3obs_error_last();
    if (m == NULL) {
        snprintf(buf, cap, "(n3obs_error_last() returned NULL)");
        return;
    }
    snprintf(buf, cap, "%s", m);
}

static inline int check_status_impl(const char *file, int line, int st, int exp1, int exp2,
                                     const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    int ok = (st == exp1 || st == exp2);
    int empty_msg = 0;
    check_copy_error(msg, sizeof msg);
    if (ok && st != N3OBS_OK && msg[0] == '\0') {
        ok = 0;
        empty_msg = 1;
    }
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok) {
        if (empty_msg) {
            printf("#   %s:%d: status %s as expected but n3obs_error_last() is empty\n", file,
                   line, check_status_name(st));
        } else if (exp1 == exp2) {
            printf("#   %s:%d: expected %s (%d), got %s (%d)\n", file, line,
                   check_status_name(exp1), exp1, check_status_name(st), st);
        } else {
            printf("#   %s:%d: expected %s (%d) or %s (%d), got %s (%d)\n", file, line,
                   check_status_name(exp1), exp1, check_status_name(exp2), exp2,
                   check_status_name(st), st);
        }
        printf("#   n3obs_error_last(): \"%s\"\n", msg);
    }
    return ok;
}

/* CHECK(cond, fmt, ...): a plain condition. */
#define CHECK(cond, ...) check_cond_impl(__FILE__, __LINE__, (cond) ? 1 : 0, #cond, __VA_ARGS__)

static inline int check_cond_impl(const char *file, int line, int ok, const char *text,
                                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok) {
        char msg[1024];
        check_copy_error(msg, sizeof msg);
        printf("#   %s:%d: failed: %s\n", file, line, text);
        printf("#   n3obs_error_last(): \"%s\"\n", msg);
    }
    return ok;
}

/* CHECK_ST(expr, expected, fmt, ...): expr returns a status that must equal expected. */
#define CHECK_ST(expr, expected, ...) \
    check_status_impl(__FILE__, __LINE__, (expr), (expected), (expected), __VA_ARGS__)
/* CHECK_ST2: either of two statuses is acceptable (the header allows both readings). */
#define CHECK_ST2(expr, exp1, exp2, ...) \
    check_status_impl(__FILE__, __LINE__, (expr), (exp1), (exp2), __VA_ARGS__)
#define CHECK_OK(expr, ...) CHECK_ST((expr), N3OBS_OK, __VA_ARGS__)

static inline int check_dbl_impl(const char *file, int line, double got, double want,
                                 double tol, const char *fmt, ...)
{
    va_list ap;
    int ok;
    if (isnan(want))
        ok = isnan(got);
    else if (isinf(want))
        ok = (got == want);
    else
        ok = (fabs(got - want) <= tol);
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok)
        printf("#   %s:%d: expected %.17g (tolerance %g), got %.17g\n", file, line, want, tol,
               got);
    return ok;
}

/* CHECK_DBL(got, want, fmt, ...): exact (NaN matches NaN). CHECK_NEAR with a tolerance. */
#define CHECK_DBL(got, want, ...) \
    check_dbl_impl(__FILE__, __LINE__, (double)(got), (double)(want), 0.0, __VA_ARGS__)
#define CHECK_NEAR(got, want, tol, ...) \
    check_dbl_impl(__FILE__, __LINE__, (double)(got), (double)(want), (tol), __VA_ARGS__)

static inline int check_u64_impl(const char *file, int line, uint64_t got, uint64_t want,
                                 const char *fmt, ...)
{
    va_list ap;
    int ok = (got == want);
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok)
        printf("#   %s:%d: expected %llu, got %llu\n", file, line, (unsigned long long)want,
               (unsigned long long)got);
    return ok;
}

#define CHECK_U64(got, want, ...) \
    check_u64_impl(__FILE__, __LINE__, (uint64_t)(got), (uint64_t)(want), __VA_ARGS__)

static inline int check_str_impl(const char *file, int line, const char *got, const char *want,
                                 const char *fmt, ...)
{
    va_list ap;
    int ok = (got != NULL && want != NULL && strcmp(got, want) == 0);
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok)
        printf("#   %s:%d: expected \"%s\", got %s%s%s\n", file, line, want ? want : "(null)",
               got ? "\"" : "", got ? got : "(null)", got ? "\"" : "");
    return ok;
}

#define CHECK_STR(got, want, ...) check_str_impl(__FILE__, __LINE__, (got), (want), __VA_ARGS__)

/* The thread's last message contains needle. */
static inline int check_msg_impl(const char *file, int line, const char *needle,
                                 const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    int ok;
    check_copy_error(msg, sizeof msg);
    ok = (strstr(msg, needle) != NULL);
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok)
        printf("#   %s:%d: n3obs_error_last() \"%s\" does not mention \"%s\"\n", file, line,
               msg, needle);
    return ok;
}

#define CHECK_MSG(needle, ...) check_msg_impl(__FILE__, __LINE__, (needle), __VA_ARGS__)

/* The same, ignoring ASCII case; needle in lower case. */
static inline int check_msg_ci_impl(const char *file, int line, const char *needle,
                                    const char *fmt, ...)
{
    va_list ap;
    char msg[1024], low[1024];
    size_t i;
    int ok;
    check_copy_error(msg, sizeof msg);
    for (i = 0; msg[i] && i + 1 < sizeof low; ++i)
        low[i] = (msg[i] >= 'A' && msg[i] <= 'Z') ? (char)(msg[i] - 'A' + 'a') : msg[i];
    low[i] = '\0';
    ok = (strstr(low, needle) != NULL);
    va_start(ap, fmt);
    check_vline(ok, fmt, ap);
    va_end(ap);
    if (!ok)
        printf("#   %s:%d: n3obs_error_last() \"%s\" does not mention \"%s\"\n", file, line,
               msg, needle);
    return ok;
}

#define CHECK_MSG_CI(needle, ...) check_msg_ci_impl(__FILE__, __LINE__, (needle), __VA_ARGS__)

static inline int check_finish(void)
{
    printf("1..%d\n", check_count);
    if (check_failures)
        printf("# %d of %d checks failed\n", check_failures, check_count);
    fflush(stdout);
    return check_failures ? 1 : 0;
}

/* ------------------------------------------------------------------------------------ */
/* Snapshot helpers                                                                       */
/* ------------------------------------------------------------------------------------ */

static inline const n3obs_family_data *snap_family(const n3obs_metrics_snapshot *s,
                                                   const char *name)
{
    size_t i;
    if (s == NULL || s->families == NULL)
        return NULL;
    for (i = 0; i < s->family_count; ++i)
        if (s->families[i].name != NULL && strcmp(s->families[i].name, name) == 0)
            return &s->families[i];
    return NULL;
}

/* The non-overflow series whose label values equal values[0..n). */
static inline const n3obs_series_data *fam_series(const n3obs_family_data *f,
                                                  const char *const *values, size_t n)
{
    size_t i, j;
    if (f == NULL || f->series == NULL || n != f->label_count)
        return NULL;
    for (i = 0; i < f->series_count; ++i) {
        const n3obs_series_data *s = &f->series[i];
        int match = !s->is_overflow;
        for (j = 0; match && j < n; ++j)
            match = (s->label_values != NULL && s->label_values[j] != NULL &&
                     strcmp(s->label_values[j], values[j]) == 0);
        if (match)
            return s;
    }
    return NULL;
}

static inline const n3obs_series_data *fam_overflow(const n3obs_family_data *f)
{
    size_t i;
    if (f == NULL || f->series == NULL)
        return NULL;
    for (i = 0; i < f->series_count; ++i)
        if (f->series[i].is_overflow)
            return &f->series[i];
    return NULL;
}

static inline size_t fam_overflow_count(const n3obs_family_data *f)
{
    size_t i, n = 0;
    if (f == NULL || f->series == NULL)
        return 0;
    for (i = 0; i < f->series_count; ++i)
        if (f->series[i].is_overflow)
            ++n;
    return n;
}

/* Values of one series read from a fresh snapshot. found is 0 when the family or series is
 * missing or collect failed. */
typedef struct series_read {
    int found;
    int status;
    double value;
    uint64_t count;
    double sum;
    size_t bucket_count;
    size_t quantile_count;
} series_read;

static inline series_read read_series(const char *family, const char *const *values, size_t n)
{
    series_read r;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_series_data *s;
    memset(&r, 0, sizeof r);
    r.value = NAN;
    r.sum = NAN;
    r.status = n3obs_metrics_collect(&snap);
    if (r.status != N3OBS_OK || snap == NULL)
        return r;
    s = fam_series(snap_family(snap, family), values, n);
    if (s != NULL) {
        r.found = 1;
        r.value = s->value;
        r.count = s->count;
        r.sum = s->sum;
        r.bucket_count = s->bucket_count;
        r.quantile_count = s->quantile_count;
    }
    n3obs_metrics_snapshot_free(snap);
    return r;
}

/* Value of a series (NaN if missing). */
static inline double read_value(const char *family, const char *const *values, size_t n)
{
    series_read r = read_series(family, values, n);
    return r.found ? r.value : NAN;
}

/* Whether a metric name matches [a-zA-Z_:][a-zA-Z0-9_:]* and does not start with "__". */
static inline int is_valid_metric_name(const char *s)
{
    size_t i;
    if (s == NULL || s[0] == '\0' || (s[0] == '_' && s[1] == '_'))
        return 0;
    for (i = 0; s[i]; ++i) {
        char c = s[i];
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        int digit = (c >= '0' && c <= '9');
        if (!(alpha || (i > 0 && digit)))
            return 0;
    }
    return 1;
}

#endif /* N3OBS_TEST_CHECK_H */
