/*
 * Recording into a counter cell (n3o_cells.h): the owner's add, the lanes of other threads,
 * the value summed over all of them, and the one rule for what a counter accepts.
 */
#ifndef N3O_COUNTER_H
#define N3O_COUNTER_H

#include <stdint.h>

#include "n3o_cells.h"
#include "n3o_thread.h"

/** The one rule for a counter amount, which every record path applies: finite and not
 *  negative (-0.0 is accepted and adds nothing). A counter never goes down. */
static inline int n3o_counter_accepts(double v) { return v >= 0.0 && v <= __DBL_MAX__; }

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

/** v passes n3o_counter_accepts. As client_golang does, whole amounts go to the integer cell,
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

#endif
