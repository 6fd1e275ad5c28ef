"""cffi build script (out-of-line API mode) for n3obs._native.

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


# Health check callbacks call back into Python on the SDK's threads.
CALLBACKS = """
extern "Python" int _n3obs_py_health(void *user_data, char *detail, size_t detail_capacity);
extern "Python" void _n3obs_py_health_free(void *user_data);
"""

ffibuilder = FFI()
ffibuilder.cdef((HERE / "_cdef.h").read_text() + CALLBACKS)
ffibuilder.set_source(
    "n3obs._native",
    '#include "n3obs.h"\n',
    include_dirs=[str(include_dir())],
    library_dirs=[str(library_dir())],
    libraries=["n3obs"],
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
    extra_compile_args=["-O2"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
