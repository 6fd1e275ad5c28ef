/*
 * Clocks: realtime, monotonic (fine and coarse), and span times anchored to both.
 */
#ifndef N3O_CLOCK_H
#define N3O_CLOCK_H

#include <stdint.h>
#include <time.h>

#include "n3o_atomics.h"

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

#endif
