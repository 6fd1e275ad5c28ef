/*
 * traceidratio: samples r of 100,000 random traces within 1%, decides the same way for
 * the same trace id, and agrees with OpenTelemetry's rule (lower 8 bytes of the trace id,
 * big-endian, below r * 2^64).
 */
#include "check.h"

#include <stdlib.h>

int main(void)
{
    n3obs_config cfg = N3OBS_CONFIG_INIT;
    n3obs_span_opts root = N3OBS_SPAN_OPTS_INIT, remote = N3OBS_SPAN_OPTS_INIT;
    n3obs_span_context rc = N3OBS_SPAN_CONTEXT_INIT;
    long i, sampled = 0, inconsistent = 0, wrong = 0, failures = 0;
    const double r = 0.25;

    cfg.flags = N3OBS_INIT_IGNORE_ENV;
    cfg.traces_sampler = "bogus";
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "an unknown sampler is a config error");
    CHECK_MSG("bogus", "naming it");
    cfg.traces_sampler = "traceidratio";
    cfg.traces_sampler_arg = "1.5";
    CHECK_ST(n3obs_init(&cfg), N3OBS_E_CONFIG, "a ratio above 1 is a config error");
    cfg.traces_sampler_arg = "0.25";
    CHECK_OK(n3obs_init(&cfg), "init with traceidratio 0.25");

    root.flags = N3OBS_SPAN_ROOT;
    for (i = 0; i < 100000; ++i) {
        n3obs_span *s;
        int rec;
        if (n3obs_span_start(&s, "r", &root) != N3OBS_OK) { ++failures; continue; }
        rec = n3obs_span_is_recording(s);
        sampled += rec == 1;
        n3obs_span_end(s, 0);
    }
    CHECK(failures == 0, "100,000 root spans started");
    CHECK_NEAR((double)sampled / 100000.0, r, 0.01, "sampled fraction %.4f is within 1%% of %.2f",
               (double)sampled / 100000.0, r);

    /* same trace id, same decision; and the decision follows the rule */
    srand(7);
    remote.remote_parent = &rc;
    rc.span_id[7] = 1;
    for (i = 0; i < 2000; ++i) {
        n3obs_span *a, *b;
        int k, ra, rb;
        uint64_t low = 0;
        for (k = 0; k < 16; ++k)
            rc.trace_id[k] = (uint8_t)(rand() >> 3);
        rc.trace_id[0] |= 1;
        rc.trace_flags = (uint8_t)(i & 1);   /* traceidratio ignores the parent's flag */
        for (k = 8; k < 16; ++k)
            low = (low << 8) | rc.trace_id[k];
        if (n3obs_span_start(&a, "a", &remote) != N3OBS_OK || n3obs_span_start(&b, "b", &remote) != N3OBS_OK) {
            ++failures;
            continue;
        }
        ra = n3obs_span_is_recording(a);
        rb = n3obs_span_is_recording(b);
        inconsistent += ra != rb;
        wrong += ra != ((double)low < r * 18446744073709551616.0);
        n3obs_span_end(a, 0);
        n3obs_span_end(b, 0);
    }
    CHECK(failures == 0, "2,000 pairs started");
    CHECK(inconsistent == 0, "the same trace id always gets the same decision");
    CHECK(wrong == 0, "decisions follow lower-8-bytes < ratio * 2^64");
    return check_finish();
}
