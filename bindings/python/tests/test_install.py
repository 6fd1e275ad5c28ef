"""`pip install bindings/python` as a user runs it, twice with two N3OBS_LIBRARY_DIR folders:
each install bundles exactly the libraries of its folder (no plugin left over from an
earlier build), and the source tree is left as it was (no build/, no n3obs.egg-info)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "bindings" / "python"
LIBDIR = Path(os.environ.get("N3OBS_LIBRARY_DIR") or REPO / ".build" / "release")


def tree_status() -> str:
    """What git sees under bindings/python, ignored files included."""
    return subprocess.run(["git", "status", "--porcelain", "--ignored", "--", "."], cwd=PACKAGE,
                          capture_output=True, text=True, check=True).stdout


def install(libdir: Path, target: Path) -> list[str]:
    """pip install into target with libdir as N3OBS_LIBRARY_DIR; the libraries it bundled."""
    env = dict(os.environ, N3OBS_LIBRARY_DIR=str(libdir))
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation",
                           "--no-deps", "--target", str(target), str(PACKAGE)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return sorted(p.name for p in (target / "n3obs").glob("libn3obs*.so"))


def test_each_install_bundles_exactly_its_library_dir(tmp_path):
    plugins = sorted(p.name for p in LIBDIR.glob("libn3obs_*.so"))
    if len(plugins) < 2:
        pytest.skip(f"{LIBDIR} needs libn3obs.so and two plugins (swift build -c release)")
    fewer = tmp_path / "fewer"
    fewer.mkdir()
    for name in ("libn3obs.so", plugins[0]):
        shutil.copy2(LIBDIR / name, fewer / name)
    before = tree_status()

    assert install(LIBDIR, tmp_path / "first") == ["libn3obs.so", *plugins]
    assert install(fewer, tmp_path / "second") == ["libn3obs.so", plugins[0]]

    # The second install works on its own bundled library.
    proc = subprocess.run([sys.executable, "-c", "import n3obs; print(n3obs.__file__)"],
                          env=dict(os.environ, PYTHONPATH=str(tmp_path / "second")),
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(str(tmp_path / "second")), proc.stdout
    assert tree_status() == before, "pip install left files in bindings/python"
