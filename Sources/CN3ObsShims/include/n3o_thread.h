/*
 * Thread state of the metric cells: each thread's id and counter lane, and the single-writer
 * rule (a cell's base is written by one thread, its owner) with the owner's plain update.
 */
#ifndef N3O_THREAD_H
#define N3O_THREAD_H

#include <stdint.h>

#include "n3o_atomics.h"

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

#endif
