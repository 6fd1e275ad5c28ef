/*
 * fuzz_trace_context: the W3C traceparent/tracestate parser (n3obs_trace_context_extract),
 * then a span under the extracted parent, injected and extracted again.
 *
 * Input: traceparent NUL tracestate. Without a NUL, tracestate is NULL; an empty input
 * gives a NULL traceparent.
 *
 * Invariants: extract returns OK or N3OBS_E_INVALID_VALUE; a failure leaves an all-zero
 * context with no tracestate; a traceparent is accepted exactly when it has the form the
 * header describes (checked here by an independent reading); an accepted one gives
 * those ids and the sampled bit, a tracestate of at most N3OBS_MAX_TRACESTATE_LEN printable
 * characters; the child span keeps the trace id and tracestate, and what inject writes
 * extracts again to the same ids, sampled bit and tracestate (the parser's output is a
 * fixed point of it).
 */
#include "fuzz_common.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; /* uppercase is invalid in traceparent */
}

/* n bytes of lowercase hex at s into out; 0 if any is not. */
static int read_hex(const char *s, uint8_t *out, size_t n)
{
    size_t i;
    for (i = 0; i < n; ++i) {
        int hi = hexval((unsigned char)s[2 * i]), lo = hi < 0 ? -1 : hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

static int all_zero(const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; ++i)
        if (b[i])
            return 0;
    return 1;
}

/* The header's reading of a traceparent, independent of the library: after spaces and
 * tabs are trimmed, <2 hex version>-<32 hex>-<16 hex>-<2 hex>, ids not all zero, all
 * lowercase; version 00 exactly that, version ff never, a higher version at least that
 * with '-' or the end after the flags. Returns 1 (valid, ids filled) or 0 (invalid). */
static int oracle(const char *tp, uint8_t tid[16], uint8_t sid[8], uint8_t *flags)
{
    size_t b = 0, e = strlen(tp);
    uint8_t version;
    while (b < e && (tp[b] == ' ' || tp[b] == '\t'))
        b++;
    while (e > b && (tp[e - 1] == ' ' || tp[e - 1] == '\t'))
        e--;
    if (e - b < 55 || !read_hex(tp + b, &version, 1) || version == 0xff)
        return 0;
    if (version == 0 ? e - b != 55 : e - b > 55 && tp[b + 55] != '-')
        return 0;
    if (tp[b + 2] != '-' || tp[b + 35] != '-' || tp[b + 52] != '-')
        return 0;
    if (!read_hex(tp + b + 3, tid, 16) || !read_hex(tp + b + 36, sid, 8) || !read_hex(tp + b + 53, flags, 1))
        return 0;
    return !all_zero(tid, 16) && !all_zero(sid, 8);
}

static void check_tracestate(const char *ts)
{
    size_t n = strnlen(ts, N3OBS_MAX_TRACESTATE_LEN + 1), i;
    FUZZ_ASSERT(n <= N3OBS_MAX_TRACESTATE_LEN, "tracestate not NUL-terminated within its limit");
    for (i = 0; i < n; ++i)
        FUZZ_ASSERT(ts[i] >= 0x20 && ts[i] <= 0x7e, "tracestate byte %zu is 0x%02x", i, (unsigned char)ts[i]);
    if (n > 0)
        FUZZ_ASSERT(ts[0] != ' ' && ts[0] != '\t' && ts[0] != ',' && ts[n - 1] != ' ' && ts[n - 1] != ','
                        && ts[n - 1] != '\t',
                    "tracestate \"%s\" has surrounding blanks or commas", ts);
}

static const int extract_statuses[] = {N3OBS_OK, N3OBS_E_INVALID_VALUE, 1};
static const int span_statuses[] = {N3OBS_OK, N3OBS_E_NO_MEMORY, 1};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_start_sdk();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r;
    const char *tp = NULL, *ts = NULL;
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT, again = N3OBS_SPAN_CONTEXT_INIT,
                       child = N3OBS_SPAN_CONTEXT_INIT;
    uint8_t tid[16], sid[8], flags = 0;
    char tp2[N3OBS_TRACEPARENT_SIZE], ts2[N3OBS_MAX_TRACESTATE_LEN + 1];
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_span *span = NULL;
    int st, want;

    fuzz_reader_init(&r, data, size);
    if (size > 0) {
        tp = fuzz_str(&r);
        if (memchr(data, 0, size))
            ts = fuzz_str(&r);
    }

    st = n3obs_trace_context_extract(&ctx, tp, ts);
    FUZZ_CHECK_STATUS(st, extract_statuses, "n3obs_trace_context_extract");
    /* The library need not parse a value longer than a header it reads (4096 bytes), but
     * what it accepts must be valid. */
    want = tp ? oracle(tp, tid, sid, &flags) : 0;
    FUZZ_ASSERT((st == N3OBS_OK) == want || (want && strlen(tp) > 4096),
                "traceparent \"%s\": status %d, the header says %s", tp, st, want ? "valid" : "invalid");
    if (st != N3OBS_OK) {
        FUZZ_ASSERT(all_zero(ctx.trace_id, 16) && all_zero(ctx.span_id, 8) && ctx.tracestate[0] == '\0'
                        && ctx.is_remote == 0,
                    "a refused traceparent left a context behind");
        goto done;
    }
    FUZZ_ASSERT(!all_zero(ctx.trace_id, 16) && !all_zero(ctx.span_id, 8) && ctx.is_remote == 1,
                "an accepted traceparent gave an invalid context");
    FUZZ_ASSERT(memcmp(ctx.trace_id, tid, 16) == 0 && memcmp(ctx.span_id, sid, 8) == 0
                        && (ctx.trace_flags & 1) == (flags & 1),
                    "traceparent \"%s\" was read with other ids or flags", tp);
    check_tracestate(ctx.tracestate);
    if (!ts)
        FUZZ_ASSERT(ctx.tracestate[0] == '\0', "a tracestate out of nothing");

    /* A child of the remote parent, injected and read back. */
    o.remote_parent = &ctx;
    o.context_out = &child;
    st = n3obs_span_start(&span, "fuzz child", &o);
    FUZZ_CHECK_STATUS(st, span_statuses, "n3obs_span_start");
    if (st != N3OBS_OK)
        goto done;
    FUZZ_ASSERT(memcmp(child.trace_id, ctx.trace_id, 16) == 0 && strcmp(child.tracestate, ctx.tracestate) == 0,
                "the child lost its parent's trace id or tracestate");
    st = n3obs_trace_context_inject(span, tp2, sizeof tp2, ts2, sizeof ts2);
    FUZZ_ASSERT(st == N3OBS_OK, "n3obs_trace_context_inject returned %d", st);
    FUZZ_ASSERT(strlen(tp2) == 55 && strcmp(ts2, child.tracestate) == 0, "inject wrote \"%s\" / \"%s\"", tp2, ts2);
    FUZZ_ASSERT(oracle(tp2, tid, sid, &flags) == 1 && memcmp(tid, child.trace_id, 16) == 0
                    && memcmp(sid, child.span_id, 8) == 0 && (flags & 1) == (child.trace_flags & 1),
                "inject wrote \"%s\", not the child's context", tp2);
    FUZZ_ASSERT(child.trace_flags & 1, "the always_on sampler did not sample the child");
    st = n3obs_trace_context_extract(&again, tp2, ts2);
    FUZZ_ASSERT(st == N3OBS_OK, "what inject wrote (\"%s\") does not extract: %d", tp2, st);
    FUZZ_ASSERT(memcmp(again.trace_id, child.trace_id, 16) == 0 && memcmp(again.span_id, child.span_id, 8) == 0
                    && (again.trace_flags & 1) == (child.trace_flags & 1),
                "the injected context does not read back");
    FUZZ_ASSERT(strcmp(again.tracestate, ts2) == 0, "tracestate \"%s\" read back as \"%s\"", ts2, again.tracestate);
    FUZZ_ASSERT(n3obs_span_end(span, 0) == N3OBS_OK, "n3obs_span_end");
done:
    fuzz_reader_free(&r);
    fuzz_after_input(4096);
    return 0;
}
