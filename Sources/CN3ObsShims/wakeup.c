/*
 * A wakeup for one sleeping consumer that producers may poke from the hot path: a futex
 * word and a "sleeping" flag. A producer that has something worth waking for pays one load
 * of the flag; only the one that finds the consumer asleep clears the flag and makes the
 * futex call, so a burst costs one system call, not one per span.
 *
 * The consumer announces it sleeps (n3o_wakeup_prepare), checks its work again, then waits
 * (n3o_wakeup_wait). A producer's queue update is a locked instruction before its load of
 * the flag, and the consumer's store of the flag is sequentially consistent before its
 * check, so either the consumer sees the new work or the producer sees it asleep.
 */
#include "n3o_shims.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

uint32_t n3o_wakeup_prepare(n3o_wakeup *w) {
    uint32_t seen = atomic_load(&w->sequence);
    atomic_store(&w->sleeping, 1);
    return seen;
}

void n3o_wakeup_cancel(n3o_wakeup *w) { atomic_store(&w->sleeping, 0); }

void n3o_wakeup_wait(n3o_wakeup *w, uint32_t seen, uint64_t deadline_monotonic_ns) {
    struct timespec until;
    until.tv_sec = (time_t)(deadline_monotonic_ns / 1000000000u);
    until.tv_nsec = (long)(deadline_monotonic_ns % 1000000000u);
    /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline; it returns at once if
     * the sequence moved since `seen` (a wake came in between). */
    syscall(SYS_futex, &w->sequence, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, seen, &until, NULL,
            FUTEX_BITSET_MATCH_ANY);
    atomic_store(&w->sleeping, 0);
}

void n3o_wakeup_signal(n3o_wakeup *w) {
    atomic_fetch_add(&w->sequence, 1);
    if (atomic_exchange(&w->sleeping, 0))
        syscall(SYS_futex, &w->sequence, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
}
