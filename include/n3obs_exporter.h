/*
 * n3obs_exporter.h: the ABI between n3obs and its exporter plugins.
 *
 * A plugin is a shared object with one C entry point. n3obs loads it with
 * dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) and never unloads it, calls the entry point
 * with a table of host functions and the plugin's JSON configuration, and gets back a table
 * of callbacks. Only C types cross the boundary: a plugin may be written in C, Swift or
 * anything that exports a C function, and it does not link libn3obs.so (everything it needs
 * from the SDK is in the host table).
 *
 * Versioning (as sqlite3ext.h): both tables start with a version and a size, and only ever
 * grow at their end; each field says from which ABI version it exists. A plugin reads host
 * fields only when host->size covers them; the host reads callbacks only when
 * exporter->size covers them. N3OBS_EXPORTER_ABI_VERSION rises by one with each addition.
 *
 * Threads: callbacks of one plugin are never called concurrently. They run on the SDK's
 * export threads (one per plugin, so a slow plugin never holds up another), never on an
 * instrumented thread. Data handed to a callback is a snapshot of plain structs, valid
 * only during the call.
 */
#ifndef N3OBS_EXPORTER_H
#define N3OBS_EXPORTER_H

#include "n3obs.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI this header describes. */
#define N3OBS_EXPORTER_ABI_VERSION 1
/** The oldest plugin ABI this host still loads. */
#define N3OBS_EXPORTER_ABI_MIN_VERSION 1

/** What an export callback asks the host to do with the data (OpenTelemetry C++'s
 *  ExportResult). */
typedef enum n3obs_export_result {
    /** Delivered. */
    N3OBS_EXPORT_SUCCESS = 0,
    /** Not delivered and not worth retrying: the host drops it and counts it. */
    N3OBS_EXPORT_FAILURE = 1,
    /** Not delivered now (an endpoint is down): the host retries with capped exponential
     *  backoff while its buffers allow, then drops and counts. */
    N3OBS_EXPORT_RETRYABLE = 2,
    /** The data was refused as invalid: dropped and counted, never retried. */
    N3OBS_EXPORT_INVALID_ARGUMENT = 3
} n3obs_export_result;

/* Capabilities a plugin declares in n3obs_exporter.capabilities. */
/** Receives batches of ended spans (export_spans). */
#define N3OBS_EXPORTER_CAP_SPANS 0x1u
/** Receives a metrics snapshot every OTEL_METRIC_EXPORT_INTERVAL and at shutdown
 *  (export_metrics): a push exporter. */
#define N3OBS_EXPORTER_CAP_METRICS 0x2u
/** Receives the health report with each metrics push (export_health). */
#define N3OBS_EXPORTER_CAP_HEALTH 0x4u
/** Collects metrics itself through host->collect_metrics when asked (a pull exporter, such
 *  as a scrape endpoint); gets no pushes for metrics. */
#define N3OBS_EXPORTER_CAP_PULL 0x8u

/* Levels of host->log: N3OBS_LOG_* of n3obs.h. */

/** What the host offers a plugin. Valid from the entry point's call until the process
 *  exits; every function is thread-safe. */
typedef struct n3obs_host {
    uint32_t version;            /**< the host's N3OBS_EXPORTER_ABI_VERSION */
    uint32_t size;               /**< sizeof(n3obs_host) of the host */

    /* ---- from ABI 1 ---- */
    /** n3obs_metrics_collect and n3obs_metrics_snapshot_free. */
    int (*collect_metrics)(n3obs_metrics_snapshot **out);
    void (*metrics_snapshot_free)(n3obs_metrics_snapshot *snapshot);
    /** n3obs_health_run (runs the checks that are due) and n3obs_health_last_report. */
    int (*health_run)(n3obs_health_report **out);
    int (*health_last_report)(n3obs_health_report **out);
    void (*health_report_free)(n3obs_health_report *report);
    /** n3obs_health_report_json and n3obs_health_json_free. */
    int (*health_report_json)(char **out, const n3obs_health_report *report);
    void (*health_json_free)(char *json);
    /** Writes a line to the SDK's log: n3obs_config.log_sink, else fd 2. */
    void (*log)(int level, const char *plugin_name, const char *message);
    /** Counts items a plugin dropped on its own (a full buffer, a rejected batch):
     *  n3obs_export_dropped_total{exporter,signal,reason}. signal is "spans", "metrics" or
     *  "health". */
    void (*count_dropped)(const char *plugin_name, const char *signal, uint64_t count,
                          const char *reason);
    /** The resource of this process: service.name first, then OTEL_RESOURCE_ATTRIBUTES and
     *  the SDK's own (telemetry.sdk.*). Valid until the process exits. */
    const n3obs_attribute *resource_attributes;
    size_t resource_attribute_count;
    /** The SDK's version string (n3obs_version()). */
    const char *sdk_version;
} n3obs_host;

/** What a plugin gives the host: filled by the entry point, owned by the plugin until the
 *  host calls free (after shutdown). Callbacks the plugin does not support are NULL. */
typedef struct n3obs_exporter {
    uint32_t version;            /**< the plugin's N3OBS_EXPORTER_ABI_VERSION */
    uint32_t size;               /**< sizeof(n3obs_exporter) as the plugin compiled it */

    /* ---- from ABI 1 ---- */
    /** A short name for logs and self-metrics, e.g. "stdout". Valid until free. */
    const char *name;
    /** N3OBS_EXPORTER_CAP_* flags. */
    uint32_t capabilities;
    uint32_t reserved;
    /** The plugin's own state, passed to every callback. */
    void *state;
    n3obs_export_result (*export_spans)(void *state, const n3obs_span_batch *batch);
    n3obs_export_result (*export_metrics)(void *state, const n3obs_metrics_snapshot *snapshot);
    n3obs_export_result (*export_health)(void *state, const n3obs_health_report *report);
    /** Delivers what the plugin buffers, within timeout_ms. */
    n3obs_export_result (*force_flush)(void *state, uint32_t timeout_ms);
    /** Stops: flushes within timeout_ms and releases threads and sockets. Called once. */
    void (*shutdown)(void *state, uint32_t timeout_ms);
    /** Frees state and this table. Called once, last. */
    void (*free)(void *state);
} n3obs_exporter;

/**
 * The entry point every plugin exports, as `n3obs_exporter_init`, or as
 * `n3obs_<name>_init` where <name> is the file name without "lib", "n3obs_" and its
 * extension (libn3obs_stdout.so: n3obs_stdout_init), as SQLite's extensions do.
 *
 * @param host        the host table (check host->version and host->size).
 * @param config_json the plugin's configuration as a JSON object text; "{}" when none.
 * @param out         where to write the plugin's table.
 * @param error       a buffer for a message saying why the plugin refuses to start.
 * @param error_capacity its size in bytes.
 * @return 0 to start; any other value refuses (the host reports the message in error).
 */
typedef int (*n3obs_exporter_init_fn)(const n3obs_host *host, const char *config_json,
                                      n3obs_exporter **out, char *error, size_t error_capacity);

#define N3OBS_EXPORTER_ENTRY_POINT "n3obs_exporter_init"

#ifdef __cplusplus
}
#endif

#endif /* N3OBS_EXPORTER_H */
