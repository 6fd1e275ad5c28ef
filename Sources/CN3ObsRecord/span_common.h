/*
 * What the C span functions (span_start.c, span_attributes.c) share: finding a handle's
 * slot in SpanSlots' published table, and the quick text check that decides whether a
 * string can take the C path (ASCII needs no UTF-8 validation).
 */
#ifndef N3O_SPAN_COMMON_H
#define N3O_SPAN_COMMON_H

#include <stdint.h>
#include <string.h>

#include "n3o_shims.h"

static inline size_t n3o_align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* The length of the NUL-terminated s if it is ASCII and min..limit bytes long, else
 * SIZE_MAX (the Swift path then says what is wrong, or validates the UTF-8). Reads no
 * byte past the NUL. */
static inline size_t n3o_ascii_length(const char *s, size_t min, size_t limit) {
    size_t n = strnlen(s, limit + 1);
    if (n < min || n > limit) return SIZE_MAX;
    uint64_t acc = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    if (i < n) {   /* the rest, with loads that overlap what was read but do not go past it */
        if (n >= 8) {
            memcpy(&w, s + n - 8, 8);
            acc |= w;
        } else if (n >= 4) {
            uint32_t a, b;
            memcpy(&a, s, 4);
            memcpy(&b, s + n - 4, 4);
            acc |= a | b;
        } else {
            for (; i < n; i++) acc |= (uint8_t)s[i];
        }
    }
    return (acc & 0x8080808080808080ull) == 0 ? n : SIZE_MAX;
}

/* The slot at index, if its chunk exists. */
static inline n3o_span_slot *n3o_span_slot_at(uint32_t index) {
    void **table = n3o_load_ptr((void *const *)&n3o_span_chunk_table);
    if (table == NULL || (index >> N3O_SPAN_CHUNK_SHIFT) >= N3O_SPAN_CHUNKS) return NULL;
    n3o_span_slot *base = n3o_load_ptr(&table[index >> N3O_SPAN_CHUNK_SHIFT]);
    return base == NULL ? NULL : base + (index & ((1u << N3O_SPAN_CHUNK_SHIFT) - 1));
}

/* The slot of a live handle (checked again under the slot's lock by the caller), or NULL:
 * stale, never existed, or not a handle. A handle is (generation << 32) | (index + 1),
 * the generation odd while the span lives. */
static inline n3o_span_slot *n3o_span_live_slot(uint64_t handle) {
    uint32_t low = (uint32_t)handle, generation = (uint32_t)(handle >> 32);
    if (low == 0 || (generation & 1) == 0) return NULL;
    n3o_span_slot *slot = n3o_span_slot_at(low - 1);
    return slot != NULL && n3o_load_u32(&slot->generation) == generation ? slot : NULL;
}

#endif
