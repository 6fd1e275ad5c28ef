/*
 * test_threads: every thread n3obs and its shipped plugins start is named "n3obs-..." and
 * none outlives n3obs_shutdown (libdispatch's included), with the prometheus and otlp
 * plugins loaded, one health report made and /metrics scraped.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "health_util.h"

#define CHECK_OK(expr, ...) CHECK_ST((expr), N3OBS_OK, __VA_ARGS__)
#define MAX_THREADS 256

typedef struct thread_list {
    int n;
    char tid[MAX_THREADS][256];
    char name[MAX_THREADS][32];
} thread_list;

/* The threads of this process with their names (/proc/self/task/<tid>/comm). */
static void list_threads(thread_list *out)
{
    struct dirent *e;
    DIR *d = opendir("/proc/self/task");
    out->n = 0;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL && out->n < MAX_THREADS) {
        char path[300];
        FILE *f;
        if (e->d_name[0] == '.')
            continue;
        snprintf(out->tid[out->n], sizeof out->tid[0], "%s", e->d_name);
        snprintf(path, sizeof path, "/proc/self/task/%.200s/comm", e->d_name);
        out->name[out->n][0] = '\0';
        if ((f = fopen(path, "r")) != NULL) {
            if (fgets(out->name[out->n], sizeof out->name[0], f) != NULL)
                out->name[out->n][strcspn(out->name[out->n], "\n")] = '\0';
            fclose(f);
        }
        out->n++;
    }
    closedir(d);
}

static int listed(const thread_list *l, const char *tid)
{
    for (int i = 0; i < l->n; ++i)
        if (strcmp(l->tid[i], tid) == 0)
            return 1;
    return 0;
}

/* A loopback port nobody listens on now (the plugin binds it right after). */
static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int port = -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* GET path on 127.0.0.1:port; returns the HTTP status (or -1) and the bytes read. */
static int http_get(int port, const char *path, size_t *bytes)
{
    struct sockaddr_in a;
    char buf[65536];
    char req[256];
    int status = -1;
    size_t total = 0;
    ssize_t r;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    *bytes = 0;
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
        while ((r = read(fd, buf + (total < 64 ? total : 64), sizeof buf - 64)) > 0) {
            if (total == 0 && r >= 12)
                sscanf(buf, "HTTP/1.1 %d", &status);
            total += (size_t)r;
        }
    }
    close(fd);
    *bytes = total;
    return status;
}

int main(void)
{
    char addr[64];
    char endpoint[64];
    char otlp_file[] = "/tmp/n3obs-test-threads-XXXXXX";
    thread_list before, running, after;
    n3obs_health_report *report = NULL;
    prog_check check;
    size_t bytes = 0;
    int port = free_port();
    int otlp_port = free_port();
    int fd = mkstemp(otlp_file);
    int unnamed = 0;
    int status;
    int left = 0;

    CHECK(port > 0 && otlp_port > 0 && fd >= 0, "free loopback ports (%d, %d) and a temporary OTLP file",
          port, otlp_port);
    if (fd >= 0)
        close(fd);
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    setenv("N3OBS_EXPORTERS", "prometheus,otlp", 1);
    setenv("N3OBS_PROMETHEUS_ADDR", addr, 1);
    setenv("N3OBS_OTLP_FILE", otlp_file, 1);
    /* Nobody listens there: the sender thread starts and retries until shutdown. */
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", otlp_port);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, 1);
    unsetenv("N3OBS_HEALTH_MONITOR_INTERVAL_MS");

    list_threads(&before);
    CHECK(before.n == 1, "one thread before n3obs_init (got %d)", before.n);

    CHECK_OK(n3obs_init(NULL), "init with the prometheus and otlp plugins");
    prog_init(&check, N3OBS_HEALTH_HEALTHY);
    CHECK_OK(prog_register("threads_probe", &check, 0, 1000), "register a health check");
    CHECK_OK(n3obs_health_run(&report), "one health report");
    n3obs_health_report_free(report);
    status = http_get(port, "/metrics", &bytes);
    CHECK(status == 200 && bytes > 0, "GET /metrics answers 200 (got %d, %zu bytes)", status, bytes);
    CHECK(http_get(port, "/readyz", &bytes) == 200, "GET /readyz answers 200");
    {
        n3obs_span *span = NULL;
        if (n3obs_span_start(&span, "threads", NULL) == N3OBS_OK)
            n3obs_span_end(span, 0);
    }

    list_threads(&running);
    printf("# %d threads while running:\n", running.n);
    for (int i = 0; i < running.n; ++i) {
        int main_thread = listed(&before, running.tid[i]);
        printf("#   %s %s%s\n", running.tid[i], running.name[i], main_thread ? " (the program's)" : "");
        if (!main_thread && strncmp(running.name[i], "n3obs", 5) != 0)
            unnamed++;
    }
    CHECK(unnamed == 0, "every thread n3obs started is named n3obs-... (%d are not)", unnamed);

    {
        double t0 = now_s();
        int st = n3obs_shutdown(500);
        /* The span cannot reach the endpoint: a timeout is the honest answer. */
        CHECK(st == N3OBS_OK || st == N3OBS_E_TIMEOUT, "shutdown returns (status %d after %.2f s)", st,
              now_s() - t0);
    }
    list_threads(&after);
    for (int i = 0; i < after.n; ++i) {
        if (listed(&before, after.tid[i]))
            continue;
        printf("#   left after n3obs_shutdown: %s %s\n", after.tid[i], after.name[i]);
        left++;
    }
    CHECK(after.n == before.n && left == 0,
          "as many threads after n3obs_shutdown as before n3obs_init (%d before, %d after)", before.n,
          after.n);
    CHECK(prog_get(&check, &check.freed) == 1, "the check's user data was freed at shutdown");
    unlink(otlp_file);
    return check_finish();
}
