/* The span slot table (n3o_span_slots.h): its storage, and the slow path of acquire. */
#include <stdlib.h>

#include "n3o_span_slots.h"

n3o_span_slot *n3o_span_chunks[N3O_SPAN_CHUNKS];
__attribute__((aligned(64))) n3o_span_free_list n3o_span_free;

uint32_t n3o_span_slot_fresh(void) {
    uint64_t index = n3o_add_u64(&n3o_span_free.high_water, 1);
    if (index >= ((uint64_t)N3O_SPAN_CHUNKS << N3O_SPAN_CHUNK_SHIFT)) return 0;
    uint32_t i = (uint32_t)index;
    if (n3o_span_slot_at(i) != NULL) return i + 1;
    size_t bytes = sizeof(n3o_span_slot) << N3O_SPAN_CHUNK_SHIFT;
    void *fresh = n3o_aligned_zalloc(64, bytes);
    if (fresh == NULL) return 0;
    void *won = n3o_cas_ptr((void **)&n3o_span_chunks[i >> N3O_SPAN_CHUNK_SHIFT], NULL, fresh);
    if (won != fresh) free(fresh);
    return i + 1;
}
