"""Nothing lost when a Python process ends by SIGTERM or SIGINT: with n3obs.compat (which
turns flushing on signals on) or init(flush_on_signals=True), every span ended before the
signal reaches the OTLP file, and the process still ends by the signal."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

SPANS = 1500


def _run_until_signal(tmp_path, script: str, sig: int, env: dict | None = None):
    """Runs script (which prints "ended" once its spans are ended, then waits), sends sig
    then, and returns (returncode, spans in the OTLP file, stderr)."""
    path = tmp_path / "otlp.jsonl"
    e = dict(os.environ)
    e.pop("N3OBS_FLUSH_ON_SIGNALS", None)
    e.update({"N3OBS_EXPORTERS": "otlp", "N3OBS_OTLP_FILE": str(path),
              "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "512"})
    e.update(env or {})
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], env=e, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ended", (line, proc.stderr.read() if proc.poll() is not None else "")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = path.read_text() if path.exists() else ""
    return proc.returncode, text.count('"spanId"'), err


# Ends SPANS spans at about 500 a second (batches of 512: the last ~476 never fill one).
_PACED = f"""
    import time
    def end_spans(tracer):
        start = time.monotonic()
        for i in range({SPANS}):
            with tracer.start_as_current_span("exit_span") as span:
                span.set_attribute("i", i)
            delay = start + (i + 1) / 500 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        print("ended", flush=True)
"""


def test_compat_service_killed_by_sigterm_loses_no_span(tmp_path):
    rc, spans, err = _run_until_signal(tmp_path, _PACED + """
    import n3obs
    from n3obs.compat import TracingManager
    TracingManager("exit-test")
    end_spans(n3obs.get_tracer("exit-test"))
    while True:
        time.sleep(1)
    """, signal.SIGTERM)
    assert rc == -signal.SIGTERM, err
    assert spans == SPANS, err


def test_flush_on_signals_keyword_and_sigterm(tmp_path):
    rc, spans, err = _run_until_signal(tmp_path, _PACED + """
    import n3obs
    n3obs.init(service_name="exit-test", flush_on_signals=True)
    end_spans(n3obs.get_tracer("exit-test"))
    while True:
        time.sleep(1)
    """, signal.SIGTERM)
    assert rc == -signal.SIGTERM, err
    assert spans == SPANS, err


def test_sigint_still_raises_keyboard_interrupt_and_loses_no_span(tmp_path):
    # Python's own SIGINT handler was installed first: n3obs chains to it.
    rc, spans, err = _run_until_signal(tmp_path, _PACED + """
    import n3obs
    n3obs.init(service_name="exit-test", flush_on_signals=True)
    end_spans(n3obs.get_tracer("exit-test"))
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        print("KeyboardInterrupt", file=sys.stderr)
        raise
    """.replace("import n3obs", "import sys, n3obs", 1), signal.SIGINT)
    assert "KeyboardInterrupt" in err, err
    assert rc == -signal.SIGINT, err
    assert spans == SPANS, err


def test_the_environment_can_turn_it_off_under_compat(tmp_path):
    rc, _, err = _run_until_signal(tmp_path, """
    import time
    from n3obs.compat import TracingManager
    TracingManager("exit-test")
    print("ended", flush=True)
    while True:
        time.sleep(1)
    """, signal.SIGTERM, env={"N3OBS_FLUSH_ON_SIGNALS": "0"})
    assert rc == -signal.SIGTERM, err


def test_interpreter_exit_and_the_library_exit_handler_do_not_conflict(tmp_path):
    # Python's atexit shuts n3obs down first; the library's exit handler then finds it shut
    # down and does nothing: a clean exit, every span once.
    path = tmp_path / "otlp.jsonl"
    e = dict(os.environ, N3OBS_EXPORTERS="otlp", N3OBS_OTLP_FILE=str(path))
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import n3obs
        n3obs.init(service_name="exit-test", flush_on_signals=True)
        for i in range(700):
            with n3obs.start_as_current_span("exit_span"):
                pass
        """)], env=e, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert path.read_text().count('"spanId"') == 700, proc.stderr

