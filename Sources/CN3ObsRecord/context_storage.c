/*
 * n3obs_set_context_storage (include/n3obs.h): checks and installs a context storage for
 * CN3ObsShims/context.c, which asks it for the current span. Here, not beside it, because
 * only libn3obs.so may define C API functions: a Swift program on the N3Obs product links
 * CN3ObsShims too.
 */
#include <stdlib.h>
#include <string.h>

#include "n3obs.h"
#include "n3o_context.h"
#include "n3o_shims.h"

static int refuse(const char *msg) {
    n3o_error_set(msg, strlen(msg));
    return N3OBS_E_INVALID_ARGUMENT;
}

__attribute__((visibility("default")))
int n3obs_set_context_storage(const n3obs_context_storage *storage) {
    if (storage == NULL) {
        n3o_store_ptr(&n3o_context_storage_word, NULL);
        return N3OBS_OK;
    }
    if (storage->size < sizeof *storage)
        return refuse("n3obs_set_context_storage: storage->size is too small; "
                      "start from N3OBS_CONTEXT_STORAGE_INIT");
    if (storage->get_current == NULL)
        return refuse("n3obs_set_context_storage: storage->get_current is NULL");
    if ((storage->attach == NULL) != (storage->detach == NULL))
        return refuse("n3obs_set_context_storage: give both attach and detach, or neither");
    n3obs_context_storage *copy = malloc(sizeof *copy);
    if (copy == NULL) {
        const char *msg = "n3obs_set_context_storage: no memory";
        n3o_error_set(msg, strlen(msg));
        return N3OBS_E_NO_MEMORY;
    }
    *copy = *storage;
    copy->size = sizeof *copy;
    /* The one replaced is not freed: another thread may be calling through it now. */
    n3o_store_ptr(&n3o_context_storage_word, copy);
    return N3OBS_OK;
}
