/*
 * Tracing's per-thread state: the current-span stack (scope entries), the id generator,
 * the span-record block cache, and the exemplar word a histogram observation reads.
 */
#ifndef N3O_TRACE_THREAD_H
#define N3O_TRACE_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "n3o_atomics.h"

/* Ids are kept as big-endian integers: trace id = hi:lo, so byte 0 is hi's top byte. */

/** One entry of a thread's current-span stack. */
typedef struct n3o_scope_entry {
    uint64_t trace_hi, trace_lo, span_id;
    uint64_t handle;         /* the span's handle bits */
    uint64_t token;          /* what n3obs_span_make_current returned */
    char *tracestate;        /* malloc'd copy, or NULL */
    uint32_t flags;          /* W3C trace flags */
    uint32_t pad;
} n3o_scope_entry;

/* Free span-record blocks travel in bundles, arrays of block pointers, so neither the
 * draining thread that frees them nor the pool writes into a block: a block's cache lines
 * stay as its recording thread wrote them (shared with the drainer, which only read
 * them), and that thread's next write to them moves no data between cores. */
typedef struct n3o_record_bundle {
    struct n3o_record_bundle *next;
    size_t count;
    void *blocks[];
} n3o_record_bundle;

/** A thread's tracing state, allocated on first use and freed when the thread exits. It
 *  lives on the heap, not in TLS, because a dlopen'ed library gets little static TLS. */
typedef struct n3o_trace_thread {
    uint64_t rng[4];         /* xoshiro256++ */
    uint32_t fork_epoch;     /* reseed when it differs from the process' (after fork) */
    uint32_t depth;
    uint32_t capacity;
    uint32_t thread_number;  /* unique per thread, part of every scope token */
    uint64_t next_token;
    n3o_scope_entry *stack;
    n3o_record_bundle *record_cache; /* free span-record blocks taken from the global pool */
    size_t record_next;      /* the next unused block of record_cache's first bundle */
} n3o_trace_thread;

extern __thread n3o_trace_thread *n3o_trace_tls __attribute__((tls_model("initial-exec")));
/* The innermost current span if it is sampled, else NULL: the one TLS load a histogram
 * observation pays to decide whether it carries an exemplar. */
extern __thread const n3o_scope_entry *n3o_exemplar_tls __attribute__((tls_model("initial-exec")));
extern uint32_t n3o_fork_epoch_word;

n3o_trace_thread *n3o_trace_thread_create(void);
void n3o_trace_reseed(n3o_trace_thread *t);

/** The calling thread's state, or NULL if memory ran out. */
static inline n3o_trace_thread *n3o_trace_thread_get(void) {
    n3o_trace_thread *t = n3o_trace_tls;
    if (__builtin_expect(t == NULL, 0)) t = n3o_trace_thread_create();
    return t;
}
N3O_HOT const n3o_scope_entry *n3o_exemplar_current(void) { return n3o_exemplar_tls; }
static inline void n3o_set_exemplar_current(const n3o_scope_entry *e) { n3o_exemplar_tls = e; }

static inline uint64_t n3o_rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
/** n numbers from xoshiro256++: fast, and seeded from getrandom() per thread (reseeded
 *  after fork). The state stays in registers across the n steps. */
static inline __attribute__((always_inline)) void n3o_trace_rand_n(n3o_trace_thread *t, uint64_t *out, int n) {
    if (__builtin_expect(t->fork_epoch != atomic_load_explicit(
            (_Atomic uint32_t *)&n3o_fork_epoch_word, memory_order_relaxed), 0))
        n3o_trace_reseed(t);
    uint64_t s0 = t->rng[0], s1 = t->rng[1], s2 = t->rng[2], s3 = t->rng[3];
    for (int i = 0; i < n; i++) {
        out[i] = n3o_rotl64(s0 + s3, 23) + s0;
        uint64_t x = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= x; s3 = n3o_rotl64(s3, 45);
    }
    t->rng[0] = s0; t->rng[1] = s1; t->rng[2] = s2; t->rng[3] = s3;
}
static inline uint64_t n3o_trace_rand(n3o_trace_thread *t) {
    uint64_t r;
    n3o_trace_rand_n(t, &r, 1);
    return r;
}
/* Span records start as blocks of N3O_RECORD_BLOCK bytes (malloc'd; a record that grows
 * is realloc'd). Ended records are freed on the draining thread, so blocks of that size
 * go back, a bundle per freed batch, to a bounded global pool (a lock-free stack of
 * bundles: pushes by CAS, and a thread takes the whole stack at once with an exchange, so
 * there is no ABA), from which each recording thread refills its cache: a new record is
 * then an array read, not malloc. */
#define N3O_RECORD_BLOCK 512
#define N3O_RECORD_POOL_MAX 4096
void *n3o_record_refill(n3o_trace_thread *t);
/** A block of N3O_RECORD_BLOCK bytes (uninitialized), or NULL if memory ran out. */
static inline void *n3o_record_alloc(n3o_trace_thread *t) {
    n3o_record_bundle *b = t->record_cache;
    if (__builtin_expect(b != NULL && t->record_next < b->count, 1)) return b->blocks[t->record_next++];
    return n3o_record_refill(t);
}
/** An empty bundle with room for `capacity` blocks, or NULL if memory ran out. */
n3o_record_bundle *n3o_record_bundle_new(size_t capacity);
/** Adds a block of N3O_RECORD_BLOCK bytes (the bundle has room for it). */
static inline void n3o_record_bundle_add(n3o_record_bundle *b, void *block) {
    b->blocks[b->count++] = block;
}
/** Gives the bundle and its blocks to the pool, or frees them when the pool is full. */
void n3o_record_recycle(n3o_record_bundle *bundle);

/** Makes room for one more scope entry; 0 if memory ran out. Keeps n3o_exemplar_tls
 *  pointing into the (possibly moved) stack. */
int n3o_scope_reserve(n3o_trace_thread *t);

#endif
