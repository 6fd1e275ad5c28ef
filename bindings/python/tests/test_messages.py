"""What a user is told when something outside n3obs goes wrong: a collector that does not
answer at shutdown, a busy port, a machine without the Swift runtime."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import n3obs
from conftest import run_script


def silent_listener() -> socket.socket:
    """A TCP port that accepts connections and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def test_shutdown_with_an_unreachable_collector_returns_false_and_never_raises():
    with silent_listener() as s:
        port = s.getsockname()[1]
        proc = run_script(f"""
import n3obs
n3obs.init(service_name="t", exporters=[("otlp", {{"endpoint": "http://127.0.0.1:{port}", "timeout_ms": 300}})])
with n3obs.start_as_current_span("undeliverable"):
    pass
print("shutdown returned", n3obs.shutdown(timeout=0.5))
print("again", n3obs.shutdown())
""", timeout=60)
    assert "shutdown returned False" in proc.stdout, proc.stdout + proc.stderr
    assert "again True" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_interpreter_exit_with_an_unreachable_collector_does_not_raise():
    with silent_listener() as s:
        port = s.getsockname()[1]
        proc = run_script(f"""
import n3obs
n3obs.init(service_name="t", exporters=[("otlp", {{"endpoint": "http://127.0.0.1:{port}", "timeout_ms": 300}})])
with n3obs.start_as_current_span("undeliverable"):
    pass
""", timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr


def test_a_busy_prometheus_port_says_so_without_a_wrong_hint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        proc = run_script(f"""
import logging
logging.basicConfig()
from n3obs import compat
m = compat.MetricsCollector(metrics_port={port})
print("ERROR:", m.endpoint_error)
""")
    text = proc.stdout + proc.stderr
    assert "Address already in use" in text, text
    assert "N3OBS_PLUGIN_PATH" not in text, "a busy port is not a missing plugin"
    line = next(l for l in proc.stdout.splitlines() if l.startswith("ERROR:"))
    assert line.count("(") == line.count(")"), line


def swift_runtime_folder() -> Path | None:
    lib = Path(n3obs.__file__).parent / "libn3obs.so"
    out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "libswiftCore.so" in line and "=>" in line:
            return Path(line.split("=>")[1].split("(")[0].strip()).parent
    return None


def test_import_without_the_swift_runtime_names_it():
    folder = swift_runtime_folder()
    if folder is None or shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root, unshare and a libn3obs.so linked to a Swift runtime folder")
    # Hide the toolchain's runtime as a machine without Swift would lack it.
    cmd = (f"mount -t tmpfs none {folder} && {sys.executable} -c 'import n3obs'")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", cmd], capture_output=True, text=True, timeout=60)
    if "mount" in proc.stderr and "permission" in proc.stderr.lower():
        pytest.skip("cannot mount here")
    assert proc.returncode != 0
    assert "Swift runtime library libswift" in proc.stderr, proc.stderr
    assert "after `swift build" not in proc.stderr, "rebuilding is not the cure"
