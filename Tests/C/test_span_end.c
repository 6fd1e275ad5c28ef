/*
 * n3obs_span_end does the common end in C and sends the rest to the checked Swift path
 * (Sources/CN3ObsRecord/span_end.c). The C end must end spans as Tracer.end does: the
 * end time (now, a given one, one before the start clamped to it), a stale handle refused
 * even when its slot already holds a new span (slots are reused at once, from the ending
 * thread's cache), spans ended on another thread than the one that started them, an
 * unsampled span with a tracestate, and a full queue (in spans or in bytes) dropping and
 * counting without blocking.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#define QUEUE 8

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static n3obs_span *handed[64];

static void *end_them(void *arg)
{
    long failures = 0;
    (void)arg;
    for (int i = 0; i < 64; i++) failures += n3obs_span_end(handed[i], 0) != N3OBS_OK;
    return (void *)failures;
}

static size_t drain_count(const char *name)
{
    n3obs_span_batch *b = NULL;
    size_t n = 0;
    if (n3obs_spans_drain(&b, 0) != N3OBS_OK) return 0;
    for (size_t i = 0; i < b->span_count; i++) n += strcmp(b->spans[i].name, name) == 0;
    n3obs_span_batch_free(b);
    return n;
}

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_span *s = NULL, *t = NULL;
    n3obs_span_batch *b = NULL;
    uint64_t dropped = 0, before = 0;

    setenv("N3OBS_BSP_MAX_QUEUE_BYTES", "6144", 1);   /* 12 records of their first 512 bytes */
    cfg.flags = 0;
    cfg.bsp_max_queue_size = QUEUE;
    cfg.bsp_max_export_batch_size = 4;
    CHECK_OK(n3obs_init(&cfg), "init with a queue of %d spans and 6144 bytes", QUEUE);

    int64_t t0 = now_ns();
    CHECK_OK(n3obs_span_start(&s, "now", NULL), "start");
    CHECK_OK(n3obs_span_end(s, 0), "end now");
    int64_t t1 = now_ns();
    CHECK_OK(n3obs_span_start(&s, "given", NULL), "start");
    CHECK_OK(n3obs_span_end(s, t1 + 5000000000), "end at a given time");
    CHECK_OK(n3obs_spans_drain(&b, 0), "drain");
    CHECK(b != NULL && b->span_count == 2, "two spans drained");
    for (size_t i = 0; b && i < b->span_count; i++) {
        const n3obs_span_data *d = &b->spans[i];
        if (strcmp(d->name, "now") == 0)
            CHECK(d->start_time_unix_nano >= t0 - 1000000000 && d->start_time_unix_nano <= d->end_time_unix_nano &&
                      d->end_time_unix_nano <= t1 + 1000000000,
                  "ended now: start <= end, both about the wall clock");
        else
            CHECK(d->end_time_unix_nano == t1 + 5000000000, "the given end time is kept");
    }
    n3obs_span_batch_free(b);

    /* A stale handle whose slot holds a new span: refused, and the new span lives on. */
    CHECK_OK(n3obs_span_start(&s, "first", NULL), "start");
    CHECK_OK(n3obs_span_end(s, 0), "end");
    CHECK_OK(n3obs_span_start(&t, "second", NULL), "start another (it may take the same slot)");
    CHECK_ST(n3obs_span_end(s, 0), N3OBS_E_MISUSE, "ending the first again is misuse");
    CHECK(strstr(n3obs_error_last(), "ended") != NULL, "and says it ended: %s", n3obs_error_last());
    CHECK(n3obs_span_is_recording(t) == 1, "the second span still lives");
    CHECK_OK(n3obs_span_end(t, 0), "end the second");
    CHECK_ST(n3obs_span_end(t, -1), N3OBS_E_INVALID_ARGUMENT, "a negative end time is refused");
    CHECK(drain_count("first") == 1 && drain_count("second") == 0, "each ended once (drained together)");

    /* Spans started here, ended on another thread (its slot cache fills, then spills). */
    for (int i = 0; i < 64; i++) n3obs_span_start(&handed[i], "handed", NULL);
    pthread_t th;
    void *failures = NULL;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 8 && round > 0; i++) n3obs_span_start(&handed[i], "handed", NULL);
        if (round > 0)
            for (int i = 8; i < 64; i++) n3obs_span_start(&handed[i], "handed", NULL);
        pthread_create(&th, NULL, end_them, NULL);
        pthread_join(th, &failures);
        CHECK(failures == NULL, "64 spans ended on another thread (round %d)", round);
        n3obs_spans_drain(&b, 0);
        n3obs_span_batch_free(b);
    }
    n3obs_spans_dropped(&before);

    /* An unsampled span with a tracestate (its copy is freed at the end). */
    n3obs_span_context remote = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    CHECK_OK(n3obs_trace_context_extract(&remote, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "k=v"),
             "extract an unsampled parent with a tracestate");
    o.remote_parent = &remote;
    CHECK_OK(n3obs_span_start(&s, "quiet", &o), "start under it");
    CHECK(n3obs_span_is_recording(s) == 0, "not sampled");
    CHECK_OK(n3obs_span_end(s, 0), "end it");

    /* A full queue: the ninth span is dropped and counted, at once. */
    for (int i = 0; i < QUEUE + 3; i++) {
        CHECK_OK(n3obs_span_start(&s, "full", NULL), "start %d", i);
        CHECK_OK(n3obs_span_end(s, 0), "end %d (never blocks)", i);
    }
    n3obs_spans_dropped(&dropped);
    CHECK(dropped - before == 3, "3 dropped past %d queued (%llu)", QUEUE, (unsigned long long)(dropped - before));
    CHECK(drain_count("full") == QUEUE, "the %d queued are exported", QUEUE);

    /* The byte bound: a record grown past its first block counts its size. */
    n3obs_spans_dropped(&before);
    CHECK_OK(n3obs_span_start(&s, "big", NULL), "start");
    for (int j = 0; j < 40; j++) {
        char key[16];
        snprintf(key, sizeof key, "grow%d", j);
        n3obs_span_set_attribute_string(s, key, "0123456789abcdef0123456789abcdef0123456789abcdef");
    }
    CHECK_OK(n3obs_span_end(s, 0), "end a span of some 4 KiB");
    for (int i = 0; i < QUEUE; i++) {
        n3obs_span_start(&t, "after big", NULL);
        n3obs_span_end(t, 0);
    }
    n3obs_spans_dropped(&dropped);
    CHECK(dropped - before == 4, "the byte bound takes 4 small ones beside its 4096 bytes, drops 4 (%llu)",
          (unsigned long long)(dropped - before));
    CHECK(drain_count("big") == 1, "the big span is exported");
    n3obs_spans_dropped(&before);
    for (int i = 0; i < QUEUE; i++) {
        n3obs_span_start(&t, "room again", NULL);
        n3obs_span_end(t, 0);
    }
    n3obs_spans_dropped(&dropped);
    CHECK(dropped == before, "a drain gives the bytes back");
    CHECK(drain_count("room again") == QUEUE, "and all %d are exported", QUEUE);

    CHECK_OK(n3obs_span_start(&s, "open at shutdown", NULL), "start");
    CHECK_OK(n3obs_shutdown(1000), "shutdown");
    CHECK_ST(n3obs_span_end(s, 0), N3OBS_E_SHUTDOWN, "end after shutdown: the Swift path says so");
    return check_finish();
}
