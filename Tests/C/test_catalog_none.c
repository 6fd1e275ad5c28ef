/*
 * N3OBS_INIT_NO_CATALOG: no catalogue families, execution_begin -> N3OBS_E_CONFIG (and the
 * execution stays not begun), and the names are free for the caller.
 */
#include "catalog.h"

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_metrics_snapshot *snap = NULL;
    n3obs_execution ex;
    n3obs_counter *c = NULL;
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;

    cfg.flags = N3OBS_INIT_NO_CATALOG | N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "n3obs_init with N3OBS_INIT_NO_CATALOG");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    CHECK(catalog_absent(snap, "namel3ss"), "no catalogue families");
    n3obs_metrics_snapshot_free(snap);

    memset(&ex, 0, sizeof ex);
    CHECK_ST(n3obs_execution_begin(&ex, "api", "fast"), N3OBS_E_CONFIG,
             "execution_begin without the catalogue -> N3OBS_E_CONFIG");
    CHECK_ST(n3obs_execution_end(&ex, "success"), N3OBS_E_MISUSE,
             "the execution whose begin failed is not begun -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_catalog_record_error("c", "t", "s"), N3OBS_E_CONFIG,
             "catalog_record_error without the catalogue -> N3OBS_E_CONFIG");
    CHECK_ST(n3obs_catalog_record_security_validation("v", "r"), N3OBS_E_CONFIG,
             "catalog_record_security_validation without the catalogue -> N3OBS_E_CONFIG");
    CHECK_ST(n3obs_catalog_set_worker_pool_size("p", "n", 1), N3OBS_E_CONFIG,
             "catalog_set_worker_pool_size without the catalogue -> N3OBS_E_CONFIG");
    CHECK_ST(n3obs_catalog_set_task_queue_length("q", "p", 1), N3OBS_E_CONFIG,
             "catalog_set_task_queue_length without the catalogue -> N3OBS_E_CONFIG");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    CHECK(catalog_absent(snap, "namel3ss"), "the refused helpers created no catalogue family");
    n3obs_metrics_snapshot_free(snap);

    o.name = "namel3ss_execution_total";
    o.help = "mine";
    CHECK_OK(n3obs_counter_new(&c, &o), "the caller may register namel3ss_execution_total itself");
    return check_finish();
}
