#define _GNU_SOURCE
#include "n3o_shims.h"

#include <stdlib.h>

__thread uint32_t n3o_thread_id __attribute__((tls_model("initial-exec"))) = 0;
static _Atomic uint32_t next_thread_id = 0;
uint32_t n3o_sdk_state_word = N3O_STATE_UNINITIALIZED;

uint32_t n3o_assign_thread_id(void) {
    /* Never 0 (unassigned) nor N3O_UNCLAIMED; ids are not reused while the process lives,
     * so a cell owned by a thread that exited is simply written through lanes. */
    uint32_t id;
    do {
        id = atomic_fetch_add_explicit(&next_thread_id, 1, memory_order_relaxed) + 1;
    } while (id == 0 || id == N3O_UNCLAIMED || id == N3O_RETIRED);
    n3o_thread_id = id;
    return id;
}

void *n3o_aligned_zalloc(size_t alignment, size_t size) {
    void *p = NULL;
    if (posix_memalign(&p, alignment, size) != 0) return NULL;
    memset(p, 0, size);
    return p;
}

static n3o_lane *install_lanes(n3o_counter_cell *cell) {
    n3o_lane *fresh = n3o_aligned_zalloc(64, sizeof(n3o_lane) * N3O_LANES);
    if (fresh == NULL) return NULL;
    for (int i = 0; i < N3O_LANES; i++) fresh[i].owner = N3O_UNCLAIMED;
    n3o_lane *won = n3o_cas_ptr((void **)&cell->lanes, NULL, fresh);
    if (won != fresh) free(fresh);
    return won;
}

void n3o_counter_add_other(n3o_counter_cell *cell, uint64_t whole, double frac) {
    uint32_t me = n3o_current_thread_id();
    if (n3o_load_u32(&cell->owner) == me || n3o_claim(&cell->owner, me)) {
        n3o_owner_add_u64(&cell->whole, whole);
        if (frac != 0.0) n3o_owner_add_f64(&cell->frac_bits, frac);
        return;
    }
    n3o_lane *lanes = n3o_load_ptr((void *const *)&cell->lanes);
    if (lanes == NULL) {
        lanes = install_lanes(cell);
        if (lanes == NULL) return; /* out of memory: the update is lost, the process is not */
        /* After the lanes are visible: the old owner sees them when it comes here. */
        atomic_store_explicit((_Atomic uint32_t *)&cell->owner, N3O_RETIRED, memory_order_release);
    }
    n3o_lane *lane = &lanes[me % N3O_LANES];
    if (n3o_load_u32(&lane->owner) == me || n3o_claim(&lane->owner, me)) {
        n3o_owner_add_u64(&lane->whole, whole);
        if (frac != 0.0) n3o_owner_add_f64(&lane->frac_bits, frac);
    } else {
        n3o_add_u64(&lane->shared_whole, whole);
        if (frac != 0.0) n3o_add_f64(&lane->shared_frac_bits, frac);
    }
}

void n3o_histogram_observe_other(n3o_histogram_cell *cell, uint32_t i, double v) {
    uint32_t me = n3o_current_thread_id();
    if (n3o_load_u32(&cell->owner) == me || n3o_claim(&cell->owner, me)) {
        n3o_owner_add_u64(&cell->counts[i], 1);
        n3o_owner_add_f64(&cell->sum_bits, v);
        return;
    }
    n3o_histogram_shard *shard = n3o_load_ptr((void *const *)&cell->shared);
    if (shard == NULL) {
        n3o_histogram_shard *fresh =
            n3o_aligned_zalloc(64, sizeof(n3o_histogram_shard) + 8 * ((size_t)cell->bound_count + 1));
        if (fresh == NULL) return;
        shard = n3o_cas_ptr((void **)&cell->shared, NULL, fresh);
        if (shard != fresh) free(fresh);
        atomic_store_explicit((_Atomic uint32_t *)&cell->owner, N3O_RETIRED, memory_order_release);
    }
    n3o_add_u64(&shard->counts[i], 1);
    n3o_add_f64(&shard->sum_bits, v);
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





int n3o_record_counter_add_unusual(n3o_counter_cell *cell, double v) {
    if (v == 0.0) return N3O_REC_OK; /* -0.0 */
    if (!(v > 0.0 && v <= __DBL_MAX__)) return N3O_REC_BAD_VALUE;
    n3o_counter_add_parts(cell, 0, v);
    if (cell->flags & N3O_CELL_OVERFLOW) n3o_count_overflow(cell);
    return N3O_REC_OK;
}
