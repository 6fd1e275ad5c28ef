/*
 * The current span across the SDK and a language's own context (n3o_context.h). The
 * published n3obs_set_context_storage, which installs the storage, is in
 * CN3ObsRecord/context_storage.c: only libn3obs.so defines C API functions.
 */
#include "n3o_context.h"

#include <stdlib.h>
#include <string.h>

#include "n3obs.h"
#include "n3o_shims.h"

void *n3o_context_storage_word;
const n3o_scope_entry n3o_context_ask_storage;
__thread uint8_t n3o_context_bound __attribute__((tls_model("initial-exec")));

_Static_assert(N3O_CURRENT_TRACESTATE_CAPACITY == N3OBS_MAX_TRACESTATE_LEN + 1,
               "n3o_current holds a whole tracestate");

static const n3obs_context_storage *storage_get(void) {
    return n3o_load_ptr((void *const *)&n3o_context_storage_word);
}

static uint64_t load_be64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

static void store_be64(uint8_t *p, uint64_t v) {
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}

/* Asks the storage for the calling thread's current span: 1 and *out filled (ids zero when
 * none is current), or 0 when the storage does not hold this thread's context. */
static int ask_storage(const n3obs_context_storage *s, n3o_current *out, int want_handle) {
    n3obs_span_context c;
    c.size = sizeof c;
    c.trace_flags = 0;
    c.is_remote = 0;
    memset(c.trace_id, 0, sizeof c.trace_id + sizeof c.span_id);
    c.tracestate[0] = 0;
    n3obs_span *handle = NULL;
    unsigned depth = n3o_gate_step_out();  /* the storage may wait for its language's lock */
    int answered = s->get_current(s->user_data, &c, want_handle ? &handle : NULL);
    n3o_gate_step_in(depth);
    if (answered != 1) return 0;
    n3o_context_bound = 1;
    if (n3o_exemplar_tls == NULL) n3o_set_exemplar_current(&n3o_context_ask_storage);
    memset(&out->entry, 0, sizeof out->entry);
    out->entry.trace_hi = load_be64(c.trace_id);
    out->entry.trace_lo = load_be64(c.trace_id + 8);
    out->entry.span_id = load_be64(c.span_id);
    out->entry.flags = c.trace_flags;
    out->entry.handle = want_handle ? (uint64_t)(uintptr_t)handle : 0;
    c.tracestate[N3OBS_MAX_TRACESTATE_LEN] = 0;   /* whatever the storage wrote */
    if (c.tracestate[0] != 0) {
        memcpy(out->tracestate, c.tracestate, strlen(c.tracestate) + 1);
        out->entry.tracestate = out->tracestate;
    }
    return 1;
}

int n3o_current_span(n3o_trace_thread *t, n3o_current *out, int want_handle) {
    const n3obs_context_storage *s = storage_get();
    if (s != NULL && ask_storage(s, out, want_handle))
        return (out->entry.trace_hi | out->entry.trace_lo) != 0 && out->entry.span_id != 0;
    if (t == NULL || t->depth == 0) return 0;
    out->entry = t->stack[t->depth - 1];
    return 1;
}

int n3o_context_attach(uint64_t handle, const n3o_scope_entry *ids, uint64_t *token) {
    const n3obs_context_storage *s = storage_get();
    if (s == NULL || s->attach == NULL) return 0;
    n3obs_span_context c = N3OBS_SPAN_CONTEXT_INIT;
    c.trace_flags = (uint8_t)ids->flags;
    store_be64(c.trace_id, ids->trace_hi);
    store_be64(c.trace_id + 8, ids->trace_lo);
    store_be64(c.span_id, ids->span_id);
    if (ids->tracestate != NULL) {
        size_t n = strnlen(ids->tracestate, N3OBS_MAX_TRACESTATE_LEN);
        memcpy(c.tracestate, ids->tracestate, n);
        c.tracestate[n] = 0;
    }
    uint64_t got = 0;
    unsigned depth = n3o_gate_step_out();
    int taken = s->attach(s->user_data, (n3obs_span *)(uintptr_t)handle, &c, &got);
    n3o_gate_step_in(depth);
    if (taken != 1) return 0;
    n3o_context_bound = 1;
    n3o_set_exemplar_current(&n3o_context_ask_storage);
    *token = got;
    return 1;
}

int n3o_context_detach(uint64_t token) {
    const n3obs_context_storage *s = storage_get();
    if (s == NULL || s->detach == NULL) return 0;
    unsigned depth = n3o_gate_step_out();
    int known = s->detach(s->user_data, token);
    n3o_gate_step_in(depth);
    return known == 1;
}

const n3o_scope_entry *n3o_exemplar_resolve(const n3o_scope_entry *word, n3o_current *buf) {
    if (word != &n3o_context_ask_storage) return word;
    n3o_trace_thread *t = n3o_trace_tls;
    const n3obs_context_storage *s = storage_get();
    if (s != NULL && s->current_count != NULL && *s->current_count <= 0) {
        /* no span block is open in the storage's contexts: only the stack can hold one */
        if (t == NULL || t->depth == 0 || (t->stack[t->depth - 1].flags & 1) == 0) return NULL;
        return &t->stack[t->depth - 1];
    }
    if (!n3o_current_span(t, buf, 0) || (buf->entry.flags & 1) == 0) return NULL;
    return &buf->entry;
}
