/*
 * Configuration errors: invalid settings in the config struct or the environment make
 * n3obs_init return N3OBS_E_CONFIG and leave the SDK uninitialized; N3OBS_INIT_IGNORE_ENV
 * then ignores the environment (defaults: namespace namel3ss, cardinality limit 2000).
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

static void still_uninitialized(const char *after)
{
    n3obs_metrics_snapshot *snap = NULL;
    CHECK(n3obs_is_running() == 0, "after %s: n3obs_is_running() == 0", after);
    CHECK_ST(n3obs_metrics_collect(&snap), N3OBS_E_NOT_INITIALIZED,
             "after %s: the SDK stays uninitialized", after);
    n3obs_metrics_snapshot_free(snap);
}

int main(void)
{
    static const char *const bad_limits[] = {"abc", "12abc", "-5", "1.5"};
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    size_t i;

    unsetenv("N3OBS_METRIC_NAMESPACE");
    unsetenv("OTEL_SERVICE_NAME");

    /* environment */
    for (i = 0; i < sizeof bad_limits / sizeof bad_limits[0]; ++i) {
        setenv("N3OBS_METRIC_CARDINALITY_LIMIT", bad_limits[i], 1);
        CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG,
                 "N3OBS_METRIC_CARDINALITY_LIMIT=%s: n3obs_init(NULL) -> N3OBS_E_CONFIG", bad_limits[i]);
        CHECK_MSG("N3OBS_METRIC_CARDINALITY_LIMIT", "the message names N3OBS_METRIC_CARDINALITY_LIMIT");
        still_uninitialized("a bad N3OBS_METRIC_CARDINALITY_LIMIT");
    }
    setenv("N3OBS_METRIC_CARDINALITY_LIMIT", "abc", 1);
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG,
             "N3OBS_METRIC_CARDINALITY_LIMIT=abc with a default config -> N3OBS_E_CONFIG");
    unsetenv("N3OBS_METRIC_CARDINALITY_LIMIT");

    setenv("N3OBS_METRIC_NAMESPACE", "bad-ns", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG, "N3OBS_METRIC_NAMESPACE=bad-ns -> N3OBS_E_CONFIG");
    CHECK_MSG_CI("namespace", "the message names the setting (namespace)");
    still_uninitialized("a bad N3OBS_METRIC_NAMESPACE");
    unsetenv("N3OBS_METRIC_NAMESPACE");

    /* config struct */
    cfg.metric_namespace = "bad-ns";
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "config metric_namespace \"bad-ns\" -> N3OBS_E_CONFIG");
    CHECK_MSG("bad-ns", "the message quotes the namespace");
    still_uninitialized("a bad config namespace");
    cfg.metric_namespace = "9ns";
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "config metric_namespace \"9ns\" -> N3OBS_E_CONFIG");
    cfg.metric_namespace = "ns\xff";
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "config metric_namespace with invalid UTF-8 -> N3OBS_E_CONFIG");
    cfg.metric_namespace = NULL;
    cfg.service_name = "svc\xc0\xaf";
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "config service_name with invalid UTF-8 -> N3OBS_E_CONFIG");
    cfg.service_name = NULL;
    still_uninitialized("bad config values");

    /* N3OBS_INIT_IGNORE_ENV: bad and good environment values alike are ignored */
    setenv("N3OBS_METRIC_CARDINALITY_LIMIT", "abc", 1);
    setenv("N3OBS_METRIC_NAMESPACE", "envns", 1);
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "N3OBS_INIT_IGNORE_ENV ignores N3OBS_METRIC_CARDINALITY_LIMIT=abc");
    CHECK(n3obs_is_running() == 1, "running");
    {
        n3obs_metrics_snapshot *snap = NULL;
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        CHECK(snap_family(snap, "namel3ss_execution") != NULL && snap_family(snap, "envns_execution") == NULL,
              "N3OBS_INIT_IGNORE_ENV ignores N3OBS_METRIC_NAMESPACE (catalogue under namel3ss)");
        n3obs_metrics_snapshot_free(snap);
    }
    /* default cardinality limit 2000 */
    {
        static const char *const k[] = {"k"};
        n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
        n3obs_counter *c = NULL;
        n3obs_metrics_snapshot *snap = NULL;
        const n3obs_family_data *f;
        char v[16];
        const char *one[1];
        int n, ok = 1;
        o.name = "cfg_default_limit_total";
        o.label_names = k;
        o.label_count = 1;
        CHECK_OK(n3obs_counter_new(&c, &o), "counter");
        one[0] = v;
        for (n = 0; n < 2005; ++n) {
            snprintf(v, sizeof v, "s%d", n);
            ok &= (n3obs_counter_add_labels(c, one, 1, 1) == N3OBS_OK);
        }
        CHECK(ok, "2005 label sets recorded");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        f = snap_family(snap, "cfg_default_limit");
        CHECK(f != NULL && f->series_count == 2001 && fam_overflow(f) != NULL &&
                  fam_overflow(f)->value == 5,
              "default limit 2000: 2000 series + overflow holding 5 (got %zu series)",
              f ? f->series_count : 0);
        n3obs_metrics_snapshot_free(snap);
    }
    return check_finish();
}
