/*
 * Health reports in bulk, with the built-in checks on: 10,000 reports in a loop must not
 * grow the thread count or the resident memory, even with a check hung for the whole time.
 */
#define _POSIX_C_SOURCE 200809L
#include "health_util.h"

static int fast_ok(void *u, char *d, size_t c) { (void)u; snprintf(d, c, "fine"); return N3OBS_HEALTH_HEALTHY; }

int main(void)
{
    static prog_check hang;
    n3obs_health_check_opts o = N3OBS_HEALTH_CHECK_OPTS_INIT;
    int i, failures = 0, threads_warm, threads_max = 0, not_stuck = 0;
    long rss_warm, rss_end;
    double t0;

    CHECK_OK(n3obs_init(NULL), "init with the built-in checks");
    o.name = "fast";
    o.callback = fast_ok;
    o.critical = 1;
    CHECK_OK(n3obs_health_register(&o), "register a fast critical check");
    prog_init(&hang, N3OBS_HEALTH_HEALTHY);
    hang.block = 1;
    CHECK_OK(prog_register("hung_forever", &hang, 0, 50), "register a check that hangs (50 ms timeout)");

    /* Warm up: threads and allocator caches reach their steady size. */
    for (i = 0; i < 200; ++i) {
        n3obs_health_report *r = NULL;
        char *json = NULL;
        if (n3obs_health_run(&r) != N3OBS_OK || n3obs_health_report_json(&json, r) != N3OBS_OK)
            ++failures;
        n3obs_health_json_free(json);
        n3obs_health_report_free(r);
    }
    threads_warm = thread_count();
    rss_warm = resident_bytes();
    t0 = now_s();
    for (i = 0; i < 10000; ++i) {
        n3obs_health_report *r = NULL;
        char *json = NULL;
        const n3obs_health_check_result *c;
        if (n3obs_health_run(&r) != N3OBS_OK || r == NULL) {
            ++failures;
            continue;
        }
        c = report_check(r, "hung_forever");
        if (c == NULL || !c->stuck)
            ++not_stuck;
        if (n3obs_health_report_json(&json, r) != N3OBS_OK)
            ++failures;
        n3obs_health_json_free(json);
        n3obs_health_report_free(r);
        if (i % 500 == 0) {
            int t = thread_count();
            if (t > threads_max)
                threads_max = t;
        }
    }
    rss_end = resident_bytes();
    printf("# 10000 reports in %.2f s; threads %d -> max %d; RSS %ld -> %ld KiB\n", now_s() - t0,
           threads_warm, threads_max, rss_warm / 1024, rss_end / 1024);
    CHECK(failures == 0, "10,000 reports (and their JSON) succeed");
    CHECK(not_stuck == 0, "the hung check is reported stuck every time");
    CHECK(prog_get(&hang, &hang.calls) == 1, "and was started only once");
    CHECK(threads_warm > 0 && threads_max <= threads_warm, "the thread count does not grow (%d, then at most %d)",
          threads_warm, threads_max);
    CHECK(rss_warm > 0 && rss_end - rss_warm < 4L * 1024 * 1024,
          "resident memory grows by less than 4 MiB (%ld KiB)", (rss_end - rss_warm) / 1024);
    prog_set(&hang, N3OBS_HEALTH_HEALTHY, 0);
    CHECK_OK(n3obs_shutdown(1000), "shutdown");
    return check_finish();
}
