/*
 * Plugins for test_plugins.c, one source compiled into a different shared object per
 * -DVARIANT_*: good ones that count what they receive into a file, and broken ones.
 */
#define _POSIX_C_SOURCE 200809L
#include <n3obs_exporter.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct state {
    char path[512];
    unsigned long spans, metrics, health, calls, flushes;
} state;

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Rewrites the counts file: spans metrics health calls flushes shutdown-flag. */
static void save(state *s, int shut_down) {
    FILE *f = fopen(s->path, "w");
    if (f == NULL) return;
    fprintf(f, "%lu %lu %lu %lu %lu %d\n", s->spans, s->metrics, s->health, s->calls, s->flushes, shut_down);
    fclose(f);
}

static n3obs_export_result export_spans(void *p, const n3obs_span_batch *batch) {
    state *s = p;
    s->calls++;
#if defined(VARIANT_SLEEPY)
    sleep_ms(1500);
#elif defined(VARIANT_STUCK)
    for (;;) sleep_ms(1000); /* never returns */
#elif defined(VARIANT_SLOW)
    sleep_ms(20);
#elif defined(VARIANT_RETRY)
    save(s, 0);
    return N3OBS_EXPORT_RETRYABLE;
#endif
    s->spans += batch->span_count;
    save(s, 0);
    return N3OBS_EXPORT_SUCCESS;
}

static n3obs_export_result export_metrics(void *p, const n3obs_metrics_snapshot *snap) {
    state *s = p;
    if (snap != NULL && snap->family_count > 0) s->metrics++;
    save(s, 0);
    return N3OBS_EXPORT_SUCCESS;
}

static n3obs_export_result export_health(void *p, const n3obs_health_report *report) {
    state *s = p;
    if (report != NULL) s->health++;
    save(s, 0);
    return N3OBS_EXPORT_SUCCESS;
}

static n3obs_export_result force_flush(void *p, uint32_t timeout_ms) {
    state *s = p;
    (void)timeout_ms;
    s->flushes++;
    save(s, 0);
    return N3OBS_EXPORT_SUCCESS;
}

#ifdef VARIANT_LOGGING
static const n3obs_host *logging_host; /* its shutdown logs too: a line at exit */
#endif

static void shutdown_plugin(void *p, uint32_t timeout_ms) {
    (void)timeout_ms;
#ifdef VARIANT_LOGGING
    logging_host->log(N3OBS_LOG_WARN, "logging", "the plugin shuts down");
#endif
    save(p, 1);
}

static void free_plugin(void *p) { free(p); }

#ifdef VARIANT_NO_ENTRY
int n3obs_something_else(void) { return 0; }
#else
#ifdef VARIANT_NAMED_ENTRY
int n3obs_named_init(const n3obs_host *host, const char *config_json, n3obs_exporter **out,
                     char *error, size_t error_capacity)
#else
int n3obs_exporter_init(const n3obs_host *host, const char *config_json, n3obs_exporter **out,
                        char *error, size_t error_capacity)
#endif
{
    static n3obs_exporter table;
    state *s;
    const char *p;
    if (host == NULL || host->version < 1) return 2;
#ifdef VARIANT_REFUSE
    snprintf(error, error_capacity, "no api_key in the configuration");
    return 3;
#endif
    s = calloc(1, sizeof *s);
    if (s == NULL) return 1;
    /* {"path":"..."}: enough of JSON for a test. */
    p = config_json ? strstr(config_json, "\"path\":\"") : NULL;
    if (p == NULL) {
        snprintf(error, error_capacity, "config needs \"path\"");
        free(s);
        return 4;
    }
    p += 8;
    snprintf(s->path, sizeof s->path, "%.*s", (int)strcspn(p, "\""), p);
    memset(&table, 0, sizeof table);
    table.version = N3OBS_EXPORTER_ABI_VERSION;
    table.size = sizeof table;
    table.name = "counting";
    table.capabilities = N3OBS_EXPORTER_CAP_SPANS | N3OBS_EXPORTER_CAP_METRICS | N3OBS_EXPORTER_CAP_HEALTH;
    table.state = s;
    table.export_spans = export_spans;
    table.export_metrics = export_metrics;
    table.export_health = export_health;
    table.force_flush = force_flush;
    table.shutdown = shutdown_plugin;
    table.free = free_plugin;
#if defined(VARIANT_SLEEPY)
    table.name = "sleepy";
#elif defined(VARIANT_RETRY)
    table.name = "retry";
#elif defined(VARIANT_LOGGING)
    table.name = "logging";
    logging_host = host;
    host->log(N3OBS_LOG_WARN, "logging", "a line from the plugin");
#elif defined(VARIANT_NEW_ABI)
    table.version = N3OBS_EXPORTER_ABI_VERSION + 1;
#elif defined(VARIANT_OLD_ABI)
    table.version = 0;
#elif defined(VARIANT_SMALL_TABLE)
    table.size = 16;
#elif defined(VARIANT_MISSING_CALLBACK)
    table.export_spans = NULL;
#elif defined(VARIANT_NO_TABLE)
    free(s);
    *out = NULL;
    return 0;
#endif
    save(s, 0);
    *out = &table;
    return 0;
}
#endif
