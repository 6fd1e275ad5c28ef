/*
 * The published typed attribute setters (n3obs_span_set_attribute_string/int/double/bool),
 * defined in C for the reason record.c gives, with the same shape: a fast path that does
 * the common case whole, and otherwise a tail call, having changed nothing, to the checked
 * Swift implementation (n3o_span_set_attribute_*_full in Sources/N3ObsC/TracingSpans.swift),
 * which reports every failure and handles every rare case.
 *
 * The common case: the SDK runs, the handle is live, the key is 1..1024 bytes of ASCII, a
 * string value is ASCII of at most 65536 bytes, and the span either is not sampled (then
 * nothing is recorded) or holds no attribute of that key, is under its attribute limit
 * and has room in its record. The attribute is then appended to the span's record under
 * its slot lock, in the record format of n3o_span_record.h. Non-ASCII
 * text (UTF-8 to validate), a replaced key, a dropped attribute, a record that must grow,
 * errors: the Swift path.
 */
#include <string.h>

#include "n3obs.h"
#include "n3o_record.h"
#include "n3o_shims.h"
#include "span_common.h"

/* The checked implementations (Swift, @_cdecl, hidden by the version script). */
int n3o_span_set_attribute_string_full(n3obs_span *span, const char *key, const char *value);
int n3o_span_set_attribute_int_full(n3obs_span *span, const char *key, int64_t value);
int n3o_span_set_attribute_double_full(n3obs_span *span, const char *key, double value);
int n3o_span_set_attribute_bool_full(n3obs_span *span, const char *key, int value);

/* True when the record holds a live span attribute with this key. */
static int has_attribute(const char *record, uint32_t used, const char *key, size_t length) {
    for (uint32_t at = N3O_SPAN_HEAD_SIZE; at < used;) {
        const n3o_attribute_entry *e = (const n3o_attribute_entry *)(record + at);
        if (e->header.tag == N3O_TAG_ATTRIBUTE && e->header.dead == 0 && e->keyLength == length &&
            memcmp(n3o_attribute_key(e), key, length) == 0)
            return 1;
        at += e->header.size;
    }
    return 0;
}

/* Does the common case (see the top of the file) and returns 1, or returns 0 having changed
 * nothing. value: a string attribute's text, or NULL for a scalar. */
static inline __attribute__((always_inline)) int put_attribute(n3obs_span *span, const char *key, uint8_t type, uint64_t scalar, const char *value) {
    if (span == NULL || key == NULL || n3o_sdk_state() != N3O_STATE_RUNNING) return 0;
    size_t key_length = n3o_ascii_length(key, 1, N3OBS_MAX_ATTRIBUTE_KEY_LEN);
    if (key_length == SIZE_MAX) return 0;
    size_t value_length = 0;
    if (type == N3OBS_VALUE_STRING) {
        if (value == NULL) return 0;
        value_length = n3o_ascii_length(value, 0, N3OBS_MAX_ATTRIBUTE_VALUE_LEN);
        if (value_length == SIZE_MAX) return 0;
    }
    uint64_t handle = (uint64_t)(uintptr_t)span;
    n3o_span_slot *slot = n3o_span_live_slot(handle);
    if (slot == NULL) return 0;
    n3o_spin_lock(&slot->lock);
    if (slot->generation != (uint32_t)(handle >> 32)) goto defer;   /* ended meanwhile */
    char *record = slot->record;
    if (record == NULL) {   /* not sampled: accepted, nothing to keep */
        n3o_spin_unlock(&slot->lock);
        return 1;
    }
    n3o_span_head *head = (n3o_span_head *)record;
    uint32_t count = head->attributeCount, used = head->used;
    if (count >= head->nestedAttributeLimit) goto defer;   /* dropped and counted there */
    uint32_t bit = n3o_key_length_bit((uint32_t)key_length);
    if ((head->keyLengths & bit) != 0 && has_attribute(record, used, key, key_length)) goto defer;   /* replaced there */
    uint32_t key32 = (uint32_t)key_length, count32 = (uint32_t)value_length;
    uint32_t fixed = n3o_attribute_payload_at(key32);
    uint32_t size = type == N3OBS_VALUE_STRING ? n3o_align8_u32(fixed + count32 + 1) : fixed;
    if (used + size > head->capacity) goto defer;   /* the record grows there */

    char *e = record + used;
    n3o_attribute_entry_write(e, N3O_TAG_ATTRIBUTE, type, size, key, key32, count32, scalar);
    if (type == N3OBS_VALUE_STRING) {
        n3o_copy_bytes(e + fixed, value, count32);
        e[fixed + value_length] = 0;
    }
    head->used = used + size;
    head->attributeCount = count + 1;
    head->keyLengths |= bit;
    n3o_spin_unlock(&slot->lock);
    return 1;

defer:
    n3o_spin_unlock(&slot->lock);
    return 0;
}

int n3obs_span_set_attribute_string(n3obs_span *span, const char *key, const char *value) {
    if (__builtin_expect(put_attribute(span, key, N3OBS_VALUE_STRING, 0, value), 1)) return N3OBS_OK;
    return n3o_span_set_attribute_string_full(span, key, value);
}

int n3obs_span_set_attribute_int(n3obs_span *span, const char *key, int64_t value) {
    if (__builtin_expect(put_attribute(span, key, N3OBS_VALUE_INT64, (uint64_t)value, NULL), 1)) return N3OBS_OK;
    return n3o_span_set_attribute_int_full(span, key, value);
}

int n3obs_span_set_attribute_double(n3obs_span *span, const char *key, double value) {
    uint64_t bits;
    memcpy(&bits, &value, 8);
    if (__builtin_expect(put_attribute(span, key, N3OBS_VALUE_DOUBLE, bits, NULL), 1)) return N3OBS_OK;
    return n3o_span_set_attribute_double_full(span, key, value);
}

int n3obs_span_set_attribute_bool(n3obs_span *span, const char *key, int value) {
    if (__builtin_expect(put_attribute(span, key, N3OBS_VALUE_BOOL, value != 0, NULL), 1)) return N3OBS_OK;
    return n3o_span_set_attribute_bool_full(span, key, value);
}
