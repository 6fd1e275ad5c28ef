/*
 * fork() while the parent is busy inside n3obs: threads register families, create series,
 * collect snapshots, run health checks and end spans that an exporter plugin takes, while
 * the main thread forks hundreds of times. Every child must record, register, run its
 * health checks, end a span and exit within a deadline: a child that inherited a lock held
 * by a thread that did not come along (an SDK lock or the Swift runtime's) hangs, one that
 * inherited a half-changed structure crashes.
 *
 * N3OBS_FORK_STRESS_FORKS sets the number of forks (default 300).
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "plugin_util.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILD_DEADLINE_S 20

static volatile int running = 1;
static const char *const one_label[] = {"k"};

static void *registering(void *arg) {
    unsigned long i = 0;
    char name[64];
    (void)arg;
    while (running) {
        n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
        n3obs_gauge *g;
        snprintf(name, sizeof name, "stress_family_%lu", i++ % 4000);
        o.name = name;
        o.label_names = one_label;
        o.label_count = 1;
        n3obs_gauge_new(&g, &o);
    }
    return NULL;
}

static void *creating_series(void *arg) {
    n3obs_counter *family = arg;
    char value[32];
    const char *values[] = {value};
    unsigned long i = 0;
    while (running) {
        snprintf(value, sizeof value, "v%lu", i++ % 1800);
        n3obs_counter_add_labels(family, values, 1, 1);
    }
    return NULL;
}

static void *collecting(void *arg) {
    (void)arg;
    while (running) {
        n3obs_metrics_snapshot *s = NULL;
        if (n3obs_metrics_collect(&s) == N3OBS_OK) n3obs_metrics_snapshot_free(s);
    }
    return NULL;
}

static void *checking(void *arg) {
    (void)arg;
    while (running) {
        n3obs_health_report *r = NULL;
        char *json = NULL;
        if (n3obs_health_run(&r) == N3OBS_OK && n3obs_health_report_json(&json, r) == N3OBS_OK)
            n3obs_health_json_free(json);
        n3obs_health_report_free(r);
    }
    return NULL;
}

static void *exporting(void *arg) {
    unsigned long i = 0;
    (void)arg;
    while (running) {
        n3obs_span *s;
        if (n3obs_span_start(&s, "parent work", NULL) == N3OBS_OK) {
            n3obs_span_set_attribute_int(s, "i", (int64_t)i);
            n3obs_span_end(s, 0);
        }
        if (++i % 500 == 0) n3obs_force_flush(1000);
    }
    return NULL;
}

static int fine(void *user_data, char *detail, size_t cap) {
    (void)user_data;
    snprintf(detail, cap, "fine");
    return N3OBS_HEALTH_HEALTHY;
}

/* What a pre-fork worker does; the exit status says what failed (0: all of it worked). */
static int child_work(n3obs_counter_series *total, n3obs_counter *series_family, int k) {
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *mine;
    n3obs_health_report *r = NULL;
    n3obs_span *s;
    char name[64], value[32];
    const char *values[] = {value};
    int found = 0;
    size_t i;
    if (n3obs_counter_add(total, 1) != N3OBS_OK) return 10;
    snprintf(value, sizeof value, "child-%d", k);
    if (n3obs_counter_add_labels(series_family, values, 1, 1) != N3OBS_OK) return 11;
    snprintf(name, sizeof name, "child_family_%d_total", k);
    o.name = name;
    if (n3obs_counter_new(&mine, &o) != N3OBS_OK) return 12;
    if (n3obs_health_run(&r) != N3OBS_OK || r == NULL) return 13;
    for (i = 0; i < r->check_count; i++)
        if (strcmp(r->checks[i]->name, "fine") == 0)
            found = r->checks[i]->status == N3OBS_HEALTH_HEALTHY && !r->checks[i]->timed_out;
    n3obs_health_report_free(r);
    if (!found) return 14;
    if (n3obs_span_start(&s, "child work", NULL) != N3OBS_OK || n3obs_span_end(s, 0) != N3OBS_OK) return 15;
    if (n3obs_shutdown(3000) != N3OBS_OK) return 16;
    return 0;
}

/* Waits for the child; one still running after the deadline has its threads' stacks
 * printed (when gdb is there) and is killed. Returns 0 for a hung child. */
static int wait_with_deadline(pid_t pid, int *status) {
    struct timespec pause = {0, 1000000};
    long waited_ms = 0;
    char cmd[256];
    while (waited_ms < CHILD_DEADLINE_S * 1000L) {
        if (waitpid(pid, status, WNOHANG) == pid) return 1;
        nanosleep(&pause, NULL);
        waited_ms++;
    }
    printf("# child %ld hung; its threads:\n", (long)pid);
    fflush(stdout);
    snprintf(cmd, sizeof cmd, "command -v gdb >/dev/null && gdb -p %ld -batch -ex 'thread apply all bt 30' "
             "2>/dev/null | grep -E '^(Thread|#)' | sed 's/^/#   /' | head -120", (long)pid);
    if (system(cmd) != 0) printf("#   (no gdb)\n");
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return 0;
}

int main(void) {
    const char *dir = ".build/ctests/fork_stress";
    char plugin[256], config[300];
    const char *env = getenv("N3OBS_FORK_STRESS_FORKS");
    int forks = env != NULL ? atoi(env) : 300;
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *requests, *series_family;
    n3obs_counter_series *total;
    n3obs_health_check_opts check = N3OBS_HEALTH_CHECK_OPTS_INIT;
    pthread_t threads[5];
    int i, ok = 0, hung = 0, crashed = 0, failed = 0, first_bad = 0;
    struct timespec t0, t1;

    mkdir(".build/ctests", 0755);
    mkdir(dir, 0755);
    snprintf(plugin, sizeof plugin, "%s/libn3obs_counting_%ld.so", dir, (long)getpid());
CHECK(build_test_plugin("COUNTING", plugin), "built the counting plugin");

    CHECK_OK(n3obs_init(NULL), "init");
    o.name = "stress_requests_total";
    CHECK_OK(n3obs_counter_new(&requests, &o), "counter");
    CHECK_OK(n3obs_counter_bind(&total, requests, NULL, 0), "bind");
    o.name = "stress_series_total";
    o.label_names = one_label;
    o.label_count = 1;
    CHECK_OK(n3obs_counter_new(&series_family, &o), "a family that keeps growing");
    check.name = "fine";
    check.callback = fine;
    check.timeout_ms = 2000;
    CHECK_OK(n3obs_health_register(&check), "a health check");
    snprintf(config, sizeof config, "{\"path\":\"%s/counts-%ld.txt\"}", dir, (long)getpid());
    CHECK_OK(n3obs_exporter_load(plugin, config), "an exporter plugin");

    pthread_create(&threads[0], NULL, registering, NULL);
    pthread_create(&threads[1], NULL, creating_series, series_family);
    pthread_create(&threads[2], NULL, collecting, NULL);
    pthread_create(&threads[3], NULL, checking, NULL);
    pthread_create(&threads[4], NULL, exporting, NULL);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < forks; i++) {
        int status = 0;
        pid_t pid = fork();
        if (pid == 0) {
            int rc = child_work(total, series_family, i);
            if (rc != 0) printf("# child %d failed at step %d: %s\n", i, rc, n3obs_error_last());
            fflush(stdout);
            _exit(rc);
        }
        if (pid < 0) {
            failed++;
            continue;
        }
        if (!wait_with_deadline(pid, &status)) {
            hung++;
            if (first_bad == 0) first_bad = -SIGKILL;
            continue;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            ok++;
            continue;
        }
        if (WIFSIGNALED(status)) crashed++;
        else failed++;
        if (first_bad == 0)
            first_bad = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    running = 0;
    for (i = 0; i < 5; i++) pthread_join(threads[i], NULL);

    CHECK(ok == forks, "%d of %d children did their work and exited in time (hung %d, crashed %d, failed %d; "
          "first bad: %d) in %.1f s", ok, forks, hung, crashed, failed, first_bad,
          (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    CHECK_OK(n3obs_counter_add(total, 1), "the parent goes on recording");
    CHECK_OK(n3obs_shutdown(5000), "parent shutdown");
    remove(plugin);
    return check_finish();
}
