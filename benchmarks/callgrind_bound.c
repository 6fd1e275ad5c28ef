/*
 * Fixed loops for the instruction counts of the record functions on bound series (the C
 * fast paths of Sources/CN3ObsRecord/record.c), under callgrind, not timed. One path a run,
 * 10,000 calls on series the calling thread already owns:
 *   counter_add (1.0), counter_add_frac (0.5), counter_inc, gauge_set, gauge_add,
 *   histogram_observe (the 11 default buckets, values spread over them)
 * cc -std=c99 -O2 -Iinclude benchmarks/callgrind_bound.c -L.build/release -ln3obs \
 *     -Wl,-rpath,$PWD/.build/release -o .build/bench/callgrind_bound
 * valgrind --tool=callgrind --toggle-collect=n3obs_counter_add .build/bench/callgrind_bound counter_add
 * "Collected" / 10,000 is one call, callees included (counter_add_frac: toggle n3obs_counter_add).
 */
#include <n3obs.h>
#include <string.h>

static int bound_path(const char *path)
{
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *c;
    n3obs_gauge *g;
    n3obs_histogram *h;
    n3obs_counter_series *cs;
    n3obs_gauge_series *gs;
    n3obs_histogram_series *hs;
    int i;
    o.name = "c_total";
    if (n3obs_counter_new(&c, &o) != N3OBS_OK || n3obs_counter_bind(&cs, c, NULL, 0) != N3OBS_OK)
        return 1;
    o.name = "g";
    if (n3obs_gauge_new(&g, &o) != N3OBS_OK || n3obs_gauge_bind(&gs, g, NULL, 0) != N3OBS_OK)
        return 1;
    o.name = "h_seconds";
    if (n3obs_histogram_new(&h, &o, NULL, 0) != N3OBS_OK ||
        n3obs_histogram_bind(&hs, h, NULL, 0) != N3OBS_OK)
        return 1;
    /* Records by labels claim the cells for this thread (the first record's slow path)
     * outside the function measured. */
    if (n3obs_counter_add_labels(c, NULL, 0, 0.5) != N3OBS_OK ||
        n3obs_gauge_add_labels(g, NULL, 0, 1) != N3OBS_OK ||
        n3obs_histogram_observe_labels(h, NULL, 0, 1) != N3OBS_OK)
        return 1;
    if (strcmp(path, "counter_add") == 0) for (i = 0; i < 10000; i++) n3obs_counter_add(cs, 1.0);
    else if (strcmp(path, "counter_add_frac") == 0) for (i = 0; i < 10000; i++) n3obs_counter_add(cs, 0.5);
    else if (strcmp(path, "counter_inc") == 0) for (i = 0; i < 10000; i++) n3obs_counter_inc(cs);
    else if (strcmp(path, "gauge_set") == 0) for (i = 0; i < 10000; i++) n3obs_gauge_set(gs, i);
    else if (strcmp(path, "gauge_add") == 0) for (i = 0; i < 10000; i++) n3obs_gauge_add(gs, 1);
    else if (strcmp(path, "histogram_observe") == 0)
        for (i = 0; i < 10000; i++) n3obs_histogram_observe(hs, (i % 1000) * 0.011);
    else return 2;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 || n3obs_init(NULL) != N3OBS_OK) return 1;
    return bound_path(argv[1]);
}
