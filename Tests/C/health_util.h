/*
 * health_util.h: helpers of the health tests: programmable checks, thread and memory
 * counts of this process, and a clock. Include after defining _POSIX_C_SOURCE.
 */
#ifndef N3OBS_TEST_HEALTH_UTIL_H
#define N3OBS_TEST_HEALTH_UTIL_H

#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* A check whose answer the test sets: returns `status`, writes `detail`, and, while
 * `block` is set, waits until it is cleared (a hang the test can end). */
typedef struct prog_check {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int status;
    const char *detail;
    int block;
    int calls;      /* callbacks begun */
    int returned;   /* callbacks ended */
    int freed;      /* user_data_free calls */
} prog_check;

static inline void prog_init(prog_check *p, int status)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->status = status;
    p->detail = "";
}

static inline int prog_callback(void *user_data, char *detail, size_t capacity)
{
    prog_check *p = (prog_check *)user_data;
    int st;
    pthread_mutex_lock(&p->mu);
    p->calls++;
    while (p->block)
        pthread_cond_wait(&p->cv, &p->mu);
    st = p->status;
    snprintf(detail, capacity, "%s", p->detail);
    p->returned++;
    pthread_mutex_unlock(&p->mu);
    return st;
}

static inline void prog_free(void *user_data)
{
    prog_check *p = (prog_check *)user_data;
    pthread_mutex_lock(&p->mu);
    p->freed++;
    pthread_mutex_unlock(&p->mu);
}

static inline void prog_set(prog_check *p, int status, int block)
{
    pthread_mutex_lock(&p->mu);
    p->status = status;
    p->block = block;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static inline int prog_get(prog_check *p, const int *field)
{
    int v;
    pthread_mutex_lock(&p->mu);
    v = *field;
    pthread_mutex_unlock(&p->mu);
    return v;
}

static inline int prog_register(const char *name, prog_check *p, int critical, uint32_t timeout_ms)
{
    n3obs_health_check_opts o = N3OBS_HEALTH_CHECK_OPTS_INIT;
    o.name = name;
    o.description = "a test check";
    o.callback = prog_callback;
    o.user_data = p;
    o.user_data_free = prog_free;
    o.critical = critical;
    o.timeout_ms = timeout_ms;
    return n3obs_health_register(&o);
}

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* Threads of this process, from /proc/self/task. */
static inline int thread_count(void)
{
    int n = 0;
    struct dirent *e;
    DIR *d = opendir("/proc/self/task");
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            ++n;
    closedir(d);
    return n;
}

/* Resident bytes, from /proc/self/statm. */
static inline long resident_bytes(void)
{
    long size = 0, resident = -1;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

/* The result of the named check in a report, or NULL. */
static inline const n3obs_health_check_result *report_check(const n3obs_health_report *r,
                                                            const char *name)
{
    size_t i;
    if (r == NULL)
        return NULL;
    for (i = 0; i < r->check_count; ++i)
        if (r->checks[i] != NULL && strcmp(r->checks[i]->name, name) == 0)
            return r->checks[i];
    return NULL;
}

/* Runs every check; returns the overall status or -1 if the run failed. */
static inline int run_status(void)
{
    n3obs_health_report *r = NULL;
    int st;
    if (n3obs_health_run(&r) != N3OBS_OK || r == NULL)
        return -1;
    st = (int)r->status;
    n3obs_health_report_free(r);
    return st;
}

#endif /* N3OBS_TEST_HEALTH_UTIL_H */
