/*
 * config.metric_namespace "myapp" names the catalogue; a namespace set in the config wins
 * over N3OBS_METRIC_NAMESPACE.
 */
#define _POSIX_C_SOURCE 200809L
#include "catalog.h"

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_metrics_snapshot *snap = NULL;
    n3obs_execution ex;
    static const char *const C[] = {"api"};
    static const char *const CS[] = {"api", "fast", "success"};

    setenv("N3OBS_METRIC_NAMESPACE", "envns", 1);
    unsetenv("N3OBS_METRIC_CARDINALITY_LIMIT");
    cfg.metric_namespace = "myapp";
    CHECK_OK(n3obs_init(&cfg), "n3obs_init with metric_namespace \"myapp\"");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    check_catalog_families(snap, "myapp");
    CHECK(catalog_absent(snap, "namel3ss"), "no namel3ss_* catalogue families");
    CHECK(catalog_absent(snap, "envns"), "the config namespace wins over N3OBS_METRIC_NAMESPACE");
    n3obs_metrics_snapshot_free(snap);

    CHECK_OK(n3obs_execution_begin(&ex, "api", "fast"), "execution_begin");
    CHECK_DBL(read_value("myapp_active_executions", C, 1), 1, "myapp_active_executions{api} == 1");
    CHECK_OK(n3obs_execution_end(&ex, "success"), "execution_end");
    CHECK_DBL(read_value("myapp_active_executions", C, 1), 0, "myapp_active_executions{api} == 0");
    CHECK_DBL(read_value("myapp_execution", CS, 3), 1, "myapp_execution_total{api,fast,success} == 1");
    CHECK_OK(n3obs_catalog_record_security_validation("token", "fail"), "record_security_validation");
    {
        static const char *const TF[] = {"token", "fail"};
        CHECK_DBL(read_value("myapp_security_validations", TF, 2), 1, "myapp_security_validations_total == 1");
    }
    return check_finish();
}
