/*
 * A minimal exporter plugin for the Python binding's tests: appends one line per ended
 * span ("span <pid> <name> <trace_id hex> <span_id hex> <parent hex>") to the file named by
 * the "path" key of its JSON configuration. Built by tests/conftest.py with cc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "n3obs_exporter.h"

typedef struct {
    char path[1024];
} state_t;

static void hex(char *out, const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

static n3obs_export_result export_spans(void *s, const n3obs_span_batch *batch) {
    state_t *st = s;
    FILE *f = fopen(st->path, "a");
    if (!f) return N3OBS_EXPORT_FAILURE;
    for (size_t i = 0; i < batch->span_count; i++) {
        const n3obs_span_data *d = &batch->spans[i];
        char t[33], id[17], p[17];
        hex(t, d->trace_id, 16); hex(id, d->span_id, 8); hex(p, d->parent_span_id, 8);
        fprintf(f, "span %ld %s %s %s %s\n", (long)getpid(), d->name, t, id, p);
    }
    fclose(f);
    return N3OBS_EXPORT_SUCCESS;
}

static n3obs_export_result flush(void *s, uint32_t timeout_ms) { (void)s; (void)timeout_ms; return N3OBS_EXPORT_SUCCESS; }
static void stop(void *s, uint32_t timeout_ms) { (void)s; (void)timeout_ms; }
static void release(void *s) { free(s); }

int n3obs_pyrecord_init(const n3obs_host *host, const char *config_json, n3obs_exporter **out,
                        char *error, size_t error_capacity) {
    (void)host;
    const char *k = strstr(config_json, "\"path\":\"");
    if (!k) { snprintf(error, error_capacity, "config needs \"path\""); return 1; }
    k += 8;
    const char *e = strchr(k, '"');
    state_t *st = calloc(1, sizeof *st);
    n3obs_exporter *x = calloc(1, sizeof *x);
    if (!st || !x || !e || (size_t)(e - k) >= sizeof st->path) { free(st); free(x); return 1; }
    memcpy(st->path, k, (size_t)(e - k));
    x->version = N3OBS_EXPORTER_ABI_VERSION;
    x->size = sizeof *x;
    x->name = "pyrecord";
    x->capabilities = N3OBS_EXPORTER_CAP_SPANS;
    x->state = st;
    x->export_spans = export_spans;
    x->force_flush = flush;
    x->shutdown = stop;
    x->free = release;
    *out = x;
    return 0;
}
