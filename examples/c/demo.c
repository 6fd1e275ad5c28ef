/*
 * demo: a small instrumented C program. Four workers run tasks; each task is a span with a
 * child span, an execution in the standard catalogue and a latency observation; some fail
 * and record their exception. A health check watches the backlog. Nothing here names an
 * exporter: `N3OBS_EXPORTERS=stdout,csv` (see `make demo`) decides where it all goes.
 */
#define _POSIX_C_SOURCE 200809L
#include <n3obs.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKERS 4
#define TASKS_PER_WORKER 6

static n3obs_histogram_series *task_latency;
static n3obs_gauge_series *backlog;
static volatile int remaining = WORKERS * TASKS_PER_WORKER;

static void check(int rc, const char *what) {
    if (rc != N3OBS_OK) {
        fprintf(stderr, "%s: %s (%s)\n", what, n3obs_errstr(rc), n3obs_error_last());
        exit(1);
    }
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int backlog_check(void *user_data, char *detail, size_t capacity) {
    int left = *(volatile int *)user_data;
    snprintf(detail, capacity, "%d tasks waiting", left);
    return left > 20 ? N3OBS_HEALTH_DEGRADED : N3OBS_HEALTH_HEALTHY;
}

static void run_task(int worker, int task) {
    n3obs_span *span, *query;
    n3obs_span_opts opts = N3OBS_SPAN_OPTS_INIT;
    n3obs_scope scope;
    n3obs_execution exec;
    struct timespec start, end;
    int fails = (worker + task) % 5 == 4;

    clock_gettime(CLOCK_MONOTONIC, &start);
    opts.kind = N3OBS_SPAN_KIND_SERVER;
    check(n3obs_span_start(&span, "process task", &opts), "span_start");
    check(n3obs_span_make_current(span, &scope), "make_current");
    n3obs_span_set_attribute_int(span, "demo.worker", worker);
    n3obs_span_set_attribute_int(span, "demo.task", task);
    check(n3obs_execution_begin(&exec, "demo_worker", "parallel"), "execution_begin");

    /* A child: the current span is its parent. */
    check(n3obs_span_start(&query, "db.query", NULL), "child span");
    n3obs_span_set_attribute_string(query, "db.system", "sqlite");
    sleep_ms(5 + (worker * 7 + task * 3) % 20);
    n3obs_span_end(query, 0);

    if (fails) {
        n3obs_span_record_exception(span, "TimeoutError", "the upstream did not answer", NULL);
        n3obs_span_set_status(span, N3OBS_STATUS_ERROR, "upstream timeout");
        n3obs_catalog_record_error("demo_worker", "TimeoutError", "warning");
    }
    check(n3obs_execution_end(&exec, fails ? "error" : "success"), "execution_end");
    n3obs_scope_close(scope);
    n3obs_span_end(span, 0);

    clock_gettime(CLOCK_MONOTONIC, &end);
    n3obs_histogram_observe(task_latency, (double)(end.tv_sec - start.tv_sec) +
                                              (double)(end.tv_nsec - start.tv_nsec) / 1e9);
    n3obs_gauge_add(backlog, -1);
    __sync_fetch_and_sub(&remaining, 1);
}

static void *worker_main(void *arg) {
    int worker = (int)(size_t)arg, task;
    for (task = 0; task < TASKS_PER_WORKER; task++) run_task(worker, task);
    return NULL;
}

int main(void) {
    n3obs_metric_opts opts = N3OBS_METRIC_OPTS_INIT;
    n3obs_health_check_opts health = N3OBS_HEALTH_CHECK_OPTS_INIT;
    n3obs_histogram *latency;
    n3obs_gauge *queue;
    n3obs_health_report *report;
    char *json;
    pthread_t threads[WORKERS];
    size_t i;
    int rc;

    check(n3obs_init(NULL), "init"); /* service name and exporters from the environment */

    opts.name = "demo_task_duration_seconds";
    opts.help = "How long a demo task took.";
    opts.unit = "seconds";
    check(n3obs_histogram_new(&latency, &opts, NULL, 0), "histogram");
    check(n3obs_histogram_bind(&task_latency, latency, NULL, 0), "bind");
    opts = (n3obs_metric_opts)N3OBS_METRIC_OPTS_INIT;
    opts.name = "demo_backlog";
    opts.help = "Tasks not yet done.";
    check(n3obs_gauge_new(&queue, &opts), "gauge");
    check(n3obs_gauge_bind(&backlog, queue, NULL, 0), "bind");
    check(n3obs_gauge_set(backlog, remaining), "set");
    check(n3obs_catalog_set_worker_pool_size("demo", "local", WORKERS), "pool size");

    health.name = "backlog";
    health.description = "Tasks waiting to be processed";
    health.callback = backlog_check;
    health.user_data = (void *)&remaining;
    health.timeout_ms = 500;
    check(n3obs_health_register(&health), "health_register");

    for (i = 0; i < WORKERS; i++) pthread_create(&threads[i], NULL, worker_main, (void *)i);
    for (i = 0; i < WORKERS; i++) pthread_join(threads[i], NULL);

    check(n3obs_health_run(&report), "health_run");
    check(n3obs_health_report_json(&json, report), "health json");
    printf("health report: %s\n", json);
    fflush(stdout);
    n3obs_health_json_free(json);
    n3obs_health_report_free(report);

    /* Delivers the spans, a last metrics snapshot and health to every exporter. */
    rc = n3obs_shutdown(5000);
    if (rc != N3OBS_OK) fprintf(stderr, "shutdown: %s\n", n3obs_error_last());
    return 0;
}
