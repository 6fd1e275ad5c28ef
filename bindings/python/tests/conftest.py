"""n3obs_shutdown is final for a process, so the test session initializes n3obs once (here)
and scenarios that need their own settings, a shutdown or a fork run in a subprocess
(run_script)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import n3obs

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
INCLUDE = REPO / "include"


@pytest.fixture(scope="session", autouse=True)
def sdk():
    n3obs.init(service_name="pytest", exporters=[], ignore_env=True)
    yield
    n3obs.shutdown()


@pytest.fixture()
def spans():
    """Drains the queue before the test; call it to get what ended since."""
    n3obs.drain_spans()
    return lambda: n3obs.drain_spans()


def run_script(code: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.update(env or {})
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=e)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


@pytest.fixture(scope="session")
def record_plugin(tmp_path_factory) -> Path:
    """tests/plugin/n3obs_pyrecord.c built as libn3obs_pyrecord.so."""
    out = tmp_path_factory.mktemp("plugin") / "libn3obs_pyrecord.so"
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-shared", "-fPIC", "-O2", f"-I{INCLUDE}", "-o", str(out),
                    str(HERE / "plugin" / "n3obs_pyrecord.c")], check=True)
    return out


def find_plugin(name: str) -> Path | None:
    """A shipped plugin beside the installed libn3obs.so or in the repository's build."""
    for folder in (Path(n3obs.__file__).parent, REPO / ".build" / "release"):
        p = folder / f"libn3obs_{name}.so"
        if p.is_file():
            return p
    return None
