/* The span slot table (n3o_span_slots.h): its storage, the shared free stack, and the
 * threads' caches. */
#include <pthread.h>
#include <stdlib.h>

#include "n3o_span_slots.h"

n3o_span_slot *n3o_span_chunks[N3O_SPAN_CHUNKS];
__attribute__((aligned(64))) n3o_span_free_list n3o_span_free;
__thread n3o_slot_cache *n3o_slot_cache_tls __attribute__((tls_model("initial-exec"))) = NULL;

static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static pthread_key_t cache_key;

/* A never-used slot's index + 1, its chunk allocated; 0 when full or out of memory. */
static uint32_t fresh_slot(void) {
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

uint32_t n3o_span_slot_acquire_shared(void) {
    uint64_t head = n3o_load_acquire_u64(&n3o_span_free.head);
    while ((uint32_t)head != 0) {
        n3o_span_slot *slot = n3o_span_slot_at((uint32_t)head - 1);
        if (slot == NULL) return 0;
        uint64_t next = n3o_load_u32(&slot->next_free);
        if (n3o_cas_strong_u64(&n3o_span_free.head, head, (((head >> 32) + 1) << 32) | next)) return (uint32_t)head;
        head = n3o_load_acquire_u64(&n3o_span_free.head);
    }
    return fresh_slot();
}

void n3o_span_slot_release_shared(uint32_t index) {
    n3o_span_slot *slot = n3o_span_slot_at(index);
    if (slot == NULL) return;
    uint64_t head = n3o_load_acquire_u64(&n3o_span_free.head);
    for (;;) {
        n3o_store_u32(&slot->next_free, (uint32_t)head);
        if (n3o_cas_strong_u64(&n3o_span_free.head, head, (((head >> 32) + 1) << 32) | (uint64_t)(index + 1))) return;
        head = n3o_load_acquire_u64(&n3o_span_free.head);
    }
}

/* At thread exit: the cached slots go back to the shared stack. */
static void cache_free(void *p) {
    n3o_slot_cache *c = p;
    if (c == NULL) return;
    n3o_slot_cache_tls = NULL;
    while (c->count > 0) n3o_span_slot_release_shared(c->index1[--c->count] - 1);
    free(c);
}

static void cache_init_once(void) { pthread_key_create(&cache_key, cache_free); }

n3o_slot_cache *n3o_slot_cache_create(void) {
    pthread_once(&cache_once, cache_init_once);
    n3o_slot_cache *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    if (pthread_setspecific(cache_key, c) != 0) {
        free(c);
        return NULL;
    }
    n3o_slot_cache_tls = c;
    return c;
}
