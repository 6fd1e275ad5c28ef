/* The span queue (n3o_span_queue.h): creation, and the forked child's reset. */
#include <stdlib.h>

#include "n3o_span_queue.h"

n3o_span_queue *n3o_span_queue_new(uint64_t capacity, uint64_t max_bytes, uint64_t wake_stride) {
    if (capacity == 0 || capacity > (UINT64_MAX >> 5)) return NULL;
    n3o_span_queue *q = n3o_aligned_zalloc(64, sizeof *q);
    if (q == NULL) return NULL;
    q->cells = n3o_aligned_zalloc(64, (size_t)capacity * 16);
    if (q->cells == NULL) {
        free(q);
        return NULL;
    }
    q->capacity = capacity;
    q->index_mask = (capacity & (capacity - 1)) == 0 ? capacity - 1 : 0;
    q->max_bytes = max_bytes;
    uint64_t stride = 1;
    while (stride * 2 <= (wake_stride < 1 ? 1 : wake_stride)) stride *= 2;
    q->wake_mask = stride - 1;
    return q;
}

void n3o_span_queue_free(n3o_span_queue *q) {
    if (q == NULL) return;
    free(q->cells);
    free(q);
}

void n3o_span_queue_reset_after_fork(n3o_span_queue *q) {
    uint64_t e = n3o_load_u64(&q->enqueue_pos);
    for (uint64_t pos = n3o_load_u64(&q->dequeue_pos); pos < e; pos++) {
        uint64_t offset, *cell = n3o_span_queue_cell(q, pos, &offset);
        if (n3o_load_u64(cell) + offset == 2 * pos + 1) free((void *)(uintptr_t)n3o_load_u64(cell + 1));
        n3o_store_u64(cell, 2 * (pos + q->capacity) - offset);
    }
    n3o_store_u64(&q->extra_out, n3o_load_u64(&q->extra_in));
    n3o_store_u64(&q->spans_out, e);
    n3o_store_release_u64(&q->dequeue_pos, e);
    /* The parent's consumer may have been asleep: nobody sleeps here. */
    n3o_wakeup_cancel(&q->wakeup);
}
