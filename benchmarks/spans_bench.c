/*
 * Span start+end from C, against the floor of the issue: two clock_gettime(CLOCK_REALTIME)
 * calls plus one bound counter increment, measured in the same run.
 *
 *   (a) sampled span start + 2 attributes + end, while another thread drains the queue
 *   (b) unsampled span start + end (a child of a current unsampled span)
 *   (c) the floor
 *   (d) "off": a root span with the sampler always_off, start + the 2 attributes + end
 *
 * Without arguments: prints ns per operation (median of 5 runs) and the ratios a/c (goal <= 8)
 * and b/c (goal <= 2). With one argument (floor, sampled or unsampled): runs that case once
 * and prints "<case> <ns> ns", the line benchmarks/run.py reads (`make bench` runs it;
 * "off" only this way: the sampler is chosen at init).
 * Build: cc -O2 -std=c99 -Iinclude benchmarks/spans_bench.c -L.build/release -ln3obs \
 *        -Wl,-rpath,$PWD/.build/release -pthread -o .build/spans_bench
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "n3obs.h"

#define RUNS 5
#define N 1000000

static volatile int stop_draining;
static n3obs_counter_series *floor_series;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *drainer(void *arg)
{
    (void)arg;
    while (!stop_draining) {
        n3obs_span_batch *b = NULL;
        if (n3obs_spans_drain(&b, 512) == N3OBS_OK) {
            size_t n = b->span_count;
            n3obs_span_batch_free(b);
            if (n == 0) {
                struct timespec pause = {0, 200000};
                nanosleep(&pause, NULL);
            }
        }
    }
    return NULL;
}

static double bench_sampled(void)
{
    double t0 = now_ns();
    long i;
    for (i = 0; i < N; ++i) {
        n3obs_span *s;
        n3obs_span_start(&s, "GET /items", NULL);
        n3obs_span_set_attribute_string(s, "http.request.method", "GET");
        n3obs_span_set_attribute_int(s, "http.response.status_code", 200);
        n3obs_span_end(s, 0);
    }
    return (now_ns() - t0) / N;
}

static double bench_unsampled(void)
{
    double t0 = now_ns();
    long i;
    for (i = 0; i < N; ++i) {
        n3obs_span *s;
        n3obs_span_start(&s, "GET /items", NULL);
        n3obs_span_end(s, 0);
    }
    return (now_ns() - t0) / N;
}

static double bench_off(void)
{
    double t0 = now_ns();
    long i;
    for (i = 0; i < N; ++i) {
        n3obs_span *s;
        n3obs_span_start(&s, "GET /items", NULL);
        n3obs_span_set_attribute_string(s, "http.request.method", "GET");
        n3obs_span_set_attribute_int(s, "http.response.status_code", 200);
        n3obs_span_end(s, 0);
    }
    return (now_ns() - t0) / N;
}

static double bench_floor(void)
{
    double t0 = now_ns();
    long i;
    for (i = 0; i < N; ++i) {
        struct timespec a, b;
        clock_gettime(CLOCK_REALTIME, &a);
        n3obs_counter_inc(floor_series);
        clock_gettime(CLOCK_REALTIME, &b);
        __asm__ volatile("" : : "r"(&a), "r"(&b) : "memory");
    }
    return (now_ns() - t0) / N;
}

static int cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double median(double (*f)(void))
{
    double v[RUNS];
    int r;
    for (r = 0; r < RUNS; ++r)
        v[r] = f();
    qsort(v, RUNS, sizeof v[0], cmp);
    return v[RUNS / 2];
}

/* One case, once, for benchmarks/run.py (which alternates cases and takes medians). */
static int run_one(const char *name)
{
    double v;
    if (!strcmp(name, "floor")) {
        bench_floor(); /* warm up */
        v = bench_floor();
    } else if (!strcmp(name, "sampled")) {
        pthread_t th;
        pthread_create(&th, NULL, drainer, NULL);
        bench_sampled(); /* warm up */
        v = bench_sampled();
        stop_draining = 1;
        pthread_join(th, NULL);
    } else if (!strcmp(name, "off")) {
        bench_off(); /* warm up */
        v = bench_off();
    } else if (!strcmp(name, "unsampled")) {
        n3obs_span_context unsampled = N3OBS_SPAN_CONTEXT_INIT;
        n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
        n3obs_span *parent;
        n3obs_scope tok;
        n3obs_trace_context_extract(&unsampled, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", NULL);
        o.remote_parent = &unsampled;
        n3obs_span_start(&parent, "unsampled request", &o);
        n3obs_span_make_current(parent, &tok);
        bench_unsampled(); /* warm up */
        v = bench_unsampled();
        n3obs_scope_close(tok);
        n3obs_span_end(parent, 0);
    } else {
        fprintf(stderr, "unknown case %s (floor, sampled, unsampled, off)\n", name);
        return 2;
    }
    printf("%s %.4f ns\n", name, v);
    return 0;
}

int main(int argc, char **argv)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_metric_opts mo = N3OBS_METRIC_OPTS_INIT;
    n3obs_counter *c;
    n3obs_span_context unsampled = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_opts o = N3OBS_SPAN_OPTS_INIT;
    n3obs_span *parent;
    n3obs_scope tok;
    pthread_t th;
    double a, b, fl;
    uint64_t dropped = 0;

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    if (argc == 2 && !strcmp(argv[1], "off"))
        cfg.traces_sampler = "always_off";
    if (n3obs_init(&cfg) != N3OBS_OK) {
        fprintf(stderr, "init: %s\n", n3obs_error_last());
        return 1;
    }
    mo.name = "bench_floor_total";
    n3obs_counter_new(&c, &mo);
    n3obs_counter_bind(&floor_series, c, NULL, 0);
    if (argc == 2)
        return run_one(argv[1]);

    fl = median(bench_floor);

    pthread_create(&th, NULL, drainer, NULL);
    bench_sampled(); /* warm up */
    a = median(bench_sampled);
    stop_draining = 1;
    pthread_join(th, NULL);
    n3obs_spans_dropped(&dropped);

    n3obs_trace_context_extract(&unsampled, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", NULL);
    o.remote_parent = &unsampled;
    n3obs_span_start(&parent, "unsampled request", &o);
    n3obs_span_make_current(parent, &tok);
    b = median(bench_unsampled);
    n3obs_scope_close(tok);
    n3obs_span_end(parent, 0);

    printf("spans_bench (median of %d runs of %d ops)\n", RUNS, N);
    printf("  floor: 2 x clock_gettime(REALTIME) + counter_inc   %8.1f ns\n", fl);
    printf("  sampled start + 2 attributes + end (drained)       %8.1f ns   ratio %.2f (goal <= 8)\n", a, a / fl);
    printf("  unsampled start + end                              %8.1f ns   ratio %.2f (goal <= 2)\n", b, b / fl);
    printf("  sampled spans dropped while draining: %llu of %d\n", (unsigned long long)dropped, (RUNS + 1) * N);
    return 0;
}
