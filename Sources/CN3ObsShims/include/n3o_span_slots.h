/*
 * Span slots: where a live span is found from its handle, for C (span_start.c,
 * span_attributes.c, span_end.c) and Swift (SpanSlots.swift) alike.
 *
 * Slots sit in chunks allocated on demand and never freed, so a handle can always be
 * checked without touching freed memory. A handle is (generation << 32) | (index + 1);
 * the generation is odd while the span lives and is bumped when it ends, so the handle of
 * an ended span no longer matches, and a slot is reused only with a new generation. Free
 * slots wait in the ending thread's cache (a few dozen, no atomic operation to take or put
 * one) and past it in a lock-free stack whose head carries a tag against ABA. The slot's
 * lock serializes calls on one span (held for a copy, never while calling out).
 */
#ifndef N3O_SPAN_SLOTS_H
#define N3O_SPAN_SLOTS_H

#include <stdint.h>

#include "n3o_shims.h"

typedef struct n3o_span_slot {
    uint32_t lock;
    uint32_t generation;
    uint32_t next_free;      /* index + 1 of the next free slot; 0 ends the list */
    uint32_t flags;          /* W3C trace flags */
    uint64_t trace_hi, trace_lo, span_id;
    void *record;            /* the span record of a sampled span (n3o_span_record.h), else NULL */
    char *tracestate;        /* an unsampled span's tracestate (malloc'd), or NULL */
    uint64_t pad;
} n3o_span_slot;
_Static_assert(sizeof(n3o_span_slot) == 64, "a slot is one cache line");

#define N3O_SPAN_CHUNK_SHIFT 12
#define N3O_SPAN_CHUNKS 1024   /* 4 Mi live spans at most */

/* The chunks (each NULL or 1 << N3O_SPAN_CHUNK_SHIFT slots) and the free stack. */
extern n3o_span_slot *n3o_span_chunks[N3O_SPAN_CHUNKS];
typedef struct n3o_span_free_list {
    uint64_t head;           /* {tag:32, index + 1:32} */
    uint64_t pad[7];
    uint64_t high_water;     /* slots handed out so far (the next never-used index) */
} n3o_span_free_list;
extern n3o_span_free_list n3o_span_free;

/* The slot at index, if its chunk exists. */
static inline n3o_span_slot *n3o_span_slot_at(uint32_t index) {
    if ((index >> N3O_SPAN_CHUNK_SHIFT) >= N3O_SPAN_CHUNKS) return NULL;
    n3o_span_slot *base = (n3o_span_slot *)n3o_load_ptr((void *const *)&n3o_span_chunks[index >> N3O_SPAN_CHUNK_SHIFT]);
    return base == NULL ? NULL : base + (index & ((1u << N3O_SPAN_CHUNK_SHIFT) - 1));
}

/* The slot of a live handle (check the generation again under the slot's lock), or NULL:
 * stale, never existed, or not a handle. */
static inline n3o_span_slot *n3o_span_live_slot(uint64_t handle) {
    uint32_t low = (uint32_t)handle, generation = (uint32_t)(handle >> 32);
    if (low == 0 || (generation & 1) == 0) return NULL;
    n3o_span_slot *slot = n3o_span_slot_at(low - 1);
    return slot != NULL && n3o_load_u32(&slot->generation) == generation ? slot : NULL;
}

/* A thread's free slots (index + 1 each), allocated on its first span end and given back
 * to the shared stack when it exits (in a forked child, other threads' caches are lost
 * with them: at most N3O_SLOT_CACHE slots each). */
#define N3O_SLOT_CACHE 64
typedef struct n3o_slot_cache {
    uint32_t count;
    uint32_t index1[N3O_SLOT_CACHE];
} n3o_slot_cache;
extern __thread n3o_slot_cache *n3o_slot_cache_tls __attribute__((tls_model("initial-exec")));
/** The calling thread's cache, created; NULL if memory ran out. */
n3o_slot_cache *n3o_slot_cache_create(void);

/** A slot from the shared stack, or a never-used one: index + 1, or 0 when the table is
 *  full or memory ran out. */
uint32_t n3o_span_slot_acquire_shared(void);
/** Puts a slot on the shared stack. */
void n3o_span_slot_release_shared(uint32_t index);

/** A free slot's index + 1, or 0 when the table is full or memory ran out. */
static inline uint32_t n3o_span_slot_acquire(void) {
    n3o_slot_cache *c = n3o_slot_cache_tls;
    if (__builtin_expect(c != NULL && c->count > 0, 1)) return c->index1[--c->count];
    return n3o_span_slot_acquire_shared();
}

/** Puts an ended span's slot back (its generation was already bumped). */
static inline void n3o_span_slot_release(uint32_t index) {
    n3o_slot_cache *c = n3o_slot_cache_tls;
    if (__builtin_expect(c == NULL, 0)) c = n3o_slot_cache_create();
    if (__builtin_expect(c != NULL && c->count < N3O_SLOT_CACHE, 1)) {
        c->index1[c->count++] = index + 1;
        return;
    }
    n3o_span_slot_release_shared(index);
}

#endif
