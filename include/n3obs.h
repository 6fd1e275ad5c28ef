/*
 * n3obs.h: the published C API of n3obs, an instrumentation SDK.
 *
 * A function that is not declared in this file is not part of the API.
 *
 * Conventions (see also README.md):
 *  - Every function returns an int status: N3OBS_OK (0) or a negative N3OBS_E_* code.
 *    Constructors write their result through an out-parameter placed first.
 *  - On failure, n3obs_error_last() returns a message for the calling thread that says
 *    what was wrong. The status is authoritative; the message explains it.
 *  - Handles are opaque. Metric families and series live until the process exits, so a
 *    series handle stays valid after n3obs_shutdown (recording then returns
 *    N3OBS_E_SHUTDOWN and changes nothing).
 *  - Strings are NUL-terminated UTF-8. Names are at most N3OBS_MAX_NAME_LEN bytes, label
 *    values at most N3OBS_MAX_LABEL_VALUE_LEN bytes, help texts at most
 *    N3OBS_MAX_HELP_LEN bytes; longer input is refused with N3OBS_E_TOO_LONG.
 *  - Unless a function says otherwise it is thread-safe.
 *  - Structs a caller fills or receives alone start with a size and grow only at their end.
 *    Structs handed out in arrays (family, series, bucket, quantile, attribute, event and
 *    link data) are indexed by their size, so they are frozen for an ABI version: new
 *    fields for them come with a new N3OBS_ABI_VERSION. n3obs_span_data is the exception:
 *    step through a batch by spans[0].size.
 *  - No argument can crash the process: NULL pointers, bad names, NaN, over-long or
 *    invalid UTF-8 strings and calls before n3obs_init or after n3obs_shutdown each
 *    return a status.
 */
#ifndef N3OBS_H
#define N3OBS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define N3OBS_API __declspec(dllimport)
#elif defined(__GNUC__) && !defined(__clang__) && !defined(N3OBS_USE_PLT)
/* noplt: GCC calls through the GOT (one indirect call) instead of a PLT stub (a call and
 * an indirect jump); that is most of a record call's cost. The symbols are then bound at
 * load time. Define N3OBS_USE_PLT to keep lazy binding. (Clang: pass -fno-plt.) */
#define N3OBS_API __attribute__((visibility("default"), noplt))
#elif defined(__GNUC__) || defined(__clang__)
#define N3OBS_API __attribute__((visibility("default")))
#else
#define N3OBS_API
#endif

/* ------------------------------------------------------------------------------------ */
/* Versions                                                                               */
/* ------------------------------------------------------------------------------------ */

#define N3OBS_VERSION_MAJOR 0
#define N3OBS_VERSION_MINOR 1
#define N3OBS_VERSION_PATCH 0
#define N3OBS_VERSION "0.1.0"
/** MAJOR * 1000000 + MINOR * 1000 + PATCH. */
#define N3OBS_VERSION_NUMBER 1000
/**
 * The ABI number: raised whenever a published struct or signature changes in a way that
 * an older caller could misread. Structs only grow at their end (each starts with a
 * version or size), so additions do not raise it.
 */
#define N3OBS_ABI_VERSION 1

/** The library's version string, e.g. "0.1.0". Never NULL. Thread-safe. */
N3OBS_API const char *n3obs_version(void);
/** The library's N3OBS_VERSION_NUMBER. Thread-safe. */
N3OBS_API int n3obs_version_number(void);
/** The library's N3OBS_ABI_VERSION; a caller compiled against another number must not
 *  use the library. Thread-safe. */
N3OBS_API int n3obs_abi_version(void);

/* ------------------------------------------------------------------------------------ */
/* Statuses and errors                                                                    */
/* ------------------------------------------------------------------------------------ */

/* 0 is success; errors are negative. The list only grows. */
#define N3OBS_OK 0
/** An argument was NULL or out of its range (a NULL out-parameter, a zero bucket list). */
#define N3OBS_E_INVALID_ARGUMENT (-1)
/** A metric or label name broke Prometheus' naming rules. */
#define N3OBS_E_INVALID_NAME (-2)
/** The number of label values differs from the family's number of label names. */
#define N3OBS_E_LABEL_COUNT (-3)
/** A family of that name exists with another type, help, unit, label names or buckets. */
#define N3OBS_E_CONFLICT (-4)
/** n3obs_init has not been called. */
#define N3OBS_E_NOT_INITIALIZED (-5)
/** n3obs_shutdown has been called; the SDK records nothing more in this process. */
#define N3OBS_E_SHUTDOWN (-6)
/** The caller broke the API's rules: a handle of another type, a stale or unknown
 *  handle, an execution ended twice. */
#define N3OBS_E_MISUSE (-7)
/** Memory could not be allocated. Nothing was changed. */
#define N3OBS_E_NO_MEMORY (-8)
/** A string was not valid UTF-8. */
#define N3OBS_E_INVALID_UTF8 (-9)
/** A string or list was longer than its limit. */
#define N3OBS_E_TOO_LONG (-10)
/** A value was not allowed: NaN, infinite, or a negative counter increment. */
#define N3OBS_E_INVALID_VALUE (-11)
/** A configuration value (in the config struct or the environment) was invalid. */
#define N3OBS_E_CONFIG (-12)
/** No plugin file of that name in N3OBS_PLUGIN_PATH or beside libn3obs.so, or no such path. */
#define N3OBS_E_PLUGIN_NOT_FOUND (-13)
/** The file is not a shared object this process can load (dlopen's reason follows). */
#define N3OBS_E_PLUGIN_NOT_LOADABLE (-14)
/** The shared object exports neither n3obs_exporter_init nor n3obs_<name>_init. */
#define N3OBS_E_PLUGIN_NO_ENTRY (-15)
/** The plugin was built for an exporter ABI this library does not support. */
#define N3OBS_E_PLUGIN_ABI (-16)
/** The plugin's entry point refused to start; its own message follows. */
#define N3OBS_E_PLUGIN_REFUSED (-17)
/** The plugin returned no table, one too small for its version, or callbacks missing for
 *  the capabilities it claims. */
#define N3OBS_E_PLUGIN_TABLE (-18)
/** The file or its folder is writable by other users (allow with
 *  N3OBS_PLUGIN_ALLOW_INSECURE=1). */
#define N3OBS_E_PLUGIN_UNSAFE (-19)
/** A flush or shutdown did not finish within its timeout; what was not delivered is
 *  counted as dropped. */
#define N3OBS_E_TIMEOUT (-20)
/** The lowest code above: every status lies in N3OBS_E_LAST..N3OBS_OK. It moves with the
 *  list, which is the one list: the Swift core, n3obs_errstr and the Python binding's
 *  exceptions are checked against it by tests (StatusListTests.swift, test_status_list.py). */
#define N3OBS_E_LAST N3OBS_E_TIMEOUT

#define N3OBS_MAX_NAME_LEN 255
#define N3OBS_MAX_LABEL_VALUE_LEN 4096
#define N3OBS_MAX_HELP_LEN 16384
#define N3OBS_MAX_LABELS 32
#define N3OBS_MAX_BUCKETS 256
#define N3OBS_MAX_QUANTILES 32

/**
 * The message for the last failure on the calling thread, e.g.
 * "n3obs_counter_new: metric name '9x' must match [a-zA-Z_:][a-zA-Z0-9_:]*".
 * Never NULL; "" if nothing failed yet on this thread. The pointer stays valid until the
 * next n3obs call on the same thread. Thread-safe (each thread has its own message).
 */
N3OBS_API const char *n3obs_error_last(void);

/** A short, static description of a status code, e.g. "invalid name". Never NULL
 *  (unknown codes give "unknown status"). Thread-safe. */
N3OBS_API const char *n3obs_errstr(int status);

/* ------------------------------------------------------------------------------------ */
/* Lifecycle                                                                              */
/* ------------------------------------------------------------------------------------ */

/* Levels of the SDK's log: N3OBS_LOG_LEVEL ("error", "warn" (default), "info", "debug")
 * keeps the lines at or above it. */
#define N3OBS_LOG_ERROR 1
#define N3OBS_LOG_WARN 2
#define N3OBS_LOG_INFO 3
#define N3OBS_LOG_DEBUG 4

/**
 * A log sink (n3obs_config.log_sink): one call per line of n3obs's log, level one of
 * N3OBS_LOG_*, component what wrote it ("pipeline", "exporters", "health", a plugin's name
 * such as "otlp"), message the text without a trailing newline. Both strings are UTF-8 and
 * valid only during the call: copy what you keep.
 *
 * Threads: it is called on whichever thread logs, often one of n3obs's own threads, and
 * from several at once; at process exit too (the exit flush, and threads still ending
 * after n3obs_shutdown), so the function and user_data must stay valid until the process
 * ends. It runs outside n3obs's fork gate, so fork() may happen meanwhile.
 *
 * It must not call n3obs: it may run while n3obs holds a lock, so a call back can block.
 * n3obs_init, n3obs_shutdown and n3obs_force_flush, which wait for n3obs's threads,
 * detect it and return N3OBS_E_MISUSE; a line n3obs logs while the sink runs on that
 * thread goes to fd 2 instead of back into the sink.
 */
typedef void (*n3obs_log_sink)(int level, const char *component, const char *message, void *user_data);

/**
 * Configuration for n3obs_init. Start from N3OBS_CONFIG_INIT so that fields added in
 * later versions take their defaults. Zero or NULL in a field means "default": the
 * environment variable named beside it if set, else the built-in default.
 */
typedef struct n3obs_config {
    /** sizeof(n3obs_config) as the caller compiled it; fields past it are not read. */
    uint32_t size;
    uint32_t reserved;
    /** service.name. Env: OTEL_SERVICE_NAME. Default "unknown_service". */
    const char *service_name;
    /** Prefix of the standard catalogue's metric names. Env: N3OBS_METRIC_NAMESPACE.
     *  Default "namel3ss". "" gives names without a prefix. */
    const char *metric_namespace;
    /** Most series per family; more label sets go to the family's overflow series
     *  labelled otel_metric_overflow="true". Env: N3OBS_METRIC_CARDINALITY_LIMIT.
     *  Default 2000. */
    uint32_t cardinality_limit;
    /** N3OBS_INIT_* flags. */
    uint32_t flags;
    /* ---- tracing (from ABI 1, release 0.2) ---- */
    /** The sampler: "always_on", "always_off", "traceidratio", "parentbased_always_on",
     *  "parentbased_always_off" or "parentbased_traceidratio". Env: OTEL_TRACES_SAMPLER.
     *  Default "parentbased_always_on". */
    const char *traces_sampler;
    /** The ratio of the *traceidratio samplers, a decimal in [0, 1], e.g. "0.25".
     *  Env: OTEL_TRACES_SAMPLER_ARG. Default "1.0". Ignored by the other samplers. */
    const char *traces_sampler_arg;
    /** Ended spans kept for export; more are dropped and counted. Env:
     *  OTEL_BSP_MAX_QUEUE_SIZE. Default 131072 (OpenTelemetry's 2048 holds a burst of a few
     *  milliseconds). The queue is also bounded by the bytes of the spans it holds:
     *  N3OBS_BSP_MAX_QUEUE_BYTES, default 64 MiB, 0 for none. */
    uint32_t bsp_max_queue_size;
    /** Spans per export batch, at most the queue size: a larger value given here or in
     *  OTEL_BSP_MAX_EXPORT_BATCH_SIZE makes n3obs_init fail with N3OBS_E_CONFIG; the
     *  default, 512, shrinks to a smaller queue. */
    uint32_t bsp_max_export_batch_size;
    /** Longest wait between two batches. Env: OTEL_BSP_SCHEDULE_DELAY. Default 5000. */
    uint32_t bsp_schedule_delay_ms;
    /** Longest an export may take. Env: OTEL_BSP_EXPORT_TIMEOUT. Default 30000. */
    uint32_t bsp_export_timeout_ms;
    /** Most attributes per span (also per event and per link). Env:
     *  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, then OTEL_ATTRIBUTE_COUNT_LIMIT. Default 128. */
    uint32_t span_attribute_count_limit;
    /** Most events per span. Env: OTEL_SPAN_EVENT_COUNT_LIMIT. Default 128. */
    uint32_t span_event_count_limit;
    /** Most links per span. Env: OTEL_SPAN_LINK_COUNT_LIMIT. Default 128. */
    uint32_t span_link_count_limit;
    uint32_t reserved_tracing;

    /* Health checks (see "Health" below). */
    /** N3OBS_HEALTH_BUILTIN_* bits of the built-in checks to turn off. 0: env
     *  N3OBS_HEALTH_BUILTINS, a list of the ones to keep ("cpu,disk", "all", "none");
     *  default all on. */
    uint32_t health_builtins_off;
    /** Period of the background monitor in ms. Env: N3OBS_HEALTH_MONITOR_INTERVAL_MS.
     *  Default 0: no monitor. */
    uint32_t health_monitor_interval_ms;
    /** The path whose file system the disk check watches. Env: N3OBS_HEALTH_DISK_PATH.
     *  Default "/". */
    const char *health_disk_path;
    /** 1: the built-in checks are critical (a failing one makes the report unhealthy).
     *  Env: N3OBS_HEALTH_BUILTINS_CRITICAL (true/false). Default: not critical. */
    uint32_t health_builtins_critical;
    uint32_t health_reserved;
    /* Thresholds in percent; 0 takes the env variable named N3OBS_HEALTH_<FIELD>_PERCENT
     * (e.g. N3OBS_HEALTH_CPU_DEGRADED_PERCENT), else the default given. To turn a level
     * off, give a value the measure cannot reach (-1 for "below", 101 for "above"). */
    /** Available system memory (MemAvailable / MemTotal) below which the system_memory
     *  check is degraded (default 10) and unhealthy (default 5). */
    double health_memory_degraded_percent;
    double health_memory_unhealthy_percent;
    /** Resident memory of the process, as a share of its limit (the cgroup v2 memory.max,
     *  else MemTotal), from which process_memory is degraded (80) and unhealthy (90). */
    double health_process_memory_degraded_percent;
    double health_process_memory_unhealthy_percent;
    /** Machine CPU utilisation over about the last second from which cpu is degraded (90)
     *  and unhealthy (98). */
    double health_cpu_degraded_percent;
    double health_cpu_unhealthy_percent;
    /** Free space (available to unprivileged users) of health_disk_path's file system
     *  below which disk is degraded (10) and unhealthy (5). */
    double health_disk_degraded_percent;
    double health_disk_unhealthy_percent;
    /** Span queue fill from which pipeline is degraded (80) and unhealthy (100). */
    double health_pipeline_degraded_percent;
    double health_pipeline_unhealthy_percent;
    /* ---- exporters (from ABI 1, release 0.3) ---- */
    /** Exporter plugins n3obs_init loads: names or paths, comma-separated, e.g.
     *  "stdout,prometheus" (see n3obs_exporter_load). Env: N3OBS_EXPORTERS. Default none.
     *  One that fails to load is logged and skipped, and n3obs_init returns its status
     *  (the SDK runs all the same, with the others). */
    const char *exporters;
    /** How often push exporters get metrics (and health). Env:
     *  OTEL_METRIC_EXPORT_INTERVAL. Default 60000. */
    uint32_t metric_export_interval_ms;
    uint32_t reserved_export;
    /* ---- resource (from ABI 1, release 0.4) ---- */
    /** telemetry.sdk.language of the resource: the language of the binding that starts the
     *  SDK, lowercase ("python", "swift"). Default "c". */
    const char *telemetry_sdk_language;
    /* ---- exit (from ABI 1, release 0.5) ---- */
    /** 1: SIGTERM and SIGINT deliver what is queued before the process ends; 2: they do
     *  not. Env: N3OBS_FLUSH_ON_SIGNALS (1 or 0). Default off. When on, n3obs_init
     *  installs handlers for both signals (not for one the process ignores). A signal
     *  whose previous disposition was the default wakes a thread of n3obs
     *  (n3obs-signals: a handler itself may not flush, which takes locks and waits), which
     *  shuts n3obs down within the export timeout (bsp_export_timeout_ms), puts the
     *  previous disposition back and raises the signal again: the process ends by that
     *  signal, as it would have. A second one during the flush ends it at once. A handler
     *  installed before n3obs_init is chained: it is called at once, as it would have
     *  been, while that thread flushes the queued spans beside it (n3obs keeps running:
     *  the handler decides what happens, and a normal exit it leads to is flushed at
     *  exit). A handler installed after n3obs_init replaces n3obs's; n3obs_shutdown puts
     *  the previous handlers back (where n3obs's is still installed) and ends the thread. */
    uint32_t flush_on_signals;
    uint32_t reserved_exit;
    /* ---- log (from ABI 1, release 0.6) ---- */
    /** Receives every line of n3obs's own log and of its plugins' (host->log) at or above
     *  N3OBS_LOG_LEVEL, instead of fd 2 (sqlite's SQLITE_CONFIG_LOG is the model). NULL:
     *  one line each on fd 2, "n3obs <level> [<component>]: <message>". See n3obs_log_sink. */
    n3obs_log_sink log_sink;
    /** Passed to log_sink as it is; must be NULL when log_sink is. */
    void *log_user_data;
} n3obs_config;

/** Do not read any environment variable. */
#define N3OBS_INIT_IGNORE_ENV 0x1u
/** Do not register the standard catalogue (execution_total, ...). */
#define N3OBS_INIT_NO_CATALOG 0x2u

#define N3OBS_CONFIG_INIT \
    { (uint32_t)sizeof(n3obs_config), 0, NULL, NULL, 0, 0,                              \
      /* tracing */ NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0,                                 \
      /* health */ 0, 0, NULL, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, \
      /* exporters */ NULL, 0, 0, /* resource */ NULL, /* exit */ 0, 0, /* log */ NULL, NULL }

/**
 * Starts the SDK. The first successful call configures it from config (or, when config is
 * NULL, from defaults and the environment); later calls change nothing and return N3OBS_OK.
 *
 * @return N3OBS_OK; N3OBS_E_CONFIG if a setting is invalid (the message names it and the
 *         SDK stays uninitialized); N3OBS_E_INVALID_ARGUMENT if config->size is too small
 *         to be a config; N3OBS_E_SHUTDOWN after n3obs_shutdown. When an exporter named
 *         in config->exporters or N3OBS_EXPORTERS cannot be loaded, the SDK starts all the
 *         same with the others and the call returns that plugin's N3OBS_E_PLUGIN_* status
 *         (the first such failure; every one is logged): n3obs_is_running() tells the two
 *         cases apart.
 * Thread-safe: concurrent first calls initialize once.
 */
N3OBS_API int n3obs_init(const n3obs_config *config);

/**
 * Stops the SDK for the rest of the process. First every span ended before the call is
 * delivered to every exporter, a last metrics snapshot (and health report) goes to push
 * exporters, and each plugin is shut down, all within timeout_ms; then later calls return
 * N3OBS_E_SHUTDOWN. Handles stay valid memory.
 *
 * @return N3OBS_OK; N3OBS_E_TIMEOUT if exporters did not finish in time (the SDK is shut
 *         down all the same; spans not delivered are counted in
 *         n3obs_spans_dropped_total{reason}); N3OBS_E_NOT_INITIALIZED before n3obs_init;
 *         N3OBS_E_SHUTDOWN if already shut down. Thread-safe.
 */
N3OBS_API int n3obs_shutdown(uint32_t timeout_ms);

/*
 * Exit without n3obs_shutdown: a process that returns from main or calls exit() (from any
 * thread) after n3obs_init is shut down by an atexit handler n3obs_init registers, within
 * the export timeout (bsp_export_timeout_ms, OTEL_BSP_EXPORT_TIMEOUT, default 30 s: a
 * collector that cannot be reached holds exit up that long). It does nothing if the
 * program shut down itself, and waits for a shutdown another thread has begun. A forked
 * child's exit delivers the child's spans (a child that never used n3obs does nothing).
 * What is lost: _exit(), _Exit(), quick_exit(), Python's os._exit(), abort(), a crash,
 * and SIGKILL skip every handler, so the spans not yet exported (up to a queue's worth,
 * bsp_max_queue_size) and the metrics since the last push are lost; so are they when
 * SIGTERM or SIGINT ends the process by default, unless flush_on_signals is on.
 * atexit handlers registered before n3obs_init run after n3obs's (in reverse order):
 * instrumentation they do is not delivered.
 */

/*
 * fork(): a child of a process that called n3obs_init keeps a working SDK, whatever the
 * parent's threads were doing. fork() waits (in a pthread_atfork handler, at most 5 s)
 * until no thread runs n3obs code: the SDK's own threads and callers inside an n3obs call
 * finish what they do or reach a wait; threads recording into bound series, spans and
 * callbacks (health checks, plugins) do not hold it up. So the child inherits no lock held
 * and no structure half-changed. In the child nothing of n3obs runs until the child first
 * calls it (or ends a span); then its metrics go on from the parent's values at the moment
 * of fork, health checks get new worker threads, the spans the parent had queued stay the
 * parent's, the resource gets a new service.instance.id and process.pid, and every loaded
 * exporter is started again (its entry point runs anew with the configuration it was
 * loaded with; one that cannot, such as a second listener on the same port, is logged and
 * skipped).
 */

/** 1 between a successful n3obs_init and n3obs_shutdown, else 0. Thread-safe. */
N3OBS_API int n3obs_is_running(void);

/* ------------------------------------------------------------------------------------ */
/* Metric families                                                                        */
/* ------------------------------------------------------------------------------------ */

/** The description shared by every metric type. Start from N3OBS_METRIC_OPTS_INIT. */
typedef struct n3obs_metric_opts {
    uint32_t size;               /**< sizeof(n3obs_metric_opts) as the caller compiled it */
    uint32_t reserved;
    const char *name;            /**< [a-zA-Z_:][a-zA-Z0-9_:]*, not starting with "__" */
    const char *help;            /**< any UTF-8; NULL is "" */
    const char *unit;            /**< e.g. "seconds"; [a-zA-Z0-9_]* ; NULL is "" */
    const char *const *label_names; /**< [a-zA-Z_][a-zA-Z0-9_]*, unique, not "__..." */
    size_t label_count;          /**< at most N3OBS_MAX_LABELS */
} n3obs_metric_opts;

#define N3OBS_METRIC_OPTS_INIT { (uint32_t)sizeof(n3obs_metric_opts), 0, NULL, NULL, NULL, NULL, 0 }

/* Families. Registering a name twice with the same shape (type, help, unit, label names
 * and buckets or quantiles) returns the same family; with another shape it fails with
 * N3OBS_E_CONFLICT. A counter's name may end in "_total"; the suffix is dropped from the
 * family name (as prometheus_client does) and put back on its samples by exporters.
 *
 * Every constructor returns N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL out or opts, NULL
 * label name, label_names NULL with label_count > 0); N3OBS_E_INVALID_NAME;
 * N3OBS_E_TOO_LONG; N3OBS_E_INVALID_UTF8 (help); N3OBS_E_CONFLICT; N3OBS_E_NO_MEMORY;
 * N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. On failure *out is set to NULL.
 * All are thread-safe. */

typedef struct n3obs_counter n3obs_counter;
typedef struct n3obs_gauge n3obs_gauge;
typedef struct n3obs_histogram n3obs_histogram;
typedef struct n3obs_summary n3obs_summary;
typedef struct n3obs_info n3obs_info;

/** A monotonic counter family. */
N3OBS_API int n3obs_counter_new(n3obs_counter **out, const n3obs_metric_opts *opts);
/** A gauge family. */
N3OBS_API int n3obs_gauge_new(n3obs_gauge **out, const n3obs_metric_opts *opts);
/**
 * A histogram family with explicit bucket upper bounds, strictly increasing and finite
 * (a last +Inf is accepted and implied anyway). bounds == NULL with bound_count == 0
 * gives Prometheus' default buckets .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10. A label named
 * "le" is refused (N3OBS_E_INVALID_NAME). Unsorted or NaN bounds: N3OBS_E_INVALID_VALUE.
 */
N3OBS_API int n3obs_histogram_new(n3obs_histogram **out, const n3obs_metric_opts *opts,
                                  const double *bounds, size_t bound_count);

/** Summary options. Start from N3OBS_SUMMARY_OPTS_INIT. */
typedef struct n3obs_summary_opts {
    uint32_t size;
    uint32_t reserved;
    /** Quantiles in [0, 1], strictly increasing; NULL with count 0 gives 0.5, 0.9, 0.99. */
    const double *quantiles;
    size_t quantile_count;
    /** Length of the sliding window in seconds; 0 gives 600. */
    double max_age_seconds;
    /** Number of buckets the window rotates through; 0 gives 5. At most 64. */
    uint32_t age_buckets;
    uint32_t reserved2;
} n3obs_summary_opts;

#define N3OBS_SUMMARY_OPTS_INIT { (uint32_t)sizeof(n3obs_summary_opts), 0, NULL, 0, 0.0, 0, 0 }

/**
 * A summary family: quantiles over a sliding time window, as client_golang's. The window
 * moves in max_age_seconds / age_buckets steps. Quantiles are computed from the
 * observations in the window with a relative error of at most N3OBS_SUMMARY_RELATIVE_ERROR:
 * for a true quantile value v the reported value lies in [v(1-e), v(1+e)]. _sum and
 * _count are cumulative over the process' life, as Prometheus expects. opts may be NULL.
 * A label named "quantile" is refused (N3OBS_E_INVALID_NAME).
 */
N3OBS_API int n3obs_summary_new(n3obs_summary **out, const n3obs_metric_opts *opts,
                                const n3obs_summary_opts *summary_opts);
#define N3OBS_SUMMARY_RELATIVE_ERROR 0.01

/** An info family: each series is a set of label values with the constant value 1
 *  (exposed as <name>_info by the Prometheus exporter). */
N3OBS_API int n3obs_info_new(n3obs_info **out, const n3obs_metric_opts *opts);

/* ------------------------------------------------------------------------------------ */
/* Series: bind once, record many times                                                   */
/* ------------------------------------------------------------------------------------ */

/* A series is one set of label values of a family. Binding returns a handle whose record
 * functions are one atomic operation on memory the handle points to: no lock, allocation
 * or lookup. Bind with label_count 0 for a family without labels. Label values are any
 * valid UTF-8 up to N3OBS_MAX_LABEL_VALUE_LEN bytes.
 *
 * When a family already holds its cardinality limit of series, binding a new label set
 * returns the family's overflow series (labels all "", plus otel_metric_overflow="true")
 * with N3OBS_OK, and the self-metric n3obs_metric_overflow_total{metric} counts every
 * record that lands there.
 *
 * Bind functions return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL out or family, NULL
 * label values with a non-zero count, a NULL value); N3OBS_E_LABEL_COUNT;
 * N3OBS_E_INVALID_UTF8; N3OBS_E_TOO_LONG; N3OBS_E_MISUSE (a handle of another type);
 * N3OBS_E_NO_MEMORY; N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. Thread-safe. */

typedef struct n3obs_counter_series n3obs_counter_series;
typedef struct n3obs_gauge_series n3obs_gauge_series;
typedef struct n3obs_histogram_series n3obs_histogram_series;
typedef struct n3obs_summary_series n3obs_summary_series;

N3OBS_API int n3obs_counter_bind(n3obs_counter_series **out, n3obs_counter *family,
                                 const char *const *label_values, size_t label_count);
N3OBS_API int n3obs_gauge_bind(n3obs_gauge_series **out, n3obs_gauge *family,
                               const char *const *label_values, size_t label_count);
N3OBS_API int n3obs_histogram_bind(n3obs_histogram_series **out, n3obs_histogram *family,
                                   const char *const *label_values, size_t label_count);
N3OBS_API int n3obs_summary_bind(n3obs_summary_series **out, n3obs_summary *family,
                                 const char *const *label_values, size_t label_count);

/* Recording into a bound series. Each returns N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL
 * series); N3OBS_E_MISUSE (a handle of another type); N3OBS_E_INVALID_VALUE (see each);
 * N3OBS_E_SHUTDOWN (nothing recorded). Lock-free and thread-safe; increments from many
 * threads are never lost. */

/** Adds value (finite, >= 0; else N3OBS_E_INVALID_VALUE). Whole values are added to an
 *  integer cell, exact up to 2^64; fractions to a floating-point cell. */
N3OBS_API int n3obs_counter_add(n3obs_counter_series *series, double value);
/** Adds 1. */
N3OBS_API int n3obs_counter_inc(n3obs_counter_series *series);
/** Sets the gauge; any double, NaN and infinities included. */
N3OBS_API int n3obs_gauge_set(n3obs_gauge_series *series, double value);
/** Adds a finite delta (negative lowers the gauge); NaN or infinite: N3OBS_E_INVALID_VALUE. */
N3OBS_API int n3obs_gauge_add(n3obs_gauge_series *series, double delta);
/** Records one observation; NaN is N3OBS_E_INVALID_VALUE, infinities are counted in the
 *  +Inf (or first) bucket. */
N3OBS_API int n3obs_histogram_observe(n3obs_histogram_series *series, double value);
/** Records one observation; NaN or infinite: N3OBS_E_INVALID_VALUE. */
N3OBS_API int n3obs_summary_observe(n3obs_summary_series *series, double value);

/* Recording by label values without a bound handle: the series is found through a hash of
 * the values (lock-free when it exists) or created. Statuses as for bind plus record. */

N3OBS_API int n3obs_counter_add_labels(n3obs_counter *family, const char *const *label_values,
                                       size_t label_count, double value);
N3OBS_API int n3obs_gauge_set_labels(n3obs_gauge *family, const char *const *label_values,
                                     size_t label_count, double value);
N3OBS_API int n3obs_gauge_add_labels(n3obs_gauge *family, const char *const *label_values,
                                     size_t label_count, double delta);
N3OBS_API int n3obs_histogram_observe_labels(n3obs_histogram *family,
                                             const char *const *label_values,
                                             size_t label_count, double value);
N3OBS_API int n3obs_summary_observe_labels(n3obs_summary *family,
                                           const char *const *label_values,
                                           size_t label_count, double value);
/** Adds the info series with these label values (value 1). Adding it again is a no-op. */
N3OBS_API int n3obs_info_set(n3obs_info *family, const char *const *label_values,
                             size_t label_count);

/* ------------------------------------------------------------------------------------ */
/* Collecting: a consistent snapshot as plain data                                        */
/* ------------------------------------------------------------------------------------ */

typedef enum n3obs_metric_type {
    N3OBS_METRIC_COUNTER = 1,
    N3OBS_METRIC_GAUGE = 2,
    N3OBS_METRIC_HISTOGRAM = 3,
    N3OBS_METRIC_SUMMARY = 4,
    N3OBS_METRIC_INFO = 5
} n3obs_metric_type;

/** The latest observation of a bucket made inside a sampled span (filled from the tracing
 *  release on; has_exemplar is 0 otherwise). */
typedef struct n3obs_exemplar_data {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    double value;
    int64_t time_unix_nano;
} n3obs_exemplar_data;

typedef struct n3obs_bucket_data {
    double upper_bound;          /**< +Inf for the last bucket */
    uint64_t cumulative_count;   /**< observations <= upper_bound */
    int32_t has_exemplar;
    int32_t reserved;
    n3obs_exemplar_data exemplar;
} n3obs_bucket_data;

typedef struct n3obs_quantile_data {
    double quantile;             /**< e.g. 0.99 */
    double value;                /**< NaN when the window holds no observation */
} n3obs_quantile_data;

typedef struct n3obs_series_data {
    /** label_count values, in the order of the family's label_names. */
    const char *const *label_values;
    /** 1 for the overflow series (exporters add otel_metric_overflow="true"). */
    int32_t is_overflow;
    int32_t reserved;
    /** Counter total, gauge value, or 1 for info. */
    double value;
    /** Histogram and summary: number and sum of observations. */
    uint64_t count;
    double sum;
    const n3obs_bucket_data *buckets;   /**< histogram: bucket_count entries, cumulative */
    size_t bucket_count;
    const n3obs_quantile_data *quantiles; /**< summary: quantile_count entries */
    size_t quantile_count;
    /** When the series was created (for OpenMetrics _created and OTLP start times). */
    int64_t created_unix_nano;
} n3obs_series_data;

typedef struct n3obs_family_data {
    const char *name;            /**< without _total for counters, without _info for info */
    const char *help;
    const char *unit;
    n3obs_metric_type type;
    uint32_t reserved;
    const char *const *label_names;
    size_t label_count;
    const n3obs_series_data *series;
    size_t series_count;
} n3obs_family_data;

typedef struct n3obs_metrics_snapshot {
    uint32_t size;               /**< sizeof(n3obs_metrics_snapshot) of the library */
    uint32_t reserved;
    int64_t time_unix_nano;      /**< when it was collected */
    const n3obs_family_data *families; /**< sorted by name; series in creation order */
    size_t family_count;
} n3obs_metrics_snapshot;

/**
 * Collects every family and series into a snapshot that belongs to the caller until
 * n3obs_metrics_snapshot_free. Each series is read consistently: a histogram's last
 * cumulative bucket equals its count, and a counter never reads lower than before.
 * Recording goes on during collection and is never blocked by it.
 *
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (out NULL); N3OBS_E_NO_MEMORY;
 *         N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. Thread-safe.
 */
N3OBS_API int n3obs_metrics_collect(n3obs_metrics_snapshot **out);
/** Frees a snapshot; NULL is ignored. */
N3OBS_API void n3obs_metrics_snapshot_free(n3obs_metrics_snapshot *snapshot);

/* ------------------------------------------------------------------------------------ */
/* The standard catalogue                                                                 */
/* ------------------------------------------------------------------------------------ */

/* Registered by n3obs_init under the configured namespace (default "namel3ss"):
 *   <ns>_execution_total{component,strategy,status}            counter
 *   <ns>_execution_duration_seconds{component,strategy}        histogram (default buckets)
 *   <ns>_active_executions{component}                          gauge
 *   <ns>_worker_pool_size{pool_name,node}                      gauge
 *   <ns>_task_queue_length{queue_name,priority}                gauge
 *   <ns>_security_validations_total{validation_type,result}    counter
 *   <ns>_error_total{component,error_type,severity}            counter
 */

/**
 * One execution in flight, kept by the caller (on its stack or in its own struct).
 * Its fields are the library's; only n3obs_execution_begin may fill it.
 */
typedef struct n3obs_execution {
    uint64_t opaque[4];
} n3obs_execution;

/**
 * Begins an execution: raises active_executions{component} and notes the start time.
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL); the label statuses of bind;
 *         N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN; N3OBS_E_CONFIG if init was told
 *         N3OBS_INIT_NO_CATALOG. On failure *execution is marked not begun.
 * Thread-safe; one execution struct must not be begun or ended by two threads at once.
 */
N3OBS_API int n3obs_execution_begin(n3obs_execution *execution, const char *component,
                                    const char *strategy);
/**
 * Ends an execution once: lowers active_executions{component}, counts
 * execution_total{component,strategy,status} once and observes
 * execution_duration_seconds{component,strategy}. status is free text such as "success"
 * or "error".
 * @return N3OBS_OK; N3OBS_E_MISUSE if the execution was never begun or already ended
 *         (nothing is recorded); the label statuses of bind (then the execution stays
 *         open so it can be ended again with a valid status); N3OBS_E_SHUTDOWN.
 */
N3OBS_API int n3obs_execution_end(n3obs_execution *execution, const char *status);

/**
 * As n3obs_execution_end, but observes duration_seconds, a duration the caller measured,
 * instead of the time since n3obs_execution_begin.
 * @return as n3obs_execution_end; N3OBS_E_INVALID_VALUE for a negative, NaN or infinite
 *         duration (the execution stays open).
 */
N3OBS_API int n3obs_execution_end_with_duration(n3obs_execution *execution, const char *status,
                                                double duration_seconds);

/** Adds 1 to error_total{component,error_type,severity}. */
N3OBS_API int n3obs_catalog_record_error(const char *component, const char *error_type,
                                         const char *severity);
/** Adds 1 to security_validations_total{validation_type,result}. */
N3OBS_API int n3obs_catalog_record_security_validation(const char *validation_type,
                                                       const char *result);
/** Sets worker_pool_size{pool_name,node}. */
N3OBS_API int n3obs_catalog_set_worker_pool_size(const char *pool_name, const char *node,
                                                 double size);
/** Sets task_queue_length{queue_name,priority}. */
N3OBS_API int n3obs_catalog_set_task_queue_length(const char *queue_name,
                                                  const char *priority, double length);

/* ------------------------------------------------------------------------------------ */
/* Exporters                                                                              */
/* ------------------------------------------------------------------------------------ */

/*
 * Exporters are plugins (include/n3obs_exporter.h) that take spans, metrics and health out
 * of the process. Loaded ones get data on their own threads: ended spans in batches
 * (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, at least every OTEL_BSP_SCHEDULE_DELAY), metrics and
 * health every OTEL_METRIC_EXPORT_INTERVAL; a failing export is retried with capped
 * exponential backoff when the plugin says it may be, a callback running longer than
 * OTEL_BSP_EXPORT_TIMEOUT is logged and counted while the others go on, and whatever is
 * dropped is counted: n3obs_spans_dropped_total{reason}, n3obs_spans_exported_total{exporter},
 * n3obs_export_errors_total{exporter,signal}, n3obs_span_queue_size. Without any exporter,
 * ended spans stay queued for n3obs_spans_drain.
 */

/**
 * Loads an exporter plugin and starts it with its configuration.
 *
 * @param name_or_path  a path (it has a '/' or ends in ".so"), or a name: libn3obs_<name>.so
 *                      is looked up in each N3OBS_PLUGIN_PATH folder (':'-separated), then in
 *                      the folder of libn3obs.so.
 *                      Safety: the plugin is refused (N3OBS_E_PLUGIN_UNSAFE) when the file,
 *                      or its folder, is writable by other users or owned by a user other
 *                      than the caller or root; a symlink is checked both where it is and
 *                      where it resolves to. A sticky folder that anyone may write, such as
 *                      /tmp, is accepted: its sticky bit keeps others from replacing a file
 *                      they do not own, and the file itself must pass the check.
 *                      N3OBS_PLUGIN_ALLOW_INSECURE=1 turns the check off.
 * @param config_json   the plugin's configuration, a JSON object text; NULL is "{}". Each
 *                      shipped plugin also reads its own environment variables.
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL name); N3OBS_E_TOO_LONG;
 *         N3OBS_E_INVALID_UTF8; N3OBS_E_PLUGIN_NOT_FOUND; N3OBS_E_PLUGIN_UNSAFE;
 *         N3OBS_E_PLUGIN_NOT_LOADABLE; N3OBS_E_PLUGIN_NO_ENTRY; N3OBS_E_PLUGIN_ABI;
 *         N3OBS_E_PLUGIN_REFUSED; N3OBS_E_PLUGIN_TABLE; N3OBS_E_NOT_INITIALIZED;
 *         N3OBS_E_SHUTDOWN. Each message names the file. A plugin is never unloaded.
 * Thread-safe.
 */
N3OBS_API int n3obs_exporter_load(const char *name_or_path, const char *config_json);

/**
 * Delivers every span ended before the call to every exporter, then asks each plugin to
 * flush what it buffers, waiting at most timeout_ms.
 * @return N3OBS_OK (also with no exporter loaded); N3OBS_E_TIMEOUT;
 *         N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. Thread-safe.
 */
N3OBS_API int n3obs_force_flush(uint32_t timeout_ms);

/* ------------------------------------------------------------------------------------ */
/* Tracing                                                                                */
/* ------------------------------------------------------------------------------------ */

/* Spans follow OpenTelemetry's model: a 16-byte trace id, an 8-byte span id, a kind,
 * start and end times in Unix nanoseconds, typed attributes, events, links and a status.
 *
 * A span handle (n3obs_span *) is an encoded slot number and generation, not a pointer:
 * passing a handle of a span that has ended, or one that never existed, returns
 * N3OBS_E_MISUSE and touches no freed memory. Any thread may use a span; calls on one span
 * are serialized by a short per-span lock.
 *
 * Whether a span is sampled is decided when it starts (see n3obs_config.traces_sampler).
 * A span that is not sampled records nothing: attribute, event, link, status and name
 * calls on it return N3OBS_OK and change nothing; it keeps only its ids so that its
 * context still propagates. Ended sampled spans wait in a bounded queue for export; when
 * the queue is full a span is dropped and counted (n3obs_spans_dropped); the ending thread
 * never waits.
 *
 * Every function here returns N3OBS_E_NOT_INITIALIZED before n3obs_init and
 * N3OBS_E_SHUTDOWN after n3obs_shutdown, and sets n3obs_error_last() on failure.
 * Strings are copied before the call returns. */

typedef struct n3obs_span n3obs_span;

#define N3OBS_MAX_SPAN_NAME_LEN 1024
#define N3OBS_MAX_ATTRIBUTE_KEY_LEN 1024
/** Longest string attribute value or array item, in bytes. */
#define N3OBS_MAX_ATTRIBUTE_VALUE_LEN 65536
#define N3OBS_MAX_ATTRIBUTE_ARRAY_LEN 4096
/** Attributes, events or links passed in one call. */
#define N3OBS_MAX_ITEMS_PER_CALL 1024
/** Longest tracestate kept, in characters (the W3C minimum to propagate). */
#define N3OBS_MAX_TRACESTATE_LEN 512
/** Buffer size that always holds a traceparent and its NUL. */
#define N3OBS_TRACEPARENT_SIZE 56

/** Span kinds, with OTLP's numbers. */
typedef enum n3obs_span_kind {
    N3OBS_SPAN_KIND_INTERNAL = 1,
    N3OBS_SPAN_KIND_SERVER = 2,
    N3OBS_SPAN_KIND_CLIENT = 3,
    N3OBS_SPAN_KIND_PRODUCER = 4,
    N3OBS_SPAN_KIND_CONSUMER = 5
} n3obs_span_kind;

/** Span status codes, with OTLP's numbers. */
typedef enum n3obs_status_code {
    N3OBS_STATUS_UNSET = 0,
    N3OBS_STATUS_OK = 1,
    N3OBS_STATUS_ERROR = 2
} n3obs_status_code;

/** The W3C sampled flag of n3obs_span_context.trace_flags. */
#define N3OBS_TRACE_FLAG_SAMPLED 0x01u
/** Trace Context level 2's random flag: the trace id's right 7 bytes are random. A span
 *  keeps its parent's; the traces n3obs starts set it (their ids are random). */
#define N3OBS_TRACE_FLAG_RANDOM 0x02u

/** Attribute value types. */
typedef enum n3obs_value_type {
    N3OBS_VALUE_STRING = 1,
    N3OBS_VALUE_INT64 = 2,
    N3OBS_VALUE_DOUBLE = 3,
    N3OBS_VALUE_BOOL = 4,
    N3OBS_VALUE_STRING_ARRAY = 5,
    N3OBS_VALUE_INT64_ARRAY = 6,
    N3OBS_VALUE_DOUBLE_ARRAY = 7,
    N3OBS_VALUE_BOOL_ARRAY = 8
} n3obs_value_type;

/**
 * A typed value. Only the field(s) of its type are read: string_value; int_value;
 * double_value; bool_value (0 or not 0); or for arrays, array_count items at array:
 * const char *const * (strings), const int64_t *, const double *, const int32_t * (bools).
 * Strings are UTF-8; doubles may be NaN or infinite.
 */
typedef struct n3obs_value {
    int32_t type;                /**< n3obs_value_type */
    int32_t bool_value;
    int64_t int_value;
    double double_value;
    const char *string_value;
    const void *array;
    size_t array_count;          /**< at most N3OBS_MAX_ATTRIBUTE_ARRAY_LEN */
} n3obs_value;

/** A key (non-empty UTF-8, at most N3OBS_MAX_ATTRIBUTE_KEY_LEN bytes) and its value.
 *  A key set twice keeps the last value. */
typedef struct n3obs_attribute {
    const char *key;
    n3obs_value value;
} n3obs_attribute;

/**
 * A span context: what identifies a span across processes. Filled by
 * n3obs_trace_context_extract and n3obs_span_get_context; start from
 * N3OBS_SPAN_CONTEXT_INIT. It is valid when neither id is all zero.
 */
typedef struct n3obs_span_context {
    uint32_t size;               /**< sizeof(n3obs_span_context) as the caller compiled it */
    uint8_t trace_flags;         /**< N3OBS_TRACE_FLAG_SAMPLED, N3OBS_TRACE_FLAG_RANDOM */
    uint8_t is_remote;           /**< 1 when it came from another process */
    uint8_t reserved[2];
    uint8_t trace_id[16];
    uint8_t span_id[8];
    /** The W3C tracestate, NUL-terminated; "" when there is none. */
    char tracestate[N3OBS_MAX_TRACESTATE_LEN + 1];
} n3obs_span_context;

#define N3OBS_SPAN_CONTEXT_INIT { (uint32_t)sizeof(n3obs_span_context), 0, 0, {0, 0}, {0}, {0}, {0} }

/** A link to another span, given to n3obs_span_start or n3obs_span_add_link, and
 *  returned in n3obs_span_data. */
typedef struct n3obs_link {
    uint8_t trace_id[16];        /**< not all zero */
    uint8_t span_id[8];          /**< not all zero */
    uint8_t trace_flags;
    uint8_t reserved[3];
    /** On output: attributes beyond the limit. Ignored on input. */
    uint32_t dropped_attributes_count;
    const char *tracestate;      /**< NULL or "" for none; kept as given (at most 512 bytes) */
    const n3obs_attribute *attributes;
    size_t attribute_count;
} n3obs_link;

/** Options of n3obs_span_start. Start from N3OBS_SPAN_OPTS_INIT. */
typedef struct n3obs_span_opts {
    uint32_t size;               /**< sizeof(n3obs_span_opts) as the caller compiled it */
    int32_t kind;                /**< n3obs_span_kind; 0 is INTERNAL */
    /** A live parent span of this process (possibly of another thread), or NULL. */
    n3obs_span *parent;
    /** A parent from another process (n3obs_trace_context_extract), or NULL. An invalid
     *  context (all-zero ids) means "no parent": the span starts a new trace. */
    const n3obs_span_context *remote_parent;
    /** Unix nanoseconds; 0 is now. */
    int64_t start_time_unix_nano;
    const n3obs_attribute *attributes;
    size_t attribute_count;
    const n3obs_link *links;
    size_t link_count;
    uint32_t flags;              /**< N3OBS_SPAN_* flags */
    uint32_t reserved;
    /** Output, or NULL: when set (its size filled in, as from N3OBS_SPAN_CONTEXT_INIT),
     *  a successful n3obs_span_start writes the new span's context here, as
     *  n3obs_span_get_context would, saving that second call. Callers compiled
     *  before this field existed pass the smaller size and are served as before. */
    n3obs_span_context *context_out;
} n3obs_span_opts;

/** Start a new trace even if a span is current (ignored when a parent is given). */
#define N3OBS_SPAN_ROOT 0x1u

#define N3OBS_SPAN_OPTS_INIT \
    { (uint32_t)sizeof(n3obs_span_opts), 0, NULL, NULL, 0, NULL, 0, NULL, 0, 0, 0, NULL }

/**
 * Starts a span. Its parent is opts->parent, else opts->remote_parent, else (unless
 * N3OBS_SPAN_ROOT) the calling thread's current span, else none (a new trace id). The
 * sampler decides from the parent's sampled flag and the trace id. The span is not made
 * current (see n3obs_span_make_current).
 *
 * @param out   receives the span; NULL on failure.
 * @param name  UTF-8, at most N3OBS_MAX_SPAN_NAME_LEN bytes.
 * @param opts  NULL for an INTERNAL span with the defaults above.
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL out or name, opts->size too small,
 *         both parent and remote_parent, unknown kind, a negative start time, a NULL list
 *         with a count, a bad attribute or link, context_out->size too small); N3OBS_E_MISUSE (a stale or unknown
 *         parent); N3OBS_E_INVALID_UTF8; N3OBS_E_TOO_LONG; N3OBS_E_NO_MEMORY (also when
 *         4 million spans are open at once). Thread-safe.
 */
N3OBS_API int n3obs_span_start(n3obs_span **out, const char *name, const n3obs_span_opts *opts);

/**
 * Ends a span. A sampled span goes to the export queue (or is dropped and counted when the
 * queue is full); the handle becomes stale. Ending does not leave a scope: close the
 * span's scope token too.
 *
 * @param end_time_unix_nano  0 for now: the start time plus the monotonic clock's elapsed
 *        time. An end before the start is clamped to the start.
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL span, negative time); N3OBS_E_MISUSE
 *         (ended already, or never existed). Thread-safe.
 */
N3OBS_API int n3obs_span_end(n3obs_span *span, int64_t end_time_unix_nano);

/* Attributes. Each sets (or replaces) attributes of a live span. A new key past the
 * span's attribute limit is dropped and counted in dropped_attributes_count. Each returns
 * N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL span or key, empty key, unknown value type,
 * NULL array or string); N3OBS_E_MISUSE (stale span); N3OBS_E_INVALID_UTF8;
 * N3OBS_E_TOO_LONG; N3OBS_E_NO_MEMORY. On failure nothing is set. Thread-safe. */

N3OBS_API int n3obs_span_set_attribute_string(n3obs_span *span, const char *key,
                                              const char *value);
N3OBS_API int n3obs_span_set_attribute_int(n3obs_span *span, const char *key, int64_t value);
N3OBS_API int n3obs_span_set_attribute_double(n3obs_span *span, const char *key, double value);
N3OBS_API int n3obs_span_set_attribute_bool(n3obs_span *span, const char *key, int value);
/** Sets count attributes of any type, arrays included (all or none are set). */
N3OBS_API int n3obs_span_set_attributes(n3obs_span *span, const n3obs_attribute *attributes,
                                        size_t count);

/**
 * Adds an event. Past the span's event limit it is dropped and counted.
 * @param time_unix_nano  0 for now.
 * @return as the attribute functions, plus N3OBS_E_INVALID_ARGUMENT for a NULL name or a
 *         negative time. Thread-safe.
 */
N3OBS_API int n3obs_span_add_event(n3obs_span *span, const char *name, int64_t time_unix_nano,
                                   const n3obs_attribute *attributes, size_t attribute_count);

/** Adds a link (all-zero ids: N3OBS_E_INVALID_ARGUMENT). Past the link limit it is
 *  dropped and counted. Statuses as the attribute functions. Thread-safe. */
N3OBS_API int n3obs_span_add_link(n3obs_span *span, const n3obs_link *link);

/**
 * Sets the status. OK is final (later calls change nothing, as OpenTelemetry says); UNSET
 * is ignored; description is kept only with ERROR (NULL is "").
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL span, unknown code); N3OBS_E_MISUSE;
 *         N3OBS_E_INVALID_UTF8; N3OBS_E_TOO_LONG. Thread-safe.
 */
N3OBS_API int n3obs_span_set_status(n3obs_span *span, int32_t code, const char *description);

/**
 * Records an exception as an "exception" event with the attributes exception.type,
 * exception.message and exception.stacktrace (each left out when NULL; type and message
 * may not both be NULL). Does not set the status.
 * @return as n3obs_span_add_event. Thread-safe.
 */
N3OBS_API int n3obs_span_record_exception(n3obs_span *span, const char *type,
                                          const char *message, const char *stacktrace);

/** Renames a live span. Statuses as the attribute functions. Thread-safe. */
N3OBS_API int n3obs_span_update_name(n3obs_span *span, const char *name);

/** 1 if the span is live and sampled, 0 if it is live and not sampled; N3OBS_E_MISUSE
 *  (stale) or N3OBS_E_INVALID_ARGUMENT (NULL). Thread-safe. */
N3OBS_API int n3obs_span_is_recording(n3obs_span *span);

/**
 * Copies a live span's context (ids, flags, tracestate; is_remote 0) into *out.
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL, out->size too small);
 *         N3OBS_E_MISUSE. Thread-safe.
 */
N3OBS_API int n3obs_span_get_context(n3obs_span *span, n3obs_span_context *out);

/* The current span. Each thread has a stack of current spans: making a span current
 * pushes it and returns a token; closing the token pops it. New spans take the current
 * span as parent. A token is only valid on the thread that got it. */

typedef uint64_t n3obs_scope;

/**
 * Makes a live span the calling thread's current span until n3obs_scope_close(*token).
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL span or token); N3OBS_E_MISUSE
 *         (stale span); N3OBS_E_NO_MEMORY. Thread-safe (affects the calling thread only).
 */
N3OBS_API int n3obs_span_make_current(n3obs_span *span, n3obs_scope *token);

/**
 * Closes a scope: the span that was current before it becomes current again.
 * Closing a scope that is not the innermost is misuse: it returns N3OBS_E_MISUSE and
 * also closes the scopes opened after it, so the stack stays consistent (their tokens
 * become unknown). A token that is unknown on this thread (closed already, from another
 * thread, or made up) returns N3OBS_E_MISUSE and changes nothing.
 * Thread-safe (affects the calling thread only).
 */
N3OBS_API int n3obs_scope_close(n3obs_scope token);

/** The calling thread's current span in *out, or NULL when there is none (the span may
 *  have ended since it was made current). N3OBS_OK; N3OBS_E_INVALID_ARGUMENT. */
N3OBS_API int n3obs_span_current(n3obs_span **out);

/* Context storage: where "the current span" lives (as OpenTelemetry's runtime context lets
 * a language install its own storage). By default it is the calling thread's stack above.
 * A language whose logical context is not the thread (Python's contextvars, coroutines,
 * green threads) installs a storage, and the C library then reads and sets the current
 * span there: a span started in C with no parent inside a span the language made current
 * is its child, an observation there carries that span's exemplar, and a span made current
 * in C (n3obs_span_make_current) is the language's current span until its scope closes.
 *
 * The SDK calls the functions on the thread whose current span it needs, holding no lock
 * of its own and outside the fork gate, so they may take the language's own lock (a GIL).
 * They must not block for long, and may call n3obs functions other than the four above.
 * Each returns 1 when the storage holds the calling thread's context, 0 when it does not
 * (a thread the language does not know): the SDK then uses the thread's stack. */
typedef struct n3obs_context_storage {
    size_t size;                 /**< sizeof(n3obs_context_storage) as the caller compiled it */
    void *user_data;             /**< passed to every function */
    /** The current span of the calling thread's context: its context in *context (which
     *  has context->size set; leave the ids zero when no span is current), and, when span
     *  is not NULL, its handle in *span (NULL when the storage has none, e.g. for a parent
     *  from another process or a span that has ended). Required. */
    int (*get_current)(void *user_data, n3obs_span_context *context, n3obs_span **span);
    /** Makes span (live; its context given) current; *token receives what detach takes
     *  back. Optional, with detach: without them n3obs_span_make_current uses the stack. */
    int (*attach)(void *user_data, n3obs_span *span, const n3obs_span_context *context,
                  uint64_t *token);
    /** Restores the context that was current before attach gave token; 0 when the token
     *  is not this storage's (the SDK then looks for it on the thread's stack). */
    int (*detach)(void *user_data, uint64_t token);
    /** Optional: a counter the storage keeps above 0 while any of its contexts may hold a
     *  current span (a span block is open), so that observations outside every span need
     *  not call get_current. NULL: always ask. Read without synchronization, as a hint;
     *  span starts always ask. */
    const volatile long *current_count;
} n3obs_context_storage;

#define N3OBS_CONTEXT_STORAGE_INIT { sizeof(n3obs_context_storage), NULL, NULL, NULL, NULL, NULL }

/**
 * Installs storage (copied) for the current span of every thread, or with NULL goes back
 * to the per-thread stacks. Works before n3obs_init and after n3obs_shutdown; the storage
 * stays installed across fork(). The functions of a replaced storage may still be running
 * on other threads for a moment: keep them and their user_data valid for the life of the
 * process. Histogram exemplars consult the storage on the threads where it has answered
 * for the current span once (a span started there without a parent, make_current,
 * n3obs_span_current, or n3obs_trace_context_inject of the current span), so that a
 * thread that never traced pays nothing.
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (size too small, no get_current, attach
 *         without detach or detach without attach). Thread-safe.
 */
N3OBS_API int n3obs_set_context_storage(const n3obs_context_storage *storage);

/* W3C Trace Context (https://www.w3.org/TR/trace-context/). */

/**
 * Parses traceparent and tracestate header values into *out (is_remote 1). Surrounding
 * spaces and tabs are ignored. A traceparent of version 00 must be exactly
 * "00-<32 hex>-<16 hex>-<2 hex>" in lowercase, with ids that are not all zero; version ff
 * is invalid; a higher version is read from its first four fields when the value is at
 * least 55 characters and the flags are followed by '-' or the end; the flags are kept
 * as received. A tracestate that breaks level 2's grammar (over 32 members, a bad key or
 * value; a key is a lowercase letter or digit then up to 255 of a-z 0-9 _ - * / @) is
 * dropped while the traceparent is kept; a key given twice keeps its first member;
 * members are dropped to fit N3OBS_MAX_TRACESTATE_LEN (those over 128 characters first,
 * then from the end).
 *
 * @param out          receives the context; all zero (invalid) when traceparent is bad.
 * @param traceparent  the header value, or NULL when absent; one longer than 4096 bytes is
 *                     refused unread (N3OBS_E_INVALID_VALUE).
 * @param tracestate   the header value (several headers joined with ","), or NULL.
 * @return N3OBS_OK when traceparent was valid; N3OBS_E_INVALID_VALUE when it was absent or
 *         invalid (the message says why); N3OBS_E_INVALID_ARGUMENT (NULL out, out->size
 *         too small). Works before n3obs_init. Thread-safe.
 */
N3OBS_API int n3obs_trace_context_extract(n3obs_span_context *out, const char *traceparent,
                                          const char *tracestate);

/**
 * Formats the context of span (NULL: the calling thread's current span) as a version-00
 * traceparent (its flags: sampled and random; unknown bits as zero) and its tracestate.
 * When there is no span to propagate, both buffers get "" and N3OBS_OK is returned: send
 * no header then.
 *
 * @param traceparent       buffer of traceparent_size bytes (N3OBS_TRACEPARENT_SIZE is
 *                          always enough).
 * @param tracestate        buffer for the tracestate (N3OBS_MAX_TRACESTATE_LEN + 1 is
 *                          always enough), or NULL with size 0 to skip it.
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL traceparent buffer, NULL tracestate
 *         with a size); N3OBS_E_TOO_LONG (a buffer too small; both get ""); N3OBS_E_MISUSE
 *         (span stale). Thread-safe.
 */
N3OBS_API int n3obs_trace_context_inject(n3obs_span *span, char *traceparent,
                                         size_t traceparent_size, char *tracestate,
                                         size_t tracestate_size);

/* Ended spans as plain data. The export pipeline hands the same structs to exporter
 * plugins; until it is loaded, n3obs_spans_drain lets a program read them. */

/** An event of a span. */
typedef struct n3obs_event_data {
    const char *name;
    int64_t time_unix_nano;
    const n3obs_attribute *attributes;
    size_t attribute_count;
    uint32_t dropped_attributes_count;
    uint32_t reserved;
} n3obs_event_data;

/** An ended span. Fields are only ever added at the end. */
typedef struct n3obs_span_data {
    uint32_t size;               /**< sizeof(n3obs_span_data) of the library */
    int32_t kind;                /**< n3obs_span_kind */
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t parent_span_id[8];   /**< all zero for a root span */
    uint8_t trace_flags;         /**< N3OBS_TRACE_FLAG_SAMPLED, N3OBS_TRACE_FLAG_RANDOM */
    uint8_t parent_is_remote;    /**< 1 when the parent came from another process */
    uint8_t reserved[2];
    int32_t status_code;         /**< n3obs_status_code */
    const char *name;
    const char *status_description; /**< "" unless the status is ERROR with one */
    const char *tracestate;      /**< "" when none */
    int64_t start_time_unix_nano;
    int64_t end_time_unix_nano;
    const n3obs_attribute *attributes;
    size_t attribute_count;
    const n3obs_event_data *events;
    size_t event_count;
    const n3obs_link *links;
    size_t link_count;
    uint32_t dropped_attributes_count;
    uint32_t dropped_events_count;
    uint32_t dropped_links_count;
    uint32_t reserved2;
} n3obs_span_data;

/** A batch of ended spans, in the order they ended; freed with n3obs_span_batch_free. */
typedef struct n3obs_span_batch {
    uint32_t size;               /**< sizeof(n3obs_span_batch) of the library */
    uint32_t reserved;
    const n3obs_span_data *spans;
    size_t span_count;
} n3obs_span_batch;

/**
 * Takes up to max_spans ended spans out of the export queue (0 means all that are there).
 * Every pointer in the batch stays valid until n3obs_span_batch_free.
 * @return N3OBS_OK (possibly with span_count 0); N3OBS_E_INVALID_ARGUMENT (NULL out);
 *         N3OBS_E_NO_MEMORY (the spans stay queued). Thread-safe: concurrent drains are
 *         serialized.
 */
N3OBS_API int n3obs_spans_drain(n3obs_span_batch **out, size_t max_spans);
/** Frees a batch; NULL is ignored. Thread-safe. */
N3OBS_API void n3obs_span_batch_free(n3obs_span_batch *batch);

/** The number of ended sampled spans dropped because the queue was full, since init.
 *  N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (NULL). Thread-safe. */
N3OBS_API int n3obs_spans_dropped(uint64_t *out);

/* ------------------------------------------------------------------------------------ */
/* Health                                                                                 */
/* ------------------------------------------------------------------------------------ */

/*
 * A health check is a callback that says whether one part of the program works. A report
 * runs the checks and combines their results:
 *
 *  - Overall status: any failing critical check makes the report UNHEALTHY; any failing
 *    non-critical check, or any DEGRADED check, makes it at most DEGRADED; otherwise (and
 *    with no checks at all) it is HEALTHY. "Failing" is UNHEALTHY, which includes a check
 *    that timed out, is stuck, returned a value outside n3obs_health_status, or could not
 *    be started.
 *  - Checks run concurrently on the SDK's own threads, never on the caller's, each with
 *    its timeout. A check that exceeds it is reported UNHEALTHY with the detail
 *    "timed out after N ms" (timed_out = 1), and the caller gets the report on time: a
 *    report returns within the longest timeout of the checks it runs, plus scheduling.
 *  - A check still running from an earlier run that timed out is not started again: the
 *    report says it is stuck (UNHEALTHY, stuck = 1, duration counted from that run's
 *    start) until the callback returns. So hung checks never pile up threads: at most one
 *    run per check is in flight, and at most N3OBS_HEALTH_MAX_THREADS threads run checks;
 *    once all are held by hung callbacks, further checks are reported UNHEALTHY with a
 *    detail that says they could not be started. Threads are kept for reuse, not created
 *    per report.
 *  - Two reports made at once share a run in flight instead of starting a second one.
 *  - A check with an interval is run by a report only when its last result is older than
 *    the interval; otherwise that result is reported again (cached = 1).
 *  - Each result decided by a run also sets the gauges n3obs_health_status{check} (1
 *    healthy, 0.5 degraded, 0 unhealthy) and n3obs_health_check_duration_seconds{check}.
 *
 * Built-in checks, registered by n3obs_init unless turned off in n3obs_config (where their
 * thresholds are documented), tagged "n3obs" and "builtin", not critical by default, each
 * with a 1000 ms timeout; none blocks (the CPU figure compares /proc/stat with a reading
 * kept from an earlier run or from init):
 *   system_memory   MemAvailable of /proc/meminfo against MemTotal
 *   process_memory  resident memory (/proc/self/statm) against the cgroup limit or MemTotal
 *   cpu             machine CPU utilisation over about the last second (/proc/stat)
 *   disk            free space of health_disk_path (statvfs)
 *   pipeline        the span queue's fill, spans dropped and exports failed since the
 *                   previous run; healthy with "no export pipeline yet" until one exists
 * Their names are taken: registering a check of the same name fails with N3OBS_E_CONFLICT
 * unless that built-in is turned off.
 */

typedef enum n3obs_health_status {
    N3OBS_HEALTH_HEALTHY = 0,
    N3OBS_HEALTH_DEGRADED = 1,
    N3OBS_HEALTH_UNHEALTHY = 2
} n3obs_health_status;

/** Bits of n3obs_config.health_builtins_off. */
#define N3OBS_HEALTH_BUILTIN_SYSTEM_MEMORY 0x1u
#define N3OBS_HEALTH_BUILTIN_PROCESS_MEMORY 0x2u
#define N3OBS_HEALTH_BUILTIN_CPU 0x4u
#define N3OBS_HEALTH_BUILTIN_DISK 0x8u
#define N3OBS_HEALTH_BUILTIN_PIPELINE 0x10u
#define N3OBS_HEALTH_BUILTIN_ALL 0x1fu

/** Bytes of the detail buffer a callback gets, its terminating NUL included. */
#define N3OBS_HEALTH_DETAIL_CAPACITY 1024
/** Timeout of a check registered with timeout_ms 0, and the largest allowed. */
#define N3OBS_HEALTH_DEFAULT_TIMEOUT_MS 5000
#define N3OBS_HEALTH_MAX_TIMEOUT_MS 3600000
#define N3OBS_HEALTH_MAX_TAGS 32
/** Threads that may run check callbacks at once. */
#define N3OBS_HEALTH_MAX_THREADS 32

/**
 * A check's callback. Runs on an SDK thread (never the caller's, never two runs of one
 * check at once). It may write a NUL-terminated UTF-8 message of at most
 * detail_capacity - 1 bytes into detail (it starts as ""; invalid UTF-8 is replaced) and
 * returns an n3obs_health_status. Any other return value makes the check UNHEALTHY with a
 * detail that says which value it returned.
 */
typedef int (*n3obs_health_fn)(void *user_data, char *detail, size_t detail_capacity);

/** A check's registration. Start from N3OBS_HEALTH_CHECK_OPTS_INIT. */
typedef struct n3obs_health_check_opts {
    uint32_t size;               /**< sizeof(n3obs_health_check_opts) as the caller compiled it */
    uint32_t timeout_ms;         /**< 0: N3OBS_HEALTH_DEFAULT_TIMEOUT_MS; at most N3OBS_HEALTH_MAX_TIMEOUT_MS */
    /** Unique, non-empty UTF-8 without control characters, at most N3OBS_MAX_NAME_LEN bytes. */
    const char *name;
    const char *description;     /**< any UTF-8, at most N3OBS_MAX_HELP_LEN bytes; NULL is "" */
    n3obs_health_fn callback;    /**< required */
    void *user_data;             /**< passed to callback and to user_data_free */
    /** Called once, on any thread, when the SDK no longer needs user_data: after the check
     *  is unregistered (or the SDK shut down) and its last run has returned. Never called
     *  when registration fails, nor while a hung callback has not returned. May be NULL. */
    void (*user_data_free)(void *user_data);
    const char *const *tags;     /**< tag_count UTF-8 strings of at most N3OBS_MAX_NAME_LEN bytes */
    size_t tag_count;            /**< at most N3OBS_HEALTH_MAX_TAGS */
    /** Minimum time between runs; a report within it reuses the last result. 0: every report. */
    uint32_t interval_ms;
    /** Non-zero: this check failing makes the report UNHEALTHY (else at most DEGRADED). */
    int32_t critical;
} n3obs_health_check_opts;

#define N3OBS_HEALTH_CHECK_OPTS_INIT \
    { (uint32_t)sizeof(n3obs_health_check_opts), 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 }

/** One check's result in a report. Strings are never NULL. */
typedef struct n3obs_health_check_result {
    uint32_t size;               /**< sizeof(n3obs_health_check_result) of the library */
    n3obs_health_status status;
    const char *name;
    const char *description;
    const char *detail;          /**< "" when the check said nothing */
    int64_t duration_ns;         /**< how long the run took (or has taken, if stuck) */
    int64_t timestamp_unix_nano; /**< when the run began */
    const char *const *tags;
    size_t tag_count;
    int32_t critical;            /**< 1 or 0, as registered */
    int32_t timed_out;           /**< 1: did not return within its timeout */
    int32_t stuck;               /**< 1: an earlier timed-out run is still going; not run again */
    int32_t cached;              /**< 1: the result of an earlier run, within the check's interval */
} n3obs_health_check_result;

/** A report: the overall status and each check's result. Belongs to the caller until
 *  n3obs_health_report_free. */
typedef struct n3obs_health_report {
    uint32_t size;               /**< sizeof(n3obs_health_report) of the library */
    n3obs_health_status status;  /**< overall, by the rules above */
    int64_t time_unix_nano;      /**< when the report began */
    int64_t duration_ns;         /**< how long it took */
    /** check_count results sorted by name. Pointers, so that the result struct can grow. */
    const n3obs_health_check_result *const *checks;
    size_t check_count;
} n3obs_health_report;

/**
 * Registers a check.
 *
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (opts, its name or callback NULL, opts->size
 *         too small, tags NULL with tag_count > 0, a NULL tag); N3OBS_E_INVALID_NAME (empty,
 *         or a control character); N3OBS_E_TOO_LONG; N3OBS_E_INVALID_UTF8;
 *         N3OBS_E_INVALID_VALUE (timeout above N3OBS_HEALTH_MAX_TIMEOUT_MS);
 *         N3OBS_E_CONFLICT (a check of that name is registered); N3OBS_E_NOT_INITIALIZED;
 *         N3OBS_E_SHUTDOWN. On failure nothing is kept and user_data_free is not called.
 * Thread-safe.
 */
N3OBS_API int n3obs_health_register(const n3obs_health_check_opts *opts);

/**
 * Unregisters a check. Safe while the check runs: the run goes on (its result is dropped)
 * and user_data stays in use until the callback returns; user_data_free says when it is
 * no longer used.
 *
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (name NULL, or no check of that name);
 *         N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. Thread-safe.
 */
N3OBS_API int n3obs_health_unregister(const char *name);

/**
 * Runs every registered check that is due and writes the report to *out; it also becomes
 * the last report (n3obs_health_last_report).
 *
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (out NULL); N3OBS_E_NO_MEMORY;
 *         N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. On failure *out is NULL.
 * Thread-safe; reports made at once share runs in flight.
 */
N3OBS_API int n3obs_health_run(n3obs_health_report **out);

/**
 * Runs one check now (whatever its interval; a stuck check is reported stuck) and writes a
 * report holding only it; the last report is not changed.
 *
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (out or name NULL, no check of that name);
 *         N3OBS_E_NO_MEMORY; N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. On failure *out is
 *         NULL. Thread-safe.
 */
N3OBS_API int n3obs_health_run_check(n3obs_health_report **out, const char *name);

/**
 * Copies the last report of n3obs_health_run or of the monitor, without running anything.
 * *out is NULL (with N3OBS_OK) when no report has been made yet.
 *
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (out NULL); N3OBS_E_NO_MEMORY;
 *         N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. Thread-safe.
 */
N3OBS_API int n3obs_health_last_report(n3obs_health_report **out);

/** Frees a report; NULL is ignored. Works after n3obs_shutdown too. */
N3OBS_API void n3obs_health_report_free(n3obs_health_report *report);

/**
 * Writes the report as a NUL-terminated JSON object, for a person and a load balancer:
 *   {"status":"degraded","time":"2025-01-02T03:04:05.678Z","duration_ms":1.234,
 *    "counts":{"healthy":4,"degraded":0,"unhealthy":1},
 *    "checks":[{"name":"db","status":"unhealthy","critical":false,
 *               "detail":"timed out after 100 ms","description":"...","tags":["sql"],
 *               "time":"...","duration_ms":100.1,"timed_out":true,"stuck":false,
 *               "cached":false}, ...]}
 * Free *out with n3obs_health_json_free.
 *
 * @return N3OBS_OK; N3OBS_E_INVALID_ARGUMENT (out or report NULL, or not a report of this
 *         library); N3OBS_E_NO_MEMORY; N3OBS_E_NOT_INITIALIZED; N3OBS_E_SHUTDOWN. On failure
 *         *out is NULL. Thread-safe.
 */
N3OBS_API int n3obs_health_report_json(char **out, const n3obs_health_report *report);

/** Frees a string of n3obs_health_report_json; NULL is ignored. */
N3OBS_API void n3obs_health_json_free(char *json);

/** "healthy", "degraded" or "unhealthy"; "unknown" for any other value. Never NULL.
 *  Thread-safe. */
N3OBS_API const char *n3obs_health_status_str(int status);

#ifdef __cplusplus
}
#endif

#endif /* N3OBS_H */
