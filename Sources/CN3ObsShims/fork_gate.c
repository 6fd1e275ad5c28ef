/*
 * The fork gate: fork() happens only while no thread runs the SDK's own code, so a child
 * never inherits an SDK lock, a half-changed structure or a Swift runtime lock held by a
 * thread that did not come along (only the forking thread does).
 *
 * A thread is "inside" from the moment it starts running SDK code (a C API call beyond
 * the lock-free recording paths, or an SDK thread's loop) until it returns, and it steps
 * out while it waits and while it calls a callback (a health check, a plugin). The
 * pthread_atfork prepare handler closes the gate (new entries wait), waits until every
 * thread inside has stepped out, and keeps the gate closed over fork(); the parent and
 * child handlers open it again. In the child nothing runs Swift code: the first entry
 * (or n3o_fork_child_fixup_if_pending) runs the SDK's child hook, on the thread that
 * first needs the SDK there. This is gRPC's fork support, in small.
 *
 * Entering and leaving cost one atomic add and one load; nesting is counted per thread,
 * so only the outermost entry touches the shared counter.
 */
#include "n3o_shims.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static _Atomic unsigned gate_inside;        /* threads inside now */
static _Atomic int gate_closed;             /* a fork is waiting or under way */
/* Forked child: 0 nothing to do, 1 the hook has not run yet, 2 it runs now. */
static _Atomic int gate_child_pending;
static _Atomic int gate_forked_busy;        /* the last fork did not wait for everyone */
/* initial-exec, as the SDK's other per-thread words: no __tls_get_addr call per entry. */
static __thread unsigned gate_depth __attribute__((tls_model("initial-exec")));   /* nesting */
static pthread_mutex_t gate_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_opened = PTHREAD_COND_INITIALIZER;
static void (*gate_child_hook)(void);
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;

/* How long prepare waits for threads inside: a bug must not hang fork() for ever. */
#define GATE_PREPARE_TIMEOUT_NS 5000000000ull

/* Runs the child hook once; threads that arrive while it runs wait for it, so that no SDK
 * code runs in the child beside a half-done restart. */
static void gate_run_child_hook(void) {
    int expected = 1;
    if (atomic_load_explicit(&gate_child_pending, memory_order_relaxed) == 0) return;
    if (atomic_compare_exchange_strong(&gate_child_pending, &expected, 2)) {
        if (gate_child_hook != NULL) gate_child_hook();
        pthread_mutex_lock(&gate_mutex);
        atomic_store(&gate_child_pending, 0);
        pthread_cond_broadcast(&gate_opened);
        pthread_mutex_unlock(&gate_mutex);
        return;
    }
    pthread_mutex_lock(&gate_mutex);
    while (atomic_load(&gate_child_pending) != 0) pthread_cond_wait(&gate_opened, &gate_mutex);
    pthread_mutex_unlock(&gate_mutex);
}

/* Enters without running the child hook; the outermost entry waits while the gate is
 * closed. Returns with the caller counted inside. */
static void gate_enter_raw(void) {
    if (gate_depth++ > 0) return;
    for (;;) {
        atomic_fetch_add(&gate_inside, 1);              /* seq_cst: pairs with prepare */
        if (!atomic_load(&gate_closed)) return;
        atomic_fetch_sub(&gate_inside, 1);              /* a fork is coming: wait it out */
        pthread_mutex_lock(&gate_mutex);
        while (atomic_load(&gate_closed)) pthread_cond_wait(&gate_opened, &gate_mutex);
        pthread_mutex_unlock(&gate_mutex);
    }
}

void n3o_gate_enter(void) {
    gate_enter_raw();
    if (gate_depth == 1) gate_run_child_hook(); /* not from inside the hook itself */
}

int n3o_gate_enter_if_outside(void) {
    if (gate_depth > 0) return 0;
    n3o_gate_enter();
    return 1;
}

void n3o_gate_leave(void) {
    if (gate_depth == 0 || --gate_depth > 0) return;
    atomic_fetch_sub(&gate_inside, 1);
}

void n3o_gate_reenter_holding(pthread_mutex_t *held) {
    if (gate_depth++ > 0) return;
    atomic_fetch_add(&gate_inside, 1);
    if (!atomic_load(&gate_closed)) return;
    /* Never wait for the gate with a mutex held: a thread inside may need it to leave. */
    atomic_fetch_sub(&gate_inside, 1);
    gate_depth--;
    pthread_mutex_unlock(held);
    gate_enter_raw();
    pthread_mutex_lock(held);
}

unsigned n3o_gate_step_out(void) {
    unsigned depth = gate_depth;
    if (depth > 0) {
        gate_depth = 1;
        n3o_gate_leave();
    }
    return depth;
}

void n3o_gate_step_in(unsigned depth) {
    if (depth == 0) return;
    n3o_gate_enter();
    gate_depth = depth;
}

void n3o_fork_child_fixup_if_pending(void) {
    if (atomic_load_explicit(&gate_child_pending, memory_order_relaxed)) {
        n3o_gate_enter();
        n3o_gate_leave();
    }
}

int n3o_fork_child_is_pending(void) { return atomic_load(&gate_child_pending) != 0; }

int n3o_fork_last_was_busy(void) { return atomic_exchange(&gate_forked_busy, 0); }

static uint64_t gate_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void gate_prepare(void) {
    /* The forking thread may itself be inside (fork from a callback of an SDK call). */
    unsigned mine = gate_depth > 0 ? 1u : 0u;
    uint64_t deadline = gate_now() + GATE_PREPARE_TIMEOUT_NS;
    pthread_mutex_lock(&gate_mutex); /* held over fork: released by parent and child */
    atomic_store(&gate_closed, 1);
    while (atomic_load(&gate_inside) > mine) {
        if (gate_now() >= deadline) {
            atomic_store(&gate_forked_busy, 1);
            break;
        }
        struct timespec pause = {0, 50000}; /* threads leaving do not signal: fork is rare */
        nanosleep(&pause, NULL);
    }
}

static void gate_parent(void) {
    atomic_store(&gate_closed, 0);
    pthread_cond_broadcast(&gate_opened);
    pthread_mutex_unlock(&gate_mutex);
}

static void gate_child(void) {
    /* Only this thread exists now: the count is its own, and the condition variable may
     * still list waiters of the parent, so it is made new (nobody waits on it here). */
    atomic_store(&gate_inside, gate_depth > 0 ? 1u : 0u);
    atomic_store(&gate_closed, 0);
    pthread_cond_init(&gate_opened, NULL);
    if (gate_child_hook != NULL) atomic_store(&gate_child_pending, 1);
    pthread_mutex_unlock(&gate_mutex);
}

static void gate_register(void) { pthread_atfork(gate_prepare, gate_parent, gate_child); }

void n3o_register_atfork_child(void (*child)(void)) {
    gate_child_hook = child;
    pthread_once(&gate_once, gate_register);
}
