/*
 * The built-in checks with their defaults: present, tagged, valid statuses, names taken,
 * the pipeline healthy without a pipeline, non-critical by default.
 */
#define _POSIX_C_SOURCE 200809L
#include "health_util.h"

#include <sys/wait.h>
#include <unistd.h>

static const char *const builtins[] = {"cpu", "disk", "pipeline", "process_memory", "system_memory"};

static int ok_fn(void *u, char *d, size_t c) { (void)u; (void)d; (void)c; return 0; }

int main(void)
{
    n3obs_health_report *r = NULL;
    n3obs_health_check_opts o = N3OBS_HEALTH_CHECK_OPTS_INIT;
    const n3obs_health_check_result *c;
    size_t i;
    int k;

    unsetenv("N3OBS_HEALTH_BUILTINS");
    /* Right after init a window too short to measure gives no verdict, never a false alarm:
     * ten fresh processes, each asking for the cpu check at once and then every 20 ms. */
    for (k = 0; k < 10; ++k) {
        pid_t pid = fork();
        if (pid == 0) {
            int j, bad = 0;
            if (n3obs_init(NULL) != N3OBS_OK) _exit(3);
            for (j = 0; j < 10; ++j) {
                n3obs_health_report *cr = NULL;
                const n3obs_health_check_result *cc;
                if (n3obs_health_run_check(&cr, "cpu") != N3OBS_OK) _exit(4);
                cc = report_check(cr, "cpu");
                if (cc == NULL || cc->status != N3OBS_HEALTH_HEALTHY || strstr(cc->detail, "no CPU figure yet") == NULL) {
                    printf("#   child %d, report %d: %s\n", k, j, cc ? cc->detail : "(no cpu check)");
                    bad = 1;
                }
                n3obs_health_report_free(cr);
                sleep_ms(20);
            }
            fflush(stdout);
            _exit(bad);
        }
        {
            int st = 0;
            waitpid(pid, &st, 0);
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "process %d: the cpu check is healthy with 'no CPU figure yet' in its first 0.2 s", k);
        }
    }
    CHECK_OK(n3obs_init(NULL), "init");
    CHECK_OK(n3obs_health_run(&r), "run");
    CHECK(r != NULL && r->check_count == 5, "five built-in checks (%zu)", r ? r->check_count : (size_t)0);
    for (i = 0; i < 5; ++i) {
        c = report_check(r, builtins[i]);
        CHECK(c != NULL && (int)c->status >= 0 && (int)c->status <= 2 && c->critical == 0 && !c->timed_out,
              "%s ran: %s (%s)", builtins[i], c ? n3obs_health_status_str((int)c->status) : "missing",
              c ? c->detail : "");
        CHECK(c != NULL && c->tag_count == 2 && strcmp(c->tags[1], "builtin") == 0 && c->detail[0] != '\0',
              "%s is tagged builtin and explains itself", builtins[i]);
    }
    c = report_check(r, "pipeline");
    CHECK(c != NULL && c->status == N3OBS_HEALTH_HEALTHY && strcmp(c->detail, "no export pipeline yet") == 0,
          "the pipeline check is healthy while there is no pipeline");
    c = report_check(r, "process_memory");
    CHECK(c != NULL && strstr(c->detail, "resident") != NULL, "process_memory reports the resident set");
    CHECK(r != NULL && r->status != N3OBS_HEALTH_UNHEALTHY, "non-critical built-ins never make it unhealthy");
    n3obs_health_report_free(r);
    /* The CPU figure compares /proc/stat with the reading kept since init (or the last
     * complete window), so a report never sleeps to sample: right after init there may be
     * no figure yet; a second later there is one, and the check still returns at once. */
    r = NULL;
    CHECK_OK(n3obs_health_run_check(&r, "cpu"), "run_check cpu right after init");
    c = report_check(r, "cpu");
    CHECK(c != NULL && c->duration_ns < 500000000LL &&
              (strstr(c->detail, "% busy") != NULL || strstr(c->detail, "no CPU figure yet") != NULL),
          "cpu answers at once, with a figure or 'no CPU figure yet' (%s)", c ? c->detail : "");
    n3obs_health_report_free(r);
    sleep_ms(1100);
    for (k = 0; k < 3; ++k) {
        r = NULL;
        CHECK_OK(n3obs_health_run_check(&r, "cpu"), "run_check cpu a second later (%d)", k);
        c = report_check(r, "cpu");
        CHECK(c != NULL && strstr(c->detail, "% busy") != NULL && c->duration_ns < 500000000LL,
              "cpu gives a figure without sampling in the report (%s)", c ? c->detail : "");
        n3obs_health_report_free(r);
    }
    o.name = "cpu";
    o.callback = ok_fn;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_CONFLICT, "a built-in's name is taken");
    CHECK_OK(n3obs_health_unregister("cpu"), "a built-in can be unregistered");
    CHECK_OK(n3obs_health_register(&o), "and its name reused");
    CHECK_OK(n3obs_shutdown(0), "shutdown");
    return check_finish();
}
