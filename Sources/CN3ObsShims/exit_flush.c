/*
 * Nothing lost at exit: an atexit handler that shuts the SDK down (delivering what is
 * queued) when the program exits without n3obs_shutdown, and, opt-in, the same on SIGTERM
 * and SIGINT.
 *
 * A signal handler may not flush: that takes locks, allocates and waits. So the handler
 * only records the signal and posts a semaphore (both async-signal-safe); a thread of its
 * own, n3obs-signals, waits on it, runs the SDK's flush outside signal context, then puts
 * the previous disposition back and raises the signal again, so the process ends as it
 * would have without n3obs. A handler installed before n3obs is chained: it is called at
 * once, in the signal's context, as it would have been, and the thread flushes what is
 * queued beside it without shutting down (that handler decides whether the process ends;
 * if it exits normally the atexit handler delivers the rest). An ignored signal stays
 * ignored. A second signal while the flush runs ends the process at once.
 */
#include "n3o_shims.h"

#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static void (*exit_hook)(void);
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static void exit_run(void) {
    /* A forked child that never entered the SDK recorded nothing to flush, and must not
     * restart the parent's exporters only to stop them. */
    if (n3o_fork_child_is_pending()) return;
    if (exit_hook != NULL) exit_hook();
}

static void exit_register(void) { atexit(exit_run); }

void n3o_register_exit_hook(void (*hook)(void)) {
    exit_hook = hook;
    pthread_once(&exit_once, exit_register);
}

/* ---- SIGTERM and SIGINT ------------------------------------------------------------- */

#define SIG_COUNT 2
static const int sig_numbers[SIG_COUNT] = {SIGTERM, SIGINT};
static struct sigaction sig_prev[SIG_COUNT];   /* what was installed before ours */
static _Atomic int sig_ours[SIG_COUNT];        /* 1 while our handler is installed */
static void (*sig_hook)(int final);
static sem_t sig_sem;
/* The process whose n3obs-signals thread waits on sig_sem: a forked child has none until
 * the SDK starts one there (n3o_flush_signals_after_fork). */
static _Atomic pid_t sig_owner;
static _Atomic int sig_final;                  /* the signal to end the process with, once */
static _Atomic int sig_chained_requests;       /* flushes asked for by chained signals */
static _Atomic int sig_stopping;               /* the thread is to end: the SDK shut down */
static pthread_t sig_thread;
static pthread_mutex_t sig_mutex = PTHREAD_MUTEX_INITIALIZER;

static int sig_index(int sig) { return sig == SIGTERM ? 0 : 1; }

static int sig_is_handler(const struct sigaction *sa) {
    if (sa->sa_flags & SA_SIGINFO) return sa->sa_sigaction != NULL;
    return sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN;
}

/* Puts the previous disposition back and raises sig: its default action, now. */
static void sig_default_now(int sig) {
    sigaction(sig, &sig_prev[sig_index(sig)], NULL);
    raise(sig);
}

static void sig_handler(int sig, siginfo_t *info, void *context) {
    int saved_errno = errno;
    const struct sigaction *prev = &sig_prev[sig_index(sig)];
    int watched = atomic_load(&sig_owner) == getpid();
    if (sig_is_handler(prev)) {
        if (watched) {
            atomic_fetch_add(&sig_chained_requests, 1);
            sem_post(&sig_sem);
        }
        if (prev->sa_flags & SA_SIGINFO) prev->sa_sigaction(sig, info, context);
        else prev->sa_handler(sig);
    } else {
        int expected = 0;
        if (watched && atomic_compare_exchange_strong(&sig_final, &expected, sig)) sem_post(&sig_sem);
        else sig_default_now(sig); /* no thread to flush here, or a second signal: die now */
    }
    errno = saved_errno;
}

static void *sig_watch(void *unused) {
    (void)unused;
    n3o_set_thread_name("n3obs-signals");
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* the handlers run on the program's threads */
    for (;;) {
        while (sem_wait(&sig_sem) != 0 && errno == EINTR) {}
        if (atomic_load(&sig_stopping)) return NULL;
        int sig = atomic_load(&sig_final);
        if (sig != 0) {
            if (sig_hook != NULL) sig_hook(1);
            sigset_t one;
            sigemptyset(&one);
            sigaddset(&one, sig);
            sigaction(sig, &sig_prev[sig_index(sig)], NULL);
            pthread_sigmask(SIG_UNBLOCK, &one, NULL);
            raise(sig); /* the default action: the process ends here */
            for (;;) pause();
        }
        if (atomic_exchange(&sig_chained_requests, 0) > 0 && sig_hook != NULL) sig_hook(0);
    }
}

/* Starts the thread that flushes for the handlers, in this process. */
static int sig_start_watcher(void) {
    if (sem_init(&sig_sem, 0, 0) != 0) return -1;
    atomic_store(&sig_final, 0);
    atomic_store(&sig_chained_requests, 0);
    atomic_store(&sig_stopping, 0);
    if (pthread_create(&sig_thread, NULL, sig_watch, NULL) != 0) return -1;
    atomic_store(&sig_owner, getpid());
    return 0;
}

int n3o_flush_signals_install(void (*hook)(int final)) {
    pthread_mutex_lock(&sig_mutex);
    int rc = 0;
    if (atomic_load(&sig_owner) == 0) {
        sig_hook = hook;
        rc = sig_start_watcher();
        for (int i = 0; rc == 0 && i < SIG_COUNT; i++) {
            struct sigaction prev;
            if (sigaction(sig_numbers[i], NULL, &prev) != 0) { rc = -1; break; }
            if (!(prev.sa_flags & SA_SIGINFO) && prev.sa_handler == SIG_IGN) continue;
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_sigaction = sig_handler;
            sa.sa_mask = prev.sa_mask;
            /* A chained handler keeps its flags (a program may count on EINTR); before a
             * default action, calls restart rather than fail while the flush runs. */
            sa.sa_flags = SA_SIGINFO | (sig_is_handler(&prev)
                              ? prev.sa_flags & (SA_RESTART | SA_ONSTACK | SA_NODEFER | SA_RESETHAND)
                              : SA_RESTART);
            sig_prev[i] = prev; /* before ours is live: the handler reads it */
            if (sigaction(sig_numbers[i], &sa, NULL) != 0) { rc = -1; break; }
            atomic_store(&sig_ours[i], 1);
        }
    }
    pthread_mutex_unlock(&sig_mutex);
    return rc;
}

int n3o_flush_signals_after_fork(void) {
    if (atomic_load(&sig_owner) == 0 || atomic_load(&sig_owner) == getpid()) return 0;
    return sig_start_watcher();
}

void n3o_flush_signals_stop(void) {
    pthread_mutex_lock(&sig_mutex);
    if (atomic_load(&sig_owner) == getpid()) {
        /* The previous handlers again, where ours is still the one installed; a signal
         * that comes in between finds no owner and does what the previous one would. */
        atomic_store(&sig_owner, 0);
        for (int i = 0; i < SIG_COUNT; i++) {
            struct sigaction now;
            if (!atomic_load(&sig_ours[i]) || sigaction(sig_numbers[i], NULL, &now) != 0) continue;
            if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == sig_handler)
                sigaction(sig_numbers[i], &sig_prev[i], NULL);
            atomic_store(&sig_ours[i], 0);
        }
        /* The thread itself stops here when it is the one shutting down (a fatal signal):
         * it goes on to raise the signal. */
        if (!pthread_equal(pthread_self(), sig_thread)) {
            atomic_store(&sig_stopping, 1);
            sem_post(&sig_sem);
            pthread_join(sig_thread, NULL);
        } else {
            pthread_detach(sig_thread);
        }
    }
    pthread_mutex_unlock(&sig_mutex);
}
