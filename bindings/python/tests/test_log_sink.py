"""The library's log (n3obs_config.log_sink) in Python's logging, under the "n3obs" logger:
the SDK's lines and its plugins', with level and component; at exit, once Python cannot
run code any more, on fd 2 instead, without a crash. Exporters load in subprocesses (see
test_exporters.py), so the real lines are checked there."""
import json
import logging
import os
import subprocess

import pytest

from conftest import REPO, run_script
from n3obs._core import ffi, lib


@pytest.fixture(scope="module")
def logging_plugin(tmp_path_factory):
    """Tests/C/plugins/test_plugin.c's LOGGING variant: host->log at start and at shutdown."""
    out = tmp_path_factory.mktemp("plugin") / "libn3obs_test_logging.so"
    subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-DVARIANT_LOGGING", f"-I{REPO / 'include'}",
                    "-o", str(out), str(REPO / "Tests/C/plugins/test_plugin.c")], check=True)
    return out


def test_a_line_of_the_sink_becomes_a_record_of_the_component_logger(caplog):
    caplog.set_level(logging.DEBUG, logger="n3obs")
    lib.n3py_log_sink(lib.N3OBS_LOG_WARN, b"pipeline", "the queue is full \u00e9".encode(), ffi.NULL)
    lib.n3py_log_sink(lib.N3OBS_LOG_DEBUG, b"otlp", b"detail", ffi.NULL)
    got = [(r.name, r.levelno, r.n3obs_component, r.getMessage()) for r in caplog.records]
    assert got == [("n3obs.pipeline", logging.WARNING, "pipeline", "the queue is full \u00e9"),
                   ("n3obs.otlp", logging.DEBUG, "otlp", "detail")]


_CAPTURE = """
import json, logging, n3obs
records = []
class Keep(logging.Handler):
    def emit(self, r):
        records.append([r.name, r.levelname, r.n3obs_component, r.getMessage()])
logging.getLogger("n3obs").addHandler(Keep())
logging.getLogger("n3obs").setLevel(logging.DEBUG)
"""


def test_sdk_and_plugin_lines_reach_the_n3obs_logger_and_not_fd_2(logging_plugin, tmp_path):
    proc = run_script(_CAPTURE + f"""
try:
    n3obs.init("logs")  # N3OBS_EXPORTERS names a plugin that does not exist
except n3obs.PluginNotFoundError:
    pass
n3obs.load_exporter({str(logging_plugin)!r}, path={str(tmp_path / "counts")!r})
n3obs.shutdown()
print(json.dumps(records))
""", env={"N3OBS_EXPORTERS": "no_such_exporter_for_logs", "N3OBS_LOG_LEVEL": "warn"})
    records = json.loads(proc.stdout.splitlines()[-1])
    sdk = [r for r in records if r[2] == "exporters"]
    assert len(sdk) == 1 and sdk[0][:3] == ["n3obs.exporters", "ERROR", "exporters"], records
    assert "no_such_exporter_for_logs" in sdk[0][3]
    assert ["n3obs.logging", "WARNING", "logging", "a line from the plugin"] in records
    assert ["n3obs.logging", "WARNING", "logging", "the plugin shuts down"] in records
    assert "n3obs" not in proc.stderr, proc.stderr


def test_lines_after_python_finalized_go_to_fd_2(logging_plugin, tmp_path):
    # Without the binding's atexit shutdown, the library shuts down (and the plugin logs)
    # in its own exit flush, after Py_Finalize: the line must still arrive, on fd 2.
    proc = run_script(_CAPTURE + f"""
import atexit
from n3obs import _lifecycle
n3obs.init("logs", exporters=[({str(logging_plugin)!r}, {{"path": {str(tmp_path / "counts")!r}}})])
atexit.unregister(_lifecycle._shutdown_at_exit)
print(json.dumps(records))
""")
    assert json.loads(proc.stdout.splitlines()[-1]) == [["n3obs.logging", "WARNING", "logging", "a line from the plugin"]]
    assert "n3obs warn [logging]: the plugin shuts down" in proc.stderr
    assert (tmp_path / "counts").read_text().split()[-1] == "1"  # its shutdown did run
