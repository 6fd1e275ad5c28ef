/*
 * W3C Trace Context level 2 (https://www.w3.org/TR/trace-context-2/), the cases the
 * w3c/trace-context suite checks (Tests/w3c runs the suite itself through Python):
 * the random flag (0x02) is kept from a parent and set on the traces n3obs starts; the
 * level 2 tracestate key grammar, (lcalpha / DIGIT) 0*255(keychar) with '@' a keychar;
 * and a key given twice keeps the list (its first member) instead of discarding it.
 */
#include "check.h"

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
#define PID "00f067aa0ba902b7"

static int extract(const char *tp, const char *ts, n3obs_span_context *c)
{
    n3obs_span_context fresh = N3OBS_SPAN_CONTEXT_INIT;
    *c = fresh;
    return n3obs_trace_context_extract(c, tp, ts);
}

/* The tracestate extract keeps from ts (with a valid traceparent). */
static void tracestate_is(const char *ts, const char *want, const char *why)
{
    n3obs_span_context c;
    int st = extract("00-" TID "-" PID "-00", ts, &c);
    CHECK(st == N3OBS_OK && strcmp(c.tracestate, want) == 0, "tracestate %s (got \"%.60s%s\")", why, c.tracestate,
          strlen(c.tracestate) > 60 ? "..." : "");
}

/* "k=1" with k = n times c, or "<a times t>@<b times v>=1" when b >= 0. */
static const char *key_member(char *buf, int a, char c, int b)
{
    memset(buf, c, (size_t)a);
    buf[a] = '\0';
    if (b >= 0) {
        buf[a] = '@';
        memset(buf + a + 1, 'v', (size_t)b);
        buf[a + 1 + b] = '\0';
    }
    strcat(buf, "=1");
    return buf;
}

/* The flags of the traceparent inject writes for span. */
static unsigned injected_flags(n3obs_span *span, char *ts, size_t ts_size)
{
    char tp[N3OBS_TRACEPARENT_SIZE];
    if (n3obs_trace_context_inject(span, tp, sizeof tp, ts, ts_size) != N3OBS_OK || strlen(tp) != 55)
        return 0x100;
    return (unsigned)strtoul(tp + 53, NULL, 16);
}

/* A span under the remote parent traceparent tp; its injected flags. */
static unsigned child_of_remote(const char *tp)
{
    n3obs_span_context c;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_span *s = NULL;
    unsigned flags;
    if (extract(tp, NULL, &c) != N3OBS_OK)
        return 0x200;
    o.remote_parent = &c;
    if (n3obs_span_start(&s, "server", &o) != N3OBS_OK)
        return 0x300;
    flags = injected_flags(s, NULL, 0);
    n3obs_span_end(s, 0);
    return flags;
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_span_context c, out = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_span *root = NULL, *child = NULL, *under = NULL, *slow = NULL, *plain = NULL, *kid = NULL;
    n3obs_attribute attr;
    n3obs_scope scope;
    char buf[600], ts[N3OBS_MAX_TRACESTATE_LEN + 1];
    n3obs_span_batch *b = NULL;
    size_t i;
    int root_flags = -1, child_flags = -1;

    /* random flag: extract keeps it */
    CHECK(extract("00-" TID "-" PID "-02", NULL, &c) == N3OBS_OK && c.trace_flags == N3OBS_TRACE_FLAG_RANDOM,
          "extract keeps flags 02 (random)");
    CHECK(extract("00-" TID "-" PID "-03", NULL, &c) == N3OBS_OK &&
              c.trace_flags == (N3OBS_TRACE_FLAG_SAMPLED | N3OBS_TRACE_FLAG_RANDOM),
          "extract keeps flags 03 (sampled, random)");

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "init (parentbased_always_on, no exporter)");

    /* random flag: a child of a remote parent leaves with its parent's */
    CHECK_U64(child_of_remote("00-" TID "-" PID "-02"), 0x02, "incoming 02 leaves as 02");
    CHECK_U64(child_of_remote("00-" TID "-" PID "-03"), 0x03, "incoming 03 leaves as 03");
    CHECK_U64(child_of_remote("00-" TID "-" PID "-01"), 0x01, "incoming 01 leaves as 01 (no random flag invented)");
    CHECK_U64(child_of_remote("00-" TID "-" PID "-00"), 0x00, "incoming 00 leaves as 00");
    CHECK_U64(child_of_remote("00-" TID "-" PID "-ff"), 0x03, "unknown flag bits are not passed on");

    /* random flag: the traces n3obs starts set it, in C (no options) and in Swift (attributes) */
    o.context_out = &out;
    CHECK_OK(n3obs_span_start(&root, "root", &o), "a root span (the C start)");
    CHECK_U64(out.trace_flags, N3OBS_TRACE_FLAG_SAMPLED | N3OBS_TRACE_FLAG_RANDOM,
              "its context: sampled and random");
    CHECK_U64(injected_flags(root, NULL, 0), 0x03, "inject writes 03");
    attr.key = "k";
    memset(&attr.value, 0, sizeof attr.value);
    attr.value.type = N3OBS_VALUE_INT64;
    attr.value.int_value = 1;
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.attributes = &attr;
    o.attribute_count = 1;
    o.flags = N3OBS_SPAN_ROOT;
    CHECK_OK(n3obs_span_start(&slow, "root with attributes", &o), "a root span (the Swift start)");
    CHECK_U64(injected_flags(slow, NULL, 0), 0x03, "inject writes 03");

    /* and local children keep it: of a handle, of the current span, in C and in Swift */
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.parent = root;
    CHECK_OK(n3obs_span_start(&child, "child", &o), "a child of a handle (C)");
    CHECK_U64(injected_flags(child, NULL, 0), 0x03, "it keeps the random flag");
    CHECK_OK(n3obs_span_make_current(child, &scope), "make it current");
    CHECK_OK(n3obs_span_start(&under, "under", NULL), "a span under the current one (C)");
    CHECK_U64(injected_flags(under, NULL, 0), 0x03, "it keeps the random flag");
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.attributes = &attr;
    o.attribute_count = 1;
    CHECK_OK(n3obs_span_start(&kid, "under, with attributes", &o), "a span under the current one (Swift)");
    CHECK_U64(injected_flags(kid, NULL, 0), 0x03, "it keeps the random flag");
    CHECK_OK(n3obs_scope_close(scope), "close");

    /* a local child of a remote parent without the random flag does not get it */
    CHECK_OK(extract("00-" TID "-" PID "-01", "rojo=1", &c), "extract 01 with a tracestate");
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.remote_parent = &c;
    CHECK_OK(n3obs_span_start(&plain, "plain", &o), "its span");
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.parent = plain;
    n3obs_span *plain_child = NULL;
    CHECK_OK(n3obs_span_start(&plain_child, "plain child", &o), "a child");
    CHECK_U64(injected_flags(plain_child, NULL, 0), 0x01, "it leaves with 01");

    /* the ended spans carry the flags too (what exporters send) */
    CHECK_OK(n3obs_span_end(kid, 0), "end");
    CHECK_OK(n3obs_span_end(under, 0), "end");
    CHECK_OK(n3obs_span_end(child, 0), "end");
    CHECK_OK(n3obs_span_end(root, 0), "end");
    CHECK_OK(n3obs_span_end(slow, 0), "end");
    CHECK_OK(n3obs_span_end(plain_child, 0), "end");
    CHECK_OK(n3obs_span_end(plain, 0), "end");
    CHECK_OK(n3obs_spans_drain(&b, 0), "drain");
    for (i = 0; b != NULL && i < b->span_count; ++i) {
        if (strcmp(b->spans[i].name, "root") == 0) root_flags = b->spans[i].trace_flags;
        if (strcmp(b->spans[i].name, "plain child") == 0) child_flags = b->spans[i].trace_flags;
    }
    CHECK(root_flags == 0x03, "span_data.trace_flags of a root span: 03 (got %d)", root_flags);
    CHECK(child_flags == 0x01, "span_data.trace_flags under a 01 parent: 01 (got %d)", child_flags);
    n3obs_span_batch_free(b);

    /* tracestate keys with '@' (the suite's test_tracestate_key_illegal_vendor_format) */
    tracestate_is("foo@=1,bar=2", "foo@=1,bar=2", "a key ending in '@' is kept");
    tracestate_is("@foo=1,bar=2", "", "a key starting with '@' discards the list");
    tracestate_is("foo@@bar=1,bar=2", "foo@@bar=1,bar=2", "a key with '@@' is kept");
    tracestate_is("foo@bar@baz=1,bar=2", "foo@bar@baz=1,bar=2", "a key with two '@' is kept");
    tracestate_is("tenant@system=v", "tenant@system=v", "a level 1 multi-tenant key is kept");
    tracestate_is("1abc=1", "1abc=1", "a key may start with a digit");
    tracestate_is("Foo=1", "", "an uppercase key discards the list");
    tracestate_is("foo.bar=1", "", "a '.' in a key discards the list");
    tracestate_is("foo =1", "", "a space before '=' discards the list");
    tracestate_is("foo=bar=baz", "", "a value with '=' discards the list");
    tracestate_is("foo=,bar=3", "", "an empty value discards the list");

    /* key lengths (test_tracestate_key_length_limit): 256 characters in all, '@' or not */
    key_member(buf, 256, 'z', -1);
    tracestate_is(buf, buf, "a 256-character key is kept");
    {
        char both[700];
        snprintf(both, sizeof both, "foo=1,%s", buf);
        tracestate_is(both, both, "with foo=1 before it, both are kept");
        key_member(buf, 257, 'z', -1);
        snprintf(both, sizeof both, "foo=1,%s", buf);
        tracestate_is(both, "", "a 257-character key discards the list");
    }
    key_member(buf, 241, 't', 14);
    tracestate_is(buf, buf, "tenant 241 @ system 14 is kept");
    key_member(buf, 242, 't', 1);
    tracestate_is(buf, buf, "tenant 242 @ system 1 is kept");
    key_member(buf, 1, 't', 15);
    tracestate_is(buf, buf, "tenant 1 @ system 15 is kept");
    key_member(buf, 250, 't', 6);
    tracestate_is(buf, "", "a 257-character key with '@' discards the list");
    {   /* every allowed character (test_tracestate_all_allowed_characters) */
        char *p = buf + sprintf(buf, "abcdefghijklmnopqrstuvwxyz0123456789_-*/@a-z0-9_-*/=");
        int ch;
        for (ch = 0x20; ch <= 0x7E; ++ch)
            if (ch != ',' && ch != '=')
                *p++ = (char)ch;
        *p = '\0';
        tracestate_is(buf, buf, "every allowed key and value character");
    }

    /* duplicated keys (test_tracestate_duplicated_keys): the list is kept, the first member wins */
    tracestate_is("foo=1,foo=1", "foo=1", "foo=1,foo=1 keeps foo=1");
    tracestate_is("foo=1,foo=2", "foo=1", "foo=1,foo=2 keeps the first, foo=1");
    tracestate_is("foo=1,bar=2,foo=3,baz=4", "foo=1,bar=2,baz=4", "the other members stay in order");

    /* through a span: what extract kept is what inject sends */
    CHECK_OK(extract("00-" TID "-" PID "-02", "foo@=1,foo@=2,bar=2", &c), "extract 02 with a tracestate");
    o = (n3obs_span_opts)N3OBS_SPAN_OPTS_INIT;
    o.remote_parent = &c;
    CHECK_OK(n3obs_span_start(&root, "server", &o), "its span");
    CHECK_U64(injected_flags(root, ts, sizeof ts), 0x02, "inject: flags 02");
    CHECK_STR(ts, "foo@=1,bar=2", "inject: the tracestate as extracted");
    CHECK_OK(n3obs_span_end(root, 0), "end");

    CHECK_OK(n3obs_shutdown(1000), "shutdown");
    return check_finish();
}
