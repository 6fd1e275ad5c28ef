// The published header compiles as C++17 and its declarations are usable from C++:
// compiled with -c only, never linked.
#include "n3obs.h"

#include <type_traits>

static_assert(N3OBS_OK == 0, "N3OBS_OK is 0");
static_assert(N3OBS_E_CONFIG < 0, "errors are negative");
static_assert(std::is_standard_layout<n3obs_config>::value, "config is plain data");
static_assert(std::is_trivially_copyable<n3obs_execution>::value, "execution is plain data");
static_assert(sizeof(n3obs_execution) == 4 * sizeof(uint64_t), "execution is 4 words");

// Signatures as C++ sees them (extern "C", exact types).
static int (*const p_init)(const n3obs_config *) = &n3obs_init;
static int (*const p_counter_new)(n3obs_counter **, const n3obs_metric_opts *) = &n3obs_counter_new;
static int (*const p_hist_new)(n3obs_histogram **, const n3obs_metric_opts *, const double *,
                               size_t) = &n3obs_histogram_new;
static int (*const p_bind)(n3obs_counter_series **, n3obs_counter *, const char *const *,
                           size_t) = &n3obs_counter_bind;
static void (*const p_free)(n3obs_metrics_snapshot *) = &n3obs_metrics_snapshot_free;
static const char *(*const p_err)(void) = &n3obs_error_last;

int n3obs_cxx_header_use(void);
int n3obs_cxx_header_use(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_metric_opts opts = N3OBS_METRIC_OPTS_INIT;
    n3obs_summary_opts sopts = N3OBS_SUMMARY_OPTS_INIT;
    const char *const labels[] = {"method"};
    n3obs_counter *counter = nullptr;
    n3obs_counter_series *series = nullptr;
    n3obs_metrics_snapshot *snap = nullptr;
    n3obs_metric_type type = N3OBS_METRIC_HISTOGRAM;
    cfg.flags = N3OBS_INIT_IGNORE_ENV | N3OBS_INIT_NO_CATALOG;
    opts.name = "cxx_requests_total";
    opts.label_names = labels;
    opts.label_count = 1;
    sopts.age_buckets = 5;
    int st = p_init(&cfg);
    st |= p_counter_new(&counter, &opts);
    st |= p_bind(&series, counter, labels, 1);
    st |= n3obs_counter_inc(series);
    st |= n3obs_metrics_collect(&snap);
    if (snap != nullptr && snap->family_count > 0 && snap->families[0].type == type)
        st |= 1;
    p_free(snap);
    (void)p_hist_new;
    (void)p_err;
    (void)sopts;
    return st + N3OBS_VERSION_NUMBER + N3OBS_ABI_VERSION + N3OBS_MAX_LABELS;
}
