/* Timing and memory helpers shared by the benchmark programs. */
#ifndef N3OBS_BENCH_COMMON_H
#define N3OBS_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Resident set size in bytes, from /proc/self/statm. */
static inline long bench_rss_bytes(void) {
    long pages_total = 0, pages_resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL) return -1;
    if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = -1;
    fclose(f);
    return pages_resident * sysconf(_SC_PAGESIZE);
}

/* One result line the driver reads: "<case> <value> <unit>". */
static inline void bench_report(const char *name, double value, const char *unit) {
    printf("%s %.4f %s\n", name, value, unit);
    fflush(stdout);
}

/* 1024 observation values spread over the default buckets (0.001 .. 20 s). */
static inline void bench_fill_values(double *values, int n) {
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        values[i] = (double)(x % 20000u) / 1000.0 + 0.001;
    }
}

#endif
