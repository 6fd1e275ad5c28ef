/*
 * The span record format, defined here once for C (CN3ObsRecord's span start, attribute
 * setters and span end) and Swift (SpanRecord.swift and its users). A sampled span's data
 * is one allocation that grows by realloc:
 *
 *     [n3o_span_head][entry][entry]...
 *
 * Entries are appended as the span is built, each 8-byte aligned and starting with an
 * n3o_entry_header whose size is the whole entry's. The fixed part of each kind of entry
 * is a struct below; what follows it (a NUL-terminated key, name or text, then for an
 * attribute its payload, 8-aligned) is placed by the helpers at the end. The drain decodes
 * entries into n3obs_span_data pointing into the record, so strings are copied once.
 * Only the thread holding the span's slot lock touches a live record.
 */
#ifndef N3O_SPAN_RECORD_H
#define N3O_SPAN_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The fixed part of a record (Swift: SpanHead). Field names are Swift's. */
typedef struct n3o_span_head {
    uint64_t traceHi, traceLo, spanId, parentSpanId;
    int64_t startTime;
    uint64_t startMonotonic;
    int64_t endTime;
    uint8_t flags, kind, parentIsRemote, statusCode;
    uint32_t attributeCount, attributesDropped;
    uint32_t eventCount, eventsDropped;
    uint32_t linkCount, linksDropped;
    /* Record offsets of the name, status description and tracestate texts; 0 = none. */
    uint32_t nameOffset, statusOffset, tracestateOffset;
    /* Bytes used and allocated, this head included. */
    uint32_t used, capacity;
    /* The attribute limit of the span and of its events and links (the tracer's). */
    uint32_t nestedAttributeLimit;
    /* Bit (length % 32) set for the key length of every span attribute added: a new key
     * whose bit is clear needs no scan for an attribute to replace. */
    uint32_t keyLengths;
} n3o_span_head;

/* What an entry is. */
enum {
    N3O_TAG_TEXT = 1,        /* name, status description, tracestate */
    N3O_TAG_ATTRIBUTE = 2,   /* an attribute of the span */
    N3O_TAG_NESTED = 3,      /* an attribute of the event or link just before */
    N3O_TAG_EVENT = 4,
    N3O_TAG_LINK = 5,
};

/* 8 bytes at the start of every entry. */
typedef struct n3o_entry_header {
    uint8_t tag;             /* N3O_TAG_* */
    uint8_t type;            /* n3obs_value_type, for attributes */
    uint8_t dead;            /* an attribute replaced by a later one of the same key */
    uint8_t pad;
    uint32_t size;           /* the whole entry, aligned */
} n3o_entry_header;

/* A text: then the bytes and a NUL. */
typedef struct n3o_text_entry {
    n3o_entry_header header;
    uint32_t length;
} n3o_text_entry;

/* An attribute (N3O_TAG_ATTRIBUTE or N3O_TAG_NESTED): then the key and a NUL, then,
 * 8-aligned, the payload (a string and its NUL, or an array's items). */
typedef struct n3o_attribute_entry {
    n3o_entry_header header;
    uint32_t keyLength;
    uint32_t count;          /* a string's length, or an array's item count */
    uint64_t scalar;         /* int64, double or bool bits */
} n3o_attribute_entry;

/* An event: then its name and a NUL; its attributes follow as N3O_TAG_NESTED entries. */
typedef struct n3o_event_entry {
    n3o_entry_header header;
    int64_t time;
    uint32_t nameLength;
    uint32_t attributeCount, attributesDropped;
    uint32_t pad;
} n3o_event_entry;

/* A link: then its tracestate and a NUL; its attributes follow as N3O_TAG_NESTED entries. */
typedef struct n3o_link_entry {
    n3o_entry_header header;
    uint64_t traceHi, traceLo, spanId;
    uint32_t flags;
    uint32_t tracestateLength;
    uint32_t attributeCount, attributesDropped;
} n3o_link_entry;

/* The offsets and sizes Swift and the drain rely on. */
_Static_assert(sizeof(n3o_span_head) == 112 && sizeof(n3o_span_head) % 8 == 0, "head: 8-aligned, 112 bytes");
_Static_assert(offsetof(n3o_span_head, flags) == 56 && offsetof(n3o_span_head, attributeCount) == 60 &&
                   offsetof(n3o_span_head, nameOffset) == 84 && offsetof(n3o_span_head, used) == 96 &&
                   offsetof(n3o_span_head, nestedAttributeLimit) == 104 && offsetof(n3o_span_head, keyLengths) == 108,
               "head layout");
_Static_assert(sizeof(n3o_entry_header) == 8 && offsetof(n3o_entry_header, dead) == 2 &&
                   offsetof(n3o_entry_header, size) == 4,
               "entry header: tag, type, dead, pad, size");
_Static_assert(sizeof(n3o_text_entry) == 12 && offsetof(n3o_text_entry, length) == 8, "text: length at 8, bytes at 12");
_Static_assert(sizeof(n3o_attribute_entry) == 24 && offsetof(n3o_attribute_entry, keyLength) == 8 &&
                   offsetof(n3o_attribute_entry, count) == 12 && offsetof(n3o_attribute_entry, scalar) == 16,
               "attribute: key length 8, count 12, scalar 16, key 24");
_Static_assert(sizeof(n3o_event_entry) == 32 && offsetof(n3o_event_entry, time) == 8 &&
                   offsetof(n3o_event_entry, nameLength) == 16 && offsetof(n3o_event_entry, attributeCount) == 20 &&
                   offsetof(n3o_event_entry, attributesDropped) == 24,
               "event: time 8, name length 16, counts 20 and 24, name 32");
_Static_assert(sizeof(n3o_link_entry) == 48 && offsetof(n3o_link_entry, traceHi) == 8 &&
                   offsetof(n3o_link_entry, spanId) == 24 && offsetof(n3o_link_entry, flags) == 32 &&
                   offsetof(n3o_link_entry, tracestateLength) == 36 && offsetof(n3o_link_entry, attributeCount) == 40 &&
                   offsetof(n3o_link_entry, attributesDropped) == 44,
               "link: ids 8..31, flags 32, tracestate length 36, counts 40 and 44, tracestate 48");

static inline uint32_t n3o_align8_u32(uint32_t n) { return (n + 7) & ~(uint32_t)7; }

/* Copies n bytes: short ones (keys, names, small values) with two overlapping loads and
 * stores each, inline, longer ones with memcpy. Reads nothing outside [src, src + n). */
static inline __attribute__((always_inline)) void n3o_copy_bytes(void *dst, const void *src, uint32_t n) {
    char *d = (char *)dst;
    const char *s = (const char *)src;
    if (n > 16 && n <= 32) {
        struct { uint64_t w[2]; } a, b;
        memcpy(&a, s, 16);
        memcpy(&b, s + n - 16, 16);
        memcpy(d, &a, 16);
        memcpy(d + n - 16, &b, 16);
    } else if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n >= 2 && n < 4) {
        uint16_t a, b;
        memcpy(&a, s, 2);
        memcpy(&b, s + n - 2, 2);
        memcpy(d, &a, 2);
        memcpy(d + n - 2, &b, 2);
    } else if (n < 2) {
        if (n == 1) d[0] = s[0];
    } else {
        memcpy(d, s, n);
    }
}

/* Where the first entry starts. */
enum { N3O_SPAN_HEAD_SIZE = 112 };
_Static_assert(N3O_SPAN_HEAD_SIZE == ((sizeof(n3o_span_head) + 7) & ~(size_t)7), "the first entry follows the head");

/* The size of a text entry of `length` bytes. */
static inline uint32_t n3o_text_entry_size(uint32_t length) {
    return n3o_align8_u32((uint32_t)sizeof(n3o_text_entry) + length + 1);
}

/* Writes a text entry at e (n3o_text_entry_size(length) bytes reserved there). */
static inline __attribute__((always_inline)) void n3o_text_entry_write(void *e, const void *bytes, uint32_t length) {
    n3o_text_entry *t = (n3o_text_entry *)e;
    t->header = (n3o_entry_header){N3O_TAG_TEXT, 0, 0, 0, n3o_text_entry_size(length)};
    t->length = length;
    char *p = (char *)e + sizeof(n3o_text_entry);
    n3o_copy_bytes(p, bytes, length);
    p[length] = 0;
}

/* The bytes of the text entry at `offset` (0: NULL). */
static inline const char *n3o_record_text(const void *record, uint32_t offset) {
    return offset == 0 ? NULL : (const char *)record + offset + sizeof(n3o_text_entry);
}

/* Where an attribute entry's payload starts, from the entry's start. */
static inline uint32_t n3o_attribute_payload_at(uint32_t key_length) {
    return n3o_align8_u32((uint32_t)sizeof(n3o_attribute_entry) + key_length + 1);
}

/* Writes an attribute entry's fixed part and key at e; the caller writes the payload at
 * n3o_attribute_payload_at(key_length). size: the whole entry, aligned. */
static inline __attribute__((always_inline)) void n3o_attribute_entry_write(void *e, uint8_t tag, uint8_t type, uint32_t size, const void *key,
                                             uint32_t key_length, uint32_t count, uint64_t scalar) {
    n3o_attribute_entry *a = (n3o_attribute_entry *)e;
    a->header = (n3o_entry_header){tag, type, 0, 0, size};
    a->keyLength = key_length;
    a->count = count;
    a->scalar = scalar;
    char *k = (char *)e + sizeof(n3o_attribute_entry);
    n3o_copy_bytes(k, key, key_length);
    k[key_length] = 0;
}

/* A key length's bit in n3o_span_head.keyLengths. */
static inline uint32_t n3o_key_length_bit(uint32_t key_length) { return 1u << (key_length & 31); }

/* The key of the attribute entry at e. */
static inline const char *n3o_attribute_key(const void *e) { return (const char *)e + sizeof(n3o_attribute_entry); }

#endif
