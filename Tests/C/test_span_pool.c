/*
 * Span records are recycled: a drained batch's records go back to a pool in bundles, and
 * recording threads take them from there. Threads record while the main thread drains;
 * some records outgrow their first block (freed, not pooled); recording threads exit
 * holding cached blocks. Every span must come back intact (name, attributes, count), and
 * run.sh runs this program under valgrind too, which catches a block used after it was
 * freed or freed twice.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <string.h>

#include "check.h"

#define THREADS 3
#define SPANS 2000
#define GROW_EVERY 7

static void *record(void *arg)
{
    long thread = (long)arg;
    long failures = 0;
    for (int i = 0; i < SPANS; i++) {
        n3obs_span *s = NULL;
        failures += n3obs_span_start(&s, "pooled", NULL) != N3OBS_OK;
        failures += n3obs_span_set_attribute_int(s, "thread", thread) != N3OBS_OK;
        failures += n3obs_span_set_attribute_int(s, "i", i) != N3OBS_OK;
        if (i % GROW_EVERY == 0) /* past the 512-byte first block: this record is realloc'd */
            for (int j = 0; j < 24; j++) {
                char key[16];
                snprintf(key, sizeof key, "grow%d", j);
                failures += n3obs_span_set_attribute_string(s, key, "0123456789abcdef0123456789abcdef") != N3OBS_OK;
            }
        failures += n3obs_span_end(s, 0) != N3OBS_OK;
    }
    return (void *)failures;
}

static int64_t int_attribute(const n3obs_span_data *s, const char *key)
{
    for (size_t i = 0; i < s->attribute_count; i++)
        if (strcmp(s->attributes[i].key, key) == 0 && s->attributes[i].value.type == N3OBS_VALUE_INT64)
            return s->attributes[i].value.int_value;
    return -1;
}

/* Drains everything queued; counts spans and checks each one. */
static void drain(uint64_t *spans, uint64_t *bad, int64_t seen[THREADS][SPANS])
{
    n3obs_span_batch *b = NULL;
    if (n3obs_spans_drain(&b, 0) != N3OBS_OK || b == NULL)
        return;
    for (size_t k = 0; k < b->span_count; k++) {
        const n3obs_span_data *s = &b->spans[k];
        int64_t t = int_attribute(s, "thread"), i = int_attribute(s, "i");
        size_t want = (i >= 0 && i % GROW_EVERY == 0) ? 26 : 2;
        if (strcmp(s->name, "pooled") != 0 || t < 0 || t >= THREADS || i < 0 || i >= SPANS ||
            s->attribute_count != want)
            (*bad)++;
        else
            seen[t][i]++;
        (*spans)++;
    }
    n3obs_span_batch_free(b);
}

int main(void)
{
    static int64_t seen[THREADS][SPANS];
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    pthread_t th[THREADS];
    uint64_t spans = 0, bad = 0, dropped = 0, twice = 0, missing = 0;
    long failures = 0;

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    CHECK_OK(n3obs_init(&cfg), "init");
    for (long t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, record, (void *)t);
    for (int k = 0; k < 200; k++)
        drain(&spans, &bad, seen);
    for (long t = 0; t < THREADS; t++) {
        void *r;
        pthread_join(th[t], &r);
        failures += (long)r;
    }
    drain(&spans, &bad, seen);
    CHECK(failures == 0, "every start, attribute and end succeeded (%ld failures)", failures);
    CHECK(bad == 0, "every drained span has its name and its attributes (%llu damaged)",
          (unsigned long long)bad);
    CHECK_OK(n3obs_spans_dropped(&dropped), "dropped count");
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < SPANS; i++) {
            twice += seen[t][i] > 1;
            missing += seen[t][i] == 0;
        }
    CHECK(twice == 0, "no span came out twice (%llu did)", (unsigned long long)twice);
    CHECK_U64(missing, dropped, "the spans not drained are the ones counted as dropped");
    CHECK_U64(spans + dropped, (uint64_t)THREADS * SPANS, "drained + dropped == ended");

    /* A thread that exits now holds no blocks; one more round on the main thread reuses
     * the pool the recording threads filled. */
    CHECK(record((void *)0) == NULL, "the main thread records from the refilled pool");
    spans = 0;
    memset(seen, 0, sizeof seen);
    drain(&spans, &bad, seen);
    CHECK(bad == 0 && spans > 0, "and its spans come back intact (%llu)", (unsigned long long)spans);
    return check_finish();
}
