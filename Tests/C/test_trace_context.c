/*
 * W3C Trace Context: traceparent and tracestate forms from the recommendation's text
 * (https://www.w3.org/TR/trace-context/), extract and inject.
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

static void valid_tp(const char *tp, int flags, const char *why)
{
    n3obs_span_context c;
    int st = extract(tp, NULL, &c);
    CHECK(st == N3OBS_OK && c.trace_id[0] == 0x4b && c.trace_id[15] == 0x36 && c.span_id[0] == 0x00 &&
              c.span_id[7] == 0xb7 && c.trace_flags == flags && c.is_remote == 1,
          "valid: %s", why);
}

static void invalid_tp(const char *tp, const char *why)
{
    n3obs_span_context c;
    int st = extract(tp, "a=b", &c);
    int zero = 1, i;
    for (i = 0; i < 16; ++i)
        zero &= c.trace_id[i] == 0;
    CHECK(st == N3OBS_E_INVALID_VALUE && zero && c.tracestate[0] == '\0' && n3obs_error_last()[0] != '\0',
          "invalid: %s", why);
}

static void tracestate_is(const char *ts, const char *want, const char *why)
{
    n3obs_span_context c;
    int st = extract("00-" TID "-" PID "-01", ts, &c);
    CHECK(st == N3OBS_OK && strcmp(c.tracestate, want) == 0, "tracestate %s (got \"%s\")", why, c.tracestate);
}

int main(void)
{
    n3obs_span_context c = N3OBS_SPAN_CONTEXT_INIT;
    char tp[N3OBS_TRACEPARENT_SIZE], ts[N3OBS_MAX_TRACESTATE_LEN + 1], big[2048];
    n3obs_span *s;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_scope tok;
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    int i;

    /* traceparent: the recommendation's examples and rules */
    valid_tp("00-" TID "-" PID "-01", 1, "the sampled example");
    valid_tp("00-" TID "-" PID "-00", 0, "the not-sampled example");
    valid_tp("00-" TID "-" PID "-09", 9, "flags 09 (sampled plus an unknown bit) are kept as received");
    valid_tp("  00-" TID "-" PID "-01\t", 1, "surrounding spaces and tabs (OWS) are ignored");
    valid_tp("01-" TID "-" PID "-01", 1, "a higher version of exactly 55 characters");
    valid_tp("cc-" TID "-" PID "-01-what-the-future-will-be-like", 1,
             "a higher version with more fields after '-'");
    invalid_tp("ff-" TID "-" PID "-01", "version ff is forbidden");
    invalid_tp("00-" TID "-" PID "-01-extra", "version 00 with data after the flags");
    invalid_tp("00-" TID "-" PID "-010", "version 00 one character too long");
    invalid_tp("cc-" TID "-" PID "-01.what", "a higher version whose flags are not followed by '-'");
    invalid_tp("cc-" TID "-" PID "-0", "a higher version shorter than 55 characters");
    invalid_tp("0-" TID "-" PID "-01", "a one-digit version");
    invalid_tp("0x-" TID "-" PID "-01", "a version that is not hex");
    invalid_tp("0A-" TID "-" PID "-01", "an uppercase version");
    invalid_tp("00-4BF92F3577B34DA6A3CE929D0E0E4736-" PID "-01", "an uppercase trace-id");
    invalid_tp("00-" TID "-00F067AA0BA902B7-01", "an uppercase parent-id");
    invalid_tp("00-" TID "-" PID "-0A", "uppercase flags");
    invalid_tp("00-00000000000000000000000000000000-" PID "-01", "an all-zero trace-id");
    invalid_tp("00-" TID "-0000000000000000-01", "an all-zero parent-id");
    invalid_tp("00-4bf92f3577b34da6a3ce929d0e0e473-" PID "-01", "a 31-digit trace-id");
    invalid_tp("00-" TID "-00f067aa0ba902b-01", "a 15-digit parent-id");
    invalid_tp("00-" TID "-" PID "-1", "one-digit flags");
    invalid_tp("00_" TID "_" PID "_01", "'_' instead of '-'");
    invalid_tp("00-" TID "-" PID "-0g", "non-hex flags");
    invalid_tp("00-4bf92f3577b34da6a3ce929d0e0e473g-" PID "-01", "a non-hex trace-id");
    invalid_tp("", "an empty value");
    invalid_tp(NULL, "an absent traceparent");
    CHECK_ST(n3obs_trace_context_extract(NULL, "x", NULL), N3OBS_E_INVALID_ARGUMENT, "extract NULL out");
    c.size = 3;
    CHECK_ST(n3obs_trace_context_extract(&c, "x", NULL), N3OBS_E_INVALID_ARGUMENT, "extract out->size too small");

    /* tracestate */
    tracestate_is("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
                  "two members are kept in order");
    tracestate_is("", "", "empty is accepted");
    tracestate_is(" , rojo=1 ,, \t,congo=2 ", "rojo=1,congo=2", "empty and whitespace-only members are allowed");
    tracestate_is("tenant@system=v", "tenant@system=v", "a multi-tenant key");
    tracestate_is("0tenant@sys_-*/=v", "0tenant@sys_-*/=v", "a tenant id may start with a digit");
    tracestate_is("k= leading space", "k= leading space", "leading spaces belong to the value");
    tracestate_is("Rojo=1", "", "an uppercase key discards the whole tracestate");
    tracestate_is("1abc=1", "1abc=1", "a key may start with a digit (level 2)");
    tracestate_is("rojo=1,rojo=2", "rojo=1", "a duplicated key keeps its first member (level 2)");
    tracestate_is("rojo", "", "a member without '=' is invalid");
    tracestate_is("rojo=a,b", "", "a value with ',' is impossible: 'b' is a member without '='");
    tracestate_is("rojo=a=b", "", "a value with '=' is invalid");
    tracestate_is("rojo=", "", "an empty value is invalid");
    tracestate_is("t@abcdefghijklmno=1", "t@abcdefghijklmno=1", "a part after '@' over 14 characters (level 2)");
    tracestate_is("t@1x=1", "t@1x=1", "a digit after '@' (level 2)");
    tracestate_is("@t=1", "", "a key starting with '@' is invalid");
    tracestate_is("k=\x01", "", "a control character in a value is invalid");
    /* 32 members are fine, 33 discard all */
    big[0] = '\0';
    for (i = 0; i < 32; ++i)
        sprintf(big + strlen(big), "%sk%d=v", i ? "," : "", i);
    {
        n3obs_span_context d;
        CHECK(extract("00-" TID "-" PID "-01", big, &d) == N3OBS_OK && strcmp(d.tracestate, big) == 0,
              "32 members are kept");
        strcat(big, ",k32=v");
        CHECK(extract("00-" TID "-" PID "-01", big, &d) == N3OBS_OK && d.tracestate[0] == '\0',
              "33 members: the tracestate is discarded and the traceparent kept");
        CHECK(extract("00-" TID "-00-01", big, &d) == N3OBS_E_INVALID_VALUE,
              "with a bad traceparent, the tracestate is not looked at");
    }
    /* truncation to 512: members over 128 characters go first, then from the end */
    {
        n3obs_span_context d;
        char longv[200];
        memset(longv, 'x', 150);
        longv[150] = '\0';
        big[0] = '\0';
        sprintf(big, "a=%s", longv);
        for (i = 0; i < 5; ++i)
            sprintf(big + strlen(big), ",m%d=%.*s", i, 90, longv);
        /* a (152 chars) + 5 x 94 chars + commas = 627 > 512 */
        CHECK(extract("00-" TID "-" PID "-01", big, &d) == N3OBS_OK && strncmp(d.tracestate, "m0=", 3) == 0 &&
                  strlen(d.tracestate) <= 512 && strstr(d.tracestate, "m4=") != NULL,
              "an over-long tracestate loses its >128-character member first");
        big[0] = '\0';
        for (i = 0; i < 8; ++i)
            sprintf(big + strlen(big), "%sm%d=%.*s", i ? "," : "", i, 90, longv);
        CHECK(extract("00-" TID "-" PID "-01", big, &d) == N3OBS_OK && strlen(d.tracestate) <= 512 &&
                  strstr(d.tracestate, "m0=") == d.tracestate && strstr(d.tracestate, "m7=") == NULL,
              "then members from the end (kept %zu characters)", strlen(d.tracestate));
    }

    /* inject */
    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "init");
    CHECK_OK(n3obs_trace_context_inject(NULL, tp, sizeof tp, ts, sizeof ts), "inject with no current span");
    CHECK(tp[0] == '\0' && ts[0] == '\0', "writes empty strings");
    CHECK_OK(extract("00-" TID "-" PID "-01", "congo=t61rcWkgMzE", &c), "extract");
    o.remote_parent = &c;
    CHECK_OK(n3obs_span_start(&s, "server", &o), "a span continuing the remote trace");
    CHECK_OK(n3obs_span_make_current(s, &tok), "current");
    CHECK_OK(n3obs_trace_context_inject(NULL, tp, sizeof tp, ts, sizeof ts), "inject the current span");
    CHECK(strlen(tp) == 55 && strncmp(tp, "00-" TID "-", 36) == 0 && strcmp(tp + 52, "-01") == 0 &&
              strncmp(tp + 36, PID, 16) != 0,
          "traceparent: version 00, same trace, a new parent-id, sampled: %s", tp);
    CHECK_STR(ts, "congo=t61rcWkgMzE", "tracestate passed on unchanged");
    {
        n3obs_span_context back;
        CHECK(extract(tp, ts, &back) == N3OBS_OK, "what inject writes, extract reads");
    }
    CHECK_ST(n3obs_trace_context_inject(NULL, tp, 55, ts, sizeof ts), N3OBS_E_TOO_LONG, "a 55-byte buffer is too small");
    CHECK(tp[0] == '\0', "and gets \"\"");
    CHECK_ST(n3obs_trace_context_inject(NULL, tp, sizeof tp, ts, 5), N3OBS_E_TOO_LONG, "a small tracestate buffer");
    CHECK_OK(n3obs_trace_context_inject(NULL, tp, sizeof tp, NULL, 0), "tracestate may be skipped");
    CHECK_ST(n3obs_trace_context_inject(NULL, NULL, 0, NULL, 0), N3OBS_E_INVALID_ARGUMENT, "NULL traceparent buffer");
    CHECK_ST(n3obs_trace_context_inject(NULL, tp, sizeof tp, NULL, 9), N3OBS_E_INVALID_ARGUMENT,
             "NULL tracestate buffer with a size");
    CHECK_OK(n3obs_trace_context_inject(s, tp, sizeof tp, ts, sizeof ts), "inject a given span");
    CHECK_OK(n3obs_scope_close(tok), "close");
    CHECK_OK(n3obs_span_end(s, 0), "end");
    return check_finish();
}
