/*
 * Fixed loops for instruction counts under callgrind (not timed):
 *   spans   1,500 sampled spans: start, one int attribute, end (fits the default queue)
 *   labels  10,000 n3obs_counter_add_labels with 3 label values
 * valgrind --tool=callgrind --callgrind-out-file=cg.out .build/bench/callgrind_paths spans
 * callgrind_annotate --inclusive=yes cg.out | grep -E 'n3obs_span_end|n3obs_counter_add_labels'
 */
#include <n3obs.h>
#include <string.h>

int main(int argc, char **argv) {
    int i;
    if (n3obs_init(NULL) != N3OBS_OK) return 1;
    if (argc > 1 && strcmp(argv[1], "labels") == 0) {
        const char *names[] = {"method", "route", "code"};
        const char *values[] = {"GET", "/", "200"};
        n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
        n3obs_counter *c;
        o.name = "requests_total";
        o.label_names = names;
        o.label_count = 3;
        if (n3obs_counter_new(&c, &o) != N3OBS_OK) return 1;
        for (i = 0; i < 10000; i++) n3obs_counter_add_labels(c, values, 3, 1);
    } else {
        for (i = 0; i < 1500; i++) {
            n3obs_span *s;
            n3obs_span_start(&s, "x", NULL);
            n3obs_span_set_attribute_int(s, "a", i);
            n3obs_span_end(s, 0);
        }
    }
    return 0;
}
