/*
 * Recording into a histogram cell (n3o_cells.h): the bucket search, the owner's update, the
 * shared shard of other threads, and the per-bucket exemplar storage.
 */
#ifndef N3O_HISTOGRAM_H
#define N3O_HISTOGRAM_H

#include <stdint.h>

#include "n3o_cells.h"
#include "n3o_thread.h"

/* The span an exemplar is taken from (n3o_trace_thread.h). */
typedef struct n3o_scope_entry n3o_scope_entry;

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

#endif
