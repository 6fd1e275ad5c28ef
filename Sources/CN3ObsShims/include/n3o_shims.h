/*
 * Internal to libn3obs.so: C11 atomics on raw memory, single-writer cells, per-thread ids and
 * error buffer, and clocks. Swift imports these; the static inline ones are compiled into
 * the caller, so the hot path stays one atomic instruction plus a few loads.
 *
 * Nothing here is published: the linker version script hides every symbol not named
 * n3obs_*, and these are named n3o_* only to stay clear of user code.
 */
#ifndef N3OBS_SHIMS_H
#define N3OBS_SHIMS_H

#include <stdatomic.h>
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <sched.h>

static inline void n3o_yield(void) { sched_yield(); }

/* The record paths must inline into their callers whatever their size: a call would cost
 * more than the work. */
#define N3O_HOT static inline __attribute__((always_inline))

/* ---- atomics on memory that Swift allocated ---------------------------------------- */

static inline uint64_t n3o_load_u64(const uint64_t *p) {
    return atomic_load_explicit((const _Atomic uint64_t *)p, memory_order_relaxed);
}
static inline uint64_t n3o_load_acquire_u64(const uint64_t *p) {
    return atomic_load_explicit((const _Atomic uint64_t *)p, memory_order_acquire);
}
static inline void n3o_store_u64(uint64_t *p, uint64_t v) {
    atomic_store_explicit((_Atomic uint64_t *)p, v, memory_order_relaxed);
}
static inline void n3o_store_release_u64(uint64_t *p, uint64_t v) {
    atomic_store_explicit((_Atomic uint64_t *)p, v, memory_order_release);
}
static inline uint64_t n3o_add_u64(uint64_t *p, uint64_t v) {
    return atomic_fetch_add_explicit((_Atomic uint64_t *)p, v, memory_order_relaxed);
}
static inline int n3o_cas_u64(uint64_t *p, uint64_t *expected, uint64_t desired) {
    return atomic_compare_exchange_weak_explicit((_Atomic uint64_t *)p, expected, desired,
                                                 memory_order_relaxed, memory_order_relaxed);
}
static inline void *n3o_load_ptr(void *const *p) {
    return atomic_load_explicit((void *_Atomic const *)p, memory_order_acquire);
}
static inline void n3o_store_ptr(void **p, void *v) {
    atomic_store_explicit((void *_Atomic *)p, v, memory_order_release);
}
/** Installs desired if *p is still expected; returns what *p holds afterwards. */
static inline void *n3o_cas_ptr(void **p, void *expected, void *desired) {
    void *e = expected;
    if (atomic_compare_exchange_strong_explicit((void *_Atomic *)p, &e, desired,
                                                memory_order_acq_rel, memory_order_acquire))
        return desired;
    return e;
}
/** Adds to a double stored as its bits, with a compare-and-swap loop. */
static inline void n3o_add_f64(uint64_t *p, double v) {
    _Atomic uint64_t *a = (_Atomic uint64_t *)p;
    uint64_t old = atomic_load_explicit(a, memory_order_relaxed);
    for (;;) {
        double d;
        memcpy(&d, &old, sizeof d);
        d += v;
        uint64_t next;
        memcpy(&next, &d, sizeof next);
        if (atomic_compare_exchange_weak_explicit(a, &old, next, memory_order_relaxed,
                                                  memory_order_relaxed))
            return;
    }
}
static inline double n3o_load_f64(const uint64_t *p) {
    uint64_t bits = n3o_load_u64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}
static inline void n3o_store_f64(uint64_t *p, double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    n3o_store_u64(p, bits);
}

/* ---- single writers ------------------------------------------------------------------
 * A cell's base is written by one thread only, its owner: the first thread that records
 * into it. The owner updates it with a plain relaxed load, add and store (no lock prefix,
 * no cache-line ping-pong), and readers see whole 8-byte values. Other threads write to
 * lanes of their own (counters) or to a shared atomic shard (histograms). As with
 * prometheus-cpp and client_golang, recording is not async-signal-safe: a signal handler
 * that records into a series its thread is recording into may lose that one update. */

#define N3O_UNCLAIMED 0xFFFFFFFFu
/* The owner word once a second thread has recorded: nobody writes the base any more, so
 * the cache line that holds the tag stays read-only and shared among the writers' cores. */
#define N3O_RETIRED 0xFFFFFFFEu

/* The calling thread's id (0 until assigned, then 1, 2, ... for the life of the thread)
 * and the byte offset of its counter lane, (id % N3O_LANES) * sizeof(n3o_lane). One
 * struct, so both are read from one thread-local base; initial-exec keeps each access one
 * %fs-relative load even in a shared object. The lane offset spares the record path the
 * arithmetic that finds a thread's lane. */
typedef struct n3o_thread_word {
    uint32_t id;
    uint32_t lane_offset;
} n3o_thread_word;
extern __thread n3o_thread_word n3o_thread __attribute__((tls_model("initial-exec")));
uint32_t n3o_assign_thread_id(void);

static inline uint32_t n3o_current_thread_id(void) {
    uint32_t id = n3o_thread.id;
    if (__builtin_expect(id == 0, 0)) id = n3o_assign_thread_id();
    return id;
}

N3O_HOT uint32_t n3o_load_relaxed_u32(const uint32_t *p) {
    return atomic_load_explicit((const _Atomic uint32_t *)p, memory_order_relaxed);
}
/** True if `me` owns the owner word, claiming it first if it is unclaimed. Reads before it
 *  writes: a compare-and-swap, even a failing one, takes the cache line exclusive, and
 *  this runs on every record of a thread that does not own the base. */
static inline int n3o_claim(uint32_t *owner, uint32_t me) {
    uint32_t seen = n3o_load_relaxed_u32(owner);
    if (seen != N3O_UNCLAIMED) return seen == me;
    return atomic_compare_exchange_strong_explicit((_Atomic uint32_t *)owner, &seen, me,
                                                   memory_order_relaxed, memory_order_relaxed) ||
           seen == me;
}
/** The single writer's update: no lock prefix, but never a torn value for readers. */
N3O_HOT void n3o_owner_add_u64(uint64_t *p, uint64_t v) {
    n3o_store_u64(p, n3o_load_u64(p) + v);
}
N3O_HOT void n3o_owner_add_f64(uint64_t *p, double v) {
    n3o_store_f64(p, n3o_load_f64(p) + v);
}

/* ---- counters: an integer cell, a float cell, and lanes for other threads ------------ */

/* A counter's base belongs to its first writer. When a second thread records, the counter
 * gets lanes and the base is retired (its value still counts): from then on each thread
 * claims the lane (thread id mod N3O_LANES) if it is free and writes it as its single
 * writer; a thread whose lane another thread holds adds to the lane's shared cells with
 * atomic adds. An uncontended series costs 40 bytes; one cache line per lane keeps cores
 * from fighting over a line. */
#define N3O_LANES 8
typedef struct n3o_lane {
    uint32_t owner;          /* the lane's single writer, or N3O_UNCLAIMED */
    uint32_t reserved;
    uint64_t whole;          /* written by the owner only */
    uint64_t frac_bits;      /* written by the owner only */
    uint64_t shared_whole;   /* atomic adds by threads whose lane is taken */
    uint64_t shared_frac_bits;
    char pad[24];
} n3o_lane;

typedef struct n3o_counter_cell {
    uint32_t tag;            /* N3O_TAG_COUNTER; checked before every record */
    uint32_t flags;          /* N3O_CELL_OVERFLOW */
    uint32_t owner;          /* the base's single writer, or N3O_UNCLAIMED */
    uint32_t reserved;
    uint64_t whole;          /* whole increments, by the owner */
    uint64_t frac_bits;      /* the rest, as a double's bits, by the owner */
    n3o_lane *lanes;         /* n3o_no_lanes until a second thread records */
} n3o_counter_cell;

/* What a counter's lanes pointer holds until a second thread records: lanes nobody owns
 * and nobody writes (read-only memory), so the record path finds "not my lane" without
 * a NULL test, and only the slow path, which installs real lanes, tells them apart. */
extern const n3o_lane n3o_no_lanes[N3O_LANES];
static inline n3o_lane *n3o_counter_no_lanes(void) { return (n3o_lane *)n3o_no_lanes; }
static inline int n3o_counter_has_lanes(const n3o_lane *lanes) {
    return lanes != NULL && lanes != n3o_no_lanes;
}
/* The lane of the thread whose lane_offset is given. */
N3O_HOT n3o_lane *n3o_lane_at(n3o_lane *lanes, uint32_t lane_offset) {
    return (n3o_lane *)((char *)lanes + lane_offset);
}

/* Set on the overflow series' cells: records there are also counted by a self-metric. */
#define N3O_CELL_OVERFLOW 0x1u

/* Tags that say what a handle points to (a C caller can pass any pointer it likes). */
#define N3O_TAG_COUNTER 0x6e33c001u
#define N3O_TAG_GAUGE 0x6e33c002u
#define N3O_TAG_HISTOGRAM 0x6e33c003u
#define N3O_TAG_SUMMARY 0x6e33c004u
#define N3O_TAG_INFO 0x6e33c005u
/* Set in every cell's tag by n3obs_shutdown: later records fail the tag compare. */
#define N3O_TAG_SHUT_DOWN 0x80000000u

N3O_HOT uint32_t n3o_load_tag(const void *cell) {
    return atomic_load_explicit((const _Atomic uint32_t *)cell, memory_order_relaxed);
}
static inline void n3o_mark_shut_down(void *cell) {
    atomic_fetch_or_explicit((_Atomic uint32_t *)cell, N3O_TAG_SHUT_DOWN, memory_order_relaxed);
}

/* Every cell starts with these fields, so a handle's type can be checked before use.
 * The series' record sits just before the cell in memory (see SeriesRecord.swift). */
typedef struct n3o_cell_header {
    uint32_t tag;
    uint32_t flags;
} n3o_cell_header;

/* What a C caller holds for a family: a tag, then the unretained MetricFamily. */
typedef struct n3o_family_handle {
    uint32_t tag;
    uint32_t flags;
    void *family;
} n3o_family_handle;

typedef struct n3o_gauge_cell {
    uint32_t tag;
    uint32_t flags;
    uint64_t bits;           /* the value, as a double's bits */
} n3o_gauge_cell;

/* A histogram's base counts and sum belong to its first writer (plain updates). When a
 * second thread records, every thread moves to one shared shard of atomic counts in a
 * line of its own, and the base is retired (its counts still count). */
typedef struct n3o_histogram_shard {
    uint64_t sum_bits;
    uint64_t counts[];       /* bound_count + 1 */
} n3o_histogram_shard;

typedef struct n3o_histogram_cell {
    uint32_t tag;
    uint32_t flags;
    uint32_t bound_count;    /* finite bounds; counts has bound_count + 1 entries */
    uint32_t owner;          /* the base's single writer, or N3O_UNCLAIMED */
    const double *bounds;    /* the family's, shared by its series */
    uint64_t *counts;        /* per bucket, not cumulative; the last is +Inf (owner only) */
    uint64_t sum_bits;       /* owner only */
    n3o_histogram_shard *shared; /* atomic counts of other threads; NULL until needed */
    void *exemplars;         /* filled by tracing; NULL until then */
} n3o_histogram_cell;

typedef struct n3o_summary_cell {
    uint32_t tag;
    uint32_t flags;
    void *sketch;            /* an unretained WindowedQuantileSketch */
    uint64_t count;          /* cumulative, as Prometheus wants _count and _sum */
    uint64_t sum_bits;
} n3o_summary_cell;

/** Adds for a thread that does not own the base (out of line: the owner's path stays
 *  short). Claims the base if nobody has yet. */
void n3o_counter_add_other(n3o_counter_cell *cell, uint64_t whole, double frac);

/** Adds whole (exact) plus frac (>= 0, may be 0). */
N3O_HOT void n3o_counter_add_parts(n3o_counter_cell *cell, uint64_t whole, double frac) {
    uint32_t me = n3o_thread.id;
    uint64_t *whole_cell = &cell->whole, *frac_cell = &cell->frac_bits;
    if (__builtin_expect(n3o_load_relaxed_u32(&cell->owner) != me, 0)) {
        /* Not the base's writer: its own lane when it holds one, else the slow path. */
        n3o_lane *lanes = (n3o_lane *)n3o_load_ptr((void *const *)&cell->lanes);
        n3o_lane *lane = n3o_lane_at(lanes, n3o_thread.lane_offset);
        if (n3o_load_relaxed_u32(&lane->owner) != me) {
            n3o_counter_add_other(cell, whole, frac);
            return;
        }
        whole_cell = &lane->whole;
        frac_cell = &lane->frac_bits;
    }
    n3o_owner_add_u64(whole_cell, whole);
    if (__builtin_expect(frac != 0.0, 0)) n3o_owner_add_f64(frac_cell, frac);
}

N3O_HOT void n3o_counter_add_whole(n3o_counter_cell *cell, uint64_t n) {
    n3o_counter_add_parts(cell, n, 0.0);
}

/** v is finite and >= 0. As client_golang does, whole amounts go to the integer cell,
 *  exactly; trunc(v) and v - trunc(v) are both exact for v < 2^63 (larger amounts go to
 *  the float cell whole). */
N3O_HOT void n3o_counter_add(n3o_counter_cell *cell, double v) {
    uint64_t whole = 0;
    double frac = v;
    if (__builtin_expect(v < 9223372036854775808.0, 1)) {
        int64_t w = (int64_t)v;
        whole = (uint64_t)w;
        frac = v - (double)w;
    }
    n3o_counter_add_parts(cell, whole, frac);
}

/** The counter's value: every cell summed. */
static inline double n3o_counter_value(const n3o_counter_cell *cell) {
    uint64_t whole = n3o_load_u64(&cell->whole);
    double frac = n3o_load_f64(&cell->frac_bits);
    const n3o_lane *lanes = (const n3o_lane *)n3o_load_ptr((void *const *)&cell->lanes);
    if (n3o_counter_has_lanes(lanes)) {
        for (int i = 0; i < N3O_LANES; i++) {
            whole += n3o_load_u64(&lanes[i].whole) + n3o_load_u64(&lanes[i].shared_whole);
            frac += n3o_load_f64(&lanes[i].frac_bits) + n3o_load_f64(&lanes[i].shared_frac_bits);
        }
    }
    return (double)whole + frac;
}

/* ---- histograms -------------------------------------------------------------------- */

static inline uint64_t n3o_histogram_shard_count(const n3o_histogram_shard *shard, uint32_t i) {
    return n3o_load_u64(&shard->counts[i]);
}
/** The other threads' shard, or NULL while only the owner has recorded. */
static inline n3o_histogram_shard *n3o_histogram_shared(const n3o_histogram_cell *cell) {
    return (n3o_histogram_shard *)n3o_load_ptr((void *const *)&cell->shared);
}

/** Records bucket i for a thread that does not own the base (out of line). */
void n3o_histogram_observe_other(n3o_histogram_cell *cell, uint32_t i, double v);

/* A histogram's bounds array holds a multiple of this many doubles, the tail padded with
 * +Inf (MetricFamily allocates it so). */
#define N3O_BOUNDS_PAD 4

/** The bucket of v (not NaN): the first bound >= v, or bound_count for +Inf. */
N3O_HOT uint32_t n3o_histogram_bucket(const n3o_histogram_cell *cell, double v) {
    const double *bounds = cell->bounds;
    uint32_t n = cell->bound_count;
    if (__builtin_expect(n <= 16, 1)) {
        /* The bounds are sorted, so the bounds below v are a prefix: count them without a
         * branch on the value (an early-exit loop mispredicts once per observation), in
         * whole groups of N3O_BOUNDS_PAD so the compiler needs no scalar remainder. */
        uint32_t groups = (n + N3O_BOUNDS_PAD - 1) / N3O_BOUNDS_PAD, i = 0;
        for (uint32_t g = 0; g < groups; g++)
            for (uint32_t k = 0; k < N3O_BOUNDS_PAD; k++) i += v > bounds[g * N3O_BOUNDS_PAD + k];
        return i;
    }
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (bounds[mid] < v) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/** Records v; returns the index of its bucket (for exemplars). */
N3O_HOT uint32_t n3o_histogram_observe(n3o_histogram_cell *cell, double v) {
    uint32_t i = n3o_histogram_bucket(cell, v);
    if (__builtin_expect(n3o_load_relaxed_u32(&cell->owner) == n3o_thread.id, 1)) {
        n3o_owner_add_u64(&cell->counts[i], 1);
        n3o_owner_add_f64(&cell->sum_bits, v);
        return i;
    }
    n3o_histogram_observe_other(cell, i, v);
    return i;
}

/* ---- tracing: per-thread state, ids, span slots, exemplars ------------------------- */

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

/* Span slots, the span record format and the sampler have headers of their own
 * (n3o_span_slots.h, n3o_span_record.h, n3o_sampler.h). */
#include "n3o_span_record.h"
#include "n3o_sampler.h"

static inline uint32_t n3o_load_u32(const uint32_t *p) {
    return atomic_load_explicit((const _Atomic uint32_t *)p, memory_order_acquire);
}
static inline void n3o_store_u32(uint32_t *p, uint32_t v) {
    atomic_store_explicit((_Atomic uint32_t *)p, v, memory_order_release);
}
static inline void n3o_spin_lock(uint32_t *p) {
    _Atomic uint32_t *a = (_Atomic uint32_t *)p;
    for (unsigned spins = 0;; spins++) {
        if (atomic_load_explicit(a, memory_order_relaxed) == 0 &&
            atomic_exchange_explicit(a, 1, memory_order_acquire) == 0)
            return;
        if (spins > 64) n3o_yield(); else __builtin_ia32_pause();
    }
}
static inline void n3o_spin_unlock(uint32_t *p) {
    atomic_store_explicit((_Atomic uint32_t *)p, 0, memory_order_release);
}
/** Treiber stack head {tag:32, index+1:32}: the tag defeats ABA. */
static inline int n3o_cas_strong_u64(uint64_t *p, uint64_t expected, uint64_t desired) {
    return atomic_compare_exchange_strong_explicit((_Atomic uint64_t *)p, &expected, desired,
                                                   memory_order_acq_rel, memory_order_acquire);
}

/* Exemplars: one per histogram bucket, written under a per-bucket seqlock. A writer that
 * finds the bucket busy skips (the other writer's exemplar is just as recent), so
 * recording never waits; a reader retries a few times, then reports none. */
typedef struct n3o_exemplar {
    uint64_t seq;            /* odd while written; 0 = never written */
    uint64_t trace_hi, trace_lo, span_id;
    uint64_t value_bits;
    int64_t time_unix_nano;
    uint64_t pad[2];
} n3o_exemplar;

/** Stores the exemplar of bucket for the current sampled span (slow path, out of line). */
void n3o_histogram_offer_exemplar(n3o_histogram_cell *cell, uint32_t bucket, double v,
                                  const n3o_scope_entry *span);
/** Reads bucket's exemplar into out; 1 if there is one. */
int n3o_histogram_read_exemplar(const n3o_histogram_cell *cell, uint32_t bucket,
                                n3o_exemplar *out);

/** The tracer, published once by start (a retained Swift object, never released). */
extern void *n3o_tracer_word;
static inline void *n3o_tracer_get(void) { return n3o_load_ptr(&n3o_tracer_word); }
static inline void n3o_tracer_set(void *t) { n3o_store_ptr(&n3o_tracer_word, t); }

/* ---- the SDK's lifecycle state, read on every record --------------------------------- */

enum { N3O_STATE_UNINITIALIZED = 0, N3O_STATE_RUNNING = 1, N3O_STATE_SHUT_DOWN = 2 };
extern uint32_t n3o_sdk_state_word;
static inline uint32_t n3o_sdk_state(void) {
    return atomic_load_explicit((_Atomic uint32_t *)&n3o_sdk_state_word,
                                memory_order_acquire);
}
static inline void n3o_set_sdk_state(uint32_t s) {
    atomic_store_explicit((_Atomic uint32_t *)&n3o_sdk_state_word, s,
                          memory_order_release);
}

/* ---- checked record paths ------------------------------------------------------------
 * The C API's record functions in one inline piece each, so the common case is a handful
 * of predictable branches around the owner's update, with no call.
 * They return N3O_REC_OK or which check failed; the Swift @_cdecl layer turns that into a
 * status and a message. */

enum {
    N3O_REC_OK = 0,
    N3O_REC_NULL = 1,        /* the handle is NULL */
    N3O_REC_WRONG_TYPE = 2,  /* the handle is not a series of this type */
    N3O_REC_NOT_RUNNING = 3, /* before n3obs_init or after n3obs_shutdown */
    N3O_REC_BAD_VALUE = 4,   /* NaN, infinite or negative where not allowed */
};

/** Counts a record into an overflow series (out of line; rare). */
void n3o_count_overflow(void *cell);

/* No lifecycle check here: no series exists before n3obs_init, and n3obs_shutdown sets
 * N3O_TAG_SHUT_DOWN in every cell's tag, so the tag compare covers both (the failure path
 * tells a shut-down handle from a wrong one). */
#define N3O_CHECK_HANDLE(cell, want_tag)                                                   \
    if (__builtin_expect((cell) == NULL, 0)) return N3O_REC_NULL;                         \
    if (__builtin_expect(n3o_load_tag(cell) != (want_tag), 0)) return N3O_REC_WRONG_TYPE;

#define N3O_COUNT_IF_OVERFLOW(cell)                                                        \
    if (__builtin_expect(((n3o_cell_header *)(cell))->flags & N3O_CELL_OVERFLOW, 0))       \
        n3o_count_overflow(cell);

/** Negative, NaN, infinite, -0.0 or >= 2^63: the cases the fast path's one compare sends
 *  here. */
int n3o_record_counter_add_unusual(n3o_counter_cell *cell, double v);

N3O_HOT int n3o_record_counter_add(void *cell, double v) {
    N3O_CHECK_HANDLE(cell, N3O_TAG_COUNTER)
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    /* One unsigned compare admits exactly +0.0 <= v < 2^63 (sign bit clear, below 2^63). */
    if (__builtin_expect(bits >= 0x43E0000000000000ull, 0))
        return n3o_record_counter_add_unusual((n3o_counter_cell *)cell, v);
    int64_t whole = (int64_t)v; /* exact split: v < 2^63 here */
    n3o_counter_add_parts((n3o_counter_cell *)cell, (uint64_t)whole, v - (double)whole);
    N3O_COUNT_IF_OVERFLOW(cell)
    return N3O_REC_OK;
}

N3O_HOT int n3o_record_counter_inc(void *cell) {
    N3O_CHECK_HANDLE(cell, N3O_TAG_COUNTER)
    n3o_counter_add_whole((n3o_counter_cell *)cell, 1);
    N3O_COUNT_IF_OVERFLOW(cell)
    return N3O_REC_OK;
}

N3O_HOT int n3o_record_gauge_set(void *cell, double v) {
    N3O_CHECK_HANDLE(cell, N3O_TAG_GAUGE)
    n3o_store_f64(&((n3o_gauge_cell *)cell)->bits, v);
    N3O_COUNT_IF_OVERFLOW(cell)
    return N3O_REC_OK;
}

N3O_HOT int n3o_record_gauge_add(void *cell, double v) {
    N3O_CHECK_HANDLE(cell, N3O_TAG_GAUGE)
    if (__builtin_expect(!(v >= -__DBL_MAX__ && v <= __DBL_MAX__), 0)) return N3O_REC_BAD_VALUE;
    n3o_add_f64(&((n3o_gauge_cell *)cell)->bits, v);
    N3O_COUNT_IF_OVERFLOW(cell)
    return N3O_REC_OK;
}

/** Records v (not NaN), with its exemplar and overflow count: what every histogram path
 *  does once its checks have passed. */
N3O_HOT void n3o_histogram_record(n3o_histogram_cell *cell, double v) {
    uint32_t bucket = n3o_histogram_observe(cell, v);
    /* Inside a sampled span the observation becomes its bucket's exemplar; outside, this
     * is one thread-local load and a branch. */
    const n3o_scope_entry *span = n3o_exemplar_current();
    if (__builtin_expect(span != NULL, 0)) n3o_histogram_offer_exemplar(cell, bucket, v, span);
    N3O_COUNT_IF_OVERFLOW(cell)
}

N3O_HOT int n3o_record_histogram_observe(void *cell, double v) {
    N3O_CHECK_HANDLE(cell, N3O_TAG_HISTOGRAM)
    if (__builtin_expect(v != v, 0)) return N3O_REC_BAD_VALUE;
    n3o_histogram_record((n3o_histogram_cell *)cell, v);
    return N3O_REC_OK;
}

/* ---- the per-thread error message -------------------------------------------------- */

#define N3O_SHIM_ERROR_CAPACITY 1024
/** Copies msg (truncated on a UTF-8 boundary) into the calling thread's buffer. */
void n3o_error_set(const char *msg, size_t len);
/** The calling thread's message; "" when none. Never NULL. */
const char *n3o_error_get(void);

/* ---- clocks ------------------------------------------------------------------------ */

static inline int64_t n3o_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
static inline uint64_t n3o_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
/** A few milliseconds coarse, but a vDSO read without a syscall or rdtsc: cheap enough to
 *  call on every summary observation. */
static inline uint64_t n3o_monotonic_coarse_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Span start times: realtime = monotonic + an offset re-anchored at most once a second,
 * so a span costs one clock read at start and one at end (OpenTelemetry Java anchors its
 * clock per trace the same way). A clock step shows within a second. */
extern uint64_t n3o_clock_anchor[2];   /* offset (as int64), monotonic time taken */
int64_t n3o_clock_reanchor(uint64_t monotonic);
static inline int64_t n3o_realtime_at(uint64_t monotonic) {
    uint64_t at = n3o_load_u64(&n3o_clock_anchor[1]);
    if (__builtin_expect(at == 0 || monotonic - at > 1000000000u, 0))
        return n3o_clock_reanchor(monotonic);
    return (int64_t)monotonic + (int64_t)n3o_load_u64(&n3o_clock_anchor[0]);
}

/* ---- the process ------------------------------------------------------------------- */

/** Copies the path of the shared object (or executable) that contains this code into buf;
 *  0 on success, -1 if unknown or too long. */
int n3o_image_path(char *buf, size_t capacity);
/* A wakeup for one sleeping consumer (wakeup.c): the export coordinator sleeps on it and
 * ending a span pokes it when a batch is ready. */
typedef struct n3o_wakeup {
    _Atomic uint32_t sequence;   /* the futex word: moves on every wake */
    _Atomic uint32_t sleeping;   /* 1 while the consumer waits or is about to */
} n3o_wakeup;
/** The consumer is about to sleep: returns the sequence to pass to n3o_wakeup_wait.
 *  Check for work after it; if there is some, call n3o_wakeup_cancel instead of waiting. */
uint32_t n3o_wakeup_prepare(n3o_wakeup *w);
void n3o_wakeup_cancel(n3o_wakeup *w);
/** Sleeps until woken (or a wake since `seen`) or the monotonic deadline. */
void n3o_wakeup_wait(n3o_wakeup *w, uint32_t seen, uint64_t deadline_monotonic_ns);
/** Wakes the consumer (always moves the sequence: for requests such as a flush). */
void n3o_wakeup_signal(n3o_wakeup *w);
/** From the hot path: wakes the consumer only if it sleeps (one load otherwise). */
static inline void n3o_wakeup_if_sleeping(n3o_wakeup *w) {
    if (atomic_load_explicit(&w->sleeping, memory_order_relaxed)) n3o_wakeup_signal(w);
}

/* The fork gate (fork_gate.c): fork() waits until no thread runs the SDK's own code. */
/** Registers (once per process) the fork handlers, and the SDK's hook for a forked child:
 *  it runs on the first entry into the SDK in the child, never in the atfork handler. */
void n3o_register_atfork_child(void (*child)(void));
/** The calling thread starts running SDK code (nests). In a forked child, the first entry
 *  runs the child hook. */
void n3o_gate_enter(void);
/** The calling thread stops running SDK code (or steps out to wait or call a callback). */
void n3o_gate_leave(void);
/** Enters again after a condition wait, with `held` locked: if a fork is under way the
 *  mutex is released while waiting for it, so that the gate never waits with it held. */
void n3o_gate_reenter_holding(pthread_mutex_t *held);
/** Runs the child hook if this is a forked child that has not run it yet (for recording
 *  paths that do not enter the gate). */
void n3o_fork_child_fixup_if_pending(void);
/** 1 in a forked child whose child hook has not run: it has not used the SDK yet. */
int n3o_fork_child_is_pending(void);
/** 1 (once) if the last fork went ahead while a thread was still inside the SDK. */
int n3o_fork_last_was_busy(void);
/* Flushing at exit and on signals (exit_flush.c). */
/** Registers (once per process) an atexit handler that calls hook, unless this is a forked
 *  child that never used the SDK. */
void n3o_register_exit_hook(void (*hook)(void));
/** Installs (once) the SIGTERM and SIGINT handlers and the n3obs-signals thread that calls
 *  hook(1) before the signal's default action ends the process, or hook(0) beside a
 *  handler installed before (chained). 0 on success, -1 (errno) if it could not. */
int n3o_flush_signals_install(void (*hook)(int final));
/** In a forked child, starts the child's n3obs-signals thread if the parent had one. */
int n3o_flush_signals_after_fork(void);
/** After shutdown: puts the previous SIGTERM and SIGINT handlers back and joins the thread
 *  (unless called on it). */
void n3o_flush_signals_stop(void);
/** Names the calling thread (at most 15 bytes show in ps and gdb). */
void n3o_set_thread_name(const char *name);

/* ---- memory ------------------------------------------------------------------------- */

/** Zeroed, aligned memory, or NULL. Free with free(). */
void *n3o_aligned_zalloc(size_t alignment, size_t size);

#endif
