/*
 * The bounded queue between ending threads and the exporter, for C (span_end.c) and Swift
 * (SpanQueue.swift): Dmitry Vyukov's bounded queue, lock-free for the producers (any
 * thread ending a span) and with one consumer at a time (drains are serialized by the
 * tracer). A full queue refuses the span at once, so the ending thread never waits; the
 * drop is counted.
 *
 * Each cell holds a sequence number and a record pointer; the sequence says whose turn
 * the cell is: a producer's at position pos when it is 2 * pos, the consumer's when it is
 * 2 * pos + 1 (Vyukov's pos / pos + 1 cannot tell a full one-cell queue from an empty
 * one; doubling can). A cell stores its sequence less twice its index, so that zeroed
 * memory is an empty queue: a large queue costs memory only as far as it fills.
 *
 * Bounded twice: by spans (capacity) and by the bytes of the records queued (max_bytes,
 * 0 for no byte bound; records are at least N3O_RECORD_BLOCK bytes), so a burst of large spans cannot take the process' memory. Every
 * wake_mask + 1-th span pokes the consumer's wakeup if it sleeps: one load on the ending
 * thread, a futex call only when the consumer is asleep.
 */
#ifndef N3O_SPAN_QUEUE_H
#define N3O_SPAN_QUEUE_H

#include <stdint.h>

#include "n3o_shims.h"

/* Allocated 64-aligned; one cache line for what never changes, one per party after it. */
typedef struct n3o_span_queue {
    uint64_t capacity;
    uint64_t index_mask;     /* capacity - 1 when a power of two, else 0 (then pos % capacity) */
    uint64_t max_bytes;
    uint64_t wake_mask;
    uint64_t *cells;         /* [seq, pointer] per cell */
    uint64_t pad0[3];
    uint64_t enqueue_pos;    /* the producers' */
    uint64_t extra_in;       /* bytes past N3O_RECORD_BLOCK of the records pushed (grown ones) */
    uint64_t pad1[6];
    uint64_t dequeue_pos;    /* the consumer's, written on every pop */
    uint64_t pad2[7];
    /* Taken out, published once per batch (n3o_span_queue_released): a line of their own,
     * so that the producers reading them on every push do not miss on every pop. */
    uint64_t spans_out, extra_out;
    uint64_t pad3[6];
    uint64_t dropped;
    uint64_t pad4[7];
    n3o_wakeup wakeup;       /* the export coordinator sleeps on it */
    uint32_t pad5[14];
} n3o_span_queue;
_Static_assert(offsetof(n3o_span_queue, enqueue_pos) == 64 && offsetof(n3o_span_queue, dequeue_pos) == 128 &&
                   offsetof(n3o_span_queue, spans_out) == 192 && offsetof(n3o_span_queue, dropped) == 256 &&
                   offsetof(n3o_span_queue, wakeup) == 320 && sizeof(n3o_span_queue) == 384,
               "a cache line per party");

/** A queue, or NULL if memory ran out. wake_stride: spans between two pokes (rounded down
 *  to a power of two; the export batch size). */
n3o_span_queue *n3o_span_queue_new(uint64_t capacity, uint64_t max_bytes, uint64_t wake_stride);
void n3o_span_queue_free(n3o_span_queue *q);
/** In a forked child, before anyone pushes there: frees the records the parent had
 *  queued and starts empty (a cell a parent thread had claimed but not filled is marked
 *  taken, as a pop would, or it would stop the consumer there for ever). */
void n3o_span_queue_reset_after_fork(n3o_span_queue *q);

/* The cell of a position and the offset its stored sequence has. */
static inline uint64_t *n3o_span_queue_cell(const n3o_span_queue *q, uint64_t pos, uint64_t *offset) {
    uint64_t index = q->index_mask != 0 ? pos & q->index_mask : pos % q->capacity;
    *offset = 2 * index;
    return q->cells + 2 * index;
}

/** Bytes of the records queued now (approximate while others push). A record has at
 *  least N3O_RECORD_BLOCK bytes; only what grown ones have beyond it is added up, so a
 *  common push pays no atomic add for the byte bound. */
static inline uint64_t n3o_span_queue_bytes(n3o_span_queue *q) {
    uint64_t e = n3o_load_u64(&q->enqueue_pos), so = n3o_load_u64(&q->spans_out);
    uint64_t i = n3o_load_u64(&q->extra_in), o = n3o_load_u64(&q->extra_out);
    return (e >= so ? e - so : 0) * N3O_RECORD_BLOCK + (i >= o ? i - o : 0);
}

/** The consumer took `spans` records of `bytes` in all out (once per batch). */
static inline void n3o_span_queue_released(n3o_span_queue *q, uint64_t spans, uint64_t bytes) {
    uint64_t base = spans * N3O_RECORD_BLOCK;
    n3o_store_u64(&q->spans_out, n3o_load_u64(&q->spans_out) + spans);
    n3o_store_u64(&q->extra_out, n3o_load_u64(&q->extra_out) + (bytes > base ? bytes - base : 0));
}

/** Queues a record of `bytes`; 0 (and the drop counted) when the queue is full in spans
 *  or in bytes. Concurrent pushes may pass the byte bound by one record each. */
static inline int n3o_span_queue_push(n3o_span_queue *q, void *record, uint64_t bytes) {
    if (q->max_bytes != 0 && n3o_span_queue_bytes(q) + bytes > q->max_bytes) goto full;
    uint64_t pos = n3o_load_u64(&q->enqueue_pos);
    for (;;) {
        uint64_t offset, *cell = n3o_span_queue_cell(q, pos, &offset);
        int64_t diff = (int64_t)(n3o_load_acquire_u64(cell) + offset - 2 * pos);
        if (diff == 0) {
            if (n3o_cas_u64(&q->enqueue_pos, &pos, pos + 1)) {
                n3o_store_u64(cell + 1, (uint64_t)(uintptr_t)record);
                n3o_store_release_u64(cell, 2 * pos + 1 - offset);
                break;
            }
        } else if (diff < 0) {
            goto full;
        } else {
            pos = n3o_load_u64(&q->enqueue_pos);
        }
    }
    if (__builtin_expect(bytes > N3O_RECORD_BLOCK, 0)) n3o_add_u64(&q->extra_in, bytes - N3O_RECORD_BLOCK);
    if (((pos + 1) & q->wake_mask) == 0) n3o_wakeup_if_sleeping(&q->wakeup);
    return 1;
full:
    n3o_add_u64(&q->dropped, 1);
    return 0;
}

/** Takes the oldest record, or NULL. Only one thread may pop at a time. */
static inline void *n3o_span_queue_pop(n3o_span_queue *q) {
    uint64_t pos = n3o_load_u64(&q->dequeue_pos);
    uint64_t offset, *cell = n3o_span_queue_cell(q, pos, &offset);
    if (n3o_load_acquire_u64(cell) + offset != 2 * pos + 1) return NULL;
    void *record = (void *)(uintptr_t)n3o_load_u64(cell + 1);
    n3o_store_release_u64(cell, 2 * (pos + q->capacity) - offset);
    n3o_store_u64(&q->dequeue_pos, pos + 1);
    return record;
}

/** Spans waiting (approximate while others push). */
static inline uint64_t n3o_span_queue_count(n3o_span_queue *q) {
    uint64_t e = n3o_load_u64(&q->enqueue_pos), d = n3o_load_u64(&q->dequeue_pos);
    return e >= d ? e - d : 0;
}

#endif
