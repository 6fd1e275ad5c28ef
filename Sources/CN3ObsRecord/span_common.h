/*
 * What the C span functions (span_start.c, span_attributes.c, span_end.c) share: the
 * slots, the record format, and the quick text check that decides whether a string can
 * take the C path (ASCII needs no UTF-8 validation).
 */
#ifndef N3O_SPAN_COMMON_H
#define N3O_SPAN_COMMON_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "n3o_shims.h"
#include "n3o_span_record.h"
#include "n3o_span_slots.h"

static inline size_t n3o_align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* The length of the NUL-terminated s if it is ASCII and min..limit bytes long, else
 * SIZE_MAX (the Swift path then says what is wrong, or validates the UTF-8). Reads no
 * byte past the NUL: once the length is known, loads that overlap cover the rest. */
static inline size_t n3o_ascii_length(const char *s, size_t min, size_t limit) {
    size_t n = strnlen(s, limit + 1);
    if (n < min || n > limit) return SIZE_MAX;
    uint64_t high;
    if (n >= 16) {
#if defined(__SSE2__)
        __m128i acc = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        for (size_t i = 0; i + 16 < n; i += 16)
            acc = _mm_or_si128(acc, _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        high = (uint64_t)_mm_movemask_epi8(acc);
#else
        uint64_t acc = 0, w;
        for (size_t i = 0; i + 8 < n; i += 8) { memcpy(&w, s + i, 8); acc |= w; }
        memcpy(&w, s + n - 8, 8);
        high = (acc | w) & 0x8080808080808080ull;
#endif
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        high = (a | b) & 0x8080808080808080ull;
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        high = (a | b) & 0x80808080u;
    } else if (n >= 2) {
        uint16_t a, b;
        memcpy(&a, s, 2);
        memcpy(&b, s + n - 2, 2);
        high = (uint16_t)(a | b) & 0x8080u;
    } else {
        high = n == 1 ? (uint8_t)s[0] & 0x80u : 0;
    }
    return high == 0 ? n : SIZE_MAX;
}

#endif
