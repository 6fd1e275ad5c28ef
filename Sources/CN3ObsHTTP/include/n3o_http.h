/*
 * n3o_http.h: the few libcurl and zlib calls the OTLP plugin needs, behind plain C
 * functions Swift can call (curl_easy_setopt is variadic). Internal to libn3obs_otlp.so:
 * its version script keeps these symbols inside.
 */
#ifndef N3O_HTTP_H
#define N3O_HTTP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One connection-reusing client; use it from one thread at a time. */
typedef struct n3o_http n3o_http;

/** What one POST gave. */
typedef struct n3o_http_result {
    /** The HTTP status, or 0 when no response came (see curl_code). */
    long status;
    /** 0, or the CURLcode of a transport failure (refused, timed out, aborted, ...). */
    int curl_code;
    /** 1 when the request was abandoned because *abort_flag became non-zero. */
    int aborted;
    /** Seconds from a Retry-After header (delta or HTTP date), or -1 when none. */
    long long retry_after_seconds;
    /** The response body, NUL-terminated, cut at 64 KiB; NULL when empty. */
    char *body;
    size_t body_len;
    /** curl's explanation of a transport failure; "" otherwise. */
    char error[256];
} n3o_http_result;

/** curl_global_init once per process (not thread-safe in old libcurls: call it early). */
int n3o_http_global_init(void);

n3o_http *n3o_http_new(void);
void n3o_http_free(n3o_http *http);

/**
 * POSTs body to url with the given "Name: value" header lines, giving up after
 * timeout_ms, or within ~50 ms of *abort_flag turning non-zero.
 * @return 0 when a response came (any status), -1 otherwise; out says more.
 */
int n3o_http_post(n3o_http *http, const char *url, const char *const *headers,
                  size_t header_count, const void *body, size_t body_len, long timeout_ms,
                  const int *abort_flag, n3o_http_result *out);

/** Frees out->body. */
void n3o_http_result_clear(n3o_http_result *out);

/** gzip-compresses in into a malloc'd buffer (free with n3o_free). 0 or -1. */
int n3o_gzip(const void *in, size_t in_len, void **out, size_t *out_len);

void n3o_free(void *p);

/** An int shared between threads (the abort flag), read and written atomically. */
void n3o_flag_set(int *flag, int value);
int n3o_flag_get(const int *flag);

#ifdef __cplusplus
}
#endif

#endif
