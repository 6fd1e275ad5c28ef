/*
 * The checked record paths: handle and value checks around the cell updates of
 * n3o_counter.h and n3o_histogram.h, for record.c's slow paths and Swift.
 */
#ifndef N3O_RECORD_PATHS_H
#define N3O_RECORD_PATHS_H

#include <stdint.h>
#include <string.h>

#include "n3o_counter.h"
#include "n3o_histogram.h"
#include "n3o_trace_thread.h"

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
 *  here, to be judged by n3o_counter_accepts. */
int n3o_record_counter_add_unusual(n3o_counter_cell *cell, double v);

N3O_HOT int n3o_record_counter_add(void *cell, double v) {
    N3O_CHECK_HANDLE(cell, N3O_TAG_COUNTER)
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    /* One unsigned compare admits exactly +0.0 <= v < 2^63 (sign bit clear, below 2^63):
     * accepted values that split exactly. The rest goes to n3o_counter_accepts. */
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

#endif
