/*
 * Health settings: a bad environment value or config field is a config error; the
 * environment chooses the built-ins, their thresholds and criticality; the monitor runs
 * in the background and keeps the last report.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "health_util.h"

int main(void)
{
    n3obs_config config = N3OBS_CONFIG_INIT;
    n3obs_health_report *r = NULL;
    const n3obs_health_check_result *c;
    int i;

    setenv("N3OBS_HEALTH_MONITOR_INTERVAL_MS", "soon", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG, "N3OBS_HEALTH_MONITOR_INTERVAL_MS=soon");
    CHECK_MSG("N3OBS_HEALTH_MONITOR_INTERVAL_MS", "the message names the variable");
    setenv("N3OBS_HEALTH_MONITOR_INTERVAL_MS", "50", 1);
    setenv("N3OBS_HEALTH_BUILTINS", "disk,bogus", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG, "N3OBS_HEALTH_BUILTINS with an unknown name");
    setenv("N3OBS_HEALTH_BUILTINS", "disk", 1);
    setenv("N3OBS_HEALTH_DISK_DEGRADED_PERCENT", "x", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG, "a threshold that is not a number");
    /* Free space is always below 100.5 %: the disk check must be unhealthy. */
    setenv("N3OBS_HEALTH_DISK_DEGRADED_PERCENT", "101", 1);
    setenv("N3OBS_HEALTH_DISK_UNHEALTHY_PERCENT", "100.5", 1);
    setenv("N3OBS_HEALTH_BUILTINS_CRITICAL", "true", 1);
    setenv("N3OBS_HEALTH_DISK_PATH", "/tmp", 1);
    config.health_builtins_off = 0x80;
    CHECK_ST(n3obs_init(&config), N3OBS_E_CONFIG, "health_builtins_off with an unknown bit");
    CHECK(n3obs_is_running() == 0, "the SDK stayed uninitialized");
    CHECK_OK(n3obs_init(NULL), "init from the environment");

    for (i = 0; i < 200; ++i) {
        CHECK_ST2(n3obs_health_last_report(&r), N3OBS_OK, N3OBS_OK, "last_report (%d)", i) ;
        if (r != NULL)
            break;
        sleep_ms(10);
    }
    CHECK(r != NULL, "the monitor made a report by itself");
    CHECK(r != NULL && r->check_count == 1, "N3OBS_HEALTH_BUILTINS=disk keeps only disk");
    c = report_check(r, "disk");
    CHECK(c != NULL && c->status == N3OBS_HEALTH_UNHEALTHY && c->critical == 1 && strstr(c->detail, "/tmp"),
          "disk is unhealthy by the thresholds, critical, and watches /tmp (%s)", c ? c->detail : "");
    CHECK(r != NULL && r->status == N3OBS_HEALTH_UNHEALTHY, "so the report is unhealthy");
    n3obs_health_report_free(r);
    CHECK_OK(n3obs_shutdown(100), "shutdown stops the monitor");
    return check_finish();
}
