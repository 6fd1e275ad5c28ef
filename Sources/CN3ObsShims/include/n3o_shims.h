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

static inline void n3o_histogram_observe(n3o_histogram_cell *cell, double v) {
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

/* ---- memory ------------------------------------------------------------------------- */

/** Zeroed, aligned memory, or NULL. Free with free(). */
void *n3o_aligned_zalloc(size_t alignment, size_t size);

#endif
