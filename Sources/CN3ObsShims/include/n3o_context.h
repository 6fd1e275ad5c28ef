/*
 * The current span, wherever it lives: an installed context storage (n3obs_set_context_storage,
 * a language's own context such as Python's ContextVar) first, else the calling thread's
 * stack of scopes. Everything that asks "which span is current" asks here: span start
 * without a parent, n3obs_span_current, inject of the current span, and the exemplar of a
 * histogram observation.
 */
#ifndef N3O_CONTEXT_H
#define N3O_CONTEXT_H

#include <stdint.h>

#include "n3o_shims.h"

/* The current span as the SDK reads it: the scope entry's fields (its tracestate pointing
 * into `tracestate` when the storage answered, else at the stack's copy; NULL when none). */
#define N3O_CURRENT_TRACESTATE_CAPACITY 513   /* N3OBS_MAX_TRACESTATE_LEN + 1 */
typedef struct n3o_current {
    n3o_scope_entry entry;
    char tracestate[N3O_CURRENT_TRACESTATE_CAPACITY];
} n3o_current;

/* The installed storage (a heap copy of the caller's struct), or NULL. */
extern void *n3o_context_storage_word;

/** The calling thread's current span into *out; 1 if there is one, 0 if none. With
 *  want_handle, entry.handle is the span's handle (0 when the storage knows no handle).
 *  Consults the storage outside the fork gate, holding no lock. */
int n3o_current_span(n3o_trace_thread *t, n3o_current *out, int want_handle);

/** Makes a live span current (its ids and flags given): in the storage when it takes it
 *  (returns 1 and its token), else returns 0 and the caller pushes it on the stack. */
int n3o_context_attach(uint64_t handle, const n3o_scope_entry *ids, uint64_t *token);
/** Gives a token back to the storage; 1 if it was the storage's. */
int n3o_context_detach(uint64_t token);

/* What n3o_exemplar_tls holds on a thread the storage has answered for: "ask the storage"
 * (n3o_histogram_offer_exemplar resolves it). Such a thread keeps it whatever its stack
 * holds, so its observations always look up the current span. */
extern const n3o_scope_entry n3o_context_ask_storage;
extern __thread uint8_t n3o_context_bound __attribute__((tls_model("initial-exec")));

/** Points the thread's exemplar word at top (its innermost sampled scope, or NULL), unless
 *  the thread asks the storage. */
static inline void n3o_exemplar_follow_stack(const n3o_scope_entry *top) {
    n3o_set_exemplar_current(n3o_context_bound ? &n3o_context_ask_storage : top);
}

/** The exemplar span an observation reads (resolving n3o_context_ask_storage into *buf);
 *  NULL when no sampled span is current. */
const n3o_scope_entry *n3o_exemplar_resolve(const n3o_scope_entry *word, n3o_current *buf);

#endif
