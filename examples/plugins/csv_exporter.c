/*
 * csv_exporter.c: an n3obs exporter plugin written in C. It appends one CSV row per metric
 * series and one per span to files named in its configuration:
 *
 *   {"metrics_path": "/tmp/metrics.csv", "spans_path": "/tmp/spans.csv"}
 *
 * A key left out is taken from N3OBS_CSV_METRICS_PATH or N3OBS_CSV_SPANS_PATH (so that
 * N3OBS_EXPORTERS=csv works without code); a signal without a file is not exported, and
 * with neither file the plugin refuses to start. A new or empty file gets a header row.
 *
 *   metrics: time,family,type,labels,value,count,sum
 *            labels as name=value pairs joined by ';'; value for counters, gauges and
 *            info, count and sum for histograms and summaries
 *   spans:   trace_id,span_id,parent_span_id,name,start_unix_nano,end_unix_nano,status,
 *            status_description
 *
 * Build (see examples/plugins/README.md):
 *   cc -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude -shared -fPIC \
 *      examples/plugins/csv_exporter.c -o libn3obs_csv.so
 *
 * It shows the whole ABI in one file: the entry point, checking the host table's version
 * and size, a plugin table that owns its state, and export results.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "n3obs_exporter.h"

#define CSV_EXPORT __attribute__((visibility("default")))

/* The plugin's state. The table comes first so that one allocation holds both and
 * free(state) releases everything. */
typedef struct csv_plugin {
    n3obs_exporter table;
    const n3obs_host *host;
    FILE *metrics;
    FILE *spans;
    int shut_down;
} csv_plugin;

/* ---- host helpers ---------------------------------------------------------------- */

/* A host field may be used only when the host's table is large enough to hold it. */
#define HOST_HAS(host, field) \
    ((host)->size >= offsetof(n3obs_host, field) + sizeof((host)->field))

static void csv_log(const csv_plugin *p, int level, const char *message)
{
    if (p->host != NULL && HOST_HAS(p->host, log) && p->host->log != NULL)
        p->host->log(level, "csv", message);
    else
        fprintf(stderr, "n3obs csv: %s\n", message);
}

static void set_error(char *error, size_t capacity, const char *fmt, ...)
{
    va_list ap;
    if (error == NULL || capacity == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(error, capacity, fmt, ap);
    va_end(ap);
}

/* ---- the config: a tiny JSON object reader for two string keys -------------------- */

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        ++s;
    return s;
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xE0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* Reads a JSON string at s (which points at '"'). When out is not NULL, stores a malloc'd
 * copy with escapes resolved (\uXXXX within the BMP, no surrogates). Returns the position
 * after the closing quote, or NULL when the string is malformed. */
static const char *read_string(const char *s, char **out)
{
    const char *start = ++s;
    char *buf = NULL;
    size_t n = 0;
    while (*s != '"') {
        if (*s == '\0' || (unsigned char)*s < 0x20)
            return NULL;
        if (*s == '\\') {
            ++s;
            if (*s == 'u') {
                unsigned cp = 0;
                int i;
                for (i = 1; i <= 4; ++i) {
                    char c = s[i];
                    cp <<= 4;
                    if (c >= '0' && c <= '9') cp |= (unsigned)(c - '0');
                    else if (c >= 'a' && c <= 'f') cp |= (unsigned)(c - 'a' + 10);
                    else if (c >= 'A' && c <= 'F') cp |= (unsigned)(c - 'A' + 10);
                    else return NULL;
                }
                if (cp >= 0xD800 && cp <= 0xDFFF)
                    return NULL;
                s += 4;
            } else if (strchr("\"\\/bfnrt", *s) == NULL || *s == '\0') {
                return NULL;
            }
        }
        ++s;
    }
    if (out != NULL) {
        const char *r = start;
        /* escapes only ever shrink: the raw length is enough */
        buf = malloc((size_t)(s - start) + 1);
        if (buf == NULL)
            return NULL;
        while (r < s) {
            if (*r != '\\') {
                buf[n++] = *r++;
                continue;
            }
            ++r;
            switch (*r) {
            case 'b': buf[n++] = '\b'; break;
            case 'f': buf[n++] = '\f'; break;
            case 'n': buf[n++] = '\n'; break;
            case 'r': buf[n++] = '\r'; break;
            case 't': buf[n++] = '\t'; break;
            case 'u':
                put_utf8(buf, &n, (unsigned)strtoul((char[5]){ r[1], r[2], r[3], r[4], 0 }, NULL, 16));
                r += 4;
                break;
            default: buf[n++] = *r; break;
            }
            ++r;
        }
        buf[n] = '\0';
        *out = buf;
    }
    return s + 1;
}

/* Skips any JSON value; returns the position after it or NULL. */
static const char *skip_value(const char *s)
{
    int depth = 0;
    s = skip_ws(s);
    do {
        if (*s == '"') {
            s = read_string(s, NULL);
            if (s == NULL)
                return NULL;
        } else if (*s == '{' || *s == '[') {
            ++depth;
            ++s;
        } else if (*s == '}' || *s == ']') {
            if (--depth < 0)
                return NULL;
            ++s;
        } else if (*s == '\0') {
            return NULL;
        } else if (depth == 0) {
            /* a number or literal: up to the next delimiter */
            const char *start = s;
            while (*s != '\0' && *s != ',' && *s != '}' && *s != ']' && *s != ' ' &&
                   *s != '\t' && *s != '\n' && *s != '\r')
                ++s;
            return s > start ? s : NULL;
        } else {
            ++s;   /* inside a container: commas, colons, numbers, literals */
        }
    } while (depth > 0);
    return s;
}

/* Parses {"metrics_path": "...", "spans_path": "..."}; other keys are ignored. Returns 0,
 * or -1 with a message in error. */
static int parse_config(const char *json, char **metrics_path, char **spans_path, char *error,
                        size_t capacity)
{
    const char *s = skip_ws(json != NULL ? json : "");
    if (*s == '\0')
        return 0;
    if (*s != '{') {
        set_error(error, capacity, "csv: config must be a JSON object");
        return -1;
    }
    s = skip_ws(s + 1);
    if (*s == '}' && *skip_ws(s + 1) == '\0')
        return 0;
    for (;;) {
        char *key = NULL;
        char **target;
        if (*s != '"' || (s = read_string(s, &key)) == NULL) {
            set_error(error, capacity, "csv: config: expected a string key");
            return -1;
        }
        s = skip_ws(s);
        if (*s != ':') {
            set_error(error, capacity, "csv: config: expected ':' after \"%s\"", key);
            free(key);
            return -1;
        }
        s = skip_ws(s + 1);
        target = strcmp(key, "metrics_path") == 0 ? metrics_path
                 : strcmp(key, "spans_path") == 0 ? spans_path : NULL;
        if (target != NULL) {
            char *value = NULL;
            if (*s != '"' || (s = read_string(s, &value)) == NULL) {
                set_error(error, capacity, "csv: config key \"%s\" must be a string", key);
                free(key);
                return -1;
            }
            free(*target);
            *target = value;
        } else if ((s = skip_value(s)) == NULL) {
            set_error(error, capacity, "csv: config: malformed value of \"%s\"", key);
            free(key);
            return -1;
        }
        free(key);
        s = skip_ws(s);
        if (*s == ',') {
            s = skip_ws(s + 1);
            continue;
        }
        if (*s == '}' && *skip_ws(s + 1) == '\0')
            return 0;
        set_error(error, capacity, "csv: config: expected ',' or '}' after a value");
        return -1;
    }
}

/* ---- CSV writing ------------------------------------------------------------------- */

/* A field, quoted as RFC 4180 says when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
    if (s == NULL)
        s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; ++s) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The shortest of %.15g/%.17g that reads back as the same double; NaN and infinities as
 * Prometheus spells them. */
static void csv_double(FILE *f, double v)
{
    char buf[40];
    if (isnan(v)) { fputs("NaN", f); return; }
    if (isinf(v)) { fputs(v > 0 ? "+Inf" : "-Inf", f); return; }
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, f);
}

static void csv_time(FILE *f, int64_t unix_nano)
{
    time_t secs = (time_t)(unix_nano / 1000000000);
    long ms = (long)((unix_nano % 1000000000) / 1000000);
    struct tm tm;
    char buf[32];
    if (ms < 0) { ms += 1000; --secs; }
    if (gmtime_r(&secs, &tm) == NULL || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
        fprintf(f, "%lld", (long long)unix_nano);
        return;
    }
    fprintf(f, "%s.%03ldZ", buf, ms);
}

static void csv_hex(FILE *f, const uint8_t *bytes, size_t n)
{
    size_t i;
    for (i = 0; i < n; ++i)
        fprintf(f, "%02x", bytes[i]);
}

static const char *type_name(n3obs_metric_type t)
{
    switch (t) {
    case N3OBS_METRIC_COUNTER: return "counter";
    case N3OBS_METRIC_GAUGE: return "gauge";
    case N3OBS_METRIC_HISTOGRAM: return "histogram";
    case N3OBS_METRIC_SUMMARY: return "summary";
    case N3OBS_METRIC_INFO: return "info";
    default: return "unknown";
    }
}

static const char *status_name(int32_t code)
{
    switch (code) {
    case N3OBS_STATUS_UNSET: return "UNSET";
    case N3OBS_STATUS_OK: return "OK";
    case N3OBS_STATUS_ERROR: return "ERROR";
    default: return "UNKNOWN";
    }
}

/* Opens path for appending and writes header when the file is empty. */
static FILE *open_csv(const char *path, const char *header, char *error, size_t capacity)
{
    FILE *f = fopen(path, "a");
    if (f == NULL) {
        set_error(error, capacity, "csv: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) == 0) {
        fputs(header, f);
        fflush(f);
    }
    return f;
}

/* Flushes a file at the end of an export and says how it went. */
static n3obs_export_result finish(csv_plugin *p, FILE *f, const char *what)
{
    char msg[160];
    if (fflush(f) == 0 && !ferror(f))
        return N3OBS_EXPORT_SUCCESS;
    snprintf(msg, sizeof msg, "writing %s failed: %s", what, strerror(errno));
    csv_log(p, N3OBS_LOG_ERROR, msg);
    clearerr(f);
    return N3OBS_EXPORT_FAILURE;
}

/* ---- callbacks ----------------------------------------------------------------------- */

static n3obs_export_result csv_export_metrics(void *state, const n3obs_metrics_snapshot *snap)
{
    csv_plugin *p = state;
    size_t i, j, k;
    if (p == NULL || snap == NULL)
        return N3OBS_EXPORT_INVALID_ARGUMENT;
    if (p->shut_down || p->metrics == NULL)
        return N3OBS_EXPORT_FAILURE;
    for (i = 0; snap->families != NULL && i < snap->family_count; ++i) {
        const n3obs_family_data *fam = &snap->families[i];
        for (j = 0; fam->series != NULL && j < fam->series_count; ++j) {
            const n3obs_series_data *s = &fam->series[j];
            FILE *f = p->metrics;
            char *labels = NULL;
            size_t len = 0;
            FILE *lf = NULL;
            csv_time(f, snap->time_unix_nano);
            fputc(',', f);
            csv_field(f, fam->name);
            fprintf(f, ",%s,", type_name(fam->type));
            /* labels as name=value;name=value, then quoted as one field */
            lf = open_memstream(&labels, &len);
            if (lf != NULL) {
                for (k = 0; fam->label_names != NULL && k < fam->label_count; ++k) {
                    const char *v = s->label_values != NULL ? s->label_values[k] : NULL;
                    fprintf(lf, "%s%s=%s", k ? ";" : "", fam->label_names[k] ? fam->label_names[k] : "",
                            v ? v : "");
                }
                if (s->is_overflow)
                    fprintf(lf, "%sotel_metric_overflow=true", fam->label_count ? ";" : "");
                fclose(lf);
                csv_field(f, labels);
                free(labels);
            }
            fputc(',', f);
            if (fam->type == N3OBS_METRIC_HISTOGRAM || fam->type == N3OBS_METRIC_SUMMARY) {
                fprintf(f, ",%llu,", (unsigned long long)s->count);
                csv_double(f, s->sum);
            } else {
                csv_double(f, s->value);
                fputs(",,", f);
            }
            fputc('\n', f);
        }
    }
    return finish(p, p->metrics, "metrics");
}

static n3obs_export_result csv_export_spans(void *state, const n3obs_span_batch *batch)
{
    csv_plugin *p = state;
    size_t i, stride;
    static const uint8_t zero[8] = { 0 };
    if (p == NULL || batch == NULL)
        return N3OBS_EXPORT_INVALID_ARGUMENT;
    if (p->shut_down || p->spans == NULL)
        return N3OBS_EXPORT_FAILURE;
    if (batch->span_count == 0 || batch->spans == NULL)
        return N3OBS_EXPORT_SUCCESS;
    /* Step by the library's struct size: a newer library may have appended fields. */
    stride = batch->spans[0].size;
    if (stride < sizeof(n3obs_span_data))
        return N3OBS_EXPORT_INVALID_ARGUMENT;
    for (i = 0; i < batch->span_count; ++i) {
        const n3obs_span_data *s =
            (const n3obs_span_data *)(const void *)((const char *)batch->spans + i * stride);
        FILE *f = p->spans;
        csv_hex(f, s->trace_id, 16);
        fputc(',', f);
        csv_hex(f, s->span_id, 8);
        fputc(',', f);
        if (memcmp(s->parent_span_id, zero, 8) != 0)
            csv_hex(f, s->parent_span_id, 8);
        fputc(',', f);
        csv_field(f, s->name);
        fprintf(f, ",%lld,%lld,%s,", (long long)s->start_time_unix_nano,
                (long long)s->end_time_unix_nano, status_name(s->status_code));
        csv_field(f, s->status_description);
        fputc('\n', f);
    }
    return finish(p, p->spans, "spans");
}

static n3obs_export_result csv_force_flush(void *state, uint32_t timeout_ms)
{
    csv_plugin *p = state;
    (void)timeout_ms;
    if (p == NULL)
        return N3OBS_EXPORT_INVALID_ARGUMENT;
    if ((p->metrics && fflush(p->metrics) != 0) || (p->spans && fflush(p->spans) != 0))
        return N3OBS_EXPORT_FAILURE;
    return N3OBS_EXPORT_SUCCESS;
}

static void csv_shutdown(void *state, uint32_t timeout_ms)
{
    csv_plugin *p = state;
    (void)timeout_ms;
    if (p == NULL || p->shut_down)
        return;
    p->shut_down = 1;
    if (p->metrics) fclose(p->metrics);
    if (p->spans) fclose(p->spans);
    p->metrics = p->spans = NULL;
}

static void csv_free(void *state)
{
    csv_shutdown(state, 0);
    free(state);
}

/* ---- the entry point ---------------------------------------------------------------- */

CSV_EXPORT int n3obs_exporter_init(const n3obs_host *host, const char *config_json,
                                   n3obs_exporter **out, char *error, size_t error_capacity);

CSV_EXPORT int n3obs_exporter_init(const n3obs_host *host, const char *config_json,
                                   n3obs_exporter **out, char *error, size_t error_capacity)
{
    char *metrics_path = NULL, *spans_path = NULL;
    csv_plugin *p;

    if (out == NULL) {
        set_error(error, error_capacity, "csv: out is NULL");
        return -1;
    }
    *out = NULL;
    if (host == NULL || host->version < 1 || host->size < offsetof(n3obs_host, collect_metrics)) {
        set_error(error, error_capacity, "csv: the host table is missing or too old");
        return -1;
    }
    if (parse_config(config_json, &metrics_path, &spans_path, error, error_capacity) != 0) {
        free(metrics_path);
        free(spans_path);
        return -1;
    }
    /* Loaded by name through N3OBS_EXPORTERS the plugin gets "{}": the environment fills in. */
    if (metrics_path == NULL && getenv("N3OBS_CSV_METRICS_PATH") && *getenv("N3OBS_CSV_METRICS_PATH"))
        metrics_path = strdup(getenv("N3OBS_CSV_METRICS_PATH"));
    if (spans_path == NULL && getenv("N3OBS_CSV_SPANS_PATH") && *getenv("N3OBS_CSV_SPANS_PATH"))
        spans_path = strdup(getenv("N3OBS_CSV_SPANS_PATH"));
    if (metrics_path == NULL && spans_path == NULL) {
        set_error(error, error_capacity,
                  "csv: nothing to write: give \"metrics_path\" and/or \"spans_path\" in the "
                  "config, e.g. {\"metrics_path\": \"metrics.csv\"}, or set "
                  "N3OBS_CSV_METRICS_PATH / N3OBS_CSV_SPANS_PATH");
        return -1;
    }
    p = calloc(1, sizeof *p);
    if (p == NULL) {
        set_error(error, error_capacity, "csv: out of memory");
        free(metrics_path);
        free(spans_path);
        return -1;
    }
    p->host = host;
    if (metrics_path != NULL)
        p->metrics = open_csv(metrics_path, "time,family,type,labels,value,count,sum\n", error,
                              error_capacity);
    if (spans_path != NULL && (metrics_path == NULL || p->metrics != NULL))
        p->spans = open_csv(spans_path,
                            "trace_id,span_id,parent_span_id,name,start_unix_nano,"
                            "end_unix_nano,status,status_description\n",
                            error, error_capacity);
    if ((metrics_path != NULL && p->metrics == NULL) || (spans_path != NULL && p->spans == NULL)) {
        csv_free(p);
        free(metrics_path);
        free(spans_path);
        return -1;
    }
    free(metrics_path);
    free(spans_path);

    p->table.version = N3OBS_EXPORTER_ABI_VERSION;
    p->table.size = (uint32_t)sizeof(n3obs_exporter);
    p->table.name = "csv";
    p->table.capabilities = (p->spans ? N3OBS_EXPORTER_CAP_SPANS : 0u) |
                            (p->metrics ? N3OBS_EXPORTER_CAP_METRICS : 0u);
    p->table.state = p;
    p->table.export_spans = p->spans ? csv_export_spans : NULL;
    p->table.export_metrics = p->metrics ? csv_export_metrics : NULL;
    p->table.export_health = NULL;
    p->table.force_flush = csv_force_flush;
    p->table.shutdown = csv_shutdown;
    p->table.free = csv_free;
    *out = &p->table;
    return 0;
}
