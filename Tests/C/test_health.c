/*
 * Health checks through the C API: registration errors, every status combination,
 * out-of-enum results, details, timeouts and stuck checks, unregistering while running,
 * intervals, run_check, last_report, JSON, metrics, and the calls around init/shutdown.
 * Built-in checks are off here (test_health_builtins.c covers them) so that the overall
 * status depends on the test's checks only.
 */
#define _POSIX_C_SOURCE 200809L
#include "health_util.h"

static const char *name_of(int st) { return n3obs_health_status_str(st); }

static void before_init(void)
{
    n3obs_health_report *r = (n3obs_health_report *)&r;
    prog_check p;
    prog_init(&p, N3OBS_HEALTH_HEALTHY);
    CHECK_ST(prog_register("x", &p, 0, 0), N3OBS_E_NOT_INITIALIZED, "register before init");
    CHECK_ST(n3obs_health_run(&r), N3OBS_E_NOT_INITIALIZED, "run before init");
    CHECK(r == NULL, "run before init sets *out to NULL");
    CHECK_ST(n3obs_health_last_report(&r), N3OBS_E_NOT_INITIALIZED, "last_report before init");
    CHECK_ST(n3obs_health_run_check(&r, "x"), N3OBS_E_NOT_INITIALIZED, "run_check before init");
    CHECK_ST(n3obs_health_unregister("x"), N3OBS_E_NOT_INITIALIZED, "unregister before init");
    CHECK(prog_get(&p, &p.freed) == 0, "a refused registration never calls user_data_free");
}

static void registration_errors(void)
{
    n3obs_health_check_opts o = N3OBS_HEALTH_CHECK_OPTS_INIT;
    const char *tags[] = {"a", NULL};
    static prog_check p;
    char long_name[300];
    prog_init(&p, N3OBS_HEALTH_HEALTHY);

    CHECK_ST(n3obs_health_register(NULL), N3OBS_E_INVALID_ARGUMENT, "NULL opts");
    o.name = "nocb";
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_ARGUMENT, "NULL callback is refused");
    CHECK_MSG("callback", "the message names the callback");
    o.callback = prog_callback;
    o.user_data = &p;
    o.user_data_free = prog_free;
    o.name = NULL;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_ARGUMENT, "NULL name");
    o.name = "";
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_NAME, "empty name");
    o.name = "bad\nname";
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_NAME, "a name with a control character");
    o.name = "\xff\xfe";
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_UTF8, "a name that is not UTF-8");
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    o.name = long_name;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_TOO_LONG, "a name over N3OBS_MAX_NAME_LEN");
    o.name = "tags";
    o.tag_count = 2;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_ARGUMENT, "tags NULL with tag_count 2");
    o.tags = tags;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_ARGUMENT, "a NULL tag");
    o.tag_count = N3OBS_HEALTH_MAX_TAGS + 1;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_TOO_LONG, "too many tags");
    o.tag_count = 0;
    o.timeout_ms = N3OBS_HEALTH_MAX_TIMEOUT_MS + 1;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_VALUE, "a timeout over the maximum");
    o.timeout_ms = 0;
    o.size = 8;
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_INVALID_ARGUMENT, "opts->size too small");
    o.size = (uint32_t)sizeof o;
    o.name = "dup";
    CHECK_OK(n3obs_health_register(&o), "register 'dup'");
    CHECK_ST(n3obs_health_register(&o), N3OBS_E_CONFLICT, "registering the same name twice");
    CHECK_MSG("dup", "the conflict names the check");
    CHECK(prog_get(&p, &p.freed) == 0, "failed registrations never call user_data_free");
    CHECK_OK(n3obs_health_unregister("dup"), "unregister 'dup'");
    CHECK(prog_get(&p, &p.freed) == 1, "unregistering an idle check calls user_data_free once");
    CHECK_ST(n3obs_health_unregister("dup"), N3OBS_E_INVALID_ARGUMENT, "unregistering it again");
    CHECK_ST(n3obs_health_unregister(NULL), N3OBS_E_INVALID_ARGUMENT, "unregister NULL");
    CHECK_ST(n3obs_health_run(NULL), N3OBS_E_INVALID_ARGUMENT, "run with NULL out");
    CHECK_ST(n3obs_health_last_report(NULL), N3OBS_E_INVALID_ARGUMENT, "last_report with NULL out");
}

/* One critical and one non-critical check through every pair of statuses. */
static void status_combinations(void)
{
    static prog_check crit, plain;
    static const int all[] = {N3OBS_HEALTH_HEALTHY, N3OBS_HEALTH_DEGRADED, N3OBS_HEALTH_UNHEALTHY};
    int a, b;
    CHECK(run_status() == N3OBS_HEALTH_HEALTHY, "no checks at all: healthy");
    prog_init(&crit, N3OBS_HEALTH_HEALTHY);
    prog_init(&plain, N3OBS_HEALTH_HEALTHY);
    CHECK_OK(prog_register("combo_critical", &crit, 1, 0), "register a critical check");
    CHECK_OK(prog_register("combo_plain", &plain, 0, 0), "register a non-critical check");
    for (a = 0; a < 3; ++a) {
        for (b = 0; b < 3; ++b) {
            n3obs_health_report *r = NULL;
            int want;
            const n3obs_health_check_result *rc, *rp;
            prog_set(&crit, all[a], 0);
            prog_set(&plain, all[b], 0);
            /* critical unhealthy -> unhealthy; anything else not healthy -> degraded */
            if (all[a] == N3OBS_HEALTH_UNHEALTHY)
                want = N3OBS_HEALTH_UNHEALTHY;
            else if (all[a] != N3OBS_HEALTH_HEALTHY || all[b] != N3OBS_HEALTH_HEALTHY)
                want = N3OBS_HEALTH_DEGRADED;
            else
                want = N3OBS_HEALTH_HEALTHY;
            CHECK_OK(n3obs_health_run(&r), "run (critical %s, non-critical %s)", name_of(all[a]),
                     name_of(all[b]));
            if (r == NULL)
                continue;
            rc = report_check(r, "combo_critical");
            rp = report_check(r, "combo_plain");
            CHECK(r->status == (n3obs_health_status)want, "critical %s + non-critical %s -> %s (got %s)",
                  name_of(all[a]), name_of(all[b]), name_of(want), name_of((int)r->status));
            CHECK(rc != NULL && rp != NULL && (int)rc->status == all[a] && (int)rp->status == all[b] &&
                      rc->critical == 1 && rp->critical == 0,
                  "each check's own status and critical flag are reported");
            n3obs_health_report_free(r);
        }
    }
    CHECK_OK(n3obs_health_unregister("combo_critical"), "unregister the critical check");
    prog_set(&plain, N3OBS_HEALTH_UNHEALTHY, 0);
    CHECK(run_status() == N3OBS_HEALTH_DEGRADED, "a lone failing non-critical check: degraded");
    CHECK_OK(n3obs_health_unregister("combo_plain"), "unregister the non-critical check");
}

static int answer_7(void *u, char *d, size_t c) { (void)u; snprintf(d, c, "said seven"); return 7; }
static int answer_neg(void *u, char *d, size_t c) { (void)u; (void)d; (void)c; return -1; }
/* Fills the whole buffer without a NUL: the SDK must not read past it. */
static int answer_flood(void *u, char *d, size_t c) { (void)u; memset(d, 'x', c); return 0; }
static int answer_bad_utf8(void *u, char *d, size_t c) { (void)u; snprintf(d, c, "a\xff" "b"); return 0; }

static void register_fn(const char *name, n3obs_health_fn fn, int critical)
{
    n3obs_health_check_opts o = N3OBS_HEALTH_CHECK_OPTS_INIT;
    o.name = name;
    o.callback = fn;
    o.critical = critical;
    CHECK_OK(n3obs_health_register(&o), "register '%s'", name);
}

static void odd_callbacks(void)
{
    n3obs_health_report *r = NULL;
    const n3obs_health_check_result *c;
    register_fn("seven", answer_7, 1);
    register_fn("negative", answer_neg, 0);
    register_fn("flood", answer_flood, 0);
    register_fn("bad_utf8", answer_bad_utf8, 0);
    CHECK_OK(n3obs_health_run(&r), "run the odd callbacks");
    c = report_check(r, "seven");
    CHECK(c != NULL && c->status == N3OBS_HEALTH_UNHEALTHY, "returning 7 is unhealthy");
    CHECK(c != NULL && strstr(c->detail, "7") && strstr(c->detail, "not a health status"),
          "and the detail says it returned 7, not a status (\"%s\")", c ? c->detail : "");
    CHECK(r != NULL && r->status == N3OBS_HEALTH_UNHEALTHY, "a critical out-of-enum check makes it unhealthy");
    c = report_check(r, "negative");
    CHECK(c != NULL && c->status == N3OBS_HEALTH_UNHEALTHY && strstr(c->detail, "-1"),
          "returning -1 is unhealthy and said so");
    c = report_check(r, "flood");
    CHECK(c != NULL && c->status == N3OBS_HEALTH_HEALTHY && strlen(c->detail) == N3OBS_HEALTH_DETAIL_CAPACITY - 1,
          "a detail without NUL is cut at capacity - 1 bytes");
    c = report_check(r, "bad_utf8");
    CHECK(c != NULL && strcmp(c->detail, "a\xef\xbf\xbd" "b") == 0, "invalid UTF-8 in a detail is replaced");
    n3obs_health_report_free(r);
    CHECK_OK(n3obs_health_unregister("seven"), "unregister seven");
    CHECK_OK(n3obs_health_unregister("negative"), "unregister negative");
    CHECK_OK(n3obs_health_unregister("flood"), "unregister flood");
    CHECK_OK(n3obs_health_unregister("bad_utf8"), "unregister bad_utf8");
}

/* A check that hangs: reported on time, then stuck, never run twice, no thread pile-up. */
static void hanging_check(void)
{
    static prog_check hang;
    n3obs_health_report *r = NULL;
    const n3obs_health_check_result *c;
    double t0, elapsed;
    int i, threads_after_first, threads_max = 0, stuck_all = 1;
    prog_init(&hang, N3OBS_HEALTH_HEALTHY);
    hang.block = 1;
    hang.detail = "done at last";
    CHECK_OK(prog_register("hang", &hang, 1, 100), "register a critical check with a 100 ms timeout");
    t0 = now_s();
    CHECK_OK(n3obs_health_run(&r), "run with a hanging check");
    elapsed = now_s() - t0;
    CHECK(elapsed < 2.0, "the report comes back on time (%.3f s for a 100 ms timeout)", elapsed);
    c = report_check(r, "hang");
    CHECK(c != NULL && c->status == N3OBS_HEALTH_UNHEALTHY && c->timed_out == 1 && c->stuck == 0,
          "the hanging check is unhealthy and timed out");
    CHECK_STR(c ? c->detail : NULL, "timed out after 100 ms", "its detail");
    CHECK(r != NULL && r->status == N3OBS_HEALTH_UNHEALTHY, "the report is unhealthy (critical)");
    n3obs_health_report_free(r);
    threads_after_first = thread_count();
    for (i = 0; i < 100; ++i) {
        int t;
        r = NULL;
        if (n3obs_health_run(&r) != N3OBS_OK || r == NULL) {
            stuck_all = 0;
            break;
        }
        c = report_check(r, "hang");
        if (c == NULL || !c->stuck || c->status != N3OBS_HEALTH_UNHEALTHY || r->status != N3OBS_HEALTH_UNHEALTHY)
            stuck_all = 0;
        n3obs_health_report_free(r);
        t = thread_count();
        if (t > threads_max)
            threads_max = t;
    }
    CHECK(stuck_all, "100 more reports each say the check is stuck (unhealthy)");
    CHECK(prog_get(&hang, &hang.calls) == 1, "the hung callback was started once, not again (%d)",
          prog_get(&hang, &hang.calls));
    CHECK(threads_max <= threads_after_first, "threads do not pile up (%d after the first report, at most %d after 100 more)",
          threads_after_first, threads_max);
    r = NULL;
    CHECK_OK(n3obs_health_run_check(&r, "hang"), "run_check on the stuck check");
    c = report_check(r, "hang");
    CHECK(c != NULL && c->stuck == 1 && strstr(c->detail, "stuck"), "run_check reports it stuck too");
    n3obs_health_report_free(r);

    /* Let it return: it may then run again. */
    prog_set(&hang, N3OBS_HEALTH_HEALTHY, 0);
    for (i = 0; i < 200 && prog_get(&hang, &hang.returned) == 0; ++i)
        sleep_ms(10);
    CHECK(run_status() == N3OBS_HEALTH_HEALTHY, "once the callback returns, the check runs again and is healthy");
    CHECK(prog_get(&hang, &hang.calls) == 2, "started a second time only after the first returned");
    CHECK_OK(n3obs_health_unregister("hang"), "unregister hang");
}

static void unregister_while_running(void)
{
    static prog_check slow;
    n3obs_health_report *r = NULL;
    int i;
    prog_init(&slow, N3OBS_HEALTH_HEALTHY);
    slow.block = 1;
    CHECK_OK(prog_register("slow", &slow, 0, 100), "register a slow check");
    CHECK_OK(n3obs_health_run(&r), "run: the slow check times out and keeps running");
    n3obs_health_report_free(r);
    CHECK(prog_get(&slow, &slow.calls) == 1 && prog_get(&slow, &slow.returned) == 0, "it is running");
    CHECK_OK(n3obs_health_unregister("slow"), "unregister it while it runs");
    CHECK(prog_get(&slow, &slow.freed) == 0, "user_data_free waits for the run to end");
    r = NULL;
    CHECK_OK(n3obs_health_run(&r), "run after unregistering");
    CHECK(r != NULL && report_check(r, "slow") == NULL, "the report no longer has it");
    n3obs_health_report_free(r);
    CHECK_OK(prog_register("slow", &slow, 0, 100), "the name can be registered again meanwhile");
    CHECK_OK(n3obs_health_unregister("slow"), "and unregistered");
    prog_set(&slow, N3OBS_HEALTH_HEALTHY, 0);
    for (i = 0; i < 300 && prog_get(&slow, &slow.freed) < 2; ++i)
        sleep_ms(10);
    CHECK(prog_get(&slow, &slow.freed) == 2, "user_data_free ran once per registration after the run ended (%d)",
          prog_get(&slow, &slow.freed));
}

/* Many threads report while others register and unregister. */
typedef struct churn_arg { int stop; int failures; } churn_arg;

static void *reporter(void *arg)
{
    churn_arg *a = (churn_arg *)arg;
    while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
        n3obs_health_report *r = NULL;
        if (n3obs_health_run(&r) != N3OBS_OK || r == NULL)
            __atomic_add_fetch(&a->failures, 1, __ATOMIC_RELAXED);
        n3obs_health_report_free(r);
    }
    return NULL;
}

static void concurrent_churn(void)
{
    static prog_check p;
    pthread_t threads[3];
    churn_arg arg = {0, 0};
    int i, bad = 0;
    prog_init(&p, N3OBS_HEALTH_DEGRADED);
    for (i = 0; i < 3; ++i)
        pthread_create(&threads[i], NULL, reporter, &arg);
    for (i = 0; i < 300; ++i) {
        if (prog_register("churn", &p, 1, 1000) != N3OBS_OK)
            ++bad;
        if (n3obs_health_unregister("churn") != N3OBS_OK)
            ++bad;
    }
    __atomic_store_n(&arg.stop, 1, __ATOMIC_RELEASE);
    for (i = 0; i < 3; ++i)
        pthread_join(threads[i], NULL);
    CHECK(bad == 0 && arg.failures == 0, "300 register/unregister rounds under 3 reporting threads");
    for (i = 0; i < 300 && prog_get(&p, &p.freed) < 300; ++i)
        sleep_ms(10);
    CHECK(prog_get(&p, &p.freed) == 300, "each registration's user_data_free ran once (%d)", prog_get(&p, &p.freed));
}

static void intervals_and_single_runs(void)
{
    static prog_check p;
    n3obs_health_check_opts o = N3OBS_HEALTH_CHECK_OPTS_INIT;
    const char *tags[] = {"db", "sql"};
    n3obs_health_report *r = NULL;
    const n3obs_health_check_result *c;
    prog_init(&p, N3OBS_HEALTH_DEGRADED);
    p.detail = "replica lag 3 s";
    o.name = "db";
    o.description = "the database answers";
    o.callback = prog_callback;
    o.user_data = &p;
    o.interval_ms = 60000;
    o.tags = tags;
    o.tag_count = 2;
    CHECK_OK(n3obs_health_register(&o), "register a check with a 60 s interval and tags");
    CHECK_OK(n3obs_health_run(&r), "first run");
    c = report_check(r, "db");
    CHECK(c != NULL && c->cached == 0 && c->status == N3OBS_HEALTH_DEGRADED, "runs the first time");
    CHECK(c != NULL && c->tag_count == 2 && strcmp(c->tags[0], "db") == 0 && strcmp(c->tags[1], "sql") == 0,
          "tags are reported");
    CHECK(c != NULL && strcmp(c->description, "the database answers") == 0 &&
              strcmp(c->detail, "replica lag 3 s") == 0, "description and detail are reported");
    CHECK(c != NULL && c->timestamp_unix_nano > 1600000000000000000LL && c->duration_ns >= 0,
          "timestamp is Unix nanoseconds; duration is not negative");
    CHECK(r != NULL && r->size == sizeof(n3obs_health_report) && c != NULL &&
              c->size == sizeof(n3obs_health_check_result), "structs carry their size");
    n3obs_health_report_free(r);
    r = NULL;
    CHECK_OK(n3obs_health_run(&r), "second run within the interval");
    c = report_check(r, "db");
    CHECK(c != NULL && c->cached == 1 && c->status == N3OBS_HEALTH_DEGRADED, "reuses the result (cached)");
    CHECK(prog_get(&p, &p.calls) == 1, "the callback ran once");
    n3obs_health_report_free(r);
    r = NULL;
    CHECK_OK(n3obs_health_run_check(&r, "db"), "run_check runs it now");
    CHECK(r != NULL && r->check_count == 1 && report_check(r, "db") != NULL && report_check(r, "db")->cached == 0,
          "a report of that one check, freshly run");
    CHECK(prog_get(&p, &p.calls) == 2, "the callback ran again");
    n3obs_health_report_free(r);
    r = (n3obs_health_report *)&r;
    CHECK_ST(n3obs_health_run_check(&r, "no_such_check"), N3OBS_E_INVALID_ARGUMENT, "run_check of an unknown name");
    CHECK(r == NULL, "leaves *out NULL");
    CHECK_ST(n3obs_health_run_check(&r, NULL), N3OBS_E_INVALID_ARGUMENT, "run_check of NULL");
}

static void last_report_and_json(void)
{
    n3obs_health_report *r = NULL, *last = NULL;
    char *json = NULL;
    CHECK_OK(n3obs_health_run(&r), "run");
    CHECK_OK(n3obs_health_last_report(&last), "last_report");
    CHECK(last != NULL && r != NULL && last->time_unix_nano == r->time_unix_nano &&
              last->check_count == r->check_count && last->status == r->status,
          "last_report is the latest run's report");
    CHECK_OK(n3obs_health_report_json(&json, r), "report as JSON");
    CHECK(json != NULL && strncmp(json, "{\"status\":\"degraded\"", 20) == 0, "starts with the overall status (%.40s)",
          json ? json : "");
    CHECK(json != NULL && strstr(json, "\"checks\":[{\"name\":\"db\",\"status\":\"degraded\",\"critical\":false") &&
              strstr(json, "\"tags\":[\"db\",\"sql\"]") && strstr(json, "\"detail\":\"replica lag 3 s\""),
          "lists each check with status, critical flag, detail and tags");
    CHECK(json != NULL && strstr(json, "\"counts\":{\"healthy\":0,\"degraded\":1,\"unhealthy\":0}"),
          "counts checks per status");
    n3obs_health_json_free(json);
    json = (char *)&json;
    CHECK_ST(n3obs_health_report_json(&json, NULL), N3OBS_E_INVALID_ARGUMENT, "JSON of a NULL report");
    CHECK(json == NULL, "leaves *out NULL");
    CHECK_ST(n3obs_health_report_json(NULL, r), N3OBS_E_INVALID_ARGUMENT, "JSON into a NULL out");
    {   /* A struct the caller made, or copied, is not a report of this library. */
        n3obs_health_report zeroed, copy = *r;
        memset(&zeroed, 0, sizeof zeroed);
        zeroed.size = sizeof zeroed;
        CHECK_ST(n3obs_health_report_json(&json, &zeroed), N3OBS_E_INVALID_ARGUMENT,
                 "JSON of a zeroed struct with only size set");
        CHECK(json == NULL, "gives no JSON for it");
        CHECK_MSG("not an n3obs_health_report of this library", "says what is wrong");
        CHECK_ST(n3obs_health_report_json(&json, &copy), N3OBS_E_INVALID_ARGUMENT, "JSON of a copy of a report");
        n3obs_health_report_free(&zeroed); /* not ours: ignored, not freed */
    }
    n3obs_health_report_free(r);
    n3obs_health_report_free(last);
    n3obs_health_report_free(NULL);
    n3obs_health_json_free(NULL);
    CHECK_STR(n3obs_health_status_str(N3OBS_HEALTH_UNHEALTHY), "unhealthy", "status_str");
    CHECK_STR(n3obs_health_status_str(42), "unknown", "status_str of a non-status");
}

static void metrics(void)
{
    static prog_check p;
    const char *db[] = {"db"}, *m[] = {"metric_check"};
    prog_init(&p, N3OBS_HEALTH_UNHEALTHY);
    CHECK_OK(prog_register("metric_check", &p, 0, 0), "register metric_check");
    CHECK(run_status() >= 0, "run");
    CHECK_DBL(read_value("n3obs_health_status", m, 1), 0.0, "n3obs_health_status{check=\"metric_check\"} is 0 (unhealthy)");
    CHECK_DBL(read_value("n3obs_health_status", db, 1), 0.5, "n3obs_health_status{check=\"db\"} is 0.5 (degraded)");
    prog_set(&p, N3OBS_HEALTH_HEALTHY, 0);
    CHECK(run_status() >= 0, "run again");
    CHECK_DBL(read_value("n3obs_health_status", m, 1), 1.0, "and 1 once healthy");
    CHECK(read_value("n3obs_health_check_duration_seconds", m, 1) >= 0.0,
          "n3obs_health_check_duration_seconds{check} is set");
}

static void after_shutdown(void)
{
    static prog_check p;
    n3obs_health_report *r = (n3obs_health_report *)&r, *kept = NULL;
    char *json = NULL;
    prog_init(&p, N3OBS_HEALTH_HEALTHY);
    CHECK_OK(prog_register("kept", &p, 0, 0), "register a check before shutdown");
    CHECK_OK(n3obs_health_run(&kept), "and a report");
    CHECK_OK(n3obs_shutdown(1000), "shutdown");
    CHECK(prog_get(&p, &p.freed) == 1, "shutdown released the registered checks' user data");
    CHECK_ST(prog_register("late", &p, 0, 0), N3OBS_E_SHUTDOWN, "register after shutdown");
    CHECK_ST(n3obs_health_unregister("kept"), N3OBS_E_SHUTDOWN, "unregister after shutdown");
    CHECK_ST(n3obs_health_run(&r), N3OBS_E_SHUTDOWN, "run after shutdown");
    CHECK(r == NULL, "sets *out NULL");
    CHECK_ST(n3obs_health_run_check(&r, "kept"), N3OBS_E_SHUTDOWN, "run_check after shutdown");
    CHECK_ST(n3obs_health_last_report(&r), N3OBS_E_SHUTDOWN, "last_report after shutdown");
    CHECK_ST(n3obs_health_report_json(&json, kept), N3OBS_E_SHUTDOWN, "report_json after shutdown");
    n3obs_health_report_free(kept);
}

int main(void)
{
    n3obs_config config = N3OBS_CONFIG_INIT;
    n3obs_health_report *r = (n3obs_health_report *)&r;
    before_init();
    config.flags = N3OBS_INIT_IGNORE_ENV;
    config.health_builtins_off = N3OBS_HEALTH_BUILTIN_ALL;
    CHECK_OK(n3obs_init(&config), "init without built-in checks");
    CHECK_OK(n3obs_health_last_report(&r), "last_report before any run");
    CHECK(r == NULL, "is NULL");
    registration_errors();
    status_combinations();
    odd_callbacks();
    hanging_check();
    unregister_while_running();
    concurrent_churn();
    intervals_and_single_runs();
    last_report_and_json();
    metrics();
    after_shutdown();
    return check_finish();
}
