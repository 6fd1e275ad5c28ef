/*
 * fuzz_common.h: what the libFuzzer targets of Tests/fuzz share.
 *
 * An input is read as a stream: bytes, and NUL-terminated strings (a C string cannot hold
 * a NUL, so NUL is the natural field separator; the seed corpus uses it too).
 *
 * Each target checks the library's invariants and abort()s on a broken one, so libFuzzer
 * saves the input: every call returns N3OBS_OK or a negative status the header documents
 * for that function, a failure comes with a message, and a counter recorded at start-up
 * keeps its exact value whatever the inputs do (checked every few thousand inputs and at
 * exit).
 */
#ifndef N3OBS_FUZZ_COMMON_H
#define N3OBS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n3obs.h"

/* Breaks an invariant: print why and abort, so that libFuzzer keeps the input. */
#define FUZZ_FAIL(...)                                                             \
    do {                                                                           \
        fprintf(stderr, "fuzz invariant broken at %s:%d: ", __FILE__, __LINE__);   \
        fprintf(stderr, __VA_ARGS__);                                              \
        fprintf(stderr, " (n3obs_error_last: \"%s\")\n", n3obs_error_last());      \
        abort();                                                                   \
    } while (0)

#define FUZZ_ASSERT(cond, ...)      \
    do {                            \
        if (!(cond))                \
            FUZZ_FAIL(__VA_ARGS__); \
    } while (0)

/* ---- reading the input ---- */

typedef struct fuzz_reader {
    const uint8_t *p;
    size_t left;
    /* Strings handed out, freed by fuzz_reader_free: each is a NUL-terminated copy. */
    char *strings[256];
    size_t nstrings;
} fuzz_reader;

static inline void fuzz_reader_init(fuzz_reader *r, const uint8_t *data, size_t size)
{
    r->p = data;
    r->left = size;
    r->nstrings = 0;
}

static inline int fuzz_has(const fuzz_reader *r) { return r->left > 0; }

static inline uint8_t fuzz_u8(fuzz_reader *r)
{
    if (r->left == 0)
        return 0;
    r->left--;
    return *r->p++;
}

/* n bytes into out (zero-filled past the end of the input). */
static inline void fuzz_bytes(fuzz_reader *r, void *out, size_t n)
{
    size_t k = n < r->left ? n : r->left;
    memset(out, 0, n);
    memcpy(out, r->p, k);
    r->p += k;
    r->left -= k;
}

/* The bytes up to the next NUL (or the end), as a fresh NUL-terminated heap string: ASan
 * then sees any read past its end. Returns "" (static) when the reader ran out of slots. */
static inline const char *fuzz_str(fuzz_reader *r)
{
    const uint8_t *nul = memchr(r->p, 0, r->left);
    size_t n = nul ? (size_t)(nul - r->p) : r->left;
    char *s;
    if (r->nstrings == sizeof r->strings / sizeof r->strings[0])
        return "";
    s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n + (nul ? 1 : 0);
    r->left -= n + (nul ? 1 : 0);
    r->strings[r->nstrings++] = s;
    return s;
}

static inline void fuzz_reader_free(fuzz_reader *r)
{
    size_t i;
    for (i = 0; i < r->nstrings; ++i)
        free(r->strings[i]);
    r->nstrings = 0;
}

/* ---- oracles ---- */

/* Strict UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, at most U+10FFFF. */
static inline int fuzz_utf8_valid(const char *str)
{
    const uint8_t *s = (const uint8_t *)str;
    while (*s) {
        uint8_t c = *s;
        int n, i;
        uint32_t cp;
        if (c < 0x80) {
            s++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (i = 1; i <= n; ++i) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        s += n + 1;
    }
    return 1;
}

/* A status is one of the list (terminated by 1, which no status is). */
static inline int fuzz_status_in(int st, const int *allowed)
{
    for (; *allowed != 1; ++allowed)
        if (st == *allowed)
            return 1;
    return 0;
}

/* Every failure says why (the header promises a message), in UTF-8 like every string of
 * the API, even when it quotes input that was not. */
#define FUZZ_CHECK_STATUS(st, allowed, what)                                                   \
    do {                                                                                       \
        int st_ = (st);                                                                        \
        FUZZ_ASSERT(fuzz_status_in(st_, allowed), "%s returned %d (%s), not a documented status", \
                    what, st_, n3obs_errstr(st_));                                             \
        FUZZ_ASSERT(st_ == N3OBS_OK || n3obs_error_last()[0] != '\0', "%s failed with %d but no message", \
                    what, st_);                                                                \
        FUZZ_ASSERT(st_ == N3OBS_OK || fuzz_utf8_valid(n3obs_error_last()),                    \
                    "%s failed with %d and a message that is not UTF-8", what, st_);           \
    } while (0)

/* ---- the SDK and the sentinel counter ---- */

#define FUZZ_SENTINEL_NAME "fuzz_sentinel"
#define FUZZ_SENTINEL_VALUE 4242.0

static unsigned long fuzz_runs;

/* The sentinel's total as collected now; -1 when it is not found. */
static inline double fuzz_sentinel_read(void)
{
    n3obs_metrics_snapshot *snap = NULL;
    double v = -1;
    size_t i;
    int st = n3obs_metrics_collect(&snap);
    FUZZ_ASSERT(st == N3OBS_OK && snap, "n3obs_metrics_collect returned %d", st);
    for (i = 0; i < snap->family_count; ++i) {
        const n3obs_family_data *f = &snap->families[i];
        if (strcmp(f->name, FUZZ_SENTINEL_NAME) == 0 && f->type == N3OBS_METRIC_COUNTER &&
            f->series_count == 1)
            v = f->series[0].value;
    }
    n3obs_metrics_snapshot_free(snap);
    return v;
}

static inline void fuzz_sentinel_check(void)
{
    double v = fuzz_sentinel_read();
    FUZZ_ASSERT(v == FUZZ_SENTINEL_VALUE, "the sentinel counter reads %.17g, not %.17g", v,
                FUZZ_SENTINEL_VALUE);
}

/* After each input: the sentinel every `every` inputs (collecting is the costly part). */
static inline void fuzz_after_input(unsigned long every)
{
    if (++fuzz_runs % every == 0)
        fuzz_sentinel_check();
}

static void fuzz_at_exit(void) { fuzz_sentinel_check(); }

/* Starts the SDK without exporters, health threads or environment, and records the
 * sentinel. Spans are all sampled, so attribute calls do their work. */
static inline void fuzz_start_sdk(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *c = NULL;
    n3obs_counter_series *s = NULL;
    int st;
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    cfg.service_name = "n3obs-fuzz";
    cfg.traces_sampler = "always_on";
    cfg.health_builtins_off = N3OBS_HEALTH_BUILTIN_ALL;
    st = n3obs_init(&cfg);
    FUZZ_ASSERT(st == N3OBS_OK, "n3obs_init returned %d", st);
    o.name = FUZZ_SENTINEL_NAME;
    o.help = "must keep its value whatever the fuzzer does";
    FUZZ_ASSERT(n3obs_counter_new(&c, &o) == N3OBS_OK, "sentinel family");
    FUZZ_ASSERT(n3obs_counter_bind(&s, c, NULL, 0) == N3OBS_OK, "sentinel series");
    FUZZ_ASSERT(n3obs_counter_add(s, FUZZ_SENTINEL_VALUE - 1) == N3OBS_OK, "sentinel add");
    FUZZ_ASSERT(n3obs_counter_inc(s) == N3OBS_OK, "sentinel inc");
    fuzz_sentinel_check();
    atexit(fuzz_at_exit);
}

#endif
