/*
 * health_demo: registers two checks next to the built-in ones, runs a report and prints
 * it as JSON, as a /healthz endpoint would serve it.
 *
 *   cc -std=c99 -Iinclude examples/c/health_demo.c -L.build/release -ln3obs \
 *      -Wl,-rpath,.build/release -o health_demo && ./health_demo
 */
#include <stdio.h>

#include "n3obs.h"

/* A critical dependency: the program is useless without it. */
static int database_check(void *user_data, char *detail, size_t capacity)
{
    const int *connections = (const int *)user_data;
    snprintf(detail, capacity, "%d connections open", *connections);
    return *connections > 0 ? N3OBS_HEALTH_HEALTHY : N3OBS_HEALTH_UNHEALTHY;
}

/* A nice-to-have: failing only degrades the service. */
static int cache_check(void *user_data, char *detail, size_t capacity)
{
    (void)user_data;
    snprintf(detail, capacity, "hit rate 12%% (expected > 50%%)");
    return N3OBS_HEALTH_DEGRADED;
}

int main(void)
{
    static int connections = 4;
    static const char *const db_tags[] = {"sql", "primary"};
    n3obs_health_check_opts db = N3OBS_HEALTH_CHECK_OPTS_INIT;
    n3obs_health_check_opts cache = N3OBS_HEALTH_CHECK_OPTS_INIT;
    n3obs_health_report *report = NULL;
    char *json = NULL;
    int st;

    if ((st = n3obs_init(NULL)) != N3OBS_OK) {
        fprintf(stderr, "n3obs_init: %s\n", n3obs_error_last());
        return 1;
    }
    db.name = "database";
    db.description = "the primary database accepts connections";
    db.callback = database_check;
    db.user_data = &connections;
    db.critical = 1;
    db.timeout_ms = 500;
    db.tags = db_tags;
    db.tag_count = 2;
    cache.name = "cache";
    cache.callback = cache_check;
    cache.interval_ms = 10000; /* an expensive check: at most every 10 s */
    if (n3obs_health_register(&db) != N3OBS_OK || n3obs_health_register(&cache) != N3OBS_OK ||
        n3obs_health_run(&report) != N3OBS_OK || n3obs_health_report_json(&json, report) != N3OBS_OK) {
        fprintf(stderr, "health: %s\n", n3obs_error_last());
        return 1;
    }
    printf("overall: %s (%zu checks)\n%s\n", n3obs_health_status_str((int)report->status),
           report->check_count, json);
    /* What /readyz would answer: a degraded service still takes traffic. */
    printf("readiness: HTTP %d\n", report->status == N3OBS_HEALTH_UNHEALTHY ? 503 : 200);
    n3obs_health_json_free(json);
    n3obs_health_report_free(report);
    n3obs_shutdown(1000);
    return 0;
}
