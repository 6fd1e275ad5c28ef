/*
 * Fixed loops for instruction counts under callgrind (not timed):
 *   spans      1,500 sampled spans: start, one int attribute, end (fits the default queue)
 *   sampled    1,500 sampled spans as spans_bench's: start, a string and an int attribute, end
 *   unsampled  1,500 spans as spans_bench's: start + end under a current unsampled parent
 *   off        1,500 root spans with OTEL_TRACES_SAMPLER=always_off: start, 2 attributes, end
 *   drain      1,500 sampled spans as `sampled`, then one n3obs_spans_drain + batch free
 *   labels     10,000 n3obs_counter_add_labels with 3 label values
 * The span loops run once to warm up (slot chunk, record pool) and drain, then again in
 * measured(), the function to collect:
 * valgrind --tool=callgrind --toggle-collect=measured --callgrind-out-file=cg.out \
 *     .build/bench/callgrind_paths sampled
 * callgrind_annotate --inclusive=yes cg.out | grep -E 'n3obs_span_|n3obs_spans_drain|measured'
 * (instructions per call: the inclusive count over the 1,500 calls; for `off` run it as
 * OTEL_TRACES_SAMPLER=always_off valgrind ...; for labels, without --toggle-collect).
 */
#include <n3obs.h>
#include <string.h>

static void spans(int attributes, int n)
{
    int i;
    if (attributes < 0) {   /* drain what is queued */
        n3obs_span_batch *b = NULL;
        if (n3obs_spans_drain(&b, 0) == N3OBS_OK) n3obs_span_batch_free(b);
        return;
    }
    for (i = 0; i < n; i++) {
        n3obs_span *s;
        n3obs_span_start(&s, "GET /items", NULL);
        if (attributes == 2)
            n3obs_span_set_attribute_string(s, "http.request.method", "GET");
        if (attributes >= 1)
            n3obs_span_set_attribute_int(s, "http.response.status_code", 200);
        n3obs_span_end(s, 0);
    }
}

/* The loop callgrind collects (--toggle-collect=measured), after a warm-up. */
__attribute__((noinline)) static void measured(int attributes)
{
    spans(attributes, 1500);
    __asm__ volatile("" ::: "memory");   /* no tail call: callgrind must see measured return */
}

static void warm(int attributes)
{
    n3obs_span_batch *b = NULL;
    spans(attributes, 1500);
    if (n3obs_spans_drain(&b, 0) == N3OBS_OK) n3obs_span_batch_free(b);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "spans";
    int i;
    if (n3obs_init(NULL) != N3OBS_OK) return 1;
    if (strcmp(mode, "labels") == 0) {
        const char *names[] = {"method", "route", "code"};
        const char *values[] = {"GET", "/", "200"};
        n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
        n3obs_counter *c;
        o.name = "requests_total";
        o.label_names = names;
        o.label_count = 3;
        if (n3obs_counter_new(&c, &o) != N3OBS_OK) return 1;
        for (i = 0; i < 10000; i++) n3obs_counter_add_labels(c, values, 3, 1);
    } else if (strcmp(mode, "unsampled") == 0) {
        n3obs_span_context unsampled = N3OBS_SPAN_CONTEXT_INIT;
        n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
        n3obs_span *parent;
        n3obs_scope tok;
        n3obs_trace_context_extract(&unsampled, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", NULL);
        o.remote_parent = &unsampled;
        n3obs_span_start(&parent, "unsampled request", &o);
        n3obs_span_make_current(parent, &tok);
        warm(0);
        measured(0);
        n3obs_scope_close(tok);
        n3obs_span_end(parent, 0);
    } else if (strcmp(mode, "off") == 0 || strcmp(mode, "sampled") == 0) {
        warm(2);
        measured(2);
    } else if (strcmp(mode, "drain") == 0) {
        warm(2);
        spans(2, 1500);
        measured(-1);
    } else {
        warm(1);
        measured(1);
    }
    return 0;
}
