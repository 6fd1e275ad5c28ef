/*
 * Internal to libn3obs.so: C11 atomics on raw memory, the per-thread stripe index and
 * error buffer, and clocks. Swift imports these; the static inline ones are compiled into
 * the caller, so the hot path stays one atomic instruction plus a few loads.
 *
 * Nothing here is published: the linker version script hides every symbol not named
 * n3obs_*, and these are named n3o_* only to stay clear of user code.
 */
#ifndef N3OBS_SHIMS_H
#define N3OBS_SHIMS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <sched.h>

static inline void n3o_yield(void) { sched_yield(); }

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

/* ---- counters: an integer cell, a float cell, and stripes once threads contend -------- */

/* One cache line per stripe so that two cores adding to one counter do not fight over a
 * line. A counter gets its stripes only after a compare-and-swap on its base cell fails,
 * i.e. once two threads have really collided (Java's LongAdder does the same), so an
 * uncontended series costs 32 bytes, not N3O_STRIPES cache lines. */
#define N3O_STRIPES 8
typedef struct n3o_stripe {
    uint64_t whole;
    uint64_t frac_bits;
    char pad[48];
} n3o_stripe;

typedef struct n3o_counter_cell {
    uint32_t tag;            /* N3O_TAG_COUNTER; checked before every record */
    uint32_t flags;          /* N3O_CELL_OVERFLOW */
    void *series;            /* the SeriesRecord this cell belongs to */
    uint64_t whole;          /* whole increments */
    uint64_t frac_bits;      /* the rest, as a double's bits */
    n3o_stripe *stripes;   /* NULL until contention, then N3O_STRIPES aligned lines */
} n3o_counter_cell;

/* Set on the overflow series' cells: records there are also counted by a self-metric. */
#define N3O_CELL_OVERFLOW 0x1u

/* Tags that say what a handle points to (a C caller can pass any pointer it likes). */
#define N3O_TAG_COUNTER 0x6e33c001u
#define N3O_TAG_GAUGE 0x6e33c002u
#define N3O_TAG_HISTOGRAM 0x6e33c003u
#define N3O_TAG_SUMMARY 0x6e33c004u
#define N3O_TAG_INFO 0x6e33c005u

/* Every cell starts with these fields, so a handle's type can be checked before use. */
typedef struct n3o_cell_header {
    uint32_t tag;
    uint32_t flags;
    void *series;
} n3o_cell_header;

typedef struct n3o_gauge_cell {
    uint32_t tag;
    uint32_t flags;
    void *series;
    uint64_t bits;           /* the value, as a double's bits */
} n3o_gauge_cell;

typedef struct n3o_histogram_cell {
    uint32_t tag;
    uint32_t bound_count;    /* finite bounds; counts has bound_count + 1 entries */
    void *series;
    const double *bounds;    /* the family's, shared by its series */
    uint64_t *counts;        /* per bucket, not cumulative; the last is +Inf */
    uint64_t sum_bits;
    void *exemplars;         /* filled by tracing; NULL until then */
} n3o_histogram_cell;

typedef struct n3o_summary_cell {
    uint32_t tag;
    uint32_t flags;
    void *series;
    void *sketch;            /* an unretained WindowedQuantileSketch */
    uint64_t count;          /* cumulative, as Prometheus wants _count and _sum */
    uint64_t sum_bits;
} n3o_summary_cell;

/** Records v; returns the index of its bucket (for exemplars). */
static inline uint32_t n3o_histogram_observe(n3o_histogram_cell *cell, double v) {
    const double *bounds = cell->bounds;
    uint32_t n = cell->bound_count, i;
    if (n <= 16) {
        for (i = 0; i < n && v > bounds[i]; i++) {}
    } else {
        uint32_t lo = 0, hi = n; /* first bound >= v */
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (bounds[mid] < v) lo = mid + 1; else hi = mid;
        }
        i = lo;
    }
    n3o_add_u64(&cell->counts[i], 1);
    n3o_add_f64(&cell->sum_bits, v);
    return i;
}

/* The stripe of the calling thread, fixed for its life. initial-exec keeps the access a
 * single %fs-relative load even in a shared object (glibc reserves static TLS for it). */
extern __thread uint32_t n3o_thread_stripe
    __attribute__((tls_model("initial-exec")));
uint32_t n3o_assign_stripe(void);

static inline uint32_t n3o_stripe_index(void) {
    uint32_t s = n3o_thread_stripe;
    if (__builtin_expect(s == 0, 0)) s = n3o_assign_stripe();
    return (s - 1) & (N3O_STRIPES - 1);
}

/** Allocates zeroed stripes and installs them unless another thread won; returns the
 *  stripes in place, or NULL if memory ran out (the caller then adds to the base). */
n3o_stripe *n3o_install_stripes(n3o_counter_cell *cell);

static inline void n3o_counter_add_whole(n3o_counter_cell *cell, uint64_t n) {
    n3o_stripe *st = (n3o_stripe *)n3o_load_ptr((void *const *)&cell->stripes);
    if (__builtin_expect(st == NULL, 1)) {
        _Atomic uint64_t *base = (_Atomic uint64_t *)&cell->whole;
        uint64_t old = atomic_load_explicit(base, memory_order_relaxed);
        if (__builtin_expect(atomic_compare_exchange_strong_explicit(
                                 base, &old, old + n, memory_order_relaxed,
                                 memory_order_relaxed), 1))
            return;
        st = n3o_install_stripes(cell);
        if (st == NULL) {
            n3o_add_u64(&cell->whole, n);
            return;
        }
    }
    n3o_add_u64(&st[n3o_stripe_index()].whole, n);
}

static inline void n3o_counter_add(n3o_counter_cell *cell, double v) {
    /* client_golang: whole increments go to the integer cell, exactly. */
    if (v < 18446744073709551616.0) {
        uint64_t whole = (uint64_t)v;
        if ((double)whole == v) {
            n3o_counter_add_whole(cell, whole);
            return;
        }
    }
    n3o_stripe *st = (n3o_stripe *)n3o_load_ptr((void *const *)&cell->stripes);
    if (st != NULL)
        n3o_add_f64(&st[n3o_stripe_index()].frac_bits, v);
    else
        n3o_add_f64(&cell->frac_bits, v);
}

/** The counter's value: every cell summed. */
static inline double n3o_counter_value(const n3o_counter_cell *cell) {
    uint64_t whole = n3o_load_u64(&cell->whole);
    double frac = n3o_load_f64(&cell->frac_bits);
    const n3o_stripe *st =
        (const n3o_stripe *)n3o_load_ptr((void *const *)&cell->stripes);
    if (st != NULL) {
        for (int i = 0; i < N3O_STRIPES; i++) {
            whole += n3o_load_u64(&st[i].whole);
            frac += n3o_load_f64(&st[i].frac_bits);
        }
    }
    return (double)whole + frac;
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
static inline const n3o_scope_entry *n3o_exemplar_current(void) { return n3o_exemplar_tls; }
static inline void n3o_set_exemplar_current(const n3o_scope_entry *e) { n3o_exemplar_tls = e; }

static inline uint64_t n3o_rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
/** xoshiro256++: fast, and seeded from getrandom() per thread (reseeded after fork). */
static inline uint64_t n3o_trace_rand(n3o_trace_thread *t) {
    if (__builtin_expect(t->fork_epoch != atomic_load_explicit(
            (_Atomic uint32_t *)&n3o_fork_epoch_word, memory_order_relaxed), 0))
        n3o_trace_reseed(t);
    uint64_t *s = t->rng;
    uint64_t r = n3o_rotl64(s[0] + s[3], 23) + s[0];
    uint64_t x = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= x; s[3] = n3o_rotl64(s[3], 45);
    return r;
}
/** Makes room for one more scope entry; 0 if memory ran out. Keeps n3o_exemplar_tls
 *  pointing into the (possibly moved) stack. */
int n3o_scope_reserve(n3o_trace_thread *t);

/* Span slots: a handle is (generation << 32) | (index + 1); the generation is odd while
 * the span lives. The lock serializes calls on one span (held for a copy, never while
 * calling out). */
typedef struct n3o_span_slot {
    uint32_t lock;
    uint32_t generation;
    uint32_t next_free;      /* index + 1 of the next free slot; 0 ends the list */
    uint32_t flags;          /* W3C trace flags */
    uint64_t trace_hi, trace_lo, span_id;
    void *record;            /* the SpanRecord of a sampled span, else NULL */
    char *tracestate;        /* an unsampled span's tracestate (malloc'd), or NULL */
    uint64_t pad;
} n3o_span_slot;

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

/* ---- memory ------------------------------------------------------------------------- */

/** Zeroed, aligned memory, or NULL. Free with free(). */
void *n3o_aligned_zalloc(size_t alignment, size_t size);

#endif
