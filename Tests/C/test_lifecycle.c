/*
 * Lifecycle: versions, status strings, error_last, calls before n3obs_init, init (NULL,
 * idempotent, bad config size), is_running, shutdown and every call after it.
 * Shutdown is final for the process, so the phases run here in order.
 */
#include "check.h"

#include <limits.h>

static const int all_codes[] = {
    N3OBS_OK,
    N3OBS_E_INVALID_ARGUMENT,
    N3OBS_E_INVALID_NAME,
    N3OBS_E_LABEL_COUNT,
    N3OBS_E_CONFLICT,
    N3OBS_E_NOT_INITIALIZED,
    N3OBS_E_SHUTDOWN,
    N3OBS_E_MISUSE,
    N3OBS_E_NO_MEMORY,
    N3OBS_E_INVALID_UTF8,
    N3OBS_E_TOO_LONG,
    N3OBS_E_INVALID_VALUE,
    N3OBS_E_CONFIG,
    N3OBS_E_PLUGIN_NOT_FOUND,
    N3OBS_E_PLUGIN_NOT_LOADABLE,
    N3OBS_E_PLUGIN_NO_ENTRY,
    N3OBS_E_PLUGIN_ABI,
    N3OBS_E_PLUGIN_REFUSED,
    N3OBS_E_PLUGIN_TABLE,
    N3OBS_E_PLUGIN_UNSAFE,
    N3OBS_E_TIMEOUT,
};
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

static const char *const one_label[] = {"kind"};
static const char *const one_value[] = {"x"};

static n3obs_metric_opts opts_named(const char *name)
{
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = name;
    o.help = "lifecycle test";
    o.label_names = one_label;
    o.label_count = 1;
    return o;
}

/* Every constructor must answer `want` and leave *out NULL. */
static void check_constructors(int want, const char *phase, const char *suffix)
{
    char name[64];
    n3obs_metric_opts o;
    n3obs_counter *c = (n3obs_counter *)&o;
    n3obs_gauge *g = (n3obs_gauge *)&o;
    n3obs_histogram *h = (n3obs_histogram *)&o;
    n3obs_summary *s = (n3obs_summary *)&o;
    n3obs_info *i = (n3obs_info *)&o;

    snprintf(name, sizeof name, "lc_counter%s_total", suffix);
    o = opts_named(name);
    CHECK_ST(n3obs_counter_new(&c, &o), want, "%s: n3obs_counter_new -> %s", phase,
             check_status_name(want));
    CHECK(c == NULL, "%s: n3obs_counter_new sets *out to NULL on failure", phase);

    snprintf(name, sizeof name, "lc_gauge%s", suffix);
    o = opts_named(name);
    CHECK_ST(n3obs_gauge_new(&g, &o), want, "%s: n3obs_gauge_new -> %s", phase,
             check_status_name(want));
    CHECK(g == NULL, "%s: n3obs_gauge_new sets *out to NULL on failure", phase);

    snprintf(name, sizeof name, "lc_histogram%s", suffix);
    o = opts_named(name);
    CHECK_ST(n3obs_histogram_new(&h, &o, NULL, 0), want, "%s: n3obs_histogram_new -> %s",
             phase, check_status_name(want));
    CHECK(h == NULL, "%s: n3obs_histogram_new sets *out to NULL on failure", phase);

    snprintf(name, sizeof name, "lc_summary%s", suffix);
    o = opts_named(name);
    CHECK_ST(n3obs_summary_new(&s, &o, NULL), want, "%s: n3obs_summary_new -> %s", phase,
             check_status_name(want));
    CHECK(s == NULL, "%s: n3obs_summary_new sets *out to NULL on failure", phase);

    snprintf(name, sizeof name, "lc_info%s", suffix);
    o = opts_named(name);
    CHECK_ST(n3obs_info_new(&i, &o), want, "%s: n3obs_info_new -> %s", phase,
             check_status_name(want));
    CHECK(i == NULL, "%s: n3obs_info_new sets *out to NULL on failure", phase);
}

static void check_collect_and_catalog(int want, const char *phase, n3obs_execution *ex)
{
    n3obs_metrics_snapshot *snap = (n3obs_metrics_snapshot *)&snap;
    CHECK_ST(n3obs_metrics_collect(&snap), want, "%s: n3obs_metrics_collect -> %s", phase,
             check_status_name(want));
    if (snap != NULL && snap != (n3obs_metrics_snapshot *)&snap)
        n3obs_metrics_snapshot_free(snap);
    CHECK_ST(n3obs_catalog_record_error("comp", "timeout", "high"), want,
             "%s: n3obs_catalog_record_error -> %s", phase, check_status_name(want));
    CHECK_ST(n3obs_catalog_record_security_validation("input", "pass"), want,
             "%s: n3obs_catalog_record_security_validation -> %s", phase,
             check_status_name(want));
    CHECK_ST(n3obs_catalog_set_worker_pool_size("pool", "node1", 4), want,
             "%s: n3obs_catalog_set_worker_pool_size -> %s", phase, check_status_name(want));
    CHECK_ST(n3obs_catalog_set_task_queue_length("q", "high", 3), want,
             "%s: n3obs_catalog_set_task_queue_length -> %s", phase, check_status_name(want));
    memset(ex, 0x5A, sizeof *ex);
    CHECK_ST(n3obs_execution_begin(ex, "comp", "strat"), want,
             "%s: n3obs_execution_begin -> %s", phase, check_status_name(want));
}

int main(void)
{
    size_t k, j;
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_execution never_begun;
    n3obs_execution open_exec;
    n3obs_counter *counter = NULL;
    n3obs_gauge *gauge = NULL;
    n3obs_histogram *hist = NULL;
    n3obs_summary *summ = NULL;
    n3obs_info *info = NULL;
    n3obs_counter_series *cs = NULL;
    n3obs_gauge_series *gs = NULL;
    n3obs_histogram_series *hs = NULL;
    n3obs_summary_series *ss = NULL;
    n3obs_metrics_snapshot *before_shutdown = NULL;
    n3obs_metric_opts o;

    /* --- nothing called yet --------------------------------------------------------- */
    {
        const char *m = n3obs_error_last();
        CHECK(m != NULL, "n3obs_error_last() is never NULL");
        CHECK(m != NULL && m[0] == '\0', "n3obs_error_last() is \"\" before any failure");
    }

    CHECK(n3obs_version() != NULL, "n3obs_version() is not NULL");
    CHECK_STR(n3obs_version(), N3OBS_VERSION, "n3obs_version() == N3OBS_VERSION");
    CHECK(n3obs_version_number() == N3OBS_VERSION_NUMBER,
          "n3obs_version_number() == N3OBS_VERSION_NUMBER (%d vs %d)", n3obs_version_number(),
          N3OBS_VERSION_NUMBER);
    CHECK(N3OBS_VERSION_NUMBER ==
              N3OBS_VERSION_MAJOR * 1000000 + N3OBS_VERSION_MINOR * 1000 + N3OBS_VERSION_PATCH,
          "N3OBS_VERSION_NUMBER == MAJOR*1000000 + MINOR*1000 + PATCH");
    {
        char v[32];
        snprintf(v, sizeof v, "%d.%d.%d", N3OBS_VERSION_MAJOR, N3OBS_VERSION_MINOR,
                 N3OBS_VERSION_PATCH);
        CHECK_STR(N3OBS_VERSION, v, "N3OBS_VERSION agrees with MAJOR.MINOR.PATCH");
    }
    CHECK(n3obs_abi_version() == N3OBS_ABI_VERSION, "n3obs_abi_version() == N3OBS_ABI_VERSION");

    /* --- n3obs_errstr ---------------------------------------------------------------- */
    for (k = 0; k < N_CODES; ++k) {
        const char *s = n3obs_errstr(all_codes[k]);
        CHECK(s != NULL && s[0] != '\0' && strcmp(s, "unknown status") != 0,
              "n3obs_errstr(%s) is a specific non-empty string (\"%s\")",
              check_status_name(all_codes[k]), s ? s : "(null)");
        for (j = 0; j < k; ++j) {
            const char *t = n3obs_errstr(all_codes[j]);
            if (s != NULL && t != NULL && strcmp(s, t) == 0)
                CHECK(0, "n3obs_errstr(%s) differs from n3obs_errstr(%s)",
                      check_status_name(all_codes[k]), check_status_name(all_codes[j]));
        }
    }
    CHECK(n3obs_errstr(N3OBS_E_INVALID_NAME) == n3obs_errstr(N3OBS_E_INVALID_NAME),
          "n3obs_errstr returns a static string (same pointer twice)");
    {
        const int unknown[] = {1, -21, -100, 42, INT_MIN, INT_MAX};
        for (k = 0; k < sizeof unknown / sizeof unknown[0]; ++k)
            CHECK_STR(n3obs_errstr(unknown[k]), "unknown status", "n3obs_errstr(%d) is \"unknown status\"",
                      unknown[k]);
    }
    CHECK(n3obs_error_last() != NULL && n3obs_error_last()[0] == '\0',
          "versions and errstr do not set n3obs_error_last()");

    /* --- before n3obs_init ----------------------------------------------------------- */
    CHECK(n3obs_is_running() == 0, "n3obs_is_running() == 0 before init");
    check_constructors(N3OBS_E_NOT_INITIALIZED, "before init", "");
    CHECK(n3obs_error_last()[0] != '\0', "n3obs_error_last() is set after a failure");
    check_collect_and_catalog(N3OBS_E_NOT_INITIALIZED, "before init", &never_begun);
    CHECK_ST(n3obs_shutdown(0), N3OBS_E_NOT_INITIALIZED,
             "before init: n3obs_shutdown -> N3OBS_E_NOT_INITIALIZED");
    CHECK(n3obs_is_running() == 0, "n3obs_is_running() still 0");

    /* --- n3obs_init with a bad config size ------------------------------------------- */
    cfg.size = 0;
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_INVALID_ARGUMENT,
             "n3obs_init with config.size 0 -> N3OBS_E_INVALID_ARGUMENT");
    cfg.size = 4;
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_INVALID_ARGUMENT,
             "n3obs_init with config.size 4 -> N3OBS_E_INVALID_ARGUMENT");
    CHECK(n3obs_is_running() == 0, "n3obs_is_running() == 0 after refused init");
    {
        n3obs_metrics_snapshot *snap = NULL;
        CHECK_ST(n3obs_metrics_collect(&snap), N3OBS_E_NOT_INITIALIZED,
                 "after refused init the SDK is still uninitialized (collect)");
        n3obs_metrics_snapshot_free(snap);
    }

    /* --- n3obs_init ------------------------------------------------------------------ */
    CHECK_OK(n3obs_init(NULL), "n3obs_init(NULL) -> N3OBS_OK");
    CHECK(n3obs_is_running() == 1, "n3obs_is_running() == 1 after init");
    CHECK_OK(n3obs_init(NULL), "n3obs_init(NULL) again -> N3OBS_OK (idempotent)");
    {
        n3obs_config other = N3OBS_CONFIG_INIT;
        n3obs_metrics_snapshot *snap = NULL;
        other.metric_namespace = "otherns";
        other.flags = N3OBS_INIT_IGNORE_ENV;
        CHECK_OK(n3obs_init(&other), "n3obs_init with another config later -> N3OBS_OK");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect after init");
        CHECK(snap != NULL && snap_family(snap, "otherns_execution") == NULL &&
                  snap_family(snap, "namel3ss_execution") != NULL,
              "a later init changes nothing (catalogue stays under namel3ss)");
        n3obs_metrics_snapshot_free(snap);
    }
    CHECK(n3obs_is_running() == 1, "n3obs_is_running() == 1");

    /* an execution whose begin failed before init is marked not begun */
    CHECK_ST(n3obs_execution_end(&never_begun, "success"), N3OBS_E_MISUSE,
             "execution whose begin failed before init: execution_end -> N3OBS_E_MISUSE");
    {
        n3obs_execution ex;
        memset(&ex, 0xAB, sizeof ex);
        CHECK_OK(n3obs_execution_begin(&ex, "c", "s"),
                 "execution_begin on uninitialised caller memory after init");
        CHECK_OK(n3obs_execution_end(&ex, "success"), "execution_end after init");
    }

    /* --- families and series to use after shutdown ------------------------------------ */
    o = opts_named("lc_counter_live_total");
    CHECK_OK(n3obs_counter_new(&counter, &o), "counter_new after init");
    o = opts_named("lc_gauge_live");
    CHECK_OK(n3obs_gauge_new(&gauge, &o), "gauge_new after init");
    o = opts_named("lc_histogram_live");
    CHECK_OK(n3obs_histogram_new(&hist, &o, NULL, 0), "histogram_new after init");
    o = opts_named("lc_summary_live");
    CHECK_OK(n3obs_summary_new(&summ, &o, NULL), "summary_new after init");
    o = opts_named("lc_info_live");
    CHECK_OK(n3obs_info_new(&info, &o), "info_new after init");
    CHECK_OK(n3obs_counter_bind(&cs, counter, one_value, 1), "counter_bind");
    CHECK_OK(n3obs_gauge_bind(&gs, gauge, one_value, 1), "gauge_bind");
    CHECK_OK(n3obs_histogram_bind(&hs, hist, one_value, 1), "histogram_bind");
    CHECK_OK(n3obs_summary_bind(&ss, summ, one_value, 1), "summary_bind");
    CHECK_OK(n3obs_counter_add(cs, 2), "counter_add before shutdown");
    CHECK_OK(n3obs_gauge_set(gs, 5), "gauge_set before shutdown");
    CHECK_OK(n3obs_histogram_observe(hs, 0.2), "histogram_observe before shutdown");
    CHECK_OK(n3obs_summary_observe(ss, 3), "summary_observe before shutdown");
    CHECK_OK(n3obs_info_set(info, one_value, 1), "info_set before shutdown");
    memset(&open_exec, 0, sizeof open_exec);
    CHECK_OK(n3obs_execution_begin(&open_exec, "lc", "default"),
             "execution_begin before shutdown");
    CHECK_OK(n3obs_metrics_collect(&before_shutdown), "collect before shutdown");

    /* --- shutdown -------------------------------------------------------------------- */
    CHECK_OK(n3obs_shutdown(1000), "n3obs_shutdown(1000) -> N3OBS_OK");
    CHECK(n3obs_is_running() == 0, "n3obs_is_running() == 0 after shutdown");
    CHECK_ST(n3obs_shutdown(1000), N3OBS_E_SHUTDOWN, "second n3obs_shutdown -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_init(NULL), N3OBS_E_SHUTDOWN, "n3obs_init(NULL) after shutdown -> N3OBS_E_SHUTDOWN");
    cfg = (n3obs_config)N3OBS_CONFIG_INIT;
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_SHUTDOWN,
             "n3obs_init(config) after shutdown -> N3OBS_E_SHUTDOWN");
    CHECK(n3obs_is_running() == 0, "n3obs_is_running() still 0 after init attempt");

    /* new and already registered names */
    check_constructors(N3OBS_E_SHUTDOWN, "after shutdown", "_new");
    check_constructors(N3OBS_E_SHUTDOWN, "after shutdown (registered names)", "_live");
    {
        n3obs_execution failed_late;
        check_collect_and_catalog(N3OBS_E_SHUTDOWN, "after shutdown", &failed_late);
    }

    {
        n3obs_counter_series *cs2 = NULL;
        n3obs_gauge_series *gs2 = NULL;
        n3obs_histogram_series *hs2 = NULL;
        n3obs_summary_series *ss2 = NULL;
        CHECK_ST(n3obs_counter_bind(&cs2, counter, one_value, 1), N3OBS_E_SHUTDOWN,
                 "after shutdown: counter_bind (existing series) -> N3OBS_E_SHUTDOWN");
        CHECK_ST(n3obs_gauge_bind(&gs2, gauge, one_value, 1), N3OBS_E_SHUTDOWN,
                 "after shutdown: gauge_bind -> N3OBS_E_SHUTDOWN");
        CHECK_ST(n3obs_histogram_bind(&hs2, hist, one_value, 1), N3OBS_E_SHUTDOWN,
                 "after shutdown: histogram_bind -> N3OBS_E_SHUTDOWN");
        CHECK_ST(n3obs_summary_bind(&ss2, summ, one_value, 1), N3OBS_E_SHUTDOWN,
                 "after shutdown: summary_bind -> N3OBS_E_SHUTDOWN");
    }
    CHECK_ST(n3obs_counter_add(cs, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: counter_add on a series bound before -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_counter_inc(cs), N3OBS_E_SHUTDOWN, "after shutdown: counter_inc -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_gauge_set(gs, 1), N3OBS_E_SHUTDOWN, "after shutdown: gauge_set -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_gauge_add(gs, 1), N3OBS_E_SHUTDOWN, "after shutdown: gauge_add -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_histogram_observe(hs, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: histogram_observe -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_summary_observe(ss, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: summary_observe -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_counter_add_labels(counter, one_value, 1, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: counter_add_labels -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_gauge_set_labels(gauge, one_value, 1, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: gauge_set_labels -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_gauge_add_labels(gauge, one_value, 1, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: gauge_add_labels -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_histogram_observe_labels(hist, one_value, 1, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: histogram_observe_labels -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_summary_observe_labels(summ, one_value, 1, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: summary_observe_labels -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_info_set(info, one_value, 1), N3OBS_E_SHUTDOWN,
             "after shutdown: info_set -> N3OBS_E_SHUTDOWN");
    CHECK_ST(n3obs_execution_end(&open_exec, "success"), N3OBS_E_SHUTDOWN,
             "after shutdown: execution_end of an execution begun before -> N3OBS_E_SHUTDOWN");
    CHECK(n3obs_error_last()[0] != '\0', "n3obs_error_last() set after a N3OBS_E_SHUTDOWN");

    /* the snapshot taken before shutdown is still the caller's */
    {
        const n3obs_family_data *f = snap_family(before_shutdown, "lc_counter_live");
        const n3obs_series_data *s = fam_series(f, one_value, 1);
        CHECK(s != NULL && s->value == 2.0,
              "a snapshot taken before shutdown stays readable after it");
        n3obs_metrics_snapshot_free(before_shutdown);
        CHECK(1, "n3obs_metrics_snapshot_free after shutdown returns");
    }
    n3obs_metrics_snapshot_free(NULL);

    CHECK_STR(n3obs_version(), N3OBS_VERSION, "n3obs_version() still works after shutdown");
    CHECK(n3obs_abi_version() == N3OBS_ABI_VERSION, "n3obs_abi_version() works after shutdown");
    CHECK(n3obs_is_running() == 0, "n3obs_is_running() == 0 at the end");
    return check_finish();
}
