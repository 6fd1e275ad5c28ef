/*
 * Families whose exposed names would collide are refused: a family takes its own name and
 * every sample name the exposition formats give it (_total and _created for counters,
 * _bucket, _sum, _count and _created for histograms, _sum, _count and _created for
 * summaries, _info for info), as prometheus_client's registry does; otherwise a scrape
 * has a second HELP line for one name and Prometheus rejects it.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

static int make(int type, const char *name)
{
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    void *out = NULL;
    o.name = name;
    switch (type) {
    case 'c': return n3obs_counter_new((n3obs_counter **)&out, &o);
    case 'g': return n3obs_gauge_new((n3obs_gauge **)&out, &o);
    case 'h': return n3obs_histogram_new((n3obs_histogram **)&out, &o, NULL, 0);
    case 's': return n3obs_summary_new((n3obs_summary **)&out, &o, NULL);
    default: return n3obs_info_new((n3obs_info **)&out, &o);
    }
}

static int family_exists(const char *name)
{
    n3obs_metrics_snapshot *snap = NULL;
    size_t f;
    int found = 0;
    if (n3obs_metrics_collect(&snap) != N3OBS_OK) return -1;
    for (f = 0; f < snap->family_count; f++)
        found |= strcmp(snap->families[f].name, name) == 0;
    n3obs_metrics_snapshot_free(snap);
    return found;
}

int main(void)
{
    CHECK_OK(n3obs_init(NULL), "init (with the standard catalogue)");

    CHECK_OK(make('c', "x"), "counter x");
    CHECK_ST(make('g', "x_total"), N3OBS_E_CONFLICT, "gauge x_total beside counter x");
    CHECK_MSG("'x_total'", "names the sample name");
    CHECK_MSG("counter 'x'", "names the family that has it");
    CHECK_ST(make('g', "x_created"), N3OBS_E_CONFLICT, "gauge x_created beside counter x");
    CHECK_OK(make('c', "x_total"), "counter x_total is counter x again");

    CHECK_OK(make('h', "lat_seconds"), "histogram lat_seconds");
    CHECK_ST(make('g', "lat_seconds_count"), N3OBS_E_CONFLICT, "gauge lat_seconds_count beside it");
    CHECK_ST(make('c', "lat_seconds_sum"), N3OBS_E_CONFLICT, "counter lat_seconds_sum beside it");
    CHECK_ST(make('g', "lat_seconds_bucket"), N3OBS_E_CONFLICT, "gauge lat_seconds_bucket beside it");

    CHECK_ST(make('g', "namel3ss_execution_total"), N3OBS_E_CONFLICT,
             "gauge namel3ss_execution_total beside the catalogue's counter");
    CHECK_MSG("namel3ss_execution", "names the catalogue counter");

    /* The other way round: the later family is the one refused. */
    CHECK_OK(make('g', "queue_count"), "gauge queue_count");
    CHECK_ST(make('s', "queue"), N3OBS_E_CONFLICT, "summary queue would expose queue_count");
    CHECK_OK(make('g', "build_info"), "gauge build_info");
    CHECK_ST(make('i', "build"), N3OBS_E_CONFLICT, "info build would expose build_info");

    /* An info named y_info is family y, exposed once as y_info. */
    CHECK_OK(make('i', "y_info"), "info y_info");
    CHECK(family_exists("y") == 1 && family_exists("y_info") == 0, "stored as family y (exposed y_info)");
    CHECK_OK(make('i', "y"), "info y is the same family");
    CHECK_ST(make('g', "y_info"), N3OBS_E_CONFLICT, "gauge y_info beside info y");

    CHECK_OK(n3obs_shutdown(1000), "shutdown");
    return check_finish();
}
