/*
 * n3obs_set_context_storage: a language's own context is the C library's current span.
 *
 * The storage here plays a language runtime with tasks (as Python's contextvars or
 * coroutines): each task has its own stack of current spans, and a thread runs one task at
 * a time (the thread-local `running`). A thread that runs no task is one the language does
 * not know: the storage answers 0 there, and the SDK uses the thread's own stack.
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>

typedef struct task {
    int depth;
    n3obs_span_context ctx[8];
    n3obs_span *handle[8];
} task;

static __thread task *running;
static int get_calls, attach_calls, detach_calls;
#define TOKEN_BIT 0x8000000000000000ull

static int storage_get(void *ud, n3obs_span_context *out, n3obs_span **span)
{
    (void)ud;
    task *t = running;
    if (t == NULL) return 0;
    ++get_calls;
    if (span != NULL) *span = NULL;
    if (t->depth == 0) return 1;
    uint32_t size = out->size;
    memcpy(out, &t->ctx[t->depth - 1], sizeof *out);
    out->size = size;
    if (span != NULL) *span = t->handle[t->depth - 1];
    return 1;
}

static int storage_attach(void *ud, n3obs_span *span, const n3obs_span_context *ctx, uint64_t *token)
{
    (void)ud;
    task *t = running;
    if (t == NULL || t->depth == 8) return 0;
    ++attach_calls;
    t->ctx[t->depth] = *ctx;
    t->handle[t->depth] = span;
    *token = TOKEN_BIT | (uint64_t)t->depth++;
    return 1;
}

static int storage_detach(void *ud, uint64_t token)
{
    (void)ud;
    task *t = running;
    if (t == NULL || (token & TOKEN_BIT) == 0) return 0;
    ++detach_calls;
    t->depth = (int)(token & ~TOKEN_BIT);
    return 1;
}

/* What the language does for `with start_as_current_span(name)`: a span with an explicit
 * parent (or none), made current in the task without asking the SDK. */
static n3obs_span *language_span(task *t, const char *name)
{
    n3obs_span *s = NULL;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_span_context c = N3OBS_SPAN_CONTEXT_INIT;
    o.context_out = &c;
    if (t->depth > 0) o.parent = t->handle[t->depth - 1];
    else o.flags = N3OBS_SPAN_ROOT;
    if (n3obs_span_start(&s, name, &o) != N3OBS_OK) return NULL;
    t->ctx[t->depth] = c;
    t->handle[t->depth++] = s;
    return s;
}

static const n3obs_span_data *find_span(const n3obs_span_batch *b, const char *name)
{
    for (size_t i = 0; b != NULL && i < b->span_count; ++i)
        if (strcmp(b->spans[i].name, name) == 0) return &b->spans[i];
    return NULL;
}

static int is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (p[i]) return 0;
    return 1;
}

typedef struct foreign_result {
    int start, current_ok, close, started_new_trace;
    n3obs_span *span, *current;
} foreign_result;

/* A thread the language does not know: the SDK's per-thread stack serves it. */
static void *foreign_thread(void *arg)
{
    foreign_result *r = arg;
    n3obs_span *s = NULL;
    n3obs_scope tok = 0;
    n3obs_span_context c = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    o.context_out = &c;
    r->start = n3obs_span_start(&s, "foreign", &o);
    r->started_new_trace = 1;
    r->span = s;
    if (r->start == N3OBS_OK && n3obs_span_make_current(s, &tok) == N3OBS_OK) {
        r->current_ok = n3obs_span_current(&r->current);
        r->close = n3obs_scope_close(tok);
    }
    n3obs_span_end(s, 0);
    return NULL;
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_context_storage st = N3OBS_CONTEXT_STORAGE_INIT;
    task a = {0}, b = {0};

    /* ---- what is refused ---- */
    CHECK_ST(n3obs_set_context_storage(&st), N3OBS_E_INVALID_ARGUMENT, "no get_current");
    st.get_current = storage_get;
    st.attach = storage_attach;
    CHECK_ST(n3obs_set_context_storage(&st), N3OBS_E_INVALID_ARGUMENT, "attach without detach");
    st.detach = storage_detach;
    st.size = 8;
    CHECK_ST(n3obs_set_context_storage(&st), N3OBS_E_INVALID_ARGUMENT, "size too small");
    st.size = sizeof st;
    CHECK_OK(n3obs_set_context_storage(&st), "installed before n3obs_init");
    CHECK_OK(n3obs_init(&cfg), "init");

    n3obs_histogram *h;
    n3obs_histogram_series *hs;
    n3obs_metric_opts mo = N3OBS_METRIC_OPTS_INIT;
    double bounds[] = {1, 10, 100};
    mo.name = "request_latency";
    CHECK_OK(n3obs_histogram_new(&h, &mo, bounds, 3), "histogram");
    CHECK_OK(n3obs_histogram_bind(&hs, h, NULL, 0), "bind");

    /* ---- a span the language made current is the parent of a span started in C ---- */
    running = &a;
    n3obs_span *request = language_span(&a, "lang.request");
    CHECK(request != NULL, "the language's span");
    n3obs_span *query = NULL;
    CHECK_OK(n3obs_span_start(&query, "db.query", NULL), "a C span with no parent");
    CHECK_OK(n3obs_span_end(query, 0), "end it");
    CHECK_OK(n3obs_histogram_observe(hs, 0.5), "observe inside the language's span");
    n3obs_span *cur = NULL;
    CHECK_OK(n3obs_span_current(&cur), "n3obs_span_current");
    CHECK(cur == request, "n3obs_span_current is the language's span");
    char tp[N3OBS_TRACEPARENT_SIZE], expect[N3OBS_TRACEPARENT_SIZE];
    CHECK_OK(n3obs_trace_context_inject(NULL, tp, sizeof tp, NULL, 0), "inject the current span");
    CHECK_OK(n3obs_trace_context_inject(request, expect, sizeof expect, NULL, 0), "inject the request span");
    CHECK(strcmp(tp, expect) == 0, "inject(NULL) sends the language's span: %s", tp);

    /* ---- another task on the same thread has its own current span ---- */
    running = &b;
    n3obs_span *other = NULL;
    CHECK_OK(n3obs_span_start(&other, "other.task", NULL), "a C span in a task with no span");
    CHECK_OK(n3obs_span_end(other, 0), "end it");
    CHECK_OK(n3obs_histogram_observe(hs, 5), "observe in the task with no span");
    cur = request;
    CHECK_OK(n3obs_span_current(&cur), "n3obs_span_current in task b");
    CHECK(cur == NULL, "no current span in task b");

    /* ---- a span made current in C is the language's current span ---- */
    running = &a;
    n3obs_span *cspan = NULL;
    n3obs_span_context cctx = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_opts co = N3OBS_SPAN_OPTS_INIT;
    co.context_out = &cctx;
    CHECK_OK(n3obs_span_start(&cspan, "c.work", &co), "a C span");
    n3obs_scope tok = 0;
    CHECK_OK(n3obs_span_make_current(cspan, &tok), "make it current");
    CHECK(attach_calls == 1 && a.depth == 2, "the storage took it (attach %d, depth %d)", attach_calls, a.depth);
    CHECK(a.depth == 2 && memcmp(a.ctx[1].span_id, cctx.span_id, 8) == 0 && a.handle[1] == cspan,
          "the task's current span is the C span, with its context");
    n3obs_span *inner = language_span(&a, "lang.inner");
    CHECK(inner != NULL, "the language starts a span under it");
    CHECK_OK(n3obs_span_end(inner, 0), "end it");
    a.depth--;
    CHECK_OK(n3obs_scope_close(tok), "close the C scope");
    CHECK(detach_calls == 1 && a.depth == 1, "the storage restored the task (detach %d, depth %d)", detach_calls,
          a.depth);
    CHECK_OK(n3obs_span_end(cspan, 0), "end the C span");

    /* ---- a parent with a tracestate (the full start path) ---- */
    n3obs_span_context remote = N3OBS_SPAN_CONTEXT_INIT;
    CHECK_OK(n3obs_trace_context_extract(&remote, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                         "congo=t61rcWkgMzE"),
             "a remote context with a tracestate");
    a.ctx[a.depth] = remote;
    a.handle[a.depth++] = NULL;
    n3obs_span *under_remote = NULL;
    CHECK_OK(n3obs_span_start(&under_remote, "under.remote", NULL), "a C span under it");
    CHECK_OK(n3obs_span_end(under_remote, 0), "end it");
    a.depth--;

    /* ---- a thread the language does not know ---- */
    foreign_result fr = {0};
    pthread_t th;
    pthread_create(&th, NULL, foreign_thread, &fr);
    pthread_join(th, NULL);
    CHECK(fr.start == N3OBS_OK && fr.current_ok == N3OBS_OK && fr.current == fr.span && fr.close == N3OBS_OK,
          "there the thread's own stack holds the current span");

    CHECK_OK(n3obs_span_end(request, 0), "end the language's span");
    a.depth--;

    /* ---- what was exported ---- */
    n3obs_span_batch *batch = NULL;
    CHECK_OK(n3obs_spans_drain(&batch, 0), "drain");
    const n3obs_span_data *r = find_span(batch, "lang.request"), *q = find_span(batch, "db.query"),
                          *o = find_span(batch, "other.task"), *in = find_span(batch, "lang.inner"),
                          *c = find_span(batch, "c.work"), *ur = find_span(batch, "under.remote"),
                          *f = find_span(batch, "foreign");
    CHECK(r && q && o && in && c && ur && f, "every span exported");
    if (r && q && o && in && c && ur && f) {
        CHECK(memcmp(q->trace_id, r->trace_id, 16) == 0 && memcmp(q->parent_span_id, r->span_id, 8) == 0 &&
                  q->parent_is_remote == 0,
              "db.query is the child of the language's span");
        CHECK(memcmp(o->trace_id, r->trace_id, 16) != 0 && is_zero(o->parent_span_id, 8),
              "the span of the other task started its own trace");
        CHECK(memcmp(c->trace_id, r->trace_id, 16) == 0 && memcmp(c->parent_span_id, r->span_id, 8) == 0,
              "c.work is the child of the language's span");
        CHECK(memcmp(in->trace_id, r->trace_id, 16) == 0 && memcmp(in->parent_span_id, c->span_id, 8) == 0,
              "the language's span started under the current C span is its child");
        CHECK(memcmp(ur->trace_id, remote.trace_id, 16) == 0 && memcmp(ur->parent_span_id, remote.span_id, 8) == 0 &&
                  strcmp(ur->tracestate, "congo=t61rcWkgMzE") == 0,
              "a span under a current remote context: its trace, parent and tracestate (%s)", ur->tracestate);
        CHECK(memcmp(f->trace_id, r->trace_id, 16) != 0 && is_zero(f->parent_span_id, 8),
              "the unknown thread's span started its own trace");
    }

    /* ---- exemplars follow the storage ---- */
    n3obs_metrics_snapshot *snap = NULL;
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    const n3obs_series_data *sd = fam_series(snap_family(snap, "request_latency"), NULL, 0);
    CHECK(sd && sd->bucket_count == 4, "4 buckets");
    if (sd && sd->bucket_count == 4 && r) {
        CHECK(sd->buckets[0].has_exemplar == 1 && memcmp(sd->buckets[0].exemplar.trace_id, r->trace_id, 16) == 0 &&
                  memcmp(sd->buckets[0].exemplar.span_id, r->span_id, 8) == 0,
              "the observation in the language's span carries its exemplar");
        CHECK(sd->buckets[1].has_exemplar == 0, "none for the observation in the task with no span");
    }
    n3obs_metrics_snapshot_free(snap);
    n3obs_span_batch_free(batch);

    /* ---- a storage that says no span block is open is not asked for exemplars ---- */
    {
        static volatile long open_blocks;
        n3obs_context_storage counted = st;
        counted.current_count = &open_blocks;
        CHECK_OK(n3obs_set_context_storage(&counted), "a storage with a current_count");
        a.ctx[0] = cctx;
        a.handle[0] = NULL;
        a.depth = 1;
        int before = get_calls;
        CHECK_OK(n3obs_histogram_observe(hs, 500), "observe while the count is 0");
        CHECK(get_calls == before, "get_current was not called (%d calls)", get_calls - before);
        open_blocks = 1;
        CHECK_OK(n3obs_histogram_observe(hs, 500), "observe while the count is 1");
        CHECK(get_calls == before + 1, "get_current was called once (%d calls)", get_calls - before);
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        sd = fam_series(snap_family(snap, "request_latency"), NULL, 0);
        CHECK(sd && sd->bucket_count == 4 && sd->buckets[3].has_exemplar == 1 &&
                  memcmp(sd->buckets[3].exemplar.span_id, cctx.span_id, 8) == 0,
              "the exemplar of the storage's span");
        n3obs_metrics_snapshot_free(snap);
        a.depth = 0;
    }

    /* ---- without the storage, the thread's stack again ---- */
    CHECK_OK(n3obs_set_context_storage(NULL), "uninstall");
    a.ctx[0] = cctx;
    a.handle[0] = NULL;
    a.depth = 1;
    int calls = get_calls;
    n3obs_span *after = NULL;
    CHECK_OK(n3obs_span_start(&after, "after", NULL), "a span after uninstalling");
    CHECK(get_calls == calls, "the storage is not asked any more");
    CHECK_OK(n3obs_histogram_observe(hs, 50), "observe");
    CHECK_OK(n3obs_span_end(after, 0), "end");
    CHECK_OK(n3obs_metrics_collect(&snap), "collect");
    sd = fam_series(snap_family(snap, "request_latency"), NULL, 0);
    CHECK(sd && sd->bucket_count == 4 && sd->buckets[2].has_exemplar == 0, "no exemplar from the old storage");
    n3obs_metrics_snapshot_free(snap);
    CHECK_OK(n3obs_spans_drain(&batch, 0), "drain");
    const n3obs_span_data *af = find_span(batch, "after");
    CHECK(af && is_zero(af->parent_span_id, 8), "the span started a trace of its own");
    n3obs_span_batch_free(batch);

    n3obs_shutdown(1000);
    return check_finish();
}
