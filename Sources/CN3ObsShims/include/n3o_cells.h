/*
 * The metric model: what a handle points at (a cell, tagged with its type) and the series
 * record in front of it. Swift allocates and reads these through the imported structs and
 * the sizes below, and never spells a layout number itself; the asserts at the end fail
 * the build if a layout Swift relies on changes.
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
/* Flipped in a family handle's tag, so a family passed where a series is due (or the
 * reverse) fails the tag compare. */
#define N3O_TAG_FAMILY_BIT 0x00010000u

N3O_HOT uint32_t n3o_load_tag(const void *cell) {
    return atomic_load_explicit((const _Atomic uint32_t *)cell, memory_order_relaxed);
}
static inline void n3o_mark_shut_down(void *cell) {
    atomic_fetch_or_explicit((_Atomic uint32_t *)cell, N3O_TAG_SHUT_DOWN, memory_order_relaxed);
}

/* Every cell starts with these fields, so a handle's type can be checked before use.
 * The series' record sits just before the cell in memory (n3o_series_record below). */
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

/** The bytes of a series' cell (label bytes not included): for a histogram, its
 *  bound_count + 1 counts follow the cell (n3o_histogram_inline_counts). */
static inline size_t n3o_cell_size(uint32_t tag, uint32_t bound_count) {
    size_t n;
    switch (tag) {
    case N3O_TAG_COUNTER: n = sizeof(n3o_counter_cell); break;
    case N3O_TAG_GAUGE: n = sizeof(n3o_gauge_cell); break;
    case N3O_TAG_HISTOGRAM:
        n = sizeof(n3o_histogram_cell) + ((size_t)bound_count + 1) * sizeof(uint64_t);
        break;
    case N3O_TAG_SUMMARY: n = sizeof(n3o_summary_cell); break;
    default: n = sizeof(n3o_cell_header); break;   /* info: labels only */
    }
    return (n + 7) & ~(size_t)7;
}
/** Where a histogram cell's counts live: right after the cell. */
static inline uint64_t *n3o_histogram_inline_counts(n3o_histogram_cell *cell) {
    return (uint64_t *)(cell + 1);
}

/* ---- the series record: in front of every cell --------------------------------------
 * One allocation per series, kept until the process exits:
 *
 *     [n3o_series_record][cell][label bytes: each value NUL-terminated, back to back]
 *
 * A handle points at the cell; the record is sizeof(n3o_series_record) bytes before it
 * and the label bytes n3o_cell_size bytes after it, so nothing needs a stored pointer and
 * a three-label counter series stays near 100 bytes. Swift calls it SeriesRecord. */
typedef struct n3o_series_record {
    uint64_t hash;               /* of the label values, NULs included (LabelKey) */
    void *family;                /* the unretained MetricFamily */
    int64_t created_unix_nano;
    uint32_t label_bytes_count;  /* the label bytes, every NUL included */
    uint8_t is_overflow;         /* 1 on the family's overflow series */
} n3o_series_record;

/* ---- what Swift and the record paths rely on ---------------------------------------- */

/* Every cell and family handle starts with n3o_cell_header (n3o_load_tag reads the tag at
 * the handle itself) and needs no more than the 8-byte alignment the series record leaves
 * it in calloc'd memory. */
#define N3O_ASSERT_CELL(type)                                                              \
    _Static_assert(offsetof(type, tag) == offsetof(n3o_cell_header, tag) &&               \
                       offsetof(type, flags) == offsetof(n3o_cell_header, flags),         \
                   #type " starts with the cell header");                                 \
    _Static_assert(alignof(type) <= 8, #type " fits the record's 8-byte alignment")
N3O_ASSERT_CELL(n3o_counter_cell);
N3O_ASSERT_CELL(n3o_gauge_cell);
N3O_ASSERT_CELL(n3o_histogram_cell);
N3O_ASSERT_CELL(n3o_summary_cell);
N3O_ASSERT_CELL(n3o_family_handle);
#undef N3O_ASSERT_CELL
_Static_assert(offsetof(n3o_cell_header, tag) == 0 && sizeof(n3o_cell_header) == 8,
               "a handle's first 4 bytes are its tag");
_Static_assert(sizeof(n3o_series_record) == 32, "the series record is 32 bytes");
_Static_assert(sizeof(n3o_series_record) % 8 == 0 && alignof(n3o_series_record) <= 16,
               "the cell after the record is 8-aligned in malloc'd memory");
_Static_assert(sizeof(n3o_histogram_cell) % alignof(uint64_t) == 0,
               "a histogram's inline counts are aligned");
_Static_assert(sizeof(n3o_counter_cell) == 40, "an uncontended counter series costs 40 bytes");
_Static_assert(sizeof(n3o_lane) == 64, "one lane a cache line");

#endif
