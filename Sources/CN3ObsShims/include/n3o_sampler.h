/*
 * The sampling decision, defined here once: the C span start (CN3ObsRecord/span_start.c)
 * and Swift's Tracer.start (through Sampler.decision) both call n3o_sample.
 *
 * OpenTelemetry's built-in samplers reduce to three numbers. ParentBased(root) follows a
 * parent's sampled flag (local or remote, OTel's defaults) and asks root only for a span
 * without a parent; ParentBased(ParentBased(x)) is ParentBased(x). TraceIdRatioBased(r)
 * samples the trace ids whose lower 8 bytes, read as a big-endian integer, are below
 * r * 2^64 (the rule of opentelemetry-python and -cpp), so every process that sees a trace
 * id decides alike.
 */
#ifndef N3O_SAMPLER_H
#define N3O_SAMPLER_H

#include <stdint.h>

enum { N3O_ROOT_SAMPLE_OFF = 0, N3O_ROOT_SAMPLE_ON = 1, N3O_ROOT_SAMPLE_RATIO = 2 };

typedef struct n3o_sampler {
    uint32_t parent_based;   /* a parent's sampled flag decides for its children */
    uint32_t root_mode;      /* N3O_ROOT_SAMPLE_*: spans without a parent (or all spans) */
    uint64_t ratio_bound;    /* RATIO: sampled when the trace id's low 64 bits are below */
} n3o_sampler;

/* TraceIdRatioBased(ratio) (ratio in [0, 1]; NaN samples nothing). */
static inline n3o_sampler n3o_sampler_ratio(double ratio) {
    n3o_sampler s = {0, N3O_ROOT_SAMPLE_OFF, 0};
    if (ratio >= 1) s.root_mode = N3O_ROOT_SAMPLE_ON;
    else if (ratio > 0) {
        s.root_mode = N3O_ROOT_SAMPLE_RATIO;
        s.ratio_bound = (uint64_t)(ratio * 18446744073709551616.0);   /* ratio * 2^64, < 2^64 */
    }
    return s;
}

/* Whether a span is sampled. has_parent: it has a valid parent (local or remote), whose
 * sampled flag is parent_sampled; trace_lo: the low 64 bits of its trace id. */
static inline int n3o_sample(const n3o_sampler *s, int has_parent, int parent_sampled, uint64_t trace_lo) {
    if (has_parent && s->parent_based) return parent_sampled != 0;
    if (s->root_mode == N3O_ROOT_SAMPLE_RATIO) return trace_lo < s->ratio_bound;
    return s->root_mode == N3O_ROOT_SAMPLE_ON;
}

/* What the C span start needs of the tracer, published with it (N3ObsSDK.start, before
 * n3o_tracer_set orders it for readers). ready == 0 (no tracer yet) sends every start to
 * the Swift path, which says why. */
typedef struct n3o_fast_start {
    uint32_t ready;
    uint32_t attribute_limit;
    n3o_sampler sampler;
    void *queue;             /* the tracer's n3o_span_queue, for the C span end */
} n3o_fast_start;
extern n3o_fast_start n3o_fast_start_settings;
static inline void n3o_fast_start_publish(n3o_fast_start settings) { n3o_fast_start_settings = settings; }

#endif
