/*
 * Spans across threads: an explicit parent handed to other threads, concurrent starts
 * and ends while another thread drains, and overload: a million ended spans with nobody
 * draining keep memory bounded and drained + dropped == ended.
 */
#include "check.h"

#include <pthread.h>
#include <unistd.h>

#define THREADS 4
#define PER_THREAD 20000

static n3obs_span *shared_parent;
static volatile int producers_done;

static void *child_worker(void *arg)
{
    n3obs_span *c = NULL, *g = NULL;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_scope tok;
    int *ok = malloc(sizeof *ok);
    char name[32];
    sprintf(name, "child-%d", (int)(intptr_t)arg);
    o.parent = shared_parent;
    *ok = n3obs_span_start(&c, name, &o) == N3OBS_OK;
    *ok &= n3obs_span_make_current(c, &tok) == N3OBS_OK;
    sprintf(name, "grandchild-%d", (int)(intptr_t)arg);
    *ok &= n3obs_span_start(&g, name, NULL) == N3OBS_OK;   /* parent: this thread's current */
    *ok &= n3obs_span_end(g, 0) == N3OBS_OK;
    *ok &= n3obs_scope_close(tok) == N3OBS_OK;
    *ok &= n3obs_span_end(c, 0) == N3OBS_OK;
    return ok;
}

static void *producer(void *arg)
{
    long i, *failures = calloc(1, sizeof *failures);
    (void)arg;
    for (i = 0; i < PER_THREAD; ++i) {
        n3obs_span *s;
        if (n3obs_span_start(&s, "work", NULL) != N3OBS_OK ||
            n3obs_span_set_attribute_int(s, "i", i) != N3OBS_OK || n3obs_span_end(s, 0) != N3OBS_OK)
            ++*failures;
    }
    return failures;
}

static uint64_t drained_total;
static int drain_ids_ok = 1;

static void *drainer(void *arg)
{
    (void)arg;
    for (;;) {
        int done = producers_done;
        n3obs_span_batch *b = NULL;
        size_t i;
        if (n3obs_spans_drain(&b, 512) == N3OBS_OK && b != NULL) {
            drained_total += b->span_count;
            for (i = 0; i < b->span_count; ++i)
                if (b->spans[i].attribute_count != 1 || strcmp(b->spans[i].name, "work") != 0)
                    drain_ids_ok = 0;
            if (b->span_count == 0 && done) {
                n3obs_span_batch_free(b);
                return NULL;
            }
            n3obs_span_batch_free(b);
        }
    }
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_span_context pc = N3OBS_SPAN_CONTEXT_INIT;
    pthread_t th[THREADS], dr;
    n3obs_span_batch *b = NULL;
    uint64_t dropped0 = 0, dropped1 = 0, drained = 0;
    long i, failures = 0, rss_before, rss_after;
    int t;

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "init");

    /* an explicit parent passed to other threads */
    CHECK_OK(n3obs_span_start(&shared_parent, "parent", NULL), "start the parent");
    CHECK_OK(n3obs_span_get_context(shared_parent, &pc), "its context");
    for (t = 0; t < THREADS; ++t)
        pthread_create(&th[t], NULL, child_worker, (void *)(intptr_t)t);
    for (t = 0; t < THREADS; ++t) {
        void *r;
        pthread_join(th[t], &r);
        CHECK(*(int *)r, "thread %d: child of the shared parent, grandchild under its scope", t);
        free(r);
    }
    CHECK_OK(n3obs_span_end(shared_parent, 0), "end the parent");
    CHECK_OK(n3obs_spans_drain(&b, 0), "drain");
    CHECK(b && b->span_count == 2 * THREADS + 1, "all %d spans are there", 2 * THREADS + 1);
    if (b) {
        size_t k, m;
        int children = 0, grandchildren = 0;
        for (k = 0; k < b->span_count; ++k) {
            const n3obs_span_data *d = &b->spans[k];
            if (strncmp(d->name, "child-", 6) == 0 && memcmp(d->parent_span_id, pc.span_id, 8) == 0 &&
                memcmp(d->trace_id, pc.trace_id, 16) == 0)
                ++children;
            if (strncmp(d->name, "grandchild-", 11) == 0)
                for (m = 0; m < b->span_count; ++m)
                    if (strcmp(b->spans[m].name + 5, d->name + 10) == 0 &&
                        strncmp(b->spans[m].name, "child", 5) == 0 &&
                        memcmp(d->parent_span_id, b->spans[m].span_id, 8) == 0 &&
                        memcmp(d->trace_id, pc.trace_id, 16) == 0)
                        ++grandchildren;
        }
        CHECK(children == THREADS, "each thread's child has the shared parent (%d)", children);
        CHECK(grandchildren == THREADS, "each grandchild has its thread's child as parent (%d)", grandchildren);
    }
    n3obs_span_batch_free(b);

    /* concurrent producers while another thread drains */
    CHECK_OK(n3obs_spans_dropped(&dropped0), "dropped before");
    drained_total = 0;
    producers_done = 0;
    pthread_create(&dr, NULL, drainer, NULL);
    for (t = 0; t < THREADS; ++t)
        pthread_create(&th[t], NULL, producer, NULL);
    for (t = 0; t < THREADS; ++t) {
        void *r;
        pthread_join(th[t], &r);
        failures += *(long *)r;
        free(r);
    }
    producers_done = 1;
    pthread_join(dr, NULL);
    CHECK(failures == 0, "%d threads x %d spans: every call succeeded", THREADS, PER_THREAD);
    CHECK_OK(n3obs_spans_dropped(&dropped1), "dropped after");
    CHECK_U64(drained_total + (dropped1 - dropped0), (uint64_t)THREADS * PER_THREAD,
              "drained + dropped == ended (drained %llu)", (unsigned long long)drained_total);
    CHECK(drain_ids_ok, "every drained span is whole");

    /* overload: a million spans, nobody draining */
    rss_before = rss_kb();
    CHECK_OK(n3obs_spans_dropped(&dropped0), "dropped before");
    for (i = 0; i < 1000000; ++i) {
        n3obs_span *s;
        if (n3obs_span_start(&s, "flood", NULL) != N3OBS_OK || n3obs_span_set_attribute_int(s, "i", i) != N3OBS_OK ||
            n3obs_span_end(s, 0) != N3OBS_OK)
            ++failures;
    }
    rss_after = rss_kb();
    CHECK(failures == 0, "a million spans ended without a failure");
    CHECK_OK(n3obs_spans_dropped(&dropped1), "dropped after");
    for (;;) {
        b = NULL;
        if (n3obs_spans_drain(&b, 0) != N3OBS_OK || b == NULL)
            break;
        if (b->span_count == 0) {
            n3obs_span_batch_free(b);
            break;
        }
        drained += b->span_count;
        n3obs_span_batch_free(b);
    }
    CHECK(drained <= 131072, "the queue held at most its default 131,072 spans (%llu)", (unsigned long long)drained);
    CHECK_U64(drained + (dropped1 - dropped0), 1000000, "drained + dropped == ended");
    /* The bounds: 64 MiB of span records (N3OBS_BSP_MAX_QUEUE_BYTES) and the 2 MiB index. */
    CHECK(rss_after - rss_before < 80 * 1024, "memory stayed bounded (RSS grew %ld KiB)", rss_after - rss_before);
    return check_finish();
}
