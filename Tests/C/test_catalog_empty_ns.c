/* config.metric_namespace "" gives catalogue names without a prefix. */
#include "catalog.h"

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_metrics_snapshot *snap = NULL;
    n3obs_execution ex;
    static const char *const C[] = {"api"};

    cfg.metric_namespace = "";
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "n3obs_init with metric_namespace \"\"");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    check_catalog_families(snap, "");
    CHECK(catalog_absent(snap, "namel3ss"), "no namel3ss_* families");
    CHECK(snap_family(snap, "_execution") == NULL, "no family \"_execution\" (no separator without a prefix)");
    n3obs_metrics_snapshot_free(snap);
    CHECK_OK(n3obs_execution_begin(&ex, "api", "fast"), "execution_begin");
    CHECK_DBL(read_value("active_executions", C, 1), 1, "active_executions{api} == 1");
    CHECK_OK(n3obs_execution_end(&ex, "success"), "execution_end");
    return check_finish();
}
