/*
 * The metric model: what a handle points at (a cell, tagged with its type).
 */
#ifndef N3O_CELLS_H
#define N3O_CELLS_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "n3o_atomics.h"

/* ---- cells: one per series, each starting with its tag and flags ------------------- */

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

#endif
