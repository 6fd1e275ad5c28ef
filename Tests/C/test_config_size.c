/*
 * A caller compiled against a later header passes a larger config: fields past the ones
 * this library knows are not read, and the known ones are honoured.
 */
#include "check.h"

typedef struct bigger_config {
    n3obs_config base;
    unsigned char later_fields[64];
} bigger_config;

int main(void)
{
    static const char *const k[] = {"k"};
    bigger_config big;
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *c = NULL;
    n3obs_metrics_snapshot *snap = NULL;
    const n3obs_family_data *f;
    const char *one[1];
    char v[8];
    int n, ok = 1;

    memset(&big, 0, sizeof big);
    big.base = (n3obs_config)N3OBS_CONFIG_INIT;
    big.base.size = (uint32_t)sizeof big;
    big.base.metric_namespace = "bigcfg";
    big.base.cardinality_limit = 2;
    big.base.flags = N3OBS_INIT_IGNORE_ENV;
    memset(big.later_fields, 0xEE, sizeof big.later_fields);
    CHECK_OK(n3obs_init(&big.base), "n3obs_init with config.size = sizeof(n3obs_config) + 64");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    CHECK(snap_family(snap, "bigcfg_execution") != NULL, "metric_namespace honoured");
    n3obs_metrics_snapshot_free(snap);

    o.name = "big_limited_total";
    o.label_names = k;
    o.label_count = 1;
    CHECK_OK(n3obs_counter_new(&c, &o), "counter");
    one[0] = v;
    for (n = 0; n < 4; ++n) {
        snprintf(v, sizeof v, "s%d", n);
        ok &= (n3obs_counter_add_labels(c, one, 1, 1) == N3OBS_OK);
    }
    CHECK(ok, "4 label sets recorded");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    f = snap_family(snap, "big_limited");
    CHECK(f != NULL && f->series_count == 3 && fam_overflow(f) != NULL && fam_overflow(f)->value == 2,
          "cardinality_limit 2 honoured: 2 series + overflow holding 2");
    n3obs_metrics_snapshot_free(snap);
    return check_finish();
}
