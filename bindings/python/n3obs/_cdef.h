/*
 * The cffi declarations of n3obs.h: the header's types and functions without comments and
 * preprocessor lines, constants as "#define NAME ..." so their values come from the header
 * at build time. Struct layouts are verified by the C compiler when the extension is
 * built; tests/test_cdef.py checks that every N3OBS_API function of include/n3obs.h is
 * declared here with the same signature. Regenerate or edit by hand when the header grows.
 */
#define N3OBS_VERSION_MAJOR ...
#define N3OBS_VERSION_MINOR ...
#define N3OBS_VERSION_PATCH ...
#define N3OBS_VERSION_NUMBER ...
#define N3OBS_ABI_VERSION ...
#define N3OBS_OK ...
#define N3OBS_E_INVALID_ARGUMENT ...
#define N3OBS_E_INVALID_NAME ...
#define N3OBS_E_LABEL_COUNT ...
#define N3OBS_E_CONFLICT ...
#define N3OBS_E_NOT_INITIALIZED ...
#define N3OBS_E_SHUTDOWN ...
#define N3OBS_E_MISUSE ...
#define N3OBS_E_NO_MEMORY ...
#define N3OBS_E_INVALID_UTF8 ...
#define N3OBS_E_TOO_LONG ...
#define N3OBS_E_INVALID_VALUE ...
#define N3OBS_E_CONFIG ...
#define N3OBS_E_PLUGIN_NOT_FOUND ...
#define N3OBS_E_PLUGIN_NOT_LOADABLE ...
#define N3OBS_E_PLUGIN_NO_ENTRY ...
#define N3OBS_E_PLUGIN_ABI ...
#define N3OBS_E_PLUGIN_REFUSED ...
#define N3OBS_E_PLUGIN_TABLE ...
#define N3OBS_E_PLUGIN_UNSAFE ...
#define N3OBS_E_TIMEOUT ...
#define N3OBS_E_LAST ...
#define N3OBS_MAX_NAME_LEN ...
#define N3OBS_MAX_LABEL_VALUE_LEN ...
#define N3OBS_MAX_HELP_LEN ...
#define N3OBS_MAX_LABELS ...
#define N3OBS_MAX_BUCKETS ...
#define N3OBS_MAX_QUANTILES ...
#define N3OBS_INIT_IGNORE_ENV ...
#define N3OBS_INIT_NO_CATALOG ...
#define N3OBS_LOG_ERROR ...
#define N3OBS_LOG_WARN ...
#define N3OBS_LOG_INFO ...
#define N3OBS_LOG_DEBUG ...
#define N3OBS_MAX_SPAN_NAME_LEN ...
#define N3OBS_MAX_ATTRIBUTE_KEY_LEN ...
#define N3OBS_MAX_ATTRIBUTE_VALUE_LEN ...
#define N3OBS_MAX_ATTRIBUTE_ARRAY_LEN ...
#define N3OBS_MAX_ITEMS_PER_CALL ...
#define N3OBS_MAX_TRACESTATE_LEN ...
#define N3OBS_TRACEPARENT_SIZE ...
#define N3OBS_TRACE_FLAG_SAMPLED ...
#define N3OBS_TRACE_FLAG_RANDOM ...
#define N3OBS_SPAN_ROOT ...
#define N3OBS_HEALTH_BUILTIN_SYSTEM_MEMORY ...
#define N3OBS_HEALTH_BUILTIN_PROCESS_MEMORY ...
#define N3OBS_HEALTH_BUILTIN_CPU ...
#define N3OBS_HEALTH_BUILTIN_DISK ...
#define N3OBS_HEALTH_BUILTIN_PIPELINE ...
#define N3OBS_HEALTH_BUILTIN_ALL ...
#define N3OBS_HEALTH_DETAIL_CAPACITY ...
#define N3OBS_HEALTH_DEFAULT_TIMEOUT_MS ...
#define N3OBS_HEALTH_MAX_TIMEOUT_MS ...
#define N3OBS_HEALTH_MAX_TAGS ...
#define N3OBS_HEALTH_MAX_THREADS ...

const char *n3obs_version(void);

int n3obs_version_number(void);

int n3obs_abi_version(void);

const char *n3obs_error_last(void);

const char *n3obs_errstr(int status);

typedef void (*n3obs_log_sink)(int level, const char *component, const char *message, void *user_data);

typedef struct n3obs_config {
    uint32_t size;
    uint32_t reserved;
    const char *service_name;
    const char *metric_namespace;
    uint32_t cardinality_limit;
    uint32_t flags;
    const char *traces_sampler;
    const char *traces_sampler_arg;
    uint32_t bsp_max_queue_size;
    uint32_t bsp_max_export_batch_size;
    uint32_t bsp_schedule_delay_ms;
    uint32_t bsp_export_timeout_ms;
    uint32_t span_attribute_count_limit;
    uint32_t span_event_count_limit;
    uint32_t span_link_count_limit;
    uint32_t reserved_tracing;
    uint32_t health_builtins_off;
    uint32_t health_monitor_interval_ms;
    const char *health_disk_path;
    uint32_t health_builtins_critical;
    uint32_t health_reserved;
    double health_memory_degraded_percent;
    double health_memory_unhealthy_percent;
    double health_process_memory_degraded_percent;
    double health_process_memory_unhealthy_percent;
    double health_cpu_degraded_percent;
    double health_cpu_unhealthy_percent;
    double health_disk_degraded_percent;
    double health_disk_unhealthy_percent;
    double health_pipeline_degraded_percent;
    double health_pipeline_unhealthy_percent;
    const char *exporters;
    uint32_t metric_export_interval_ms;
    uint32_t reserved_export;
    const char *telemetry_sdk_language;
    uint32_t flush_on_signals;
    uint32_t reserved_exit;
    n3obs_log_sink log_sink;
    void *log_user_data;
} n3obs_config;

int n3obs_init(const n3obs_config *config);

int n3obs_shutdown(uint32_t timeout_ms);

int n3obs_is_running(void);

typedef struct n3obs_metric_opts {
    uint32_t size;
    uint32_t reserved;
    const char *name;
    const char *help;
    const char *unit;
    const char *const *label_names;
    size_t label_count;
} n3obs_metric_opts;

typedef struct n3obs_counter n3obs_counter;
typedef struct n3obs_gauge n3obs_gauge;
typedef struct n3obs_histogram n3obs_histogram;
typedef struct n3obs_summary n3obs_summary;
typedef struct n3obs_info n3obs_info;

int n3obs_counter_new(n3obs_counter **out, const n3obs_metric_opts *opts);

int n3obs_gauge_new(n3obs_gauge **out, const n3obs_metric_opts *opts);

int n3obs_histogram_new(n3obs_histogram **out, const n3obs_metric_opts *opts,
                                  const double *bounds, size_t bound_count);

typedef struct n3obs_summary_opts {
    uint32_t size;
    uint32_t reserved;
    const double *quantiles;
    size_t quantile_count;
    double max_age_seconds;
    uint32_t age_buckets;
    uint32_t reserved2;
} n3obs_summary_opts;

int n3obs_summary_new(n3obs_summary **out, const n3obs_metric_opts *opts,
                                const n3obs_summary_opts *summary_opts);

int n3obs_info_new(n3obs_info **out, const n3obs_metric_opts *opts);

typedef struct n3obs_counter_series n3obs_counter_series;
typedef struct n3obs_gauge_series n3obs_gauge_series;
typedef struct n3obs_histogram_series n3obs_histogram_series;
typedef struct n3obs_summary_series n3obs_summary_series;

int n3obs_counter_bind(n3obs_counter_series **out, n3obs_counter *family,
                                 const char *const *label_values, size_t label_count);
int n3obs_gauge_bind(n3obs_gauge_series **out, n3obs_gauge *family,
                               const char *const *label_values, size_t label_count);
int n3obs_histogram_bind(n3obs_histogram_series **out, n3obs_histogram *family,
                                   const char *const *label_values, size_t label_count);
int n3obs_summary_bind(n3obs_summary_series **out, n3obs_summary *family,
                                 const char *const *label_values, size_t label_count);

int n3obs_counter_add(n3obs_counter_series *series, double value);

int n3obs_counter_inc(n3obs_counter_series *series);

int n3obs_gauge_set(n3obs_gauge_series *series, double value);

int n3obs_gauge_add(n3obs_gauge_series *series, double delta);

int n3obs_histogram_observe(n3obs_histogram_series *series, double value);

int n3obs_summary_observe(n3obs_summary_series *series, double value);

int n3obs_counter_add_labels(n3obs_counter *family, const char *const *label_values,
                                       size_t label_count, double value);
int n3obs_gauge_set_labels(n3obs_gauge *family, const char *const *label_values,
                                     size_t label_count, double value);
int n3obs_gauge_add_labels(n3obs_gauge *family, const char *const *label_values,
                                     size_t label_count, double delta);
int n3obs_histogram_observe_labels(n3obs_histogram *family,
                                             const char *const *label_values,
                                             size_t label_count, double value);
int n3obs_summary_observe_labels(n3obs_summary *family,
                                           const char *const *label_values,
                                           size_t label_count, double value);

int n3obs_info_set(n3obs_info *family, const char *const *label_values,
                             size_t label_count);

typedef enum n3obs_metric_type {
    N3OBS_METRIC_COUNTER = 1,
    N3OBS_METRIC_GAUGE = 2,
    N3OBS_METRIC_HISTOGRAM = 3,
    N3OBS_METRIC_SUMMARY = 4,
    N3OBS_METRIC_INFO = 5
} n3obs_metric_type;

typedef struct n3obs_exemplar_data {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    double value;
    int64_t time_unix_nano;
} n3obs_exemplar_data;

typedef struct n3obs_bucket_data {
    double upper_bound;
    uint64_t cumulative_count;
    int32_t has_exemplar;
    int32_t reserved;
    n3obs_exemplar_data exemplar;
} n3obs_bucket_data;

typedef struct n3obs_quantile_data {
    double quantile;
    double value;
} n3obs_quantile_data;

typedef struct n3obs_series_data {
    const char *const *label_values;
    int32_t is_overflow;
    int32_t reserved;
    double value;
    uint64_t count;
    double sum;
    const n3obs_bucket_data *buckets;
    size_t bucket_count;
    const n3obs_quantile_data *quantiles;
    size_t quantile_count;
    int64_t created_unix_nano;
} n3obs_series_data;

typedef struct n3obs_family_data {
    const char *name;
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
    uint32_t size;
    uint32_t reserved;
    int64_t time_unix_nano;
    const n3obs_family_data *families;
    size_t family_count;
} n3obs_metrics_snapshot;

int n3obs_metrics_collect(n3obs_metrics_snapshot **out);

void n3obs_metrics_snapshot_free(n3obs_metrics_snapshot *snapshot);

typedef struct n3obs_execution {
    uint64_t opaque[4];
} n3obs_execution;

int n3obs_execution_begin(n3obs_execution *execution, const char *component,
                                    const char *strategy);

int n3obs_execution_end(n3obs_execution *execution, const char *status);
int n3obs_execution_end_with_duration(n3obs_execution *execution, const char *status,
                                      double duration_seconds);

int n3obs_catalog_record_error(const char *component, const char *error_type,
                                         const char *severity);

int n3obs_catalog_record_security_validation(const char *validation_type,
                                                       const char *result);

int n3obs_catalog_set_worker_pool_size(const char *pool_name, const char *node,
                                                 double size);

int n3obs_catalog_set_task_queue_length(const char *queue_name,
                                                  const char *priority, double length);

int n3obs_exporter_load(const char *name_or_path, const char *config_json);

int n3obs_force_flush(uint32_t timeout_ms);

typedef struct n3obs_span n3obs_span;

typedef enum n3obs_span_kind {
    N3OBS_SPAN_KIND_INTERNAL = 1,
    N3OBS_SPAN_KIND_SERVER = 2,
    N3OBS_SPAN_KIND_CLIENT = 3,
    N3OBS_SPAN_KIND_PRODUCER = 4,
    N3OBS_SPAN_KIND_CONSUMER = 5
} n3obs_span_kind;

typedef enum n3obs_status_code {
    N3OBS_STATUS_UNSET = 0,
    N3OBS_STATUS_OK = 1,
    N3OBS_STATUS_ERROR = 2
} n3obs_status_code;

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

typedef struct n3obs_value {
    int32_t type;
    int32_t bool_value;
    int64_t int_value;
    double double_value;
    const char *string_value;
    const void *array;
    size_t array_count;
} n3obs_value;

typedef struct n3obs_attribute {
    const char *key;
    n3obs_value value;
} n3obs_attribute;

typedef struct n3obs_span_context {
    uint32_t size;
    uint8_t trace_flags;
    uint8_t is_remote;
    uint8_t reserved[2];
    uint8_t trace_id[16];
    uint8_t span_id[8];
    char tracestate[513];
} n3obs_span_context;

typedef struct n3obs_link {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t trace_flags;
    uint8_t reserved[3];
    uint32_t dropped_attributes_count;
    const char *tracestate;
    const n3obs_attribute *attributes;
    size_t attribute_count;
} n3obs_link;

typedef struct n3obs_span_opts {
    uint32_t size;
    int32_t kind;

    n3obs_span *parent;
    const n3obs_span_context *remote_parent;
    int64_t start_time_unix_nano;
    const n3obs_attribute *attributes;
    size_t attribute_count;
    const n3obs_link *links;
    size_t link_count;
    uint32_t flags;
    uint32_t reserved;
    n3obs_span_context *context_out;
} n3obs_span_opts;

int n3obs_span_start(n3obs_span **out, const char *name, const n3obs_span_opts *opts);

int n3obs_span_end(n3obs_span *span, int64_t end_time_unix_nano);

int n3obs_span_set_attribute_string(n3obs_span *span, const char *key,
                                              const char *value);
int n3obs_span_set_attribute_int(n3obs_span *span, const char *key, int64_t value);
int n3obs_span_set_attribute_double(n3obs_span *span, const char *key, double value);
int n3obs_span_set_attribute_bool(n3obs_span *span, const char *key, int value);

int n3obs_span_set_attributes(n3obs_span *span, const n3obs_attribute *attributes,
                                        size_t count);

int n3obs_span_add_event(n3obs_span *span, const char *name, int64_t time_unix_nano,
                                   const n3obs_attribute *attributes, size_t attribute_count);

int n3obs_span_add_link(n3obs_span *span, const n3obs_link *link);

int n3obs_span_set_status(n3obs_span *span, int32_t code, const char *description);

int n3obs_span_record_exception(n3obs_span *span, const char *type,
                                          const char *message, const char *stacktrace);

int n3obs_span_update_name(n3obs_span *span, const char *name);

int n3obs_span_is_recording(n3obs_span *span);

int n3obs_span_get_context(n3obs_span *span, n3obs_span_context *out);

typedef uint64_t n3obs_scope;

int n3obs_span_make_current(n3obs_span *span, n3obs_scope *token);

int n3obs_scope_close(n3obs_scope token);

int n3obs_span_current(n3obs_span **out);

typedef struct n3obs_context_storage {
    size_t size;
    void *user_data;
    int (*get_current)(void *user_data, n3obs_span_context *context, n3obs_span **span);
    int (*attach)(void *user_data, n3obs_span *span, const n3obs_span_context *context,
                  uint64_t *token);
    int (*detach)(void *user_data, uint64_t token);
    const volatile long *current_count;
} n3obs_context_storage;

int n3obs_set_context_storage(const n3obs_context_storage *storage);

int n3obs_trace_context_extract(n3obs_span_context *out, const char *traceparent,
                                          const char *tracestate);

int n3obs_trace_context_inject(n3obs_span *span, char *traceparent,
                                         size_t traceparent_size, char *tracestate,
                                         size_t tracestate_size);

typedef struct n3obs_event_data {
    const char *name;
    int64_t time_unix_nano;
    const n3obs_attribute *attributes;
    size_t attribute_count;
    uint32_t dropped_attributes_count;
    uint32_t reserved;
} n3obs_event_data;

typedef struct n3obs_span_data {
    uint32_t size;
    int32_t kind;
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t parent_span_id[8];
    uint8_t trace_flags;
    uint8_t parent_is_remote;
    uint8_t reserved[2];
    int32_t status_code;
    const char *name;
    const char *status_description;
    const char *tracestate;
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

typedef struct n3obs_span_batch {
    uint32_t size;
    uint32_t reserved;
    const n3obs_span_data *spans;
    size_t span_count;
} n3obs_span_batch;

int n3obs_spans_drain(n3obs_span_batch **out, size_t max_spans);

void n3obs_span_batch_free(n3obs_span_batch *batch);

int n3obs_spans_dropped(uint64_t *out);

typedef enum n3obs_health_status {
    N3OBS_HEALTH_HEALTHY = 0,
    N3OBS_HEALTH_DEGRADED = 1,
    N3OBS_HEALTH_UNHEALTHY = 2
} n3obs_health_status;

typedef int (*n3obs_health_fn)(void *user_data, char *detail, size_t detail_capacity);

typedef struct n3obs_health_check_opts {
    uint32_t size;
    uint32_t timeout_ms;

    const char *name;
    const char *description;
    n3obs_health_fn callback;
    void *user_data;

    void (*user_data_free)(void *user_data);
    const char *const *tags;
    size_t tag_count;

    uint32_t interval_ms;
    int32_t critical;
} n3obs_health_check_opts;

typedef struct n3obs_health_check_result {
    uint32_t size;
    n3obs_health_status status;
    const char *name;
    const char *description;
    const char *detail;
    int64_t duration_ns;
    int64_t timestamp_unix_nano;
    const char *const *tags;
    size_t tag_count;
    int32_t critical;
    int32_t timed_out;
    int32_t stuck;
    int32_t cached;
} n3obs_health_check_result;

typedef struct n3obs_health_report {
    uint32_t size;
    n3obs_health_status status;
    int64_t time_unix_nano;
    int64_t duration_ns;

    const n3obs_health_check_result *const *checks;
    size_t check_count;
} n3obs_health_report;

int n3obs_health_register(const n3obs_health_check_opts *opts);

int n3obs_health_unregister(const char *name);

int n3obs_health_run(n3obs_health_report **out);

int n3obs_health_run_check(n3obs_health_report **out, const char *name);

int n3obs_health_last_report(n3obs_health_report **out);

void n3obs_health_report_free(n3obs_health_report *report);

int n3obs_health_report_json(char **out, const n3obs_health_report *report);

void n3obs_health_json_free(char *json);

const char *n3obs_health_status_str(int status);
