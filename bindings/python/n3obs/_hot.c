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

#include <stddef.h>
#include <string.h>

#undef Py_BEGIN_ALLOW_THREADS
#define Py_BEGIN_ALLOW_THREADS {
#undef Py_END_ALLOW_THREADS
#define Py_END_ALLOW_THREADS }

/* ---- metrics: thin forwards (one-argument forms avoid cffi's argument tuple) ---- */

static int n3py_counter_inc(n3obs_counter_series *s) { return n3obs_counter_inc(s); }
static int n3py_counter_add(n3obs_counter_series *s, double v) { return n3obs_counter_add(s, v); }
static int n3py_gauge_set(n3obs_gauge_series *s, double v) { return n3obs_gauge_set(s, v); }
static int n3py_gauge_add(n3obs_gauge_series *s, double v) { return n3obs_gauge_add(s, v); }
static void n3py_bind_thread(void);
static __thread int n3py_bound;
static int n3py_histogram_observe(n3obs_histogram_series *s, double v) {
    if (__builtin_expect(!n3py_bound, 0)) n3py_bind_thread();
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

/* ---- the current span: Python's ContextVar is the C library's current span ----
 * n3py_context_storage_install hands libn3obs.so a context storage
 * (n3obs_set_context_storage) that reads and sets n3obs.tracing._current, so a span
 * started in C with no parent inside `with start_as_current_span(...)` is its child, an
 * observation there carries its exemplar, and a span made current in C
 * (n3obs_span_make_current) is Python's current span. The storage answers for threads that
 * have a Python thread state (taking the GIL if the caller released it, as ctypes.CDLL and
 * n3obs._native do); on other threads it answers 0 and the thread's own stack serves.
 * Only the stable ABI is used (the extension is abi3): the ContextVar is read through its
 * bound get method, and the GIL taken with PyGILState_Ensure, which nests. */

static PyObject *n3py_get_fn;       /* n3obs.tracing._current.get (references kept for ever) */
static PyObject *n3py_attach_fn;    /* n3obs.tracing._attach_from_c(handle, raw) -> token */
static PyObject *n3py_detach_fn;    /* n3obs.tracing._detach_from_c(token) -> bool */
static PyObject *n3py_handle_fn;    /* n3obs.tracing._handle_of(span) -> int */
static PyObject *n3py_raw_name;     /* "_raw" */
/* Span blocks open in any context (n3obs.tracing counts them under the GIL): while there
 * are none, observations need not ask for the current span (the storage's current_count). */
static volatile long n3py_open_blocks;
static volatile long *n3py_open_blocks_counter(void) { return &n3py_open_blocks; }
/* Cleared at exit, before the interpreter is finalized: from then on the storage answers 0. */
static volatile int n3py_storage_live;

/* Takes the GIL on a Python thread (nesting if it holds it); 0 on a thread Python does not
 * know, or once the interpreter is going away. */
static int n3py_enter(PyGILState_STATE *state) {
    if (!n3py_storage_live || PyGILState_GetThisThreadState() == NULL) return 0;
    *state = PyGILState_Ensure();
    return 1;
}

static void n3py_leave(PyGILState_STATE state) {
    if (PyErr_Occurred()) PyErr_Clear();   /* never raise into the caller's C code */
    PyGILState_Release(state);
}

/* A Span's _raw (the first 33 bytes of its n3obs_span_context, then the rest of its
 * tracestate) into ctx, whose size field stays. */
static void n3py_copy_raw(PyObject *raw, n3obs_span_context *ctx) {
    char *p;
    Py_ssize_t n;
    if (!PyBytes_Check(raw) || PyBytes_AsStringAndSize(raw, &p, &n) != 0 || n < 33) return;
    size_t room = offsetof(n3obs_span_context, tracestate) + N3OBS_MAX_TRACESTATE_LEN - 4;
    size_t take = (size_t)n - 4 < room ? (size_t)n - 4 : room;
    memcpy((char *)ctx + 4, p + 4, take);
    ((char *)ctx)[4 + take] = 0;
}

static int n3py_get_current(void *user_data, n3obs_span_context *ctx, n3obs_span **span) {
    PyGILState_STATE state;
    (void)user_data;
    if (!n3py_enter(&state)) return 0;
    PyObject *value = PyObject_CallFunctionObjArgs(n3py_get_fn, NULL);
    int answered = value != NULL;
    if (value != NULL && value != Py_None) {
        PyObject *raw = PyObject_GetAttr(value, n3py_raw_name);
        if (raw != NULL) n3py_copy_raw(raw, ctx);
        Py_XDECREF(raw);
        if (span != NULL) {
            PyObject *h = PyObject_CallFunctionObjArgs(n3py_handle_fn, value, NULL);
            *span = h != NULL ? (n3obs_span *)PyLong_AsVoidPtr(h) : NULL;
            Py_XDECREF(h);
        }
    }
    Py_XDECREF(value);
    n3py_leave(state);
    return answered;
}

static int n3py_attach(void *user_data, n3obs_span *span, const n3obs_span_context *ctx, uint64_t *token) {
    PyGILState_STATE state;
    int taken = 0;
    (void)user_data;
    if (!n3py_enter(&state)) return 0;
    size_t ts = strlen(ctx->tracestate);
    PyObject *raw = PyBytes_FromStringAndSize((const char *)ctx, 32 + (ts > 0 ? ts : 1));
    PyObject *h = PyLong_FromVoidPtr(span);
    PyObject *t = raw != NULL && h != NULL ? PyObject_CallFunctionObjArgs(n3py_attach_fn, h, raw, NULL) : NULL;
    if (t != NULL) {
        *token = PyLong_AsUnsignedLongLong(t);
        taken = !PyErr_Occurred();
    }
    Py_XDECREF(t);
    Py_XDECREF(h);
    Py_XDECREF(raw);
    n3py_leave(state);
    return taken;
}

static int n3py_detach(void *user_data, uint64_t token) {
    PyGILState_STATE state;
    (void)user_data;
    if (!n3py_enter(&state)) return 0;
    PyObject *t = PyLong_FromUnsignedLongLong(token);
    PyObject *r = t != NULL ? PyObject_CallFunctionObjArgs(n3py_detach_fn, t, NULL) : NULL;
    int known = r != NULL && PyObject_IsTrue(r) == 1;
    Py_XDECREF(r);
    Py_XDECREF(t);
    n3py_leave(state);
    return known;
}

/* Called by n3obs.tracing once it has defined the names above (with the GIL). */
static int n3py_context_storage_install(void) {
    PyObject *m = PyImport_ImportModule("n3obs.tracing");
    if (m == NULL) { PyErr_Clear(); return -1; }
    PyObject *var = PyObject_GetAttrString(m, "_current");
    n3py_get_fn = var != NULL ? PyObject_GetAttrString(var, "get") : NULL;
    Py_XDECREF(var);
    n3py_raw_name = PyUnicode_InternFromString("_raw");
    n3py_attach_fn = PyObject_GetAttrString(m, "_attach_from_c");
    n3py_detach_fn = PyObject_GetAttrString(m, "_detach_from_c");
    n3py_handle_fn = PyObject_GetAttrString(m, "_handle_of");
    Py_DECREF(m);
    if (n3py_get_fn == NULL || n3py_raw_name == NULL || n3py_attach_fn == NULL || n3py_detach_fn == NULL ||
        n3py_handle_fn == NULL) {
        PyErr_Clear();
        return -1;
    }
    n3py_storage_live = 1;
    n3obs_context_storage storage = N3OBS_CONTEXT_STORAGE_INIT;
    storage.get_current = n3py_get_current;
    storage.attach = n3py_attach;
    storage.detach = n3py_detach;
    storage.current_count = &n3py_open_blocks;
    return n3obs_set_context_storage(&storage);
}

/* At exit, before the interpreter goes: back to the per-thread stacks. */
static int n3py_context_storage_remove(void) {
    n3py_storage_live = 0;   /* a call already under way answers 0 */
    return n3obs_set_context_storage(NULL);
}

/* A thread's first observation while a span block is open asks the storage once
 * (n3obs_span_current), so that its observations consult it for exemplars from then on. */
static void n3py_bind_thread(void) {
    n3obs_span *span;
    if (n3py_storage_live && n3py_open_blocks > 0 && n3obs_span_current(&span) == N3OBS_OK) n3py_bound = 1;
}
