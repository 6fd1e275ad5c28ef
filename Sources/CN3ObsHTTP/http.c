#include "n3o_http.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define N3O_HTTP_MAX_BODY (64 * 1024)

struct n3o_http {
    CURL *easy;
    CURLM *multi;
};

int n3o_http_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

n3o_http *n3o_http_new(void) {
    n3o_http *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->easy = curl_easy_init();
    h->multi = curl_multi_init();
    if (!h->easy || !h->multi) {
        n3o_http_free(h);
        return NULL;
    }
    return h;
}

void n3o_http_free(n3o_http *h) {
    if (!h) return;
    if (h->multi) curl_multi_cleanup(h->multi);
    if (h->easy) curl_easy_cleanup(h->easy);
    free(h);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user) {
    n3o_http_result *r = user;
    size_t n = size * nmemb;
    size_t room = N3O_HTTP_MAX_BODY - r->body_len;
    size_t take = n < room ? n : room;
    if (take > 0) {
        char *grown = realloc(r->body, r->body_len + take + 1);
        if (!grown) return n;   /* keep reading; the body is only for messages */
        r->body = grown;
        memcpy(r->body + r->body_len, data, take);
        r->body_len += take;
        r->body[r->body_len] = 0;
    }
    return n;
}

int n3o_http_post(n3o_http *h, const char *url, const char *const *headers,
                  size_t header_count, const void *body, size_t body_len, long timeout_ms,
                  const int *abort_flag, n3o_http_result *out) {
    memset(out, 0, sizeof *out);
    out->retry_after_seconds = -1;
    CURL *e = h->easy;
    curl_easy_reset(e);

    struct curl_slist *list = NULL;
    for (size_t i = 0; i < header_count; i++) {
        struct curl_slist *next = curl_slist_append(list, headers[i]);
        if (!next) {
            curl_slist_free_all(list);
            out->curl_code = CURLE_OUT_OF_MEMORY;
            strcpy(out->error, "out of memory");
            return -1;
        }
        list = next;
    }
    /* No "Expect: 100-continue" round trip for large bodies. */
    struct curl_slist *next = curl_slist_append(list, "Expect:");
    if (next) list = next;

    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 10000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, out->error);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "n3obs-otlp");

    /* The multi interface lets the sender give up within ~50 ms of a shutdown instead of
     * sitting out the whole timeout on a receiver that never answers. */
    curl_multi_add_handle(h->multi, e);
    int running = 1;
    CURLcode code = CURLE_OK;
    while (running) {
        if (curl_multi_perform(h->multi, &running) != CURLM_OK) {
            code = CURLE_FAILED_INIT;
            break;
        }
        if (!running) break;
        if (abort_flag && __atomic_load_n(abort_flag, __ATOMIC_ACQUIRE)) {
            out->aborted = 1;
            code = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        curl_multi_poll(h->multi, NULL, 0, 50, NULL);
    }
    if (!out->aborted && code == CURLE_OK) {
        int left = 0;
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == e) code = msg->data.result;
        }
    }
    curl_multi_remove_handle(h->multi, e);
    curl_slist_free_all(list);

    out->curl_code = (int)code;
    if (code != CURLE_OK) {
        if (out->error[0] == 0) {
            strncpy(out->error, curl_easy_strerror(code), sizeof out->error - 1);
        }
        return -1;
    }
    out->error[0] = 0;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    out->status = status;
    curl_off_t retry = -1;
    if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry > 0) {
        out->retry_after_seconds = (long long)retry;
    }
    return 0;
}

void n3o_http_result_clear(n3o_http_result *out) {
    if (!out) return;
    free(out->body);
    out->body = NULL;
    out->body_len = 0;
}

int n3o_gzip(const void *in, size_t in_len, void **out, size_t *out_len) {
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* 15 + 16: a gzip header and trailer, as Content-Encoding: gzip wants. */
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return -1;
    }
    uLong bound = deflateBound(&zs, (uLong)in_len) + 32;
    unsigned char *buf = malloc(bound);
    if (!buf) {
        deflateEnd(&zs);
        return -1;
    }
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)in_len;
    zs.next_out = buf;
    zs.avail_out = (uInt)bound;
    int rc = deflate(&zs, Z_FINISH);
    size_t n = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = n;
    return 0;
}

void n3o_free(void *p) { free(p); }

void n3o_flag_set(int *flag, int value) { __atomic_store_n(flag, value, __ATOMIC_RELEASE); }
int n3o_flag_get(const int *flag) { return __atomic_load_n(flag, __ATOMIC_ACQUIRE); }
