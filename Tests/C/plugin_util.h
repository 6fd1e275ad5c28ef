/*
 * plugin_util.h: the test plugins of Tests/C/plugins/test_plugin.c, built one shared object
 * per -DVARIANT_*, and what the counting variants write. Include after check.h.
 */
#ifndef N3OBS_TEST_PLUGIN_UTIL_H
#define N3OBS_TEST_PLUGIN_UTIL_H

#include <stdio.h>
#include <stdlib.h>

/* Builds the VARIANT_<variant> plugin at path; 1 when it built. */
static inline int build_test_plugin(const char *variant, const char *path)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "${CC:-cc} -std=c99 -Wall -Wextra -Werror -Wno-unused-function -shared -fPIC -Iinclude -DVARIANT_%s "
             "Tests/C/plugins/test_plugin.c -o %s",
             variant, path);
    return system(cmd) == 0;
}

/* The spans a counting plugin has exported so far: the first figure of its counts file. */
static inline unsigned long counted_spans(const char *counts_path)
{
    unsigned long spans = 0;
    FILE *f = fopen(counts_path, "r");
    if (f != NULL) {
        if (fscanf(f, "%lu", &spans) != 1) spans = 0;
        fclose(f);
    }
    return spans;
}

#endif
