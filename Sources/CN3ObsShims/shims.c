#define _GNU_SOURCE
#include "n3o_shims.h"
#include "n3o_context.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

__thread n3o_thread_word n3o_thread __attribute__((tls_model("initial-exec"))) = {0, 0};
const n3o_lane n3o_no_lanes[N3O_LANES] = {[0 ... N3O_LANES - 1] = {.owner = N3O_UNCLAIMED}};
static _Atomic uint32_t next_thread_id = 0;
uint32_t n3o_sdk_state_word = N3O_STATE_UNINITIALIZED;

uint32_t n3o_assign_thread_id(void) {
    /* Never 0 (unassigned) nor N3O_UNCLAIMED; ids are not reused while the process lives,
     * so a cell owned by a thread that exited is simply written through lanes. */
    uint32_t id;
    do {
        id = atomic_fetch_add_explicit(&next_thread_id, 1, memory_order_relaxed) + 1;
    } while (id == 0 || id == N3O_UNCLAIMED || id == N3O_RETIRED);
    n3o_thread.lane_offset = (uint32_t)((id % N3O_LANES) * sizeof(n3o_lane));
    n3o_thread.id = id;
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
    n3o_lane *won = n3o_cas_ptr((void **)&cell->lanes, n3o_counter_no_lanes(), fresh);
    if (won != fresh) free(fresh);
    return won;
}

void n3o_counter_add_other(n3o_counter_cell *cell, uint64_t whole, double frac) {
    uint32_t me = n3o_current_thread_id();
    if (n3o_claim(&cell->owner, me)) {
        n3o_owner_add_u64(&cell->whole, whole);
        if (frac != 0.0) n3o_owner_add_f64(&cell->frac_bits, frac);
        return;
    }
    n3o_lane *lanes = n3o_load_ptr((void *const *)&cell->lanes);
    if (!n3o_counter_has_lanes(lanes)) {
        lanes = install_lanes(cell);
        if (lanes == NULL) return; /* out of memory: the update is lost, the process is not */
        /* After the lanes are visible: the old owner sees them when it comes here. */
        atomic_store_explicit((_Atomic uint32_t *)&cell->owner, N3O_RETIRED, memory_order_release);
    }
    n3o_lane *lane = n3o_lane_at(lanes, n3o_thread.lane_offset);
    if (n3o_claim(&lane->owner, me)) {
        n3o_owner_add_u64(&lane->whole, whole);
        if (frac != 0.0) n3o_owner_add_f64(&lane->frac_bits, frac);
    } else {
        n3o_add_u64(&lane->shared_whole, whole);
        if (frac != 0.0) n3o_add_f64(&lane->shared_frac_bits, frac);
    }
}

void n3o_histogram_observe_other(n3o_histogram_cell *cell, uint32_t i, double v) {
    uint32_t me = n3o_current_thread_id();
    if (n3o_claim(&cell->owner, me)) {
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
    if (!n3o_counter_accepts(v)) return N3O_REC_BAD_VALUE;
    if (v == 0.0) return N3O_REC_OK; /* -0.0 */
    n3o_counter_add_parts(cell, 0, v);
    if (cell->flags & N3O_CELL_OVERFLOW) n3o_count_overflow(cell);
    return N3O_REC_OK;
}

/* ---- tracing ------------------------------------------------------------------------ */

#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

__thread n3o_trace_thread *n3o_trace_tls __attribute__((tls_model("initial-exec"))) = NULL;
__thread const n3o_scope_entry *n3o_exemplar_tls __attribute__((tls_model("initial-exec"))) = NULL;
uint32_t n3o_fork_epoch_word = 1;
void *n3o_tracer_word = NULL;
n3o_fast_start n3o_fast_start_settings;

static pthread_once_t trace_once = PTHREAD_ONCE_INIT;
static pthread_key_t trace_key;
static _Atomic uint32_t next_thread_number = 0;

static void trace_thread_free(void *p) {
    n3o_trace_thread *t = p;
    if (t == NULL) return;
    for (uint32_t i = 0; i < t->depth; i++) free(t->stack[i].tracestate);
    free(t->stack);
    for (n3o_record_bundle *b = t->record_cache; b != NULL; t->record_next = 0) {
        n3o_record_bundle *next = b->next;
        for (size_t i = t->record_next; i < b->count; i++) free(b->blocks[i]);
        free(b);
        b = next;
    }
    free(t);
    n3o_trace_tls = NULL;
    n3o_exemplar_tls = NULL;
}

/* A forked child shares its parent's generator state: bump the epoch so every thread
 * reseeds before its next id, or parent and child would make the same ids. */
static void trace_after_fork_child(void) {
    atomic_fetch_add_explicit((_Atomic uint32_t *)&n3o_fork_epoch_word, 1, memory_order_relaxed);
}

static void trace_init_once(void) {
    pthread_key_create(&trace_key, trace_thread_free);
    pthread_atfork(NULL, NULL, trace_after_fork_child);
}

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void n3o_trace_reseed(n3o_trace_thread *t) {
    uint64_t seed[4] = {0, 0, 0, 0};
    size_t got = 0;
    while (got < sizeof seed) {
        ssize_t n = getrandom((char *)seed + got, sizeof seed - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
    }
    /* Mix in what differs between threads and moments, in case getrandom failed. */
    uint64_t x = seed[0] ^ (uint64_t)n3o_monotonic_ns() ^ ((uint64_t)(uintptr_t)t << 17) ^
                 ((uint64_t)getpid() << 40);
    for (int i = 0; i < 4; i++) t->rng[i] = seed[i] ^ splitmix64(&x);
    if ((t->rng[0] | t->rng[1] | t->rng[2] | t->rng[3]) == 0) t->rng[0] = 1;
    t->fork_epoch = atomic_load_explicit((_Atomic uint32_t *)&n3o_fork_epoch_word,
                                         memory_order_relaxed);
}

n3o_trace_thread *n3o_trace_thread_create(void) {
    pthread_once(&trace_once, trace_init_once);
    n3o_trace_thread *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    t->thread_number = atomic_fetch_add_explicit(&next_thread_number, 1, memory_order_relaxed) + 1;
    t->next_token = 1;
    n3o_trace_reseed(t);
    n3o_trace_tls = t;
    pthread_setspecific(trace_key, t);
    return t;
}

static _Atomic(n3o_record_bundle *) record_pool_head = NULL;
static _Atomic int64_t record_pool_count = 0;   /* blocks in the global stack (may run ahead) */

n3o_record_bundle *n3o_record_bundle_new(size_t capacity) {
    n3o_record_bundle *b = malloc(sizeof *b + capacity * sizeof(void *));
    if (b != NULL) {
        b->next = NULL;
        b->count = 0;
    }
    return b;
}

void *n3o_record_refill(n3o_trace_thread *t) {
    /* Drop the used-up bundles, then take the whole pool when nothing is left. */
    n3o_record_bundle *b = t->record_cache;
    while (b != NULL && t->record_next >= b->count) {
        n3o_record_bundle *next = b->next;
        free(b);
        b = next;
        t->record_next = 0;
    }
    if (b == NULL) {
        b = atomic_exchange_explicit(&record_pool_head, NULL, memory_order_acquire);
        int64_t n = 0;
        for (n3o_record_bundle *x = b; x != NULL; x = x->next) n += (int64_t)x->count;
        atomic_fetch_sub_explicit(&record_pool_count, n, memory_order_relaxed);
    }
    t->record_cache = b;   /* recycle never pools an empty bundle */
    if (b == NULL) return malloc(N3O_RECORD_BLOCK);
    return b->blocks[t->record_next++];
}

void n3o_record_recycle(n3o_record_bundle *bundle) {
    if (bundle == NULL) return;
    size_t n = bundle->count;
    int64_t before = n == 0 ? 0 : atomic_fetch_add_explicit(&record_pool_count, (int64_t)n, memory_order_relaxed);
    if (n == 0 || before + (int64_t)n > N3O_RECORD_POOL_MAX) {
        if (n != 0) atomic_fetch_sub_explicit(&record_pool_count, (int64_t)n, memory_order_relaxed);
        for (size_t i = 0; i < n; i++) free(bundle->blocks[i]);
        free(bundle);
        return;
    }
    n3o_record_bundle *head = atomic_load_explicit(&record_pool_head, memory_order_relaxed);
    do {
        bundle->next = head;
    } while (!atomic_compare_exchange_weak_explicit(&record_pool_head, &head, bundle,
                                                    memory_order_release, memory_order_relaxed));
}

int n3o_scope_reserve(n3o_trace_thread *t) {
    if (t->depth < t->capacity) return 1;
    uint32_t cap = t->capacity ? t->capacity * 2 : 16;
    if (cap < t->capacity) return 0;
    n3o_scope_entry *fresh = realloc(t->stack, (size_t)cap * sizeof *fresh);
    if (fresh == NULL) return 0;
    if (n3o_exemplar_tls != NULL && n3o_exemplar_tls != &n3o_context_ask_storage)
        n3o_exemplar_tls = fresh + (n3o_exemplar_tls - t->stack);
    t->stack = fresh;
    t->capacity = cap;
    return 1;
}

static n3o_exemplar *exemplars_of(n3o_histogram_cell *cell) {
    n3o_exemplar *e = n3o_load_ptr(&cell->exemplars);
    if (__builtin_expect(e != NULL, 1)) return e;
    n3o_exemplar *fresh =
        n3o_aligned_zalloc(64, sizeof(n3o_exemplar) * ((size_t)cell->bound_count + 1));
    if (fresh == NULL) return NULL;
    e = n3o_cas_ptr(&cell->exemplars, NULL, fresh);
    if (e != fresh) free(fresh);
    return e;
}

void n3o_histogram_offer_exemplar(n3o_histogram_cell *cell, uint32_t bucket, double v,
                                  const n3o_scope_entry *span) {
    n3o_current buf;
    span = n3o_exemplar_resolve(span, &buf);
    if (span == NULL) return;
    n3o_exemplar *all = exemplars_of(cell);
    if (all == NULL || bucket > cell->bound_count) return;
    n3o_exemplar *e = &all[bucket];
    _Atomic uint64_t *seq = (_Atomic uint64_t *)&e->seq;
    uint64_t s = atomic_load_explicit(seq, memory_order_relaxed);
    if ((s & 1) != 0 ||
        !atomic_compare_exchange_strong_explicit(seq, &s, s + 1, memory_order_acquire,
                                                 memory_order_relaxed))
        return; /* another writer is storing an exemplar just as recent */
    atomic_thread_fence(memory_order_release);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    n3o_store_u64(&e->trace_hi, span->trace_hi);
    n3o_store_u64(&e->trace_lo, span->trace_lo);
    n3o_store_u64(&e->span_id, span->span_id);
    n3o_store_u64(&e->value_bits, bits);
    n3o_store_u64((uint64_t *)&e->time_unix_nano, (uint64_t)n3o_realtime_ns());
    atomic_store_explicit(seq, s + 2, memory_order_release);
}

int n3o_histogram_read_exemplar(const n3o_histogram_cell *cell, uint32_t bucket,
                                n3o_exemplar *out) {
    const n3o_exemplar *all = n3o_load_ptr((void *const *)&cell->exemplars);
    if (all == NULL || bucket > cell->bound_count) return 0;
    const n3o_exemplar *e = &all[bucket];
    for (int tries = 0; tries < 100; tries++) {
        uint64_t s1 = n3o_load_acquire_u64(&e->seq);
        if (s1 == 0) return 0;
        if (s1 & 1) { n3o_yield(); continue; }
        out->trace_hi = n3o_load_u64(&e->trace_hi);
        out->trace_lo = n3o_load_u64(&e->trace_lo);
        out->span_id = n3o_load_u64(&e->span_id);
        out->value_bits = n3o_load_u64(&e->value_bits);
        out->time_unix_nano = (int64_t)n3o_load_u64((const uint64_t *)&e->time_unix_nano);
        atomic_thread_fence(memory_order_acquire);
        if (n3o_load_u64(&e->seq) == s1) return 1;
    }
    return 0;
}

uint64_t n3o_clock_anchor[2] = {0, 0};

int64_t n3o_clock_reanchor(uint64_t monotonic) {
    int64_t real = n3o_realtime_ns();
    uint64_t mono = n3o_monotonic_ns();
    int64_t offset = real - (int64_t)mono;
    n3o_store_u64(&n3o_clock_anchor[0], (uint64_t)offset);
    n3o_store_u64(&n3o_clock_anchor[1], mono);
    return (int64_t)monotonic + offset;
}

int n3o_image_path(char *buf, size_t capacity) {
    Dl_info info;
    if (dladdr((void *)&n3o_image_path, &info) == 0 || info.dli_fname == NULL) return -1;
    size_t n = strlen(info.dli_fname);
    if (n + 1 > capacity) return -1;
    memcpy(buf, info.dli_fname, n + 1);
    return 0;
}

void n3o_set_thread_name(const char *name) {
    char short_name[16];
    strncpy(short_name, name, sizeof short_name - 1);
    short_name[sizeof short_name - 1] = '\0';
    pthread_setname_np(pthread_self(), short_name);
}

