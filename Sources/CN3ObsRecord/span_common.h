/*
 * What the C span functions (span_start.c, span_attributes.c, span_end.c) share: the
 * slots, the record format, and the quick text check that decides whether a string can
 * take the C path (ASCII needs no UTF-8 validation).
 */
#ifndef N3O_SPAN_COMMON_H
#define N3O_SPAN_COMMON_H

#include <stdint.h>
#include <string.h>

#include "n3o_shims.h"
#include "n3o_span_record.h"
#include "n3o_span_slots.h"

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

#endif
