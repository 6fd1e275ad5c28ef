/*
 * The program Tests/C/test_exit_flush.c runs: n3obs_init (exporters from the environment),
 * ends COUNT spans at RATE per second, prints "ended COUNT", then ends as MODE says, never
 * calling n3obs_shutdown unless told:
 *   return       returns from main
 *   thread-exit  a second thread calls exit(0)
 *   shutdown     calls n3obs_shutdown, then returns (the exit handler must do nothing)
 *   exit-beside-shutdown  a second thread calls n3obs_shutdown while main calls exit(0)
 *   wait         waits to be killed by a signal
 *   chained      installs a SIGTERM handler before n3obs_init, waits for it, returns 7
 *   fork         a forked child ends the spans and returns; the parent waits for it and
 *                returns its exit status (the parent itself ends none)
 *   fork-term    the same, but the child sends itself SIGTERM; the parent returns 0 if
 *                SIGTERM ended the child
 *   signals-stop with N3OBS_FLUSH_ON_SIGNALS=1: returns 0 if the n3obs-signals thread
 *                runs after init, and after n3obs_shutdown is gone and SIGTERM's
 *                disposition is the default again (else 10, 11, 12)
 */
#define _XOPEN_SOURCE 700
#include <n3obs.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_term;
static void on_term(int sig) { (void)sig; got_term = 1; }

static void *exit_from_thread(void *unused) {
    (void)unused;
    exit(0);
}

/* Threads of this process named n3obs-signals. */
static int signal_threads(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "grep -lx n3obs-signals /proc/%d/task/*/comm 2>/dev/null | wc -l", (int)getpid());
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p == NULL || fscanf(p, "%d", &n) != 1) n = -1;
    if (p != NULL) pclose(p);
    return n;
}

static void *shutdown_from_thread(void *unused) {
    (void)unused;
    n3obs_shutdown(30000);
    return NULL;
}

static int end_spans(long count, long rate) {
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < count; i++) {
        n3obs_span *span = NULL;
        if (n3obs_span_start(&span, "exit_span", NULL) != N3OBS_OK) return -1;
        n3obs_span_set_attribute_int(span, "i", i);
        n3obs_span_end(span, 0);
        /* a steady pace: span i ends at start + i / rate */
        long long due = (long long)start.tv_sec * 1000000000LL + start.tv_nsec + (i + 1) * (1000000000LL / rate);
        struct timespec at = {(time_t)(due / 1000000000LL), (long)(due % 1000000000LL)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
    }
    printf("ended %ld\n", count);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: exit_spans MODE COUNT RATE\n");
        return 2;
    }
    const char *mode = argv[1];
    long count = atol(argv[2]), rate = atol(argv[3]);
    if (strcmp(mode, "chained") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_term;
        sigaction(SIGTERM, &sa, NULL);
    }
    int st = n3obs_init(NULL);
    if (st != N3OBS_OK) {
        fprintf(stderr, "n3obs_init: %s\n", n3obs_error_last());
        return 3;
    }
    if (strcmp(mode, "fork") == 0 || strcmp(mode, "fork-term") == 0) {
        int term = strcmp(mode, "fork-term") == 0;
        pid_t child = fork();
        if (child == 0) {
            if (end_spans(count, rate) != 0) return 4;
            if (term) {
                raise(SIGTERM);
                for (;;) pause();
            }
            return 0;
        }
        int status = 0;
        if (child < 0 || waitpid(child, &status, 0) != child) return 5;
        if (term) return WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? 0 : 9;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 6;
    }
    if (strcmp(mode, "signals-stop") == 0) {
        if (signal_threads() != 1) return 10;
        if (n3obs_shutdown(30000) != N3OBS_OK || signal_threads() != 0) return 11;
        struct sigaction now;
        sigaction(SIGTERM, NULL, &now);
        return !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL ? 0 : 12;
    }
    if (end_spans(count, rate) != 0) return 4;
    if (strcmp(mode, "thread-exit") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, exit_from_thread, NULL);
        for (;;) pause();
    }
    if (strcmp(mode, "exit-beside-shutdown") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, shutdown_from_thread, NULL);
        exit(0);
    }
    if (strcmp(mode, "shutdown") == 0) return n3obs_shutdown(30000) == N3OBS_OK ? 0 : 8;
    if (strcmp(mode, "wait") == 0)
        for (;;) pause();
    if (strcmp(mode, "chained") == 0) {
        while (!got_term) pause();
        return 7;
    }
    return 0;
}
