/*
 * The per-thread error message behind n3obs_last_error.
 */
#ifndef N3O_ERROR_H
#define N3O_ERROR_H

#include <stddef.h>

#define N3O_SHIM_ERROR_CAPACITY 1024
/** Copies msg (truncated on a UTF-8 boundary) into the calling thread's buffer. */
void n3o_error_set(const char *msg, size_t len);
/** The calling thread's message; "" when none. Never NULL. */
const char *n3o_error_get(void);

#endif
