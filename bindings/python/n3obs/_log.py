"""The library's log in Python's logging: every line of n3obs and of its plugins goes to
the ``n3obs`` logger, or to a child of it named after the component that wrote it
(``n3obs.exporters``, ``n3obs.otlp``, ...), with the component in ``extra`` as
``n3obs_component``. The library's N3OBS_LOG_LEVEL still decides which lines are sent.

Lines come on the library's own threads too. When Python can no longer run code (at the
library's exit flush, after the interpreter has finalized) _log_sink.c writes them to fd 2
in the library's format instead."""
from __future__ import annotations

import logging
import sys
from typing import Any

from ._core import ffi, lib

logger = logging.getLogger("n3obs")

_LEVELS = {
    lib.N3OBS_LOG_ERROR: logging.ERROR,
    lib.N3OBS_LOG_WARN: logging.WARNING,
    lib.N3OBS_LOG_INFO: logging.INFO,
    lib.N3OBS_LOG_DEBUG: logging.DEBUG,
}


def _on_error(exc_type: Any, exc: Any, tb: Any) -> None:
    # A handler that raised must not take the library's thread with it.
    try:
        sys.stderr.write(f"n3obs: a logging handler failed on a line of the library: {exc!r}\n")
    except Exception:  # noqa: BLE001
        pass


@ffi.def_extern(onerror=_on_error)
def _n3obs_py_log(level: int, component: Any, message: Any) -> None:
    name = ffi.string(component).decode("utf-8", "replace") if component != ffi.NULL else ""
    text = ffi.string(message).decode("utf-8", "replace") if message != ffi.NULL else ""
    target = logger.getChild(name) if name else logger
    target.log(_LEVELS.get(level, logging.INFO), "%s", text, extra={"n3obs_component": name})


# What n3obs_config.log_sink gets: the C function of _log_sink.c in front of _n3obs_py_log.
SINK = ffi.addressof(lib, "n3py_log_sink")
