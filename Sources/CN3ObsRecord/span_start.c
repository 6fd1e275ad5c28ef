/*
 * n3obs_span_start, defined in C for the reason record.c gives, with the same shape: the
 * common start is done here whole; anything else goes, with nothing published, to the
 * checked Swift implementation (n3o_span_start_full in Sources/N3ObsC/TracingSpans.swift).
 *
 * The common start: the SDK runs (its tracer published n3o_fast_start), the name is
 * ASCII and fits the record's first block, the options are absent or give at most a kind,
 * a live parent span or N3OBS_SPAN_ROOT, and an output context; the parent (that span, or
 * else the thread's current span) carries no tracestate. The span is built as
 * Tracer.start builds it: ids from the thread's generator, the sampler's decision
 * (n3o_sample), for a sampled span a record (n3o_span_record.h: the head, then the name as
 * a text entry), and a slot (n3o_span_slot_acquire) filled under its lock.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "n3obs.h"
#include "n3o_record.h"
#include "n3o_shims.h"
#include "n3o_context.h"
#include "span_common.h"

int n3o_span_start_full(n3obs_span **out, const char *name, const n3obs_span_opts *opts);

static inline void store_be64(uint8_t *p, uint64_t v) {
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}

typedef struct parent_ids {
    int present;
    int sampled;
    uint32_t random;   /* the parent's N3OBS_TRACE_FLAG_RANDOM bit */
    uint64_t trace_hi, trace_lo, span_id;
} parent_ids;

/* The ids of a live parent handle; 0 (defer) when it is stale or carries a tracestate. */
static int read_parent(n3obs_span *parent, parent_ids *p) {
    uint64_t handle = (uint64_t)(uintptr_t)parent;
    uint32_t generation = (uint32_t)(handle >> 32);
    n3o_span_slot *slot = n3o_span_live_slot(handle);
    if (slot == NULL) return 0;
    int ok = 0;
    n3o_spin_lock(&slot->lock);
    if (slot->generation == generation) {
        const n3o_span_head *head = slot->record;
        if (head != NULL ? head->tracestateOffset == 0 : slot->tracestate == NULL) {
            p->present = 1;
            p->sampled = (slot->flags & 1) != 0;
            p->random = slot->flags & N3OBS_TRACE_FLAG_RANDOM;
            p->trace_hi = slot->trace_hi;
            p->trace_lo = slot->trace_lo;
            p->span_id = slot->span_id;
            ok = 1;
        }
    }
    n3o_spin_unlock(&slot->lock);
    return ok;
}

/* A current span as the parent; 0 (defer) when it carries a tracestate. */
static inline int scope_parent(const n3o_scope_entry *top, parent_ids *p) {
    if (top->tracestate != NULL) return 0;
    p->present = 1;
    p->sampled = (top->flags & 1) != 0;
    p->random = top->flags & N3OBS_TRACE_FLAG_RANDOM;
    p->trace_hi = top->trace_hi;
    p->trace_lo = top->trace_lo;
    p->span_id = top->span_id;
    return 1;
}

/* The context storage's current span, if any, as the parent (out of line: its buffer
 * stays off the common start's frame); 0 (defer) when it carries a tracestate. */
static __attribute__((noinline)) int storage_parent(n3o_trace_thread *t, parent_ids *p) {
    n3o_current current;
    return n3o_current_span(t, &current, 0) ? scope_parent(&current.entry, p) : 1;
}

/* A sampled span's record: the head and the name; NULL if memory ran out. */
static char *build_record(n3o_trace_thread *t, const parent_ids *parent, uint64_t trace_hi, uint64_t trace_lo,
                          uint64_t span_id, uint8_t kind, const char *name, size_t name_length,
                          uint32_t attribute_limit) {
    char *r = n3o_record_alloc(t);
    if (r == NULL) return NULL;
    n3o_span_head *h = (n3o_span_head *)r;
    memset(h, 0, sizeof *h);
    h->traceHi = trace_hi;
    h->traceLo = trace_lo;
    h->spanId = span_id;
    h->parentSpanId = parent->present ? parent->span_id : 0;
    h->flags = (uint8_t)(1 | parent->random);
    h->kind = kind;
    uint64_t monotonic = n3o_monotonic_ns();
    h->startMonotonic = monotonic;
    h->startTime = n3o_realtime_at(monotonic);
    h->nestedAttributeLimit = attribute_limit;
    uint32_t length = (uint32_t)name_length;
    n3o_text_entry_write(r + N3O_SPAN_HEAD_SIZE, name, length);
    h->nameOffset = N3O_SPAN_HEAD_SIZE;
    h->used = N3O_SPAN_HEAD_SIZE + n3o_text_entry_size(length);
    h->capacity = N3O_RECORD_BLOCK;
    return r;
}

/* Does the common start (see the top of the file) and returns 1, or returns 0 having
 * published nothing. */
static int start_span(n3obs_span **out, const char *name, const n3obs_span_opts *opts) {
    const n3o_fast_start *cfg = &n3o_fast_start_settings;
    if (out == NULL || name == NULL || n3o_sdk_state() != N3O_STATE_RUNNING || !cfg->ready) return 0;
    uint8_t kind = N3OBS_SPAN_KIND_INTERNAL;
    int root = 0;
    n3obs_span *parent_handle = NULL;
    n3obs_span_context *context_out = NULL;
    if (opts != NULL) {
        if (opts->size < sizeof *opts || opts->remote_parent != NULL || opts->start_time_unix_nano != 0 ||
            opts->attribute_count != 0 || opts->link_count != 0 || opts->kind < 0 || opts->kind > 5)
            return 0;
        if (opts->kind != 0) kind = (uint8_t)opts->kind;
        parent_handle = opts->parent;
        root = (opts->flags & N3OBS_SPAN_ROOT) != 0;
        context_out = opts->context_out;
        if (context_out != NULL && context_out->size < offsetof(n3obs_span_context, tracestate)) return 0;
    }
    size_t name_length = n3o_ascii_length(name, 0, N3OBS_MAX_SPAN_NAME_LEN);
    if (name_length == SIZE_MAX ||
        N3O_SPAN_HEAD_SIZE + n3o_text_entry_size((uint32_t)name_length) > N3O_RECORD_BLOCK)
        return 0;
    n3o_trace_thread *t = n3o_trace_thread_get();
    if (t == NULL) return 0;

    /* No parent: a new trace, whose ids are random (Trace Context level 2's flag). */
    parent_ids parent = {0, 0, N3OBS_TRACE_FLAG_RANDOM, 0, 0, 0};
    if (parent_handle != NULL) {
        if (!read_parent(parent_handle, &parent)) return 0;
    } else if (!root) {   /* the current span: the context storage's, else the thread's */
        if (__builtin_expect(n3o_load_ptr(&n3o_context_storage_word) != NULL, 0)) {
            if (!storage_parent(t, &parent)) return 0;
        } else if (t->depth > 0 && !scope_parent(&t->stack[t->depth - 1], &parent)) {
            return 0;
        }
    }

    uint64_t trace_hi = parent.trace_hi, trace_lo = parent.trace_lo, span_id;
    if (!parent.present) {
        uint64_t ids[3];   /* the trace id, then the span id, as Tracer.start draws them */
        n3o_trace_rand_n(t, ids, 3);
        trace_hi = ids[0];
        trace_lo = ids[1];
        span_id = ids[2];
        while ((trace_hi | trace_lo) == 0) {
            trace_hi = n3o_trace_rand(t);
            trace_lo = n3o_trace_rand(t);
        }
    } else {
        span_id = n3o_trace_rand(t);
    }
    while (span_id == 0) span_id = n3o_trace_rand(t);
    int sampled = n3o_sample(&cfg->sampler, parent.present, parent.sampled, trace_lo);

    char *record = NULL;
    if (sampled) {
        record = build_record(t, &parent, trace_hi, trace_lo, span_id, kind, name, name_length,
                              cfg->attribute_limit);
        if (record == NULL) return 0;
    }
    uint32_t index1 = n3o_span_slot_acquire();
    n3o_span_slot *slot = index1 == 0 ? NULL : n3o_span_slot_at(index1 - 1);
    if (slot == NULL) {   /* table full (or memory): the Swift path says so */
        free(record);
        return 0;
    }
    /* No lock: while the generation is even no handle matches the slot, so nobody reads
     * these fields before the release store that makes the span live (a caller with a
     * stale handle that holds the lock only compares the generation). */
    slot->trace_hi = trace_hi;
    slot->trace_lo = trace_lo;
    slot->span_id = span_id;
    slot->flags = (sampled ? 1u : 0u) | parent.random;
    slot->record = record;
    slot->tracestate = NULL;
    uint32_t generation = slot->generation + 1;
    n3o_store_u32(&slot->generation, generation);

    if (context_out != NULL) {
        n3obs_span_context v;
        memset(&v, 0, sizeof v);
        v.size = context_out->size;
        v.trace_flags = (uint8_t)((sampled ? N3OBS_TRACE_FLAG_SAMPLED : 0) | parent.random);
        store_be64(v.trace_id, trace_hi);
        store_be64(v.trace_id + 8, trace_lo);
        store_be64(v.span_id, span_id);
        memcpy(context_out, &v, context_out->size < sizeof v ? context_out->size : sizeof v);
    }
    *out = (n3obs_span *)(uintptr_t)(((uint64_t)generation << 32) | index1);
    return 1;
}

int n3obs_span_start(n3obs_span **out, const char *name, const n3obs_span_opts *opts) {
    if (__builtin_expect(start_span(out, name, opts), 1)) return N3OBS_OK;
    return n3o_span_start_full(out, name, opts);
}
