/*
 * fork() after n3obs_init: the child's SDK works. Its metrics carry on from the parent's
 * copy, its health checks run (the worker threads are started anew), its spans reach an
 * exporter (the plugin is started again in the child), and locks another thread held at
 * the moment of fork do not stall it.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "plugin_util.h"

#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int churning = 1;

/* Creates new series all the time, so a family's lock is often held when fork happens. */
static void *churn(void *arg) {
    n3obs_counter *family = arg;
    char value[32];
    const char *values[] = {value};
    unsigned long i = 0;
    while (churning) {
        snprintf(value, sizeof value, "v%lu", i++ % 1500);
        n3obs_counter_add_labels(family, values, 1, 1);
    }
    return NULL;
}

static int ok_check(void *user_data, char *detail, size_t cap) {
    (void)user_data;
    snprintf(detail, cap, "fine");
    return N3OBS_HEALTH_HEALTHY;
}

int main(void) {
    const char *dir = ".build/ctests/fork";
    char plugin[256], counts[256], config[300];
    const char *label[] = {"k"};
    n3obs_metric_opts opts = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *requests, *churned;
    n3obs_counter_series *total;
    n3obs_health_check_opts check = N3OBS_HEALTH_CHECK_OPTS_INIT;
    pthread_t thread;
    pid_t pid;
    int status = 0, i;

    mkdir(".build/ctests", 0755);
    mkdir(dir, 0755);
    snprintf(plugin, sizeof plugin, "%s/libn3obs_counting.so", dir);
    snprintf(counts, sizeof counts, "%s/child-counts.txt", dir);
CHECK(build_test_plugin("COUNTING", plugin), "built the counting plugin");
    remove(counts);

    CHECK_OK(n3obs_init(NULL), "init");
    opts.name = "requests_total";
    CHECK_OK(n3obs_counter_new(&requests, &opts), "counter");
    CHECK_OK(n3obs_counter_bind(&total, requests, NULL, 0), "bind");
    CHECK_OK(n3obs_counter_add(total, 5), "parent records 5");
    opts.name = "churned_total";
    opts.label_names = label;
    opts.label_count = 1;
    CHECK_OK(n3obs_counter_new(&churned, &opts), "a family whose lock another thread keeps taking");
    check.name = "always_fine";
    check.callback = ok_check;
    check.timeout_ms = 1000;
    CHECK_OK(n3obs_health_register(&check), "health check");
    snprintf(config, sizeof config, "{\"path\":\"%s\"}", counts);
    CHECK_OK(n3obs_exporter_load(plugin, config), "load an exporter before fork");
    pthread_create(&thread, NULL, churn, churned);

    for (i = 0; i < 3; i++) {
        pid = fork();
        if (pid == 0) {
            n3obs_health_report *report = NULL;
            const char *child_label[] = {"from-child"};
            n3obs_span *span;
            int j;
            check_failures = 0;
            CHECK_OK(n3obs_counter_add(total, 1), "child %d records into a bound series", i);
            CHECK_OK(n3obs_counter_add_labels(churned, child_label, 1, 1),
                     "child %d creates a series (no lock left held by the churning thread)", i);
            CHECK_OK(n3obs_health_run(&report), "child %d runs its health checks", i);
            if (report != NULL) {
                size_t k;
                int found = 0, timed_out = 0;
                for (k = 0; k < report->check_count; k++) {
                    const n3obs_health_check_result *r = report->checks[k];
                    timed_out |= r->timed_out;
                    if (strcmp(r->name, "always_fine") == 0)
                        found = r->status == N3OBS_HEALTH_HEALTHY && strcmp(r->detail, "fine") == 0;
                }
                CHECK(found, "child %d's check ran (on a worker started in the child) and said fine", i);
                CHECK(!timed_out, "child %d: no check timed out waiting for a worker left in the parent", i);
            }
            n3obs_health_report_free(report);
            for (j = 0; j < 10; j++) {
                if (n3obs_span_start(&span, "in child", NULL) == N3OBS_OK) n3obs_span_end(span, 0);
            }
            CHECK_OK(n3obs_force_flush(5000), "child %d flushes", i);
            CHECK(counted_spans(counts) >= 10, "child %d's spans reached the exporter restarted in it (%lu)", i,
                  counted_spans(counts));
            CHECK_OK(n3obs_shutdown(2000), "child %d shuts down", i);
            fflush(stdout);
            _exit(check_finish());
        }
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork %d: the child's checks passed", i);
        remove(counts);
    }
    churning = 0;
    pthread_join(thread, NULL);
    CHECK_OK(n3obs_counter_add(total, 1), "the parent goes on");
    CHECK_OK(n3obs_shutdown(5000), "parent shutdown");
    return check_finish();
}
