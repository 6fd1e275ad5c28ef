/*
 * Tracing: every span function, its statuses and misuses, scopes, limits, the drained
 * span data, exemplars, and every call after shutdown. One process, phases in order.
 */
#include "check.h"

#include <pthread.h>
#include <stddef.h>

static int all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; ++i)
        if (p[i] != 0)
            return 0;
    return 1;
}

static const n3obs_attribute *find_attr(const n3obs_attribute *a, size_t n, const char *key)
{
    size_t i;
    for (i = 0; i < n; ++i)
        if (strcmp(a[i].key, key) == 0)
            return &a[i];
    return NULL;
}

/* Drains everything and returns the batch (caller frees). */
static n3obs_span_batch *drain_all(void)
{
    n3obs_span_batch *b = NULL;
    if (n3obs_spans_drain(&b, 0) != N3OBS_OK)
        return NULL;
    return b;
}

static const n3obs_span_data *find_span(const n3obs_span_batch *b, const char *name)
{
    size_t i;
    for (i = 0; b != NULL && i < b->span_count; ++i)
        if (strcmp(b->spans[i].name, name) == 0)
            return &b->spans[i];
    return NULL;
}

static void *other_thread_close(void *arg)
{
    n3obs_scope token = *(n3obs_scope *)arg;
    int *st = malloc(sizeof *st);
    *st = n3obs_scope_close(token);
    return st;
}

int main(void)
{
    n3obs_span *s = NULL, *child = NULL, *bogus = (n3obs_span *)(uintptr_t)0x123456789abcdefULL;
    n3obs_span_batch *b;
    const n3obs_span_data *d;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_scope t1 = 0, t2 = 0, t3 = 0;
    uint64_t dropped = 99;
    char tp[N3OBS_TRACEPARENT_SIZE], ts[N3OBS_MAX_TRACESTATE_LEN + 1];

    /* ---- before init ---- */
    CHECK_ST(n3obs_span_start(&s, "x", NULL), N3OBS_E_NOT_INITIALIZED, "span_start before init");
    CHECK(s == NULL, "span_start leaves *out NULL before init");
    CHECK_ST(n3obs_spans_drain(&b, 0), N3OBS_E_NOT_INITIALIZED, "spans_drain before init");
    CHECK_OK(n3obs_trace_context_extract(&ctx, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", NULL),
             "trace_context_extract works before init");

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    cfg.span_attribute_count_limit = 4;
    cfg.span_event_count_limit = 2;
    cfg.span_link_count_limit = 1;
    CHECK_OK(n3obs_init(&cfg), "init with limits 4 attributes, 2 events, 1 link");

    /* ---- start: arguments ---- */
    CHECK_ST(n3obs_span_start(NULL, "x", NULL), N3OBS_E_INVALID_ARGUMENT, "span_start NULL out");
    CHECK_ST(n3obs_span_start(&s, NULL, NULL), N3OBS_E_INVALID_ARGUMENT, "span_start NULL name");
    CHECK_ST(n3obs_span_start(&s, "\xff\xfe", NULL), N3OBS_E_INVALID_UTF8, "span_start invalid UTF-8 name");
    {
        char *long_name = malloc(N3OBS_MAX_SPAN_NAME_LEN + 2);
        memset(long_name, 'a', N3OBS_MAX_SPAN_NAME_LEN + 1);
        long_name[N3OBS_MAX_SPAN_NAME_LEN + 1] = '\0';
        CHECK_ST(n3obs_span_start(&s, long_name, NULL), N3OBS_E_TOO_LONG, "span_start name too long");
        free(long_name);
    }
    o.kind = 9;
    CHECK_ST(n3obs_span_start(&s, "x", &o), N3OBS_E_INVALID_ARGUMENT, "span_start unknown kind");
    CHECK_MSG("kind", "the message names the kind");
    o.kind = 0;
    o.size = 8;
    CHECK_ST(n3obs_span_start(&s, "x", &o), N3OBS_E_INVALID_ARGUMENT, "span_start opts->size too small");
    o.size = sizeof o;
    o.start_time_unix_nano = -1;
    CHECK_ST(n3obs_span_start(&s, "x", &o), N3OBS_E_INVALID_ARGUMENT, "span_start negative start time");
    o.start_time_unix_nano = 0;
    o.attribute_count = 2;
    CHECK_ST(n3obs_span_start(&s, "x", &o), N3OBS_E_INVALID_ARGUMENT, "span_start NULL attributes with a count");
    o.attribute_count = 0;
    o.link_count = 1;
    CHECK_ST(n3obs_span_start(&s, "x", &o), N3OBS_E_INVALID_ARGUMENT, "span_start NULL links with a count");
    o.link_count = 0;
    o.parent = bogus;
    CHECK_ST(n3obs_span_start(&s, "x", &o), N3OBS_E_MISUSE, "span_start with a parent handle that never existed");
    o.remote_parent = &ctx;
    CHECK_ST(n3obs_span_start(&s, "x", &o), N3OBS_E_INVALID_ARGUMENT, "span_start with parent and remote_parent");
    o.parent = NULL;
    o.remote_parent = NULL;

    /* ---- a full span ---- */
    {
        static const char *const tags[] = {"a", "b"};
        static const int64_t nums[] = {1, -2, 3};
        static const double ds[] = {0.5, 1.5};
        static const int32_t bs[] = {1, 0, 7};
        n3obs_attribute start_attrs[2];
        n3obs_attribute arr[4];
        n3obs_attribute ev_attr[1];
        n3obs_link link;
        memset(start_attrs, 0, sizeof start_attrs);
        memset(arr, 0, sizeof arr);
        memset(ev_attr, 0, sizeof ev_attr);
        memset(&link, 0, sizeof link);
        start_attrs[0].key = "http.method";
        start_attrs[0].value.type = N3OBS_VALUE_STRING;
        start_attrs[0].value.string_value = "GET";
        start_attrs[1].key = "retries";
        start_attrs[1].value.type = N3OBS_VALUE_INT64;
        start_attrs[1].value.int_value = 3;
        link.trace_id[0] = 0xab;
        link.span_id[7] = 0xcd;
        link.trace_flags = 1;
        link.tracestate = "k=v";
        link.attributes = ev_attr;
        link.attribute_count = 1;
        ev_attr[0].key = "why";
        ev_attr[0].value.type = N3OBS_VALUE_BOOL;
        ev_attr[0].value.bool_value = 1;

        o.kind = N3OBS_SPAN_KIND_SERVER;
        o.start_time_unix_nano = 1000000000;
        o.attributes = start_attrs;
        o.attribute_count = 2;
        o.links = &link;
        o.link_count = 1;
        CHECK_OK(n3obs_span_start(&s, "GET /", &o), "span_start with kind, time, attributes and a link");
        CHECK(s != NULL, "span_start returns a handle");
        o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
        CHECK_ST(n3obs_span_is_recording(s), 1, "the default sampler (parentbased_always_on) samples a root");

        CHECK_OK(n3obs_span_set_attribute_string(s, "http.method", "POST"), "set_attribute_string replaces a key");
        CHECK_OK(n3obs_span_set_attribute_double(s, "ratio", 0.25), "set_attribute_double");
        CHECK_OK(n3obs_span_set_attribute_bool(s, "ok", 5), "set_attribute_bool");
        CHECK_OK(n3obs_span_set_attribute_int(s, "over.limit", 1), "a 5th attribute is accepted (and dropped)");
        CHECK_OK(n3obs_span_set_attribute_int(s, "retries", 4), "replacing a key at the limit is not a drop");
        CHECK_ST(n3obs_span_set_attribute_int(s, NULL, 1), N3OBS_E_INVALID_ARGUMENT, "set_attribute NULL key");
        CHECK_ST(n3obs_span_set_attribute_int(s, "", 1), N3OBS_E_INVALID_ARGUMENT, "set_attribute empty key");
        CHECK_ST(n3obs_span_set_attribute_string(s, "k", NULL), N3OBS_E_INVALID_ARGUMENT, "set_attribute NULL value");
        CHECK_ST(n3obs_span_set_attribute_string(s, "k", "\xc3\x28"), N3OBS_E_INVALID_UTF8, "set_attribute invalid UTF-8");
        CHECK_ST(n3obs_span_set_attribute_string(NULL, "k", "v"), N3OBS_E_INVALID_ARGUMENT, "set_attribute NULL span");

        arr[0].key = "tags"; arr[0].value.type = N3OBS_VALUE_STRING_ARRAY; arr[0].value.array = tags; arr[0].value.array_count = 2;
        arr[1].key = "nums"; arr[1].value.type = N3OBS_VALUE_INT64_ARRAY; arr[1].value.array = nums; arr[1].value.array_count = 3;
        arr[2].key = "ds"; arr[2].value.type = N3OBS_VALUE_DOUBLE_ARRAY; arr[2].value.array = ds; arr[2].value.array_count = 2;
        arr[3].key = "bs"; arr[3].value.type = N3OBS_VALUE_BOOL_ARRAY; arr[3].value.array = bs; arr[3].value.array_count = 3;
        CHECK_ST(n3obs_span_set_attributes(s, NULL, 1), N3OBS_E_INVALID_ARGUMENT, "set_attributes NULL list");
        arr[0].value.type = 42;
        CHECK_ST(n3obs_span_set_attributes(s, arr, 4), N3OBS_E_INVALID_ARGUMENT, "set_attributes unknown type");
        arr[0].value.type = N3OBS_VALUE_STRING_ARRAY;
        arr[1].value.array = NULL;
        CHECK_ST(n3obs_span_set_attributes(s, arr, 4), N3OBS_E_INVALID_ARGUMENT, "set_attributes NULL array with a count");
        arr[1].value.array = nums;
        arr[1].value.array_count = N3OBS_MAX_ATTRIBUTE_ARRAY_LEN + 1;
        CHECK_ST(n3obs_span_set_attributes(s, arr, 4), N3OBS_E_TOO_LONG, "set_attributes array too long");
        arr[1].value.array_count = 3;
        /* Replace 4 keys so the arrays fit under the limit of 4. */
        arr[0].key = "http.method"; arr[1].key = "retries"; arr[2].key = "ratio"; arr[3].key = "ok";
        CHECK_OK(n3obs_span_set_attributes(s, arr, 4), "set_attributes with the four array types");

        CHECK_OK(n3obs_span_add_event(s, "first", 0, ev_attr, 1), "add_event with an attribute");
        CHECK_ST(n3obs_span_add_event(s, NULL, 0, NULL, 0), N3OBS_E_INVALID_ARGUMENT, "add_event NULL name");
        CHECK_ST(n3obs_span_add_event(s, "e", -5, NULL, 0), N3OBS_E_INVALID_ARGUMENT, "add_event negative time");
        CHECK_OK(n3obs_span_record_exception(s, "ValueError", "bad value", "at main.c:1"), "record_exception");
        CHECK_OK(n3obs_span_add_event(s, "third", 5, NULL, 0), "a 3rd event is accepted (and dropped)");
        CHECK_ST(n3obs_span_record_exception(s, NULL, NULL, "x"), N3OBS_E_INVALID_ARGUMENT,
                 "record_exception without type and message");
        CHECK_OK(n3obs_span_add_link(s, &link), "a 2nd link is accepted (and dropped)");
        memset(link.trace_id, 0, sizeof link.trace_id);
        CHECK_ST(n3obs_span_add_link(s, &link), N3OBS_E_INVALID_ARGUMENT, "add_link all-zero trace id");
        CHECK_ST(n3obs_span_add_link(s, NULL), N3OBS_E_INVALID_ARGUMENT, "add_link NULL");
        CHECK_ST(n3obs_span_set_status(s, 7, NULL), N3OBS_E_INVALID_ARGUMENT, "set_status unknown code");
        CHECK_OK(n3obs_span_set_status(s, N3OBS_STATUS_ERROR, "it broke"), "set_status ERROR with a description");
        CHECK_OK(n3obs_span_update_name(s, "GET /items"), "update_name");
        CHECK_ST(n3obs_span_update_name(s, NULL), N3OBS_E_INVALID_ARGUMENT, "update_name NULL");
        CHECK_OK(n3obs_span_get_context(s, &ctx), "get_context");
        CHECK(!all_zero(ctx.trace_id, 16) && !all_zero(ctx.span_id, 8), "the ids are not zero");
        CHECK(ctx.trace_flags == (N3OBS_TRACE_FLAG_SAMPLED | N3OBS_TRACE_FLAG_RANDOM) && ctx.is_remote == 0,
              "flags sampled and random (a new trace), not remote");
        CHECK_ST(n3obs_span_end(s, 500), N3OBS_OK, "span_end with an end before the start");

        b = drain_all();
        CHECK(b != NULL && b->span_count == 1, "drain returns the one ended span");
        d = find_span(b, "GET /items");
        CHECK(d != NULL, "the drained span has its updated name");
        if (d != NULL) {
            const n3obs_attribute *a;
            CHECK(d->size == sizeof(n3obs_span_data), "span_data.size");
            CHECK(d->kind == N3OBS_SPAN_KIND_SERVER, "kind SERVER");
            CHECK(memcmp(d->trace_id, ctx.trace_id, 16) == 0 && memcmp(d->span_id, ctx.span_id, 8) == 0,
                  "ids equal get_context's");
            CHECK(all_zero(d->parent_span_id, 8), "a root span has no parent");
            CHECK(d->start_time_unix_nano == 1000000000 && d->end_time_unix_nano == 1000000000,
                  "start as given; an earlier end is clamped to the start");
            CHECK(d->status_code == N3OBS_STATUS_ERROR && strcmp(d->status_description, "it broke") == 0,
                  "status ERROR with its description");
            CHECK_U64(d->attribute_count, 4, "4 attributes kept (the limit)");
            CHECK_U64(d->dropped_attributes_count, 1, "1 attribute dropped");
            a = find_attr(d->attributes, d->attribute_count, "http.method");
            CHECK(a && a->value.type == N3OBS_VALUE_STRING_ARRAY && a->value.array_count == 2 &&
                      strcmp(((const char *const *)a->value.array)[1], "b") == 0,
                  "the last value of a key wins (string array)");
            a = find_attr(d->attributes, d->attribute_count, "retries");
            CHECK(a && a->value.type == N3OBS_VALUE_INT64_ARRAY && ((const int64_t *)a->value.array)[1] == -2,
                  "int64 array");
            a = find_attr(d->attributes, d->attribute_count, "ratio");
            CHECK(a && a->value.type == N3OBS_VALUE_DOUBLE_ARRAY && ((const double *)a->value.array)[1] == 1.5,
                  "double array");
            a = find_attr(d->attributes, d->attribute_count, "ok");
            CHECK(a && a->value.type == N3OBS_VALUE_BOOL_ARRAY && ((const int32_t *)a->value.array)[2] == 1,
                  "bool array (non-zero read as 1)");
            CHECK_U64(d->event_count, 2, "2 events kept");
            CHECK_U64(d->dropped_events_count, 1, "1 event dropped");
            if (d->event_count == 2) {
                CHECK(strcmp(d->events[0].name, "first") == 0 && d->events[0].attribute_count == 1 &&
                          d->events[0].attributes[0].value.bool_value == 1 && d->events[0].time_unix_nano > 0,
                      "event with its attribute and a time");
                CHECK(strcmp(d->events[1].name, "exception") == 0 && d->events[1].attribute_count == 3,
                      "record_exception adds an 'exception' event with 3 attributes");
                a = find_attr(d->events[1].attributes, d->events[1].attribute_count, "exception.type");
                CHECK(a && strcmp(a->value.string_value, "ValueError") == 0, "exception.type");
                a = find_attr(d->events[1].attributes, d->events[1].attribute_count, "exception.message");
                CHECK(a && strcmp(a->value.string_value, "bad value") == 0, "exception.message");
                a = find_attr(d->events[1].attributes, d->events[1].attribute_count, "exception.stacktrace");
                CHECK(a && strcmp(a->value.string_value, "at main.c:1") == 0, "exception.stacktrace");
            }
            CHECK_U64(d->link_count, 1, "1 link kept");
            CHECK_U64(d->dropped_links_count, 1, "1 link dropped");
            if (d->link_count == 1) {
                CHECK(d->links[0].trace_id[0] == 0xab && d->links[0].span_id[7] == 0xcd &&
                          d->links[0].trace_flags == 1 && strcmp(d->links[0].tracestate, "k=v") == 0,
                      "link ids, flags and tracestate");
                CHECK(d->links[0].attribute_count == 1 && strcmp(d->links[0].attributes[0].key, "why") == 0,
                      "link attribute");
            }
        }
        n3obs_span_batch_free(b);
        n3obs_span_batch_free(NULL);
    }

    /* ---- stale handles: every function ---- */
    CHECK_ST(n3obs_span_end(s, 0), N3OBS_E_MISUSE, "span_end twice");
    CHECK_MSG("ended", "the message says the span ended");
    CHECK_ST(n3obs_span_set_attribute_int(s, "k", 1), N3OBS_E_MISUSE, "set_attribute_int on an ended span");
    CHECK_ST(n3obs_span_set_attribute_string(s, "k", "v"), N3OBS_E_MISUSE, "set_attribute_string on an ended span");
    CHECK_ST(n3obs_span_set_attribute_double(s, "k", 1), N3OBS_E_MISUSE, "set_attribute_double on an ended span");
    CHECK_ST(n3obs_span_set_attribute_bool(s, "k", 1), N3OBS_E_MISUSE, "set_attribute_bool on an ended span");
    CHECK_ST(n3obs_span_add_event(s, "e", 0, NULL, 0), N3OBS_E_MISUSE, "add_event on an ended span");
    CHECK_ST(n3obs_span_record_exception(s, "T", "m", NULL), N3OBS_E_MISUSE, "record_exception on an ended span");
    CHECK_ST(n3obs_span_set_status(s, N3OBS_STATUS_OK, NULL), N3OBS_E_MISUSE, "set_status on an ended span");
    CHECK_ST(n3obs_span_update_name(s, "n"), N3OBS_E_MISUSE, "update_name on an ended span");
    CHECK_ST(n3obs_span_is_recording(s), N3OBS_E_MISUSE, "is_recording on an ended span");
    CHECK_ST(n3obs_span_get_context(s, &ctx), N3OBS_E_MISUSE, "get_context on an ended span");
    CHECK_ST(n3obs_span_make_current(s, &t1), N3OBS_E_MISUSE, "make_current on an ended span");
    CHECK_ST(n3obs_trace_context_inject(s, tp, sizeof tp, ts, sizeof ts), N3OBS_E_MISUSE, "inject an ended span");
    o.parent = s;
    CHECK_ST(n3obs_span_start(&child, "c", &o), N3OBS_E_MISUSE, "start with an ended parent");
    o.parent = NULL;
    {   /* opts.context_out: the new span's context without a second call */
        n3obs_span_opts co = N3OBS_SPAN_OPTS_INIT;
        n3obs_span_context got = N3OBS_SPAN_CONTEXT_INIT, want = N3OBS_SPAN_CONTEXT_INIT, remote = N3OBS_SPAN_CONTEXT_INIT;
        n3obs_span *cs = NULL;
        co.context_out = &got;
        CHECK_OK(n3obs_span_start(&cs, "with context_out", &co), "start with context_out");
        CHECK_OK(n3obs_span_get_context(cs, &want), "its context");
        CHECK(memcmp(got.trace_id, want.trace_id, 16) == 0 && memcmp(got.span_id, want.span_id, 8) == 0 &&
                  got.trace_flags == want.trace_flags && got.is_remote == 0 && got.size == want.size,
              "context_out equals get_context's");
        CHECK_OK(n3obs_span_end(cs, 0), "end it");
        CHECK_OK(n3obs_trace_context_extract(&remote, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                             "k=v"), "extract");
        co.remote_parent = &remote;
        memset(&got, 0, sizeof got);
        got.size = sizeof got;
        CHECK_OK(n3obs_span_start(&cs, "remote child", &co), "start a remote child with context_out");
        CHECK(got.trace_id[0] == 0x0a && got.trace_id[15] == 0x9c && strcmp(got.tracestate, "k=v") == 0,
              "context_out has the parent's trace id and tracestate");
        CHECK_OK(n3obs_span_end(cs, 0), "end it");
        co.remote_parent = NULL;
        got.size = 0;
        cs = (n3obs_span *)&got;
        CHECK_ST(n3obs_span_start(&cs, "bad", &co), N3OBS_E_INVALID_ARGUMENT, "context_out->size 0 is refused");
        CHECK(cs == NULL, "and no span is started");
        /* A caller compiled before context_out existed: its smaller size is accepted and
         * the field, past its struct, is never read (nor is a size that ends inside it). */
        co.size = (uint32_t)offsetof(n3obs_span_opts, context_out);
        CHECK_OK(n3obs_span_start(&cs, "old caller", &co), "an opts without context_out is accepted");
        CHECK_OK(n3obs_span_end(cs, 0), "end it");
        co.size = (uint32_t)offsetof(n3obs_span_opts, context_out) + 4;
        CHECK_OK(n3obs_span_start(&cs, "odd size", &co), "a size ending inside context_out ignores it");
        CHECK_OK(n3obs_span_end(cs, 0), "end it");
        co.size = (uint32_t)offsetof(n3obs_span_opts, context_out) - 1;
        CHECK_ST(n3obs_span_start(&cs, "small", &co), N3OBS_E_INVALID_ARGUMENT, "a smaller opts is refused");
        n3obs_span_batch_free(drain_all());
    }
    /* The slot is reused by a new span: the old handle must still be stale. */
    CHECK_OK(n3obs_span_start(&child, "reuse", NULL), "a new span (may reuse the slot)");
    CHECK(child != s, "a reused slot gets a new handle");
    CHECK_ST(n3obs_span_end(s, 0), N3OBS_E_MISUSE, "the old handle stays stale after reuse");
    CHECK_OK(n3obs_span_end(child, 0), "end the new span");
    CHECK_ST(n3obs_span_end(bogus, 0), N3OBS_E_MISUSE, "span_end of a handle that never existed");
    CHECK_ST(n3obs_span_end((n3obs_span *)(uintptr_t)1, 0), N3OBS_E_MISUSE, "span_end of handle 1");
    CHECK_ST(n3obs_span_end((n3obs_span *)(uintptr_t)0xffffffffffffffffULL, 0), N3OBS_E_MISUSE,
             "span_end of handle ~0");
    CHECK_ST(n3obs_span_end(NULL, 0), N3OBS_E_INVALID_ARGUMENT, "span_end NULL");
    CHECK_ST(n3obs_span_is_recording(NULL), N3OBS_E_INVALID_ARGUMENT, "is_recording NULL");
    n3obs_span_batch_free(drain_all());

    /* ---- status rules ---- */
    CHECK_OK(n3obs_span_start(&s, "status", NULL), "start");
    CHECK_OK(n3obs_span_set_status(s, N3OBS_STATUS_OK, "ignored"), "set_status OK");
    CHECK_OK(n3obs_span_set_status(s, N3OBS_STATUS_ERROR, "late"), "set_status ERROR after OK");
    CHECK_OK(n3obs_span_end(s, 0), "end");
    b = drain_all();
    d = find_span(b, "status");
    CHECK(d && d->status_code == N3OBS_STATUS_OK && strcmp(d->status_description, "") == 0,
          "OK is final and keeps no description");
    CHECK(d && d->end_time_unix_nano >= d->start_time_unix_nano && d->start_time_unix_nano > 1600000000000000000LL,
          "times are Unix ns and end >= start");
    n3obs_span_batch_free(b);

    /* ---- scopes and parents ---- */
    {
        n3obs_span *outer, *inner, *cur, *root, *grand;
        n3obs_span_context oc = N3OBS_SPAN_CONTEXT_INIT, ic = N3OBS_SPAN_CONTEXT_INIT;
        pthread_t th;
        void *res;
        CHECK_OK(n3obs_span_current(&cur), "span_current");
        CHECK(cur == NULL, "no current span at first");
        CHECK_ST(n3obs_span_current(NULL), N3OBS_E_INVALID_ARGUMENT, "span_current NULL");
        CHECK_OK(n3obs_span_start(&outer, "outer", NULL), "start outer");
        CHECK_ST(n3obs_span_make_current(outer, NULL), N3OBS_E_INVALID_ARGUMENT, "make_current NULL token");
        CHECK_ST(n3obs_span_make_current(NULL, &t1), N3OBS_E_INVALID_ARGUMENT, "make_current NULL span");
        CHECK_OK(n3obs_span_make_current(outer, &t1), "make outer current");
        CHECK_OK(n3obs_span_current(&cur), "span_current");
        CHECK(cur == outer, "outer is current");
        CHECK_OK(n3obs_span_start(&inner, "inner", NULL), "start inner under the current span");
        CHECK_OK(n3obs_span_make_current(inner, &t2), "make inner current");
        o.flags = N3OBS_SPAN_ROOT;
        CHECK_OK(n3obs_span_start(&root, "root", &o), "N3OBS_SPAN_ROOT ignores the current span");
        o.flags = 0;
        CHECK_OK(n3obs_span_start(&grand, "grand", NULL), "start grand under inner");
        CHECK_OK(n3obs_span_make_current(grand, &t3), "make grand current");
        CHECK_ST(n3obs_scope_close(t2), N3OBS_E_MISUSE, "closing inner's scope before grand's is misuse");
        CHECK_MSG("closed", "the message says what happened");
        CHECK_OK(n3obs_span_current(&cur), "span_current");
        CHECK(cur == outer, "after the out-of-order close, outer is current again (stack consistent)");
        CHECK_ST(n3obs_scope_close(t3), N3OBS_E_MISUSE, "grand's token is gone");
        CHECK_ST(n3obs_scope_close(t2), N3OBS_E_MISUSE, "closing a closed token");
        CHECK_ST(n3obs_scope_close(12345), N3OBS_E_MISUSE, "closing a made-up token");
        pthread_create(&th, NULL, other_thread_close, &t1);
        pthread_join(th, &res);
        CHECK(*(int *)res == N3OBS_E_MISUSE, "closing a token on another thread is misuse");
        free(res);
        CHECK_OK(n3obs_span_current(&cur), "span_current");
        CHECK(cur == outer, "and it did not touch this thread's stack");
        CHECK_OK(n3obs_span_get_context(outer, &oc), "outer context");
        CHECK_OK(n3obs_span_get_context(inner, &ic), "inner context");
        CHECK_OK(n3obs_span_end(grand, 0), "end grand");
        CHECK_OK(n3obs_span_end(root, 0), "end root");
        CHECK_OK(n3obs_span_end(inner, 0), "end inner");
        CHECK_OK(n3obs_scope_close(t1), "close outer's scope");
        CHECK_OK(n3obs_span_current(&cur), "span_current");
        CHECK(cur == NULL, "nothing current after the last close");
        CHECK_OK(n3obs_span_end(outer, 0), "end outer");
        b = drain_all();
        d = find_span(b, "inner");
        CHECK(d && memcmp(d->parent_span_id, oc.span_id, 8) == 0 && memcmp(d->trace_id, oc.trace_id, 16) == 0,
              "inner's parent is outer, same trace");
        d = find_span(b, "grand");
        CHECK(d && memcmp(d->parent_span_id, ic.span_id, 8) == 0, "grand's parent is inner");
        d = find_span(b, "root");
        CHECK(d && all_zero(d->parent_span_id, 8) && memcmp(d->trace_id, oc.trace_id, 16) != 0,
              "root has no parent and a new trace");
        n3obs_span_batch_free(b);
    }

    /* ---- remote parents and sampling ---- */
    {
        n3obs_span_context rc = N3OBS_SPAN_CONTEXT_INIT;
        n3obs_span *r;
        CHECK_OK(n3obs_trace_context_extract(&rc, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
                                             "congo=t61rcWkgMzE"), "extract an unsampled parent");
        o.remote_parent = &rc;
        CHECK_OK(n3obs_span_start(&r, "unsampled", &o), "start under it");
        CHECK_ST(n3obs_span_is_recording(r), 0, "parentbased follows the unsampled remote parent");
        CHECK_OK(n3obs_span_set_attribute_int(r, "k", 1), "attributes on an unsampled span are accepted");
        CHECK_OK(n3obs_trace_context_inject(r, tp, sizeof tp, ts, sizeof ts), "inject the unsampled span");
        CHECK(strncmp(tp, "00-0af7651916cd43dd8448eb211c80319c-", 36) == 0 && strcmp(tp + 52, "-00") == 0,
              "it keeps the trace id and is not sampled: %s", tp);
        CHECK_STR(ts, "congo=t61rcWkgMzE", "its tracestate is propagated");
        CHECK_OK(n3obs_span_end(r, 0), "end it");
        rc.trace_flags = 1;
        CHECK_OK(n3obs_span_start(&r, "remote-child", &o), "start under a sampled remote parent");
        CHECK_ST(n3obs_span_is_recording(r), 1, "sampled");
        CHECK_OK(n3obs_span_end(r, 0), "end it");
        memset(rc.trace_id, 0, 16);
        CHECK_OK(n3obs_span_start(&r, "invalid-remote", &o), "an invalid remote parent starts a root");
        CHECK_OK(n3obs_span_end(r, 0), "end it");
        o.remote_parent = NULL;
        rc.size = 4;
        o.remote_parent = &rc;
        CHECK_ST(n3obs_span_start(&r, "x", &o), N3OBS_E_INVALID_ARGUMENT, "remote_parent->size too small");
        o.remote_parent = NULL;
        b = drain_all();
        CHECK(b && b->span_count == 2, "only the 2 sampled spans were queued (got %zu)", b ? b->span_count : 0);
        d = find_span(b, "remote-child");
        CHECK(d && d->parent_is_remote == 1 && d->parent_span_id[0] == 0xb7 &&
                  strcmp(d->tracestate, "congo=t61rcWkgMzE") == 0,
              "remote child: parent id, remote flag and tracestate");
        d = find_span(b, "invalid-remote");
        CHECK(d && all_zero(d->parent_span_id, 8), "the invalid remote parent was ignored");
        n3obs_span_batch_free(b);
    }

    /* ---- exemplars ---- */
    {
        n3obs_histogram *h;
        n3obs_histogram_series *hs;
        n3obs_metric_opts mo = N3OBS_METRIC_OPTS_INIT;
        double bounds[] = {1, 10};
        n3obs_metrics_snapshot *snap = NULL;
        const n3obs_series_data *sd;
        n3obs_span_context sc = N3OBS_SPAN_CONTEXT_INIT, rc = N3OBS_SPAN_CONTEXT_INIT;
        n3obs_span *sp, *un;
        n3obs_scope tok;
        mo.name = "trace_latency";
        CHECK_OK(n3obs_histogram_new(&h, &mo, bounds, 2), "histogram");
        CHECK_OK(n3obs_histogram_bind(&hs, h, NULL, 0), "bind");
        CHECK_OK(n3obs_histogram_observe(hs, 0.5), "observe outside any span");
        CHECK_OK(n3obs_span_start(&sp, "with-exemplar", NULL), "sampled span");
        CHECK_OK(n3obs_span_get_context(sp, &sc), "its context");
        CHECK_OK(n3obs_span_make_current(sp, &tok), "current");
        CHECK_OK(n3obs_histogram_observe(hs, 5), "observe inside the sampled span");
        CHECK_OK(n3obs_scope_close(tok), "close");
        CHECK_OK(n3obs_span_end(sp, 0), "end");
        CHECK_OK(n3obs_trace_context_extract(&rc, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", NULL),
                 "unsampled parent");
        o.remote_parent = &rc;
        CHECK_OK(n3obs_span_start(&un, "unsampled", &o), "unsampled span");
        o.remote_parent = NULL;
        CHECK_OK(n3obs_span_make_current(un, &tok), "current");
        CHECK_OK(n3obs_histogram_observe(hs, 50), "observe inside the unsampled span");
        CHECK_OK(n3obs_scope_close(tok), "close");
        CHECK_OK(n3obs_span_end(un, 0), "end");
        CHECK_OK(n3obs_metrics_collect(&snap), "collect");
        sd = fam_series(snap_family(snap, "trace_latency"), NULL, 0);
        CHECK(sd && sd->bucket_count == 3, "3 buckets");
        if (sd && sd->bucket_count == 3) {
            CHECK(sd->buckets[0].has_exemplar == 0, "no exemplar for the observation outside spans");
            CHECK(sd->buckets[1].has_exemplar == 1, "an exemplar for the one inside the sampled span");
            CHECK(memcmp(sd->buckets[1].exemplar.trace_id, sc.trace_id, 16) == 0 &&
                      memcmp(sd->buckets[1].exemplar.span_id, sc.span_id, 8) == 0,
                  "with the span's trace and span ids");
            CHECK(sd->buckets[1].exemplar.value == 5 && sd->buckets[1].exemplar.time_unix_nano > 0,
                  "its value and time");
            CHECK(sd->buckets[2].has_exemplar == 0, "none for the unsampled span");
        }
        n3obs_metrics_snapshot_free(snap);
        n3obs_span_batch_free(drain_all());
    }

    /* ---- drop counter ---- */
    CHECK_OK(n3obs_spans_dropped(&dropped), "spans_dropped");
    CHECK_U64(dropped, 0, "nothing dropped yet");
    CHECK_ST(n3obs_spans_dropped(NULL), N3OBS_E_INVALID_ARGUMENT, "spans_dropped NULL");
    CHECK_ST(n3obs_spans_drain(NULL, 0), N3OBS_E_INVALID_ARGUMENT, "spans_drain NULL");

    /* ---- after shutdown ---- */
    CHECK_OK(n3obs_span_start(&s, "open at shutdown", NULL), "a span open at shutdown");
    CHECK_OK(n3obs_shutdown(100), "shutdown");
    CHECK_ST(n3obs_span_start(&child, "x", NULL), N3OBS_E_SHUTDOWN, "span_start after shutdown");
    CHECK_ST(n3obs_span_end(s, 0), N3OBS_E_SHUTDOWN, "span_end after shutdown");
    CHECK_ST(n3obs_span_set_attribute_int(s, "k", 1), N3OBS_E_SHUTDOWN, "set_attribute after shutdown");
    CHECK_ST(n3obs_span_make_current(s, &t1), N3OBS_E_SHUTDOWN, "make_current after shutdown");
    CHECK_ST(n3obs_scope_close(t1), N3OBS_E_SHUTDOWN, "scope_close after shutdown");
    CHECK_ST(n3obs_spans_drain(&b, 0), N3OBS_E_SHUTDOWN, "spans_drain after shutdown");
    CHECK_ST(n3obs_spans_dropped(&dropped), N3OBS_E_SHUTDOWN, "spans_dropped after shutdown");
    CHECK_ST(n3obs_trace_context_inject(NULL, tp, sizeof tp, NULL, 0), N3OBS_E_SHUTDOWN, "inject after shutdown");
    return check_finish();
}
