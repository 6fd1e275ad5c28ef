/*
 * Tracing settings from the environment: OTEL_TRACES_SAMPLER, OTEL_BSP_MAX_QUEUE_SIZE and
 * OTEL_ATTRIBUTE_COUNT_LIMIT as the fallback of the span attribute limit.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <stdlib.h>

int main(void)
{
    n3obs_span *s;
    n3obs_span_batch *b = NULL;
    uint64_t dropped = 0;
    int i;

    setenv("OTEL_TRACES_SAMPLER", "nonsense", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG, "OTEL_TRACES_SAMPLER=nonsense is a config error");
    CHECK_MSG("OTEL_TRACES_SAMPLER", "naming the variable");
    setenv("OTEL_TRACES_SAMPLER", "always_on", 1);
    setenv("OTEL_BSP_MAX_QUEUE_SIZE", "x", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG, "OTEL_BSP_MAX_QUEUE_SIZE=x is a config error");
    setenv("OTEL_BSP_MAX_QUEUE_SIZE", "3", 1);
    setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4", 1);
    CHECK_ST(n3obs_init(NULL), N3OBS_E_CONFIG, "a batch (4) larger than the queue (3) is refused");
    CHECK_MSG("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "naming the variable");
    {
        n3obs_config c = N3OBS_CONFIG_INIT;
        c.bsp_max_queue_size = 3;
        c.bsp_max_export_batch_size = 10;
        CHECK_ST(n3obs_init(&c), N3OBS_E_CONFIG, "the same through the config struct");
        CHECK_MSG("bsp_max_export_batch_size", "naming the field");
    }
    unsetenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"); /* the default batch, 512, shrinks to the queue */
    setenv("OTEL_ATTRIBUTE_COUNT_LIMIT", "2", 1);
    CHECK_OK(n3obs_init(NULL), "init from the environment");

    for (i = 0; i < 5; ++i) {
        CHECK_OK(n3obs_span_start(&s, "e", NULL), "start %d", i);
        n3obs_span_set_attribute_int(s, "a", 1);
        n3obs_span_set_attribute_int(s, "b", 2);
        n3obs_span_set_attribute_int(s, "c", 3);
        CHECK_OK(n3obs_span_end(s, 0), "end %d", i);
    }
    CHECK_OK(n3obs_spans_dropped(&dropped), "dropped");
    CHECK_U64(dropped, 2, "a queue of 3 drops the 4th and 5th span");
    CHECK_OK(n3obs_spans_drain(&b, 0), "drain");
    CHECK(b && b->span_count == 3, "3 spans queued");
    CHECK(b && b->span_count > 0 && b->spans[0].attribute_count == 2 && b->spans[0].dropped_attributes_count == 1,
          "OTEL_ATTRIBUTE_COUNT_LIMIT=2 limits span attributes");
    n3obs_span_batch_free(b);
    return check_finish();
}
