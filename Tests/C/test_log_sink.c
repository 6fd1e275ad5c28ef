/*
 * The log sink (n3obs_config.log_sink): the SDK's own lines and a plugin's (host->log)
 * reach it with level, component and message, N3OBS_LOG_LEVEL still filters, calls back
 * into n3obs that wait are refused, and nothing goes to fd 2 meanwhile.
 */
#define _XOPEN_SOURCE 700
#include "check.h"
#include "plugin_util.h"

#include <n3obs_exporter.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct line {
    int level;
    char component[64];
    char message[512];
} line;

typedef struct sink {
    pthread_mutex_t mutex;
    line lines[64];
    int count;
    int flush_status; /* what n3obs_force_flush returned from inside the sink */
} sink;

static void collect(int level, const char *component, const char *message, void *user_data) {
    sink *s = user_data;
    int status = n3obs_force_flush(10);
    pthread_mutex_lock(&s->mutex);
    s->flush_status = status;
    if (s->count < 64) {
        line *l = &s->lines[s->count++];
        l->level = level;
        snprintf(l->component, sizeof l->component, "%s", component ? component : "(null)");
        snprintf(l->message, sizeof l->message, "%s", message ? message : "(null)");
    }
    pthread_mutex_unlock(&s->mutex);
}

/* The first line of that component, or NULL. */
static const line *find(sink *s, const char *component) {
    for (int i = 0; i < s->count; i++) {
        if (strcmp(s->lines[i].component, component) == 0) return &s->lines[i];
    }
    return NULL;
}

int main(void) {
    static sink s = {PTHREAD_MUTEX_INITIALIZER, {{0, "", ""}}, 0, 0};
    char plugin[256], counts[256], config[400], err_path[] = "/tmp/n3obs-log-sink-XXXXXX";
    setenv("N3OBS_LOG_LEVEL", "warn", 1);
    unsetenv("N3OBS_EXPORTERS");
    mkdir(".build/ctests/plugins", 0755);
    snprintf(plugin, sizeof plugin, ".build/ctests/plugins/libn3obs_test_logging.so");
    snprintf(counts, sizeof counts, ".build/ctests/plugins/logging.counts");
    CHECK(build_test_plugin("LOGGING", plugin), "built the logging plugin");

    /* fd 2 goes to a file from here: every line must reach the sink instead. */
    int err_fd = mkstemp(err_path);
    int saved_err = dup(2);
    fflush(stderr);
    dup2(err_fd, 2);

    n3obs_config cfg = N3OBS_CONFIG_INIT;
    cfg.flags = N3OBS_INIT_NO_CATALOG;
    cfg.exporters = "no_such_exporter_for_the_log_sink";
    cfg.log_sink = collect;
    cfg.log_user_data = &s;
    int init_status = n3obs_init(&cfg);
    snprintf(config, sizeof config, "{\"path\":\"%s\"}", counts);
    int load_status = n3obs_exporter_load(plugin, config);
    int shutdown_status = n3obs_shutdown(5000);

    fflush(stderr);
    dup2(saved_err, 2);
    close(saved_err);
    struct stat st;
    fstat(err_fd, &st);
    char written[512] = "";
    ssize_t n = pread(err_fd, written, sizeof written - 1, 0);
    written[n > 0 ? n : 0] = 0;
    close(err_fd);
    unlink(err_path);

    CHECK_ST(init_status, N3OBS_E_PLUGIN_NOT_FOUND, "n3obs_init reports the missing exporter");
    CHECK_OK(load_status, "the logging plugin loads");
    CHECK_OK(shutdown_status, "n3obs_shutdown");

    const line *sdk = find(&s, "exporters");
    CHECK(sdk != NULL, "the SDK's line about the missing exporter reached the sink");
    if (sdk != NULL) {
        CHECK(sdk->level == N3OBS_LOG_ERROR, "at N3OBS_LOG_ERROR (got %d)", sdk->level);
        CHECK(strstr(sdk->message, "no_such_exporter_for_the_log_sink") != NULL,
              "its message names the exporter: %s", sdk->message);
        CHECK(strchr(sdk->message, '\n') == NULL, "without a newline");
    }
    const line *mine = find(&s, "logging");
    CHECK(mine != NULL, "the plugin's host->log line reached the sink");
    if (mine != NULL) {
        CHECK(mine->level == N3OBS_LOG_WARN, "at N3OBS_LOG_WARN (got %d)", mine->level);
        CHECK_STR(mine->message, "a line from the plugin", "with the plugin's message");
    }
    int below = 0;
    for (int i = 0; i < s.count; i++) below += s.lines[i].level > N3OBS_LOG_WARN;
    CHECK(below == 0, "N3OBS_LOG_LEVEL=warn still keeps info lines out (%d came)", below);
    CHECK(s.flush_status == N3OBS_E_MISUSE, "n3obs_force_flush from the sink is refused with N3OBS_E_MISUSE (got %d)",
          s.flush_status);
    CHECK(st.st_size == 0, "nothing was written to fd 2 (%ld bytes: %s)", (long)st.st_size, written);
    return check_finish();
}
