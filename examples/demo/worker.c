/*
 * worker: the C half of the demo. The Python executor runs it once per task with the
 * task's traceparent; the worker continues that trace (a SERVER span under the executor's
 * CLIENT span), does some "work" in a child span, counts it, and fails some tasks. Where
 * its telemetry goes is the environment's business (N3OBS_EXPORTERS).
 *
 * usage: worker TASK_ID TRACEPARENT
 */
#define _POSIX_C_SOURCE 200809L
#include <n3obs.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
    n3obs_span_context parent = N3OBS_SPAN_CONTEXT_INIT;
    n3obs_span_opts opts = N3OBS_SPAN_OPTS_INIT;
    n3obs_metric_opts mopts = N3OBS_METRIC_OPTS_INIT;
    const char *result_label[] = {"result"};
    const char *result[1];
    n3obs_counter *tasks;
    n3obs_histogram *work;
    n3obs_span *span, *step;
    n3obs_scope scope;
    int task, fails;

    if (argc != 3) {
        fprintf(stderr, "usage: %s TASK_ID TRACEPARENT\n", argv[0]);
        return 2;
    }
    task = atoi(argv[1]);
    fails = task % 4 == 3;
    if (n3obs_init(NULL) != N3OBS_OK) {
        fprintf(stderr, "worker: %s\n", n3obs_error_last());
        return 2;
    }
    mopts.name = "demo_worker_tasks_total";
    mopts.help = "Tasks the C worker handled, by result.";
    mopts.label_names = result_label;
    mopts.label_count = 1;
    n3obs_counter_new(&tasks, &mopts);
    mopts = (n3obs_metric_opts)N3OBS_METRIC_OPTS_INIT;
    mopts.name = "demo_worker_compute_seconds";
    mopts.help = "Time the C worker spent computing.";
    mopts.unit = "seconds";
    n3obs_histogram_new(&work, &mopts, NULL, 0);

    /* Continue the caller's trace; a bad or missing traceparent starts a new one. */
    if (n3obs_trace_context_extract(&parent, argv[2], NULL) == N3OBS_OK) opts.remote_parent = &parent;
    opts.kind = N3OBS_SPAN_KIND_SERVER;
    n3obs_span_start(&span, "worker.handle", &opts);
    n3obs_span_make_current(span, &scope);
    n3obs_span_set_attribute_int(span, "demo.task", task);

    n3obs_span_start(&step, "worker.compute", NULL); /* a child of the current span */
    sleep_ms(20 + (task * 13) % 40);
    n3obs_span_end(step, 0);
    n3obs_histogram_observe_labels(work, NULL, 0, (20 + (task * 13) % 40) / 1000.0);

    if (fails) {
        n3obs_span_record_exception(span, "ValueError", "task input could not be parsed", NULL);
        n3obs_span_set_status(span, N3OBS_STATUS_ERROR, "bad input");
    }
    result[0] = fails ? "error" : "ok";
    n3obs_counter_add_labels(tasks, result, 1, 1);
    n3obs_scope_close(scope);
    n3obs_span_end(span, 0);
    n3obs_shutdown(5000); /* delivers its spans and metrics to the exporters */
    return fails ? 1 : 0;
}
