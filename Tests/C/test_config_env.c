/*
 * The environment configures n3obs_init(NULL): N3OBS_METRIC_NAMESPACE names the catalogue
 * and N3OBS_METRIC_CARDINALITY_LIMIT bounds every family.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

int main(void)
{
    static const char *const k[] = {"k"};
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_gauge *g = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_family_data *f;
    char v[16];
    const char *one[1];
    int n, ok = 1;

    setenv("N3OBS_METRIC_NAMESPACE", "envns", 1);
    setenv("N3OBS_METRIC_CARDINALITY_LIMIT", "5", 1);
    setenv("OTEL_SERVICE_NAME", "env-service", 1);
    CHECK_OK(n3obs_init(NULL), "n3obs_init(NULL) with N3OBS_METRIC_NAMESPACE=envns, limit 5");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    CHECK(snap_family(snap, "envns_execution") != NULL, "envns_execution exists");
    CHECK(snap_family(snap, "envns_active_executions") != NULL, "envns_active_executions exists");
    CHECK(snap_family(snap, "namel3ss_execution") == NULL, "no namel3ss_execution");
    n3obs_metrics_snapshot_free(snap);

    o.name = "env_limited";
    o.label_names = k;
    o.label_count = 1;
    CHECK_OK(n3obs_gauge_new(&g, &o), "gauge");
    one[0] = v;
    for (n = 0; n < 8; ++n) {
        snprintf(v, sizeof v, "s%d", n);
        ok &= (n3obs_gauge_set_labels(g, one, 1, 1) == N3OBS_OK);
    }
    CHECK(ok, "8 label sets recorded");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "env_limited");
    CHECK(f != NULL && f->series_count == 6 && fam_overflow_count(f) == 1,
          "N3OBS_METRIC_CARDINALITY_LIMIT=5: 5 series + overflow (got %zu)", f ? f->series_count : 0);
    n3obs_metrics_snapshot_free(snap);

    /* the catalogue helpers use the namespace */
    CHECK_OK(n3obs_catalog_record_error("db", "timeout", "low"), "record_error");
    {
        const char *ev[] = {"db", "timeout", "low"};
        CHECK_DBL(read_value("envns_error", ev, 3), 1, "envns_error{db,timeout,low} == 1");
    }
    return check_finish();
}
