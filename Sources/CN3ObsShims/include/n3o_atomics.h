/*
 * C11 atomics on memory that Swift allocated (Swift has no atomics as cheap), the spin lock
 * and yield built on them, and N3O_HOT, which the record paths of the other headers use.
 */
#ifndef N3O_ATOMICS_H
#define N3O_ATOMICS_H

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

static inline void n3o_yield(void) { sched_yield(); }

/* The record paths must inline into their callers whatever their size: a call would cost
 * more than the work. */
#define N3O_HOT static inline __attribute__((always_inline))

/* ---- atomics on memory that Swift allocated ---------------------------------------- */

static inline uint64_t n3o_load_u64(const uint64_t *p) {
    return atomic_load_explicit((const _Atomic uint64_t *)p, memory_order_relaxed);
}
static inline uint64_t n3o_load_acquire_u64(const uint64_t *p) {
    return atomic_load_explicit((const _Atomic uint64_t *)p, memory_order_acquire);
}
static inline void n3o_store_u64(uint64_t *p, uint64_t v) {
    atomic_store_explicit((_Atomic uint64_t *)p, v, memory_order_relaxed);
}
static inline void n3o_store_release_u64(uint64_t *p, uint64_t v) {
    atomic_store_explicit((_Atomic uint64_t *)p, v, memory_order_release);
}
static inline uint64_t n3o_add_u64(uint64_t *p, uint64_t v) {
    return atomic_fetch_add_explicit((_Atomic uint64_t *)p, v, memory_order_relaxed);
}
static inline int n3o_cas_u64(uint64_t *p, uint64_t *expected, uint64_t desired) {
    return atomic_compare_exchange_weak_explicit((_Atomic uint64_t *)p, expected, desired,
                                                 memory_order_relaxed, memory_order_relaxed);
}
static inline void *n3o_load_ptr(void *const *p) {
    return atomic_load_explicit((void *_Atomic const *)p, memory_order_acquire);
}
static inline void n3o_store_ptr(void **p, void *v) {
    atomic_store_explicit((void *_Atomic *)p, v, memory_order_release);
}
/** Installs desired if *p is still expected; returns what *p holds afterwards. */
static inline void *n3o_cas_ptr(void **p, void *expected, void *desired) {
    void *e = expected;
    if (atomic_compare_exchange_strong_explicit((void *_Atomic *)p, &e, desired,
                                                memory_order_acq_rel, memory_order_acquire))
        return desired;
    return e;
}
/** Adds to a double stored as its bits, with a compare-and-swap loop. */
static inline void n3o_add_f64(uint64_t *p, double v) {
    _Atomic uint64_t *a = (_Atomic uint64_t *)p;
    uint64_t old = atomic_load_explicit(a, memory_order_relaxed);
    for (;;) {
        double d;
        memcpy(&d, &old, sizeof d);
        d += v;
        uint64_t next;
        memcpy(&next, &d, sizeof next);
        if (atomic_compare_exchange_weak_explicit(a, &old, next, memory_order_relaxed,
                                                  memory_order_relaxed))
            return;
    }
}
static inline double n3o_load_f64(const uint64_t *p) {
    uint64_t bits = n3o_load_u64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}
static inline void n3o_store_f64(uint64_t *p, double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    n3o_store_u64(p, bits);
}

N3O_HOT uint32_t n3o_load_relaxed_u32(const uint32_t *p) {
    return atomic_load_explicit((const _Atomic uint32_t *)p, memory_order_relaxed);
}
static inline uint32_t n3o_load_u32(const uint32_t *p) {
    return atomic_load_explicit((const _Atomic uint32_t *)p, memory_order_acquire);
}
static inline void n3o_store_u32(uint32_t *p, uint32_t v) {
    atomic_store_explicit((_Atomic uint32_t *)p, v, memory_order_release);
}
static inline void n3o_spin_lock(uint32_t *p) {
    _Atomic uint32_t *a = (_Atomic uint32_t *)p;
    for (unsigned spins = 0;; spins++) {
        if (atomic_load_explicit(a, memory_order_relaxed) == 0 &&
            atomic_exchange_explicit(a, 1, memory_order_acquire) == 0)
            return;
        if (spins > 64) n3o_yield(); else __builtin_ia32_pause();
    }
}
static inline void n3o_spin_unlock(uint32_t *p) {
    atomic_store_explicit((_Atomic uint32_t *)p, 0, memory_order_release);
}
/** Treiber stack head {tag:32, index+1:32}: the tag defeats ABA. */
static inline int n3o_cas_strong_u64(uint64_t *p, uint64_t expected, uint64_t desired) {
    return atomic_compare_exchange_strong_explicit((_Atomic uint64_t *)p, &expected, desired,
                                                   memory_order_acq_rel, memory_order_acquire);
}

#endif
