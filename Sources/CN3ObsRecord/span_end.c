/*
 * n3obs_span_end, defined in C for the reason record.c gives, with the shape of
 * span_start.c: the common end is done here whole; anything else goes, having changed
 * nothing, to the checked Swift implementation (n3o_span_end_full in
 * Sources/N3ObsC/TracingSpans.swift), which reports every failure.
 *
 * The common end: the SDK runs, the handle is live and the end time is 0 (now) or a valid
 * time. As Tracer.end does: the slot is emptied and its generation bumped under its lock,
 * the slot goes back to the free stack, and a sampled span's record gets its end time
 * (one monotonic clock read: start and end share the start's realtime anchor) and is
 * queued, or freed and counted as dropped when the queue is full. It never blocks.
 */
#include <stdlib.h>

#include "n3obs.h"
#include "n3o_shims.h"
#include "n3o_span_queue.h"
#include "span_common.h"

int n3o_span_end_full(n3obs_span *span, int64_t end_time);

/* Does the common end and returns 1, or returns 0 having changed nothing. */
static int end_span(n3obs_span *span, int64_t end_time) {
    const n3o_fast_start *cfg = &n3o_fast_start_settings;
    if (span == NULL || end_time < 0 || n3o_sdk_state() != N3O_STATE_RUNNING || !cfg->ready) return 0;
    uint64_t handle = (uint64_t)(uintptr_t)span;
    uint32_t generation = (uint32_t)(handle >> 32);
    n3o_span_slot *slot = n3o_span_live_slot(handle);
    if (slot == NULL) return 0;
    n3o_spin_lock(&slot->lock);
    if (slot->generation != generation) {   /* ended meanwhile: Swift says so */
        n3o_spin_unlock(&slot->lock);
        return 0;
    }
    n3o_span_head *h = slot->record;
    char *tracestate = slot->tracestate;
    slot->record = NULL;
    slot->tracestate = NULL;
    n3o_store_u32(&slot->generation, generation + 1);
    n3o_spin_unlock(&slot->lock);
    n3o_span_slot_release((uint32_t)handle - 1);
    if (__builtin_expect(tracestate != NULL, 0)) free(tracestate);
    if (h == NULL) return 1;   /* not sampled */
    if (end_time != 0) {
        h->endTime = end_time > h->startTime ? end_time : h->startTime;
    } else {
        uint64_t elapsed = n3o_monotonic_ns() - h->startMonotonic;
        if (elapsed > (uint64_t)INT64_MAX) elapsed = (uint64_t)INT64_MAX;
        h->endTime = (int64_t)((uint64_t)h->startTime + elapsed);   /* wraps as Swift's &+ */
    }
    if (!n3o_span_queue_push(cfg->queue, h, h->capacity)) free(h);
    return 1;
}

int n3obs_span_end(n3obs_span *span, int64_t end_time) {
    /* In a forked child the first ended span brings the exporters back (one relaxed load). */
    n3o_fork_child_fixup_if_pending();
    if (__builtin_expect(end_span(span, end_time), 1)) return N3OBS_OK;
    return n3o_span_end_full(span, end_time);
}
