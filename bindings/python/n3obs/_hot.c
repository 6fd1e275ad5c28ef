/* n3obs._hot: the calls a Python program makes per recorded value and per span.
 *
 * None of them can block: metric recording is lock-free, and a span's start, end and
 * attributes take only a spin lock held for a few stores (its holders never wait for
 * Python). So this module keeps the GIL across the call. cffi's wrappers otherwise
 * release and re-take it around every call, which costs about 450 instructions, more
 * than a counter increment or a span end. prometheus_client and opentelemetry-sdk hold
 * the GIL throughout too. Everything that can wait (init, flush, collect, health,
 * shutdown) stays in n3obs._native, which releases the GIL.
 *
 * The redefinitions below apply to this generated module only: cffi expands these two
 * macros around each call in the wrappers that follow this preamble.
 */
#include "n3obs.h"

#undef Py_BEGIN_ALLOW_THREADS
#define Py_BEGIN_ALLOW_THREADS {
#undef Py_END_ALLOW_THREADS
#define Py_END_ALLOW_THREADS }

/* ---- metrics: thin forwards (one-argument forms avoid cffi's argument tuple) ---- */

static int n3py_counter_inc(n3obs_counter_series *s) { return n3obs_counter_inc(s); }
static int n3py_counter_add(n3obs_counter_series *s, double v) { return n3obs_counter_add(s, v); }
static int n3py_gauge_set(n3obs_gauge_series *s, double v) { return n3obs_gauge_set(s, v); }
static int n3py_gauge_add(n3obs_gauge_series *s, double v) { return n3obs_gauge_add(s, v); }
static int n3py_histogram_observe(n3obs_histogram_series *s, double v) {
    return n3obs_histogram_observe(s, v);
}
static int n3py_summary_observe(n3obs_summary_series *s, double v) {
    return n3obs_summary_observe(s, v);
}

/* ---- spans ----
 * The common start, a span of kind INTERNAL named `name` whose parent is the Python
 * context's current span (or none), takes the options from this thread's prepared
 * structs and returns the span itself (NULL on failure, the status then in
 * n3py_span_start_status). Every start writes the new span's context to this thread's
 * n3py_span_context(), which the binding copies (33 bytes) so the context outlives the
 * span. */

static __thread int n3py_ready;
static __thread int n3py_status;
static __thread n3obs_span_context n3py_context;
static __thread n3obs_span_opts n3py_root_opts, n3py_child_opts;

static void n3py_prepare(void) {
    n3obs_span_opts init = N3OBS_SPAN_OPTS_INIT;
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT;
    n3py_context = ctx;
    init.context_out = &n3py_context;
    n3py_child_opts = init;
    init.flags = N3OBS_SPAN_ROOT;  /* never the C library's per-thread current span */
    n3py_root_opts = init;
    n3py_ready = 1;
}

static n3obs_span_context *n3py_span_context(void) {
    if (!n3py_ready) n3py_prepare();
    return &n3py_context;
}

static n3obs_span *n3py_span_start_root(const char *name) {
    n3obs_span *span = NULL;
    if (!n3py_ready) n3py_prepare();
    n3py_status = n3obs_span_start(&span, name, &n3py_root_opts);
    return n3py_status == N3OBS_OK ? span : NULL;
}

static n3obs_span *n3py_span_start_child(const char *name, n3obs_span *parent) {
    n3obs_span *span = NULL;
    if (!n3py_ready) n3py_prepare();
    n3py_child_opts.parent = parent;
    n3py_status = n3obs_span_start(&span, name, &n3py_child_opts);
    n3py_child_opts.parent = NULL;
    return n3py_status == N3OBS_OK ? span : NULL;
}

static int n3py_span_start_status(void) { return n3py_status; }

static int n3py_span_end(n3obs_span *span) { return n3obs_span_end(span, 0); }

static int n3py_span_set_string(n3obs_span *span, const char *key, const char *value) {
    return n3obs_span_set_attribute_string(span, key, value);
}
static int n3py_span_set_int(n3obs_span *span, const char *key, int64_t value) {
    return n3obs_span_set_attribute_int(span, key, value);
}
static int n3py_span_set_double(n3obs_span *span, const char *key, double value) {
    return n3obs_span_set_attribute_double(span, key, value);
}
static int n3py_span_set_bool(n3obs_span *span, const char *key, int value) {
    return n3obs_span_set_attribute_bool(span, key, value);
}
