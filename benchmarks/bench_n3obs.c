/*
 * n3obs's side of `make bench`: every case through the public C API of libn3obs.so, as a
 * user calls it, plus the bare C11 atomic the bound counter is compared with.
 * Usage: bench_n3obs <case>; prints "<case> <value> <unit>".
 */
#define _POSIX_C_SOURCE 200809L
#include "bench_common.h"

#include <n3obs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define OPS 20000000L
#define LABEL_OPS 5000000L

static void must(int rc, const char *what) {
    if (rc != N3OBS_OK) {
        fprintf(stderr, "%s: %s\n", what, n3obs_error_last());
        exit(1);
    }
}

static n3obs_counter_series *unlabeled_counter(const char *name) {
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = name;
    n3obs_counter *c;
    n3obs_counter_series *s;
    must(n3obs_counter_new(&c, &o), "counter_new");
    must(n3obs_counter_bind(&s, c, NULL, 0), "counter_bind");
    return s;
}

static _Atomic uint64_t bare_cell;

static double bench_atomic(void) {
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < OPS; i++) atomic_fetch_add_explicit(&bare_cell, 1, memory_order_relaxed);
    return (double)(bench_now_ns() - t0) / OPS;
}

static double bench_counter_add(void) {
    n3obs_counter_series *s = unlabeled_counter("bench_counter_total");
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < OPS; i++) n3obs_counter_add(s, 1.0);
    return (double)(bench_now_ns() - t0) / OPS;
}

struct thread_arg { n3obs_counter_series *s; long ops; };

static void *add_loop(void *p) {
    struct thread_arg *a = p;
    for (long i = 0; i < a->ops; i++) n3obs_counter_add(a->s, 1.0);
    return NULL;
}

/* Two threads on one counter: wall time over all adds (lower than one thread means the
 * stripes let both cores work). */
static double bench_counter_two_threads(void) {
    n3obs_counter_series *s = unlabeled_counter("bench_shared_total");
    struct thread_arg a = {s, OPS};
    pthread_t t[2];
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, add_loop, &a);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    return (double)(bench_now_ns() - t0) / (2.0 * OPS);
}

/* The control for the case above: two threads, each on a counter of its own that no
 * other thread touches (each owns its base). Nothing is shared, so this is what two cores
 * of this machine give for the same call; the one-counter case cannot beat it. */
static double bench_counter_two_threads_apart(void) {
    struct thread_arg a = {unlabeled_counter("bench_apart_a_total"), OPS};
    /* Series made in a row sit side by side in memory: keep the two apart. */
    for (int i = 0; i < 64; i++) {
        char name[40];
        snprintf(name, sizeof name, "bench_apart_pad%d_total", i);
        unlabeled_counter(name);
    }
    struct thread_arg b = {unlabeled_counter("bench_apart_b_total"), OPS};
    pthread_t t[2];
    uint64_t t0 = bench_now_ns();
    pthread_create(&t[0], NULL, add_loop, &a);
    pthread_create(&t[1], NULL, add_loop, &b);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    return (double)(bench_now_ns() - t0) / (2.0 * OPS);
}

static double bench_counter_labels(void) {
    const char *names[] = {"method", "route", "status"};
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = "bench_labeled_total";
    o.label_names = names;
    o.label_count = 3;
    n3obs_counter *c;
    must(n3obs_counter_new(&c, &o), "counter_new");
    static char text[100][3][24];
    const char *sets[100][3];
    for (int i = 0; i < 100; i++) {
        snprintf(text[i][0], 24, "%s", i % 2 ? "GET" : "POST");
        snprintf(text[i][1], 24, "/api/v1/item/%d", i);
        snprintf(text[i][2], 24, "%d", 200 + i % 5);
        for (int k = 0; k < 3; k++) sets[i][k] = text[i][k];
    }
    for (int i = 0; i < 100; i++) must(n3obs_counter_add_labels(c, sets[i], 3, 1), "warm");
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < LABEL_OPS; i++) n3obs_counter_add_labels(c, sets[i % 100], 3, 1);
    return (double)(bench_now_ns() - t0) / LABEL_OPS;
}

static double bench_histogram(void) {
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = "bench_latency_seconds";
    n3obs_histogram *h;
    n3obs_histogram_series *s;
    must(n3obs_histogram_new(&h, &o, NULL, 0), "histogram_new");
    must(n3obs_histogram_bind(&s, h, NULL, 0), "histogram_bind");
    double values[1024];
    bench_fill_values(values, 1024);
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < OPS; i++) n3obs_histogram_observe(s, values[i & 1023]);
    return (double)(bench_now_ns() - t0) / OPS;
}

static double bench_summary(void) {
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = "bench_sizes";
    n3obs_summary *sm;
    n3obs_summary_series *s;
    must(n3obs_summary_new(&sm, &o, NULL), "summary_new");
    must(n3obs_summary_bind(&s, sm, NULL, 0), "summary_bind");
    double values[1024];
    bench_fill_values(values, 1024);
    long ops = OPS / 4;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < ops; i++) n3obs_summary_observe(s, values[i & 1023]);
    return (double)(bench_now_ns() - t0) / ops;
}

/* Families of 10 series x 1000 families = 10,000 labelled counter series. */
static void make_series(int count, int labels_per_series) {
    const char *names[] = {"method", "route", "status"};
    n3obs_metric_opts o = N3OBS_METRIC_OPTS_INIT;
    o.name = "bench_series_total";
    o.help = "Series for the collect and memory cases.";
    o.label_names = names;
    o.label_count = (size_t)labels_per_series;
    n3obs_counter *c;
    must(n3obs_counter_new(&c, &o), "counter_new");
    char a[32], b[32], d[32];
    const char *v[] = {a, b, d};
    for (int i = 0; i < count; i++) {
        snprintf(a, sizeof a, "%s", i % 2 ? "GET" : "POST");
        snprintf(b, sizeof b, "/api/v1/item/%d", i);
        snprintf(d, sizeof d, "%d", 200 + i % 5);
        must(n3obs_counter_add_labels(c, v, 3, 1), "add_labels");
    }
}

static double bench_collect(void) {
    make_series(10000, 3);
    n3obs_metrics_snapshot *snap;
    must(n3obs_metrics_collect(&snap), "collect");
    n3obs_metrics_snapshot_free(snap);
    const int rounds = 50;
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < rounds; i++) {
        n3obs_metrics_collect(&snap);
        n3obs_metrics_snapshot_free(snap);
    }
    return (double)(bench_now_ns() - t0) / rounds / 1e3; /* microseconds */
}

static double bench_memory(void) {
    const int n = 100000;
    make_series(100, 3); /* warm the family and allocator */
    long before = bench_rss_bytes();
    make_series(n, 3);
    long after = bench_rss_bytes();
    return (double)(after - before) / n;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <case>\n", argv[0]);
        return 2;
    }
    n3obs_config config = N3OBS_CONFIG_INIT;
    config.cardinality_limit = 1000000;
    config.flags = N3OBS_INIT_IGNORE_ENV;
    must(n3obs_init(&config), "init");
    const char *c = argv[1];
    if (!strcmp(c, "atomic")) bench_report(c, bench_atomic(), "ns");
    else if (!strcmp(c, "counter_add")) bench_report(c, bench_counter_add(), "ns");
    else if (!strcmp(c, "counter_two_threads")) bench_report(c, bench_counter_two_threads(), "ns");
    else if (!strcmp(c, "counter_two_threads_apart")) bench_report(c, bench_counter_two_threads_apart(), "ns");
    else if (!strcmp(c, "counter_labels")) bench_report(c, bench_counter_labels(), "ns");
    else if (!strcmp(c, "histogram")) bench_report(c, bench_histogram(), "ns");
    else if (!strcmp(c, "summary")) bench_report(c, bench_summary(), "ns");
    else if (!strcmp(c, "collect")) bench_report(c, bench_collect(), "us");
    else if (!strcmp(c, "memory")) bench_report(c, bench_memory(), "bytes");
    else {
        fprintf(stderr, "unknown case %s\n", c);
        return 2;
    }
    return 0;
}
