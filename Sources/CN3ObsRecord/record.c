/*
 * The published record functions on bound series, defined in C rather than as Swift
 * @_cdecl functions.
 *
 * Why C: Swift emits a @_cdecl function as a [thunk] around the Swift body, and IRGen
 * marks every call inside a thunk `noinline` at the call site. Once the SIL optimizer has
 * inlined the body into the thunk, the call to the always_inline C fast path
 * (n3o_record_*) keeps that `noinline`, which wins over the callee's alwaysinline: the C
 * symbol users bind to called an out-of-line copy and paid a second call and a stack frame.
 *
 * Shape: each function is a leaf on its fast path (checks, the owner's plain update,
 * return 0). Anything unusual (NULL, a wrong or shut-down handle, a value the one compare
 * does not admit, a thread that is not the cell's writer, an overflow series, a current
 * sampled span) jumps with a tail call, arguments untouched, to an out-of-line function
 * that does the whole checked record and reports failures. So no register must survive a
 * call and no frame is built on the fast path, and the fast path changes nothing before it
 * has decided to finish the job itself.
 */
/* The published prototypes, so the compiler checks these definitions against them (and
 * N3OBS_API gives them default visibility). */
#include "n3obs.h"
#include "n3o_record.h"
#include "n3o_shims.h"

#define N3O_SLOW static __attribute__((noinline, cold))
#define N3O_STATUS_OK N3OBS_OK

/* Turns an N3O_REC_* failure into a status and a per-thread message. Defined in Swift
 * (Sources/N3ObsC/Series.swift) with @_cdecl; hidden by the version script. */
int n3o_record_failed(int32_t function, int32_t code, void *cell, double value);

/* The cell's tag and flags are exactly `want`: right type, not shut down, no overflow
 * self-metric to count. One branch for all three. */
N3O_HOT int n3o_plain_cell(const void *cell, uint32_t want) {
    return ((n3o_load_tag(cell) ^ want) | ((const n3o_cell_header *)cell)->flags) == 0;
}

/* ---- counters ----------------------------------------------------------------------- */

#if defined(__x86_64__)
#include <emmintrin.h>
/* v truncated toward zero; INT64_MIN for NaN and anything out of range (cvttsd2si
 * defines that, where a C cast would be undefined), so one sign test covers them. */
N3O_HOT int64_t n3o_trunc_i64(double v) { return _mm_cvttsd_si64(_mm_set_sd(v)); }
#else
N3O_HOT int64_t n3o_trunc_i64(double v) {
    return v >= 0.0 && v < 9223372036854775808.0 ? (int64_t)v : INT64_MIN;
}
#endif

N3O_SLOW int counter_add_slow(void *cell, double v) {
    int code = n3o_record_counter_add(cell, v);
    if (__builtin_expect(code == N3O_REC_OK, 1)) return N3O_STATUS_OK;
    return n3o_record_failed(N3O_FN_COUNTER_ADD, code, cell, v);
}

/* Adds n to the cell this thread writes as its single writer: the base if it owns it,
 * else its own lane. Returns 0 when it must take the slow path instead (first record, a
 * lane held by another thread, no lanes yet), having changed nothing. Each branch does its
 * own add, so the lane path (every thread once a second one has recorded) needs no join. */
N3O_HOT int n3o_counter_own_add(n3o_counter_cell *cell, uint64_t n) {
    uint32_t me = n3o_thread.id;
    if (__builtin_expect(n3o_load_relaxed_u32(&cell->owner) == me, 1)) {
        n3o_owner_add_u64(&cell->whole, n);
        return 1;
    }
    /* Until lanes exist, cell->lanes is n3o_no_lanes, whose owners match no thread. */
    n3o_lane *lanes = (n3o_lane *)n3o_load_ptr((void *const *)&cell->lanes);
    n3o_lane *lane = n3o_lane_at(lanes, n3o_thread.lane_offset);
    if (n3o_load_relaxed_u32(&lane->owner) != me) return 0;
    n3o_owner_add_u64(&lane->whole, n);
    return 1;
}

int n3obs_counter_add(n3obs_counter_series *series, double v) {
    n3o_counter_cell *cell = (n3o_counter_cell *)series;
    if (__builtin_expect(cell == NULL || !n3o_plain_cell(cell, N3O_TAG_COUNTER), 0))
        return counter_add_slow(cell, v);
    /* Only whole amounts 0 <= v < 2^63 here; a fraction's float cell, negative, NaN and
     * huge values are the slow path's business. */
    int64_t whole = n3o_trunc_i64(v);
    if (__builtin_expect(whole < 0 || (double)whole != v, 0)) return counter_add_slow(cell, v);
    if (__builtin_expect(!n3o_counter_own_add(cell, (uint64_t)whole), 0)) return counter_add_slow(cell, v);
    return N3O_STATUS_OK;
}

N3O_SLOW int counter_inc_slow(void *cell) {
    int code = n3o_record_counter_inc(cell);
    if (__builtin_expect(code == N3O_REC_OK, 1)) return N3O_STATUS_OK;
    return n3o_record_failed(N3O_FN_COUNTER_INC, code, cell, 1.0);
}

int n3obs_counter_inc(n3obs_counter_series *series) {
    n3o_counter_cell *cell = (n3o_counter_cell *)series;
    if (__builtin_expect(cell == NULL || !n3o_plain_cell(cell, N3O_TAG_COUNTER), 0))
        return counter_inc_slow(cell);
    if (__builtin_expect(!n3o_counter_own_add(cell, 1), 0)) return counter_inc_slow(cell);
    return N3O_STATUS_OK;
}

/* ---- gauges ------------------------------------------------------------------------- */

N3O_SLOW int gauge_set_slow(void *cell, double v) {
    int code = n3o_record_gauge_set(cell, v);
    if (__builtin_expect(code == N3O_REC_OK, 1)) return N3O_STATUS_OK;
    return n3o_record_failed(N3O_FN_GAUGE_SET, code, cell, v);
}

int n3obs_gauge_set(n3obs_gauge_series *series, double v) {
    n3o_gauge_cell *cell = (n3o_gauge_cell *)series;
    if (__builtin_expect(cell == NULL || !n3o_plain_cell(cell, N3O_TAG_GAUGE), 0))
        return gauge_set_slow(cell, v);
    n3o_store_f64(&cell->bits, v);
    return N3O_STATUS_OK;
}

N3O_SLOW int gauge_add_slow(void *cell, double v) {
    int code = n3o_record_gauge_add(cell, v);
    if (__builtin_expect(code == N3O_REC_OK, 1)) return N3O_STATUS_OK;
    return n3o_record_failed(N3O_FN_GAUGE_ADD, code, cell, v);
}

int n3obs_gauge_add(n3obs_gauge_series *series, double delta) {
    n3o_gauge_cell *cell = (n3o_gauge_cell *)series;
    if (__builtin_expect(cell == NULL || !n3o_plain_cell(cell, N3O_TAG_GAUGE), 0))
        return gauge_add_slow(cell, delta);
    if (__builtin_expect(!(delta >= -__DBL_MAX__ && delta <= __DBL_MAX__), 0))
        return gauge_add_slow(cell, delta);
    n3o_add_f64(&cell->bits, delta);
    return N3O_STATUS_OK;
}

/* ---- histograms --------------------------------------------------------------------- */

N3O_SLOW int histogram_observe_slow(void *cell, double v) {
    int code = n3o_record_histogram_observe(cell, v);
    if (__builtin_expect(code == N3O_REC_OK, 1)) return N3O_STATUS_OK;
    return n3o_record_failed(N3O_FN_HISTOGRAM_OBSERVE, code, cell, v);
}

int n3obs_histogram_observe(n3obs_histogram_series *series, double v) {
    n3o_histogram_cell *cell = (n3o_histogram_cell *)series;
    if (__builtin_expect(cell == NULL || !n3o_plain_cell(cell, N3O_TAG_HISTOGRAM), 0))
        return histogram_observe_slow(cell, v);
    /* NaN, a thread that is not the base's writer, or a current sampled span (which
     * makes the observation an exemplar): the slow path. */
    if (__builtin_expect((v != v) | (n3o_load_relaxed_u32(&cell->owner) != n3o_thread.id) |
                             (n3o_exemplar_current() != NULL), 0))
        return histogram_observe_slow(cell, v);
    uint32_t i = n3o_histogram_bucket(cell, v);
    n3o_owner_add_u64(&cell->counts[i], 1);
    n3o_owner_add_f64(&cell->sum_bits, v);
    return N3O_STATUS_OK;
}
