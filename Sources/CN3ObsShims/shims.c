#define _GNU_SOURCE
#include "n3o_shims.h"

#include <stdlib.h>

__thread uint32_t n3o_thread_stripe __attribute__((tls_model("initial-exec"))) = 0;
static _Atomic uint32_t next_stripe = 0;
uint32_t n3o_sdk_state_word = N3O_STATE_UNINITIALIZED;

uint32_t n3o_assign_stripe(void) {
    /* Round robin over threads; 0 means "not assigned yet", so indexes start at 1. */
    uint32_t s = atomic_fetch_add_explicit(&next_stripe, 1, memory_order_relaxed) + 1;
    if (s == 0) s = 1;
    n3o_thread_stripe = s;
    return s;
}

void *n3o_aligned_zalloc(size_t alignment, size_t size) {
    void *p = NULL;
    if (posix_memalign(&p, alignment, size) != 0) return NULL;
    memset(p, 0, size);
    return p;
}

n3o_stripe *n3o_install_stripes(n3o_counter_cell *cell) {
    n3o_stripe *fresh = n3o_aligned_zalloc(64, sizeof(n3o_stripe) * N3O_STRIPES);
    if (fresh == NULL) return NULL;
    n3o_stripe *won = n3o_cas_ptr((void **)&cell->stripes, NULL, fresh);
    if (won != fresh) free(fresh);
    return won;
}

static __thread char error_buffer[N3O_SHIM_ERROR_CAPACITY];

void n3o_error_set(const char *msg, size_t len) {
    if (msg == NULL) len = 0;
    if (len >= N3O_SHIM_ERROR_CAPACITY) {
        len = N3O_SHIM_ERROR_CAPACITY - 1;
        /* do not cut a UTF-8 sequence in half */
        while (len > 0 && ((unsigned char)msg[len] & 0xC0) == 0x80) len--;
    }
    if (len > 0) memcpy(error_buffer, msg, len);
    error_buffer[len] = '\0';
}

const char *n3o_error_get(void) { return error_buffer; }
