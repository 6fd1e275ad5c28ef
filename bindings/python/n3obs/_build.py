"""cffi build script (out-of-line API mode) for n3obs._native and n3obs._hot.

n3obs._native declares the whole C API (_cdef.h). n3obs._hot (_hot.c) holds the calls
made per recorded value and per span, which never block, with the GIL kept across them;
it includes _native's types, so a series or span of one is accepted by the other.

The extension is compiled against include/n3obs.h of the repository and linked to
libn3obs.so. Where the library is taken from:

  N3OBS_INCLUDE_DIR   folder of n3obs.h      (default: <repo>/include)
  N3OBS_LIBRARY_DIR   folder of libn3obs.so  (default: <repo>/.build/release)

setup.py copies libn3obs.so and every libn3obs_*.so plugin of N3OBS_LIBRARY_DIR into the
package, and the extension carries an rpath of $ORIGIN, so an installed n3obs always loads
the library it was built with (and finds those plugins beside it) whatever LD_LIBRARY_PATH
says.
"""
from __future__ import annotations

import os
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent


def include_dir() -> Path:
    return Path(os.environ.get("N3OBS_INCLUDE_DIR") or REPO / "include").resolve()


def library_dir() -> Path:
    return Path(os.environ.get("N3OBS_LIBRARY_DIR") or REPO / ".build" / "release").resolve()


# Health check callbacks and the log sink (_log_sink.c) call back into Python on the
# SDK's threads.
CALLBACKS = """
extern "Python" int _n3obs_py_health(void *user_data, char *detail, size_t detail_capacity);
extern "Python" void _n3obs_py_health_free(void *user_data);
extern "Python" void _n3obs_py_log(int level, const char *component, const char *message);
void n3py_log_sink(int level, const char *component, const char *message, void *user_data);
"""

ffibuilder = FFI()
ffibuilder.cdef((HERE / "_cdef.h").read_text() + CALLBACKS)
ffibuilder.set_source(
    "n3obs._native",
    '#include "n3obs.h"\n' + (HERE / "_log_sink.c").read_text(),
    include_dirs=[str(include_dir())],
    library_dirs=[str(library_dir())],
    libraries=["n3obs"],
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
    extra_compile_args=["-O2"],
)

HOT_CDEF = """
int n3py_counter_inc(n3obs_counter_series *s);
int n3py_counter_add(n3obs_counter_series *s, double v);
int n3py_gauge_set(n3obs_gauge_series *s, double v);
int n3py_gauge_add(n3obs_gauge_series *s, double v);
int n3py_histogram_observe(n3obs_histogram_series *s, double v);
int n3py_summary_observe(n3obs_summary_series *s, double v);
n3obs_span_context *n3py_span_context(void);
n3obs_span *n3py_span_start_root(const char *name);
n3obs_span *n3py_span_start_child(const char *name, n3obs_span *parent);
int n3py_span_start_status(void);
int n3py_span_end(n3obs_span *span);
int n3py_span_set_string(n3obs_span *span, const char *key, const char *value);
int n3py_span_set_int(n3obs_span *span, const char *key, int64_t value);
int n3py_span_set_double(n3obs_span *span, const char *key, double value);
int n3py_span_set_bool(n3obs_span *span, const char *key, int value);
int n3py_context_storage_install(void);
int n3py_context_storage_remove(void);
volatile long *n3py_open_blocks_counter(void);
"""

hot_ffibuilder = FFI()
hot_ffibuilder.include(ffibuilder)
hot_ffibuilder.cdef(HOT_CDEF)
hot_ffibuilder.set_source(
    "n3obs._hot",
    (HERE / "_hot.c").read_text(),
    include_dirs=[str(include_dir())],
    library_dirs=[str(library_dir())],
    libraries=["n3obs"],
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
    extra_compile_args=["-O2"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
    hot_ffibuilder.compile(verbose=True)
