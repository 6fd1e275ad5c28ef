/*
 * catalog.h: the standard catalogue as the header describes it, for the catalogue tests.
 */
#ifndef N3OBS_TEST_CATALOG_H
#define N3OBS_TEST_CATALOG_H

#include "check.h"

typedef struct catalog_family {
    const char *suffix; /* family name after "<ns>_" (counters without _total) */
    n3obs_metric_type type;
    size_t label_count;
    const char *labels[3];
} catalog_family;

static const catalog_family catalog_families[] = {
    {"execution", N3OBS_METRIC_COUNTER, 3, {"component", "strategy", "status"}},
    {"execution_duration_seconds", N3OBS_METRIC_HISTOGRAM, 2, {"component", "strategy", NULL}},
    {"active_executions", N3OBS_METRIC_GAUGE, 1, {"component", NULL, NULL}},
    {"worker_pool_size", N3OBS_METRIC_GAUGE, 2, {"pool_name", "node", NULL}},
    {"task_queue_length", N3OBS_METRIC_GAUGE, 2, {"queue_name", "priority", NULL}},
    {"security_validations", N3OBS_METRIC_COUNTER, 2, {"validation_type", "result", NULL}},
    {"error", N3OBS_METRIC_COUNTER, 3, {"component", "error_type", "severity"}},
};
#define CATALOG_FAMILY_COUNT (sizeof catalog_families / sizeof catalog_families[0])

static inline void catalog_name(char *buf, size_t cap, const char *ns, const char *suffix)
{
    if (ns[0] == '\0')
        snprintf(buf, cap, "%s", suffix);
    else
        snprintf(buf, cap, "%s_%s", ns, suffix);
}

/* Every catalogue family exists under ns with its type and label names. */
static inline void check_catalog_families(const n3obs_metrics_snapshot *snap, const char *ns)
{
    size_t i, j;
    char name[128];
    for (i = 0; i < CATALOG_FAMILY_COUNT; ++i) {
        const catalog_family *cf = &catalog_families[i];
        const n3obs_family_data *f;
        int labels_ok;
        catalog_name(name, sizeof name, ns, cf->suffix);
        f = snap_family(snap, name);
        CHECK(f != NULL, "catalogue family %s exists", name);
        if (f == NULL)
            continue;
        CHECK(f->type == cf->type, "%s has type %d (got %d)", name, (int)cf->type, (int)f->type);
        labels_ok = (f->label_count == cf->label_count && f->label_names != NULL);
        for (j = 0; labels_ok && j < cf->label_count; ++j)
            labels_ok = (f->label_names[j] != NULL && strcmp(f->label_names[j], cf->labels[j]) == 0);
        CHECK(labels_ok, "%s has label names %s%s%s%s%s", name, cf->labels[0],
              cf->label_count > 1 ? "," : "", cf->label_count > 1 ? cf->labels[1] : "",
              cf->label_count > 2 ? "," : "", cf->label_count > 2 ? cf->labels[2] : "");
        catalog_name(name, sizeof name, ns, cf->suffix);
        if (cf->type == N3OBS_METRIC_COUNTER) {
            strncat(name, "_total", sizeof name - strlen(name) - 1);
            CHECK(snap_family(snap, name) == NULL, "no family %s (_total dropped)", name);
        }
    }
}

/* No catalogue family under ns. */
static inline int catalog_absent(const n3obs_metrics_snapshot *snap, const char *ns)
{
    size_t i;
    char name[128];
    for (i = 0; i < CATALOG_FAMILY_COUNT; ++i) {
        catalog_name(name, sizeof name, ns, catalog_families[i].suffix);
        if (snap_family(snap, name) != NULL)
            return 0;
    }
    return 1;
}

#endif /* N3OBS_TEST_CATALOG_H */
