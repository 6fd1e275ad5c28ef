/*
 * n3obs_span_start does the common start in C and sends the rest to the checked Swift
 * path (Sources/CN3ObsRecord/span_start.c). Both must make the same spans: parents from a
 * handle or the thread's current span, the sampler's decision (a child follows its
 * parent), the output context, and the cases that go to Swift (a parent with a tracestate,
 * a non-ASCII name, a name too long for the record's first block, a remote parent).
 */
#include <string.h>

#include "check.h"

static n3obs_span_batch *batch;

static const n3obs_span_data *drained(const char *name)
{
    if (batch == NULL)
        n3obs_spans_drain(&batch, 0);
    for (size_t i = 0; batch && i < batch->span_count; i++)
        if (strcmp(batch->spans[i].name, name) == 0)
            return &batch->spans[i];
    return NULL;
}

static n3obs_span_context context_of(n3obs_span *s)
{
    n3obs_span_context c = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_get_context(s, &c);
    return c;
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_span_context out = N3OBS_SPAN_CONTEXT_INIT, unsampled = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_context traced = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span *root = NULL, *child = NULL, *grandchild = NULL, *quiet = NULL;
    n3obs_span *under_quiet = NULL, *with_state = NULL, *inherits = NULL, *utf8 = NULL, *longname = NULL;
    n3obs_scope scope, scope2;
    char name[1001];

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "init (parentbased_always_on)");

    o.flags = N3OBS_SPAN_ROOT;
    o.context_out = &out;
    CHECK_OK(n3obs_span_start(&root, "root", &o), "a root span with an output context");
    n3obs_span_context rc = context_of(root);
    CHECK(memcmp(out.trace_id, rc.trace_id, 16) == 0 && memcmp(out.span_id, rc.span_id, 8) == 0 &&
              out.trace_flags == (N3OBS_TRACE_FLAG_SAMPLED | N3OBS_TRACE_FLAG_RANDOM) && out.is_remote == 0 &&
              out.tracestate[0] == 0,
          "the output context is the span's (sampled, random, local, no tracestate)");

    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.parent = root;
    o.kind = N3OBS_SPAN_KIND_CLIENT;
    CHECK_OK(n3obs_span_start(&child, "child", &o), "a child of a handle, kind CLIENT");
    CHECK(n3obs_span_is_recording(child) == 1, "a child of a sampled span is sampled");

    CHECK_OK(n3obs_span_make_current(child, &scope), "make the child current");
    CHECK_OK(n3obs_span_start(&grandchild, "grandchild", NULL), "a span under the current one");
    CHECK_OK(n3obs_scope_close(scope), "close the scope");

    /* An unsampled remote parent (Swift path) made current: a child started in C follows it. */
    n3obs_trace_context_extract(&unsampled, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", NULL);
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.remote_parent = &unsampled;
    CHECK_OK(n3obs_span_start(&quiet, "quiet", &o), "a span under an unsampled remote parent");
    CHECK(n3obs_span_is_recording(quiet) == 0, "it is not sampled");
    CHECK_OK(n3obs_span_make_current(quiet, &scope2), "make it current");
    out = (n3obs_span_context)N3OBS_SPAN_CONTEXT_INIT;
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.context_out = &out;
    CHECK_OK(n3obs_span_start(&under_quiet, "under quiet", &o), "a span under the current unsampled one");
    CHECK(n3obs_span_is_recording(under_quiet) == 0, "it follows its parent: not sampled");
    n3obs_span_context qc = context_of(quiet);
    CHECK(memcmp(out.trace_id, qc.trace_id, 16) == 0 && out.trace_flags == 0,
          "same trace, unsampled flag in the output context");
    CHECK_OK(n3obs_scope_close(scope2), "close");
    CHECK_OK(n3obs_span_end(under_quiet, 0), "end");
    CHECK_OK(n3obs_span_end(quiet, 0), "end");

    /* A parent with a tracestate (the Swift path): the child inherits it. */
    n3obs_trace_context_extract(&traced, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=x");
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.remote_parent = &traced;
    CHECK_OK(n3obs_span_start(&with_state, "with state", &o), "a span under a remote parent with a tracestate");
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.parent = with_state;
    CHECK_OK(n3obs_span_start(&inherits, "inherits", &o), "its child");
    n3obs_span_context ic = context_of(inherits);
    CHECK(strcmp(ic.tracestate, "vendor=x") == 0, "the child carries the parent's tracestate (%s)", ic.tracestate);

    CHECK_OK(n3obs_span_start(&utf8, "caf\xc3\xa9", NULL), "a UTF-8 name");
    memset(name, 'n', 1000);
    name[1000] = 0;
    CHECK_OK(n3obs_span_start(&longname, name, NULL), "a 1,000-byte name");
    n3obs_span *invalid = NULL;
    CHECK_ST(n3obs_span_start(&invalid, "\xff", NULL), N3OBS_E_INVALID_UTF8, "an invalid name still fails");
    CHECK(invalid == NULL, "and gives no span");

    n3obs_span *all[] = {grandchild, child, root, inherits, with_state, utf8, longname};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        CHECK_OK(n3obs_span_end(all[i], 0), "end %zu", i);

    const n3obs_span_data *r = drained("root"), *c = drained("child"), *g = drained("grandchild");
    CHECK(r && c && g, "root, child and grandchild are drained");
    if (r && c && g) {
        CHECK(memcmp(c->trace_id, r->trace_id, 16) == 0 && memcmp(c->parent_span_id, r->span_id, 8) == 0,
              "child: the root's trace and the root as parent");
        CHECK(c->kind == N3OBS_SPAN_KIND_CLIENT && r->kind == N3OBS_SPAN_KIND_INTERNAL, "kinds kept");
        CHECK(memcmp(g->trace_id, r->trace_id, 16) == 0 && memcmp(g->parent_span_id, c->span_id, 8) == 0,
              "grandchild: the current span (the child) as parent");
        CHECK(g->start_time_unix_nano > 0 && g->end_time_unix_nano >= g->start_time_unix_nano, "times set");
    }
    CHECK(drained("under quiet") == NULL && drained("quiet") == NULL, "unsampled spans are not exported");
    CHECK(drained("caf\xc3\xa9") != NULL, "the UTF-8 name is kept");
    CHECK(drained(name) != NULL, "the 1,000-byte name is kept");
    const n3obs_span_data *in = drained("inherits");
    CHECK(in && strcmp(in->tracestate, "vendor=x") == 0, "the drained child has the tracestate");
    n3obs_span_batch_free(batch);
    return check_finish();
}
