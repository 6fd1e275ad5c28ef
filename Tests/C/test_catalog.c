/*
 * The standard catalogue under the default namespace and its helpers: an execution's begin
 * and end keep active_executions, execution_total and execution_duration_seconds
 * consistent; ending twice or ending what never began is N3OBS_E_MISUSE.
 */
#define _POSIX_C_SOURCE 200809L
#include "catalog.h"

#include <time.h>

static void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static const char *const PLANNER[] = {"planner"};
static const char *const PLANNER_GREEDY[] = {"planner", "greedy"};
static const char *const PG_SUCCESS[] = {"planner", "greedy", "success"};
static const char *const PG_ERROR[] = {"planner", "greedy", "error"};

static double active(void) { return read_value("namel3ss_active_executions", PLANNER, 1); }
static double executions(const char *const *v) { return read_value("namel3ss_execution", v, 3); }
static series_read duration(void)
{
    return read_series("namel3ss_execution_duration_seconds", PLANNER_GREEDY, 2);
}

int main(void)
{
    n3obs_metrics_snapshot *snap = NULL;
    n3obs_execution e1, e2, e3, zero;
    series_read d;

    unsetenv("N3OBS_METRIC_NAMESPACE");
    unsetenv("N3OBS_METRIC_CARDINALITY_LIMIT");
    CHECK_OK(n3obs_init(NULL), "n3obs_init(NULL)");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    check_catalog_families(snap, "namel3ss");
    {
        const n3obs_family_data *f = snap_family(snap, "namel3ss_execution_duration_seconds");
        CHECK(f != NULL && f->series_count == 0, "no execution series before any execution");
    }
    n3obs_metrics_snapshot_free(snap);

    /* begin raises active_executions */
    memset(&e1, 0xCD, sizeof e1);
    CHECK_OK(n3obs_execution_begin(&e1, "planner", "greedy"), "execution_begin e1");
    CHECK_DBL(active(), 1, "active_executions{planner} == 1");
    CHECK_OK(n3obs_execution_begin(&e2, "planner", "greedy"), "execution_begin e2");
    CHECK_DBL(active(), 2, "active_executions{planner} == 2");
    sleep_ms(30);

    /* end lowers it, counts once, observes once */
    CHECK_OK(n3obs_execution_end(&e1, "success"), "execution_end e1 success");
    CHECK_DBL(active(), 1, "active_executions{planner} == 1 after end");
    CHECK_DBL(executions(PG_SUCCESS), 1, "execution_total{planner,greedy,success} == 1");
    d = duration();
    CHECK(d.found && d.count == 1, "execution_duration_seconds{planner,greedy} count 1");
    CHECK(d.found && d.sum >= 0.025 && d.sum < 3600,
          "duration is the elapsed time in seconds (slept 30 ms, got %g)", d.sum);
    CHECK(d.found && d.bucket_count == 12, "duration histogram has the 12 default buckets");

    /* ending twice */
    CHECK_ST(n3obs_execution_end(&e1, "success"), N3OBS_E_MISUSE, "ending e1 twice -> N3OBS_E_MISUSE");
    CHECK_ST(n3obs_execution_end(&e1, "error"), N3OBS_E_MISUSE, "ending e1 a third time -> N3OBS_E_MISUSE");
    CHECK_DBL(active(), 1, "active_executions unchanged by the second end");
    CHECK_DBL(executions(PG_SUCCESS), 1, "execution_total{...,success} unchanged");
    CHECK(isnan(executions(PG_ERROR)), "no execution_total{...,error} series yet");
    CHECK(duration().count == 1, "duration count unchanged");

    /* never begun */
    memset(&zero, 0, sizeof zero);
    CHECK_ST(n3obs_execution_end(&zero, "success"), N3OBS_E_MISUSE,
             "ending a zeroed never-begun execution -> N3OBS_E_MISUSE");
    CHECK_DBL(active(), 1, "active_executions unchanged");
    CHECK_DBL(executions(PG_SUCCESS), 1, "execution_total unchanged");

    /* the second execution with another status */
    CHECK_OK(n3obs_execution_end(&e2, "error"), "execution_end e2 error");
    CHECK_DBL(active(), 0, "active_executions{planner} == 0");
    CHECK_DBL(executions(PG_ERROR), 1, "execution_total{planner,greedy,error} == 1");
    CHECK(duration().count == 2, "duration count 2");

    /* a struct can be begun again after it ended */
    CHECK_OK(n3obs_execution_begin(&e1, "planner", "greedy"), "begin e1 again after its end");
    CHECK_DBL(active(), 1, "active 1");
    CHECK_OK(n3obs_execution_end(&e1, "success"), "end e1 again");
    CHECK_DBL(executions(PG_SUCCESS), 2, "execution_total{...,success} == 2");
    CHECK_DBL(active(), 0, "active 0");

    /* a bad status keeps the execution open */
    CHECK_OK(n3obs_execution_begin(&e3, "planner", "greedy"), "begin e3");
    CHECK_ST(n3obs_execution_end(&e3, "bad\xff"), N3OBS_E_INVALID_UTF8,
             "end with an invalid UTF-8 status -> N3OBS_E_INVALID_UTF8");
    CHECK_DBL(active(), 1, "e3 still open (active 1)");
    CHECK_ST(n3obs_execution_end(&e3, NULL), N3OBS_E_INVALID_ARGUMENT, "end with status NULL");
    CHECK_DBL(active(), 1, "e3 still open (active 1)");
    {
        static char long_status[N3OBS_MAX_LABEL_VALUE_LEN + 2];
        memset(long_status, 's', N3OBS_MAX_LABEL_VALUE_LEN + 1);
        CHECK_ST(n3obs_execution_end(&e3, long_status), N3OBS_E_TOO_LONG, "end with a too long status");
    }
    CHECK_DBL(executions(PG_SUCCESS), 2, "nothing counted by the refused ends");
    CHECK_OK(n3obs_execution_end(&e3, "success"), "end e3 with a valid status");
    CHECK_DBL(active(), 0, "active 0");
    CHECK_DBL(executions(PG_SUCCESS), 3, "execution_total{...,success} == 3");
    CHECK(duration().count == 4, "duration count 4");

    /* a failed begin marks the execution not begun */
    CHECK_ST(n3obs_execution_begin(&e3, "\xed\xa0\x80", "greedy"), N3OBS_E_INVALID_UTF8,
             "begin with an invalid UTF-8 component");
    CHECK_ST(n3obs_execution_end(&e3, "success"), N3OBS_E_MISUSE, "ending it -> N3OBS_E_MISUSE");

    /* components are independent */
    {
        static const char *const W[] = {"worker"};
        CHECK_OK(n3obs_execution_begin(&e1, "worker", "parallel"), "begin worker");
        CHECK_DBL(read_value("namel3ss_active_executions", W, 1), 1, "active_executions{worker} == 1");
        CHECK_DBL(active(), 0, "active_executions{planner} still 0");
        CHECK_OK(n3obs_execution_end(&e1, "timeout"), "end worker timeout");
        {
            static const char *const WP[] = {"worker", "parallel", "timeout"};
            CHECK_DBL(read_value("namel3ss_execution", WP, 3), 1, "execution_total{worker,parallel,timeout} == 1");
        }
    }

    /* the other helpers */
    {
        static const char *const ERR[] = {"db", "timeout", "critical"};
        static const char *const SEC[] = {"input", "pass"};
        static const char *const POOL[] = {"default", "node1"};
        static const char *const QUEUE[] = {"jobs", "high"};
        CHECK_OK(n3obs_catalog_record_error("db", "timeout", "critical"), "record_error");
        CHECK_OK(n3obs_catalog_record_error("db", "timeout", "critical"), "record_error again");
        CHECK_DBL(read_value("namel3ss_error", ERR, 3), 2, "error_total{db,timeout,critical} == 2");
        CHECK_OK(n3obs_catalog_record_security_validation("input", "pass"), "record_security_validation");
        CHECK_DBL(read_value("namel3ss_security_validations", SEC, 2), 1,
                  "security_validations_total{input,pass} == 1");
        CHECK_OK(n3obs_catalog_set_worker_pool_size("default", "node1", 8), "set_worker_pool_size 8");
        CHECK_DBL(read_value("namel3ss_worker_pool_size", POOL, 2), 8, "worker_pool_size == 8");
        CHECK_OK(n3obs_catalog_set_worker_pool_size("default", "node1", 4), "set_worker_pool_size 4");
        CHECK_DBL(read_value("namel3ss_worker_pool_size", POOL, 2), 4, "worker_pool_size == 4 (set, not add)");
        CHECK_OK(n3obs_catalog_set_task_queue_length("jobs", "high", 12), "set_task_queue_length 12");
        CHECK_DBL(read_value("namel3ss_task_queue_length", QUEUE, 2), 12, "task_queue_length == 12");
        CHECK_OK(n3obs_catalog_set_task_queue_length("jobs", "high", 0), "set_task_queue_length 0");
        CHECK_DBL(read_value("namel3ss_task_queue_length", QUEUE, 2), 0, "task_queue_length == 0");
    }

    /* the catalogue families are ordinary families: re-registering a different shape conflicts */
    {
        n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
        n3obs_gauge *g = NULL;
        o.name = "namel3ss_active_executions";
        CHECK_ST(n3obs_gauge_new(&g, &o), N3OBS_E_CONFLICT,
                 "a gauge namel3ss_active_executions without labels -> N3OBS_E_CONFLICT");
    }

    /* garbage in the struct must not crash (last: a blind dereference would end the run) */
    {
        n3obs_execution junk;
        printf("# ending an execution struct full of 0xFF next\n");
        fflush(stdout);
        memset(&junk, 0xFF, sizeof junk);
        CHECK_ST(n3obs_execution_end(&junk, "success"), N3OBS_E_MISUSE,
                 "ending a struct full of 0xFF -> N3OBS_E_MISUSE");
        CHECK_DBL(active(), 0, "active_executions unchanged");
    }
    return check_finish();
}
