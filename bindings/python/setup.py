"""Builds n3obs._native and n3obs._hot, and bundles libn3obs.so (and its plugins) into
the package.

See n3obs/_build.py for N3OBS_LIBRARY_DIR and N3OBS_INCLUDE_DIR.
"""
import atexit
import glob
import os
import shutil
import sys
import tempfile

from setuptools import setup
from setuptools.command.build_ext import build_ext

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "n3obs"))
import _build  # noqa: E402


class BuildExtBundlingLibrary(build_ext):
    """After the extension is built, copy libn3obs.so and libn3obs_*.so next to it."""

    def build_extensions(self):
        # Python's own LDSHARED may carry an rpath (e.g. pyenv's lib folder) that the
        # loader would search before $ORIGIN; keep only ours so the bundled copy is used.
        self.compiler.linker_so = [a for a in self.compiler.linker_so
                                   if not a.startswith("-Wl,-rpath")]
        super().build_extensions()

    def run(self):
        libdir = _build.library_dir()
        main = libdir / "libn3obs.so"
        if not main.is_file():
            raise SystemExit(
                f"n3obs: {main} not found; run `swift build -c release` at the repository "
                "root first, or set N3OBS_LIBRARY_DIR to the folder of libn3obs.so")
        self.force = True  # relink every time: libn3obs.so may have changed under us
        super().run()
        dest = os.path.dirname(self.get_ext_fullpath("n3obs._native"))
        os.makedirs(dest, exist_ok=True)
        for path in [str(main)] + sorted(glob.glob(str(libdir / "libn3obs_*.so"))):
            shutil.copy2(path, os.path.join(dest, os.path.basename(path)))


# pip builds in the source tree, where setuptools would leave build/ and n3obs.egg-info,
# and a later build would bundle the plugins an earlier N3OBS_LIBRARY_DIR left in build/.
# Each build runs in a fresh scratch folder instead, so it bundles exactly what
# N3OBS_LIBRARY_DIR holds and leaves the tree as it was.
scratch = tempfile.mkdtemp(prefix="n3obs-build-")
atexit.register(shutil.rmtree, scratch, ignore_errors=True)

setup(
    options={"build": {"build_base": scratch}, "egg_info": {"egg_base": scratch}},
    cffi_modules=["n3obs/_build.py:ffibuilder", "n3obs/_build.py:hot_ffibuilder"],
    cmdclass={"build_ext": BuildExtBundlingLibrary},
    zip_safe=False,
)
