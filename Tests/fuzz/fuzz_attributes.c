/*
 * fuzz_attributes: span attribute setters (n3obs_span_set_attribute_string/int/double/
 * bool and n3obs_span_set_attributes with every value type, arrays included) with fuzzed
 * keys, values and types, on one span per input that is then ended and drained.
 *
 * Input: up to 200 operations, each an operation byte and its operands:
 *   op >> 5 == 0..3  set_attribute_string/int/double/bool: key NUL, then a string NUL,
 *                    8 bytes (int64 or double) or 4 bytes (int bool);
 *   op >> 5 == 4..6  add to a pending n3obs_span_set_attributes batch an attribute of type
 *                    op & 15 (1..8 are the value types; others are invalid): key NUL, then
 *                    the value as above, or for arrays an item count byte (mod 9) and items;
 *   op >> 5 == 7     send the pending batch (it is also sent at the end).
 *
 * Invariants: every status is one the header documents, a failure has a message; a call
 * whose keys are non-empty UTF-8 within N3OBS_MAX_ATTRIBUTE_KEY_LEN, whose types are known
 * and whose strings are UTF-8 succeeds, and one with a bad key, type or string is refused
 * and sets nothing (all or none); the drained span holds exactly what a model of the calls
 * says: the first attribute-limit distinct keys, each with its last value, and
 * the rest counted as dropped.
 */
#include <math.h>

#include "fuzz_common.h"

#define MAX_OPS 200
#define MAX_BATCH 32
#define MAX_ITEMS 8
#define ATTR_LIMIT 128 /* the default span_attribute_count_limit */

/* One attribute with its own copies of everything it points to. */
typedef struct attr {
    const char *key; /* the reader's strings live until the input ends */
    n3obs_value v;
    const char *strs[MAX_ITEMS];
    int64_t ints[MAX_ITEMS];
    double dbls[MAX_ITEMS];
    int32_t bools[MAX_ITEMS];
} attr;

static const int statuses[] = {N3OBS_OK, N3OBS_E_INVALID_ARGUMENT, N3OBS_E_INVALID_UTF8, N3OBS_E_TOO_LONG,
                               N3OBS_E_NO_MEMORY, 1};

/* The model: what the span should hold. */
static attr model[ATTR_LIMIT];
static size_t model_count;
static uint32_t model_dropped;

static void read_value(fuzz_reader *r, attr *a, int type)
{
    size_t i, n;
    memset(&a->v, 0, sizeof a->v);
    a->v.type = type;
    switch (type) {
    case N3OBS_VALUE_STRING: a->v.string_value = fuzz_str(r); break;
    case N3OBS_VALUE_INT64: fuzz_bytes(r, &a->v.int_value, 8); break;
    case N3OBS_VALUE_DOUBLE: fuzz_bytes(r, &a->v.double_value, 8); break;
    case N3OBS_VALUE_BOOL: fuzz_bytes(r, &a->v.bool_value, 4); break;
    case N3OBS_VALUE_STRING_ARRAY:
    case N3OBS_VALUE_INT64_ARRAY:
    case N3OBS_VALUE_DOUBLE_ARRAY:
    case N3OBS_VALUE_BOOL_ARRAY:
        n = fuzz_u8(r) % (MAX_ITEMS + 1);
        for (i = 0; i < n; ++i) {
            if (type == N3OBS_VALUE_STRING_ARRAY)
                a->strs[i] = fuzz_str(r);
            else if (type == N3OBS_VALUE_INT64_ARRAY)
                fuzz_bytes(r, &a->ints[i], 8);
            else if (type == N3OBS_VALUE_DOUBLE_ARRAY)
                fuzz_bytes(r, &a->dbls[i], 8);
            else
                fuzz_bytes(r, &a->bools[i], 4);
        }
        a->v.array_count = n;
        a->v.array = type == N3OBS_VALUE_STRING_ARRAY ? (const void *)a->strs
                     : type == N3OBS_VALUE_INT64_ARRAY ? (const void *)a->ints
                     : type == N3OBS_VALUE_DOUBLE_ARRAY ? (const void *)a->dbls
                                                        : (const void *)a->bools;
        break;
    default: break; /* an unknown type: nothing else is read */
    }
}

/* Points the copy's array at its own items (after a struct copy). */
static void fix_array(attr *a)
{
    switch (a->v.type) {
    case N3OBS_VALUE_STRING_ARRAY: a->v.array = a->strs; break;
    case N3OBS_VALUE_INT64_ARRAY: a->v.array = a->ints; break;
    case N3OBS_VALUE_DOUBLE_ARRAY: a->v.array = a->dbls; break;
    case N3OBS_VALUE_BOOL_ARRAY: a->v.array = a->bools; break;
    default: break;
    }
}

/* The header's rules for one attribute: 1 if it must be accepted. */
static int attr_ok(const attr *a)
{
    size_t i;
    if (a->key[0] == '\0' || strlen(a->key) > N3OBS_MAX_ATTRIBUTE_KEY_LEN || !fuzz_utf8_valid(a->key))
        return 0;
    if (a->v.type < N3OBS_VALUE_STRING || a->v.type > N3OBS_VALUE_BOOL_ARRAY)
        return 0;
    if (a->v.type == N3OBS_VALUE_STRING)
        return fuzz_utf8_valid(a->v.string_value) && strlen(a->v.string_value) <= N3OBS_MAX_ATTRIBUTE_VALUE_LEN;
    if (a->v.type == N3OBS_VALUE_STRING_ARRAY)
        for (i = 0; i < a->v.array_count; ++i)
            if (!fuzz_utf8_valid(a->strs[i]) || strlen(a->strs[i]) > N3OBS_MAX_ATTRIBUTE_VALUE_LEN)
                return 0;
    return 1;
}

static void model_put(const attr *a)
{
    size_t i;
    for (i = 0; i < model_count; ++i)
        if (strcmp(model[i].key, a->key) == 0)
            break;
    if (i == model_count) {
        if (model_count == ATTR_LIMIT) {
            model_dropped++;
            return;
        }
        model_count++;
    }
    model[i] = *a;
    fix_array(&model[i]);
}

static int same_double(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static int same_value(const n3obs_value *want, const n3obs_value *got)
{
    size_t i;
    if (want->type != got->type)
        return 0;
    switch (want->type) {
    case N3OBS_VALUE_STRING: return strcmp(want->string_value, got->string_value) == 0;
    case N3OBS_VALUE_INT64: return want->int_value == got->int_value;
    case N3OBS_VALUE_DOUBLE: return same_double(want->double_value, got->double_value);
    case N3OBS_VALUE_BOOL: return !want->bool_value == !got->bool_value;
    default: break;
    }
    if (want->array_count != got->array_count)
        return 0;
    for (i = 0; i < want->array_count; ++i) {
        int same;
        switch (want->type) {
        case N3OBS_VALUE_STRING_ARRAY:
            same = strcmp(((const char *const *)want->array)[i], ((const char *const *)got->array)[i]) == 0;
            break;
        case N3OBS_VALUE_INT64_ARRAY: same = ((const int64_t *)want->array)[i] == ((const int64_t *)got->array)[i]; break;
        case N3OBS_VALUE_DOUBLE_ARRAY:
            same = same_double(((const double *)want->array)[i], ((const double *)got->array)[i]);
            break;
        default: same = !((const int32_t *)want->array)[i] == !((const int32_t *)got->array)[i];
        }
        if (!same)
            return 0;
    }
    return 1;
}

static attr batch[MAX_BATCH];
static size_t batch_count;

static void send_batch(n3obs_span *span)
{
    n3obs_attribute list[MAX_BATCH];
    size_t i;
    int st, ok = 1;
    if (batch_count == 0)
        return;
    for (i = 0; i < batch_count; ++i) {
        fix_array(&batch[i]);
        list[i].key = batch[i].key;
        list[i].value = batch[i].v;
        ok &= attr_ok(&batch[i]);
    }
    st = n3obs_span_set_attributes(span, list, batch_count);
    FUZZ_CHECK_STATUS(st, statuses, "n3obs_span_set_attributes");
    FUZZ_ASSERT((st == N3OBS_OK) == ok || st == N3OBS_E_NO_MEMORY,
                "n3obs_span_set_attributes of %zu attributes gave %d; the rules say %s", batch_count, st,
                ok ? "accept" : "refuse");
    if (st == N3OBS_OK)
        for (i = 0; i < batch_count; ++i)
            model_put(&batch[i]);
    batch_count = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_start_sdk();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r;
    n3obs_span *span = NULL;
    n3obs_span_context ctx = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_batch *drained = NULL;
    const n3obs_span_data *sd = NULL;
    int ops = 0, st;
    size_t i;

    FUZZ_ASSERT(n3obs_span_start(&span, "fuzz attributes", NULL) == N3OBS_OK, "n3obs_span_start");
    FUZZ_ASSERT(n3obs_span_get_context(span, &ctx) == N3OBS_OK, "n3obs_span_get_context");
    model_count = 0;
    model_dropped = 0;
    batch_count = 0;
    fuzz_reader_init(&r, data, size);
    while (fuzz_has(&r) && ops++ < MAX_OPS) {
        uint8_t op = fuzz_u8(&r);
        int kind = op >> 5;
        attr a;
        if (kind == 7) {
            send_batch(span);
            continue;
        }
        memset(&a, 0, sizeof a);
        a.key = fuzz_str(&r);
        if (kind >= 4) {
            read_value(&r, &a, op & 15);
            if (batch_count == MAX_BATCH)
                send_batch(span);
            batch[batch_count++] = a;
            continue;
        }
        read_value(&r, &a, kind + N3OBS_VALUE_STRING);
        switch (kind) {
        case 0: st = n3obs_span_set_attribute_string(span, a.key, a.v.string_value); break;
        case 1: st = n3obs_span_set_attribute_int(span, a.key, a.v.int_value); break;
        case 2: st = n3obs_span_set_attribute_double(span, a.key, a.v.double_value); break;
        default: st = n3obs_span_set_attribute_bool(span, a.key, a.v.bool_value); break;
        }
        FUZZ_CHECK_STATUS(st, statuses, "a single attribute setter");
        FUZZ_ASSERT((st == N3OBS_OK) == attr_ok(&a) || st == N3OBS_E_NO_MEMORY,
                    "setter %d with key \"%.40s\" gave %d; the rules say %s", kind, a.key, st,
                    attr_ok(&a) ? "accept" : "refuse");
        if (st == N3OBS_OK)
            model_put(&a);
    }
    send_batch(span);
    FUZZ_ASSERT(n3obs_span_end(span, 0) == N3OBS_OK, "n3obs_span_end");

    /* What was kept is what the model says. */
    FUZZ_ASSERT(n3obs_spans_drain(&drained, 0) == N3OBS_OK, "n3obs_spans_drain");
    for (i = 0; i < drained->span_count; ++i) {
        const n3obs_span_data *d =
            (const n3obs_span_data *)((const char *)drained->spans + i * drained->spans[0].size);
        if (memcmp(d->span_id, ctx.span_id, 8) == 0)
            sd = d;
    }
    FUZZ_ASSERT(sd, "the ended span is not in the queue");
    FUZZ_ASSERT(sd->attribute_count == model_count && sd->dropped_attributes_count == model_dropped,
                "the span holds %zu attributes (%u dropped); the model says %zu (%u dropped)", sd->attribute_count,
                sd->dropped_attributes_count, model_count, model_dropped);
    /* Keys are unique, in no promised order. */
    for (i = 0; i < model_count; ++i) {
        const n3obs_attribute *got = NULL;
        size_t j;
        for (j = 0; j < sd->attribute_count; ++j)
            if (strcmp(sd->attributes[j].key, model[i].key) == 0) {
                FUZZ_ASSERT(!got, "key \"%.40s\" is held twice", model[i].key);
                got = &sd->attributes[j];
            }
        FUZZ_ASSERT(got, "attribute \"%.40s\" was set but is not on the span", model[i].key);
        FUZZ_ASSERT(same_value(&model[i].v, &got->value), "attribute \"%.40s\" (type %d) holds another value",
                    got->key, model[i].v.type);
    }
    n3obs_span_batch_free(drained);
    fuzz_reader_free(&r);
    fuzz_after_input(4096);
    return 0;
}
