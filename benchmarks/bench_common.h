/* Timing and memory helpers shared by the benchmark programs. */
#ifndef N3OBS_BENCH_COMMON_H
#define N3OBS_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

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

/* Voluntary context switches of every thread of this process: the sum of
 * voluntary_ctxt_switches over /proc/self/task/<tid>/status, and the thread count. A thread
 * that sleeps in a timed wait and wakes adds one each time, so over an idle stretch this
 * counts wakeups. */
static inline long bench_voluntary_switches(int *threads) {
    long total = 0;
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    if (d == NULL) return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[288], line[256];
        snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) continue;   /* the thread ended meanwhile */
        n++;
        while (fgets(line, sizeof line, f) != NULL) {
            long v;
            if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1) total += v;
        }
        fclose(f);
    }
    closedir(d);
    if (threads != NULL) *threads = n;
    return total;
}

#endif
