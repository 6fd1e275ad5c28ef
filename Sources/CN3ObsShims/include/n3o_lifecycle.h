/*
 * The SDK's lifecycle state: uninitialized, running, shut down.
 */
#ifndef N3O_LIFECYCLE_H
#define N3O_LIFECYCLE_H

#include <stdatomic.h>
#include <stdint.h>

enum { N3O_STATE_UNINITIALIZED = 0, N3O_STATE_RUNNING = 1, N3O_STATE_SHUT_DOWN = 2 };
extern uint32_t n3o_sdk_state_word;
static inline uint32_t n3o_sdk_state(void) {
    return atomic_load_explicit((_Atomic uint32_t *)&n3o_sdk_state_word,
                                memory_order_acquire);
}
static inline void n3o_set_sdk_state(uint32_t s) {
    atomic_store_explicit((_Atomic uint32_t *)&n3o_sdk_state_word, s,
                          memory_order_release);
}

#endif
