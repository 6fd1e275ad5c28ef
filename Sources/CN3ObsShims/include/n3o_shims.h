/*
 * Internal to libn3obs.so: the umbrella of the C data plane (one concern a header, included
 * below) and what is not split out yet: span slots, the span record head and the tracer
 * (tracing's), and the process (wakeups, the fork gate, exit flush). Swift imports these;
 * the static inline ones are compiled into the caller, so the hot path stays one atomic
 * instruction plus a few loads.
 *
 * Nothing here is published: the linker version script hides every symbol not named
 * n3obs_*, and these are named n3o_* only to stay clear of user code.
 */
#ifndef N3OBS_SHIMS_H
#define N3OBS_SHIMS_H

#include <stdatomic.h>
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <sched.h>

/* The data plane, one concern a header. */
#include "n3o_atomics.h"
#include "n3o_thread.h"
#include "n3o_cells.h"
#include "n3o_counter.h"
#include "n3o_histogram.h"
#include "n3o_trace_thread.h"
#include "n3o_lifecycle.h"
#include "n3o_record_paths.h"
#include "n3o_error.h"
#include "n3o_clock.h"

/* Span slots, the span record format and the sampler have headers of their own
 * (n3o_span_slots.h, n3o_span_record.h, n3o_sampler.h). */
#include "n3o_span_record.h"
#include "n3o_sampler.h"

/** The tracer, published once by start (a retained Swift object, never released). */
extern void *n3o_tracer_word;
static inline void *n3o_tracer_get(void) { return n3o_load_ptr(&n3o_tracer_word); }
static inline void n3o_tracer_set(void *t) { n3o_store_ptr(&n3o_tracer_word, t); }

/* ---- the process ------------------------------------------------------------------- */

/** Copies the path of the shared object (or executable) that contains this code into buf;
 *  0 on success, -1 if unknown or too long. */
int n3o_image_path(char *buf, size_t capacity);
/* A wakeup for one sleeping consumer (wakeup.c): the export coordinator sleeps on it and
 * ending a span pokes it when a batch is ready. */
typedef struct n3o_wakeup {
    _Atomic uint32_t sequence;   /* the futex word: moves on every wake */
    _Atomic uint32_t sleeping;   /* 1 while the consumer waits or is about to */
} n3o_wakeup;
/** The consumer is about to sleep: returns the sequence to pass to n3o_wakeup_wait.
 *  Check for work after it; if there is some, call n3o_wakeup_cancel instead of waiting. */
uint32_t n3o_wakeup_prepare(n3o_wakeup *w);
void n3o_wakeup_cancel(n3o_wakeup *w);
/** Sleeps until woken (or a wake since `seen`) or the monotonic deadline. */
void n3o_wakeup_wait(n3o_wakeup *w, uint32_t seen, uint64_t deadline_monotonic_ns);
/** Wakes the consumer (always moves the sequence: for requests such as a flush). */
void n3o_wakeup_signal(n3o_wakeup *w);
/** From the hot path: wakes the consumer only if it sleeps (one load otherwise). */
static inline void n3o_wakeup_if_sleeping(n3o_wakeup *w) {
    if (atomic_load_explicit(&w->sleeping, memory_order_relaxed)) n3o_wakeup_signal(w);
}

/* The fork gate (fork_gate.c): fork() waits until no thread runs the SDK's own code. */
/** Registers (once per process) the fork handlers, and the SDK's hook for a forked child:
 *  it runs on the first entry into the SDK in the child, never in the atfork handler. */
void n3o_register_atfork_child(void (*child)(void));
/** The calling thread starts running SDK code (nests). In a forked child, the first entry
 *  runs the child hook. */
void n3o_gate_enter(void);
/** The calling thread stops running SDK code (or steps out to wait or call a callback). */
void n3o_gate_leave(void);
/** Enters only if the calling thread is not inside yet, and returns 1 if it did (then it
 *  must call n3o_gate_leave): for the core's Swift entry points, which C API entries and
 *  SDK threads call from inside. Nesting there would keep a wait below from stepping out. */
int n3o_gate_enter_if_outside(void);
/** Enters again after a condition wait, with `held` locked: if a fork is under way the
 *  mutex is released while waiting for it, so that the gate never waits with it held. */
void n3o_gate_reenter_holding(pthread_mutex_t *held);
/** Steps wholly out of the gate however deep the caller is (to call code that is not the
 *  SDK's); returns the depth for n3o_gate_step_in. Nothing to do outside the gate. */
unsigned n3o_gate_step_out(void);
void n3o_gate_step_in(unsigned depth);
/** Runs the child hook if this is a forked child that has not run it yet (for recording
 *  paths that do not enter the gate). */
void n3o_fork_child_fixup_if_pending(void);
/** 1 in a forked child whose child hook has not run: it has not used the SDK yet. */
int n3o_fork_child_is_pending(void);
/** 1 (once) if the last fork went ahead while a thread was still inside the SDK. */
int n3o_fork_last_was_busy(void);
/* Flushing at exit and on signals (exit_flush.c). */
/** Registers (once per process) an atexit handler that calls hook, unless this is a forked
 *  child that never used the SDK. */
void n3o_register_exit_hook(void (*hook)(void));
/** Installs (once) the SIGTERM and SIGINT handlers and the n3obs-signals thread that calls
 *  hook(1) before the signal's default action ends the process, or hook(0) beside a
 *  handler installed before (chained). 0 on success, -1 (errno) if it could not. */
int n3o_flush_signals_install(void (*hook)(int final));
/** In a forked child, starts the child's n3obs-signals thread if the parent had one. */
int n3o_flush_signals_after_fork(void);
/** After shutdown: puts the previous SIGTERM and SIGINT handlers back and joins the thread
 *  (unless called on it). */
void n3o_flush_signals_stop(void);
/** Names the calling thread (at most 15 bytes show in ps and gdb). */
void n3o_set_thread_name(const char *name);

/* ---- memory ------------------------------------------------------------------------- */

/** Zeroed, aligned memory, or NULL. Free with free(). */
void *n3o_aligned_zalloc(size_t alignment, size_t size);

#endif
