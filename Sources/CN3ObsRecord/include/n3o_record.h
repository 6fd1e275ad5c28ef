/*
 * Internal to libn3obs.so. The target CN3ObsRecord defines the published record functions
 * on bound series (n3obs_counter_add, ...) in C; see record.c for why. It is linked into
 * libn3obs.so only (through N3ObsC), because its slow paths report failures through
 * n3o_record_failed, which N3ObsC defines. Nothing here is for Swift to call.
 */
#ifndef N3OBS_RECORD_H
#define N3OBS_RECORD_H

/* Which public function failed (for the message). Keep in step with RecordFunction in
 * Sources/N3ObsC/Series.swift. */
enum {
    N3O_FN_COUNTER_ADD = 0,
    N3O_FN_COUNTER_INC = 1,
    N3O_FN_GAUGE_SET = 2,
    N3O_FN_GAUGE_ADD = 3,
    N3O_FN_HISTOGRAM_OBSERVE = 4,
};

#endif
