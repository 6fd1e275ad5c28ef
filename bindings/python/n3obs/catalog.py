"""The standard catalogue of libn3obs.so (<ns>_execution_total, ..._duration_seconds,
active_executions, worker_pool_size, task_queue_length, security_validations_total,
error_total), with the helpers that keep it consistent.

    with n3obs.catalog.execution("parser", "parallel") as ex:
        ...            # active_executions{component} is raised meanwhile
    # ended once: counted with status "success" (or "error" on an exception) and timed
"""
from __future__ import annotations

from typing import Any, Optional

from . import _lifecycle
from ._core import check, encode, ffi, lib, make_error

#: The catalogue's shapes (help, unit, label names), for code that wants to record into
#: the same families through metric objects: registering the same shape returns them.
SHAPES = {
    "execution_total": ("counter", "Executions that ended, by final status.", "",
                        ("component", "strategy", "status")),
    "execution_duration_seconds": ("histogram", "How long executions took.", "seconds",
                                   ("component", "strategy")),
    "active_executions": ("gauge", "Executions that have begun and not ended.", "",
                          ("component",)),
    "worker_pool_size": ("gauge", "Workers in each pool.", "", ("pool_name", "node")),
    "task_queue_length": ("gauge", "Tasks waiting in each queue.", "", ("queue_name", "priority")),
    "security_validations_total": ("counter", "Security validations, by type and result.", "",
                                   ("validation_type", "result")),
    "error_total": ("counter", "Errors, by component, type and severity.", "",
                    ("component", "error_type", "severity")),
}


class Execution:
    """One execution: begin() raises active_executions{component}; end(status) lowers it,
    counts execution_total{component,strategy,status} once and observes its duration.
    Ending twice raises MisuseError. Also a context manager (status "success", or "error"
    when an exception leaves the block)."""

    __slots__ = ("component", "strategy", "_c", "_open")

    def __init__(self, component: str, strategy: str) -> None:
        self.component = component
        self.strategy = strategy
        self._c = ffi.new("n3obs_execution *")
        self._open = False

    def begin(self) -> "Execution":
        _lifecycle.ensure_started()
        check(lib.n3obs_execution_begin(self._c, encode(self.component, "component"),
                                        encode(self.strategy, "strategy")),
              "n3obs_execution_begin")
        self._open = True
        return self

    @property
    def is_open(self) -> bool:
        return self._open

    def end(self, status: str = "success", duration_seconds: Optional[float] = None) -> None:
        """Ends it; ``duration_seconds``, when given, is observed instead of the time since
        begin()."""
        if duration_seconds is None:
            st = lib.n3obs_execution_end(self._c, encode(status, "status"))
        else:
            st = lib.n3obs_execution_end_with_duration(self._c, encode(status, "status"),
                                                       float(duration_seconds))
        if st == 0 or st == lib.N3OBS_E_SHUTDOWN:
            self._open = False
            return
        raise make_error(st, "n3obs_execution_end")

    def __enter__(self) -> "Execution":
        return self.begin()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.end("success" if exc_type is None else "error")


def execution(component: str, strategy: str) -> Execution:
    return Execution(component, strategy)


def _call(fn: Any, name: str, *args: Any) -> None:
    _lifecycle.ensure_started()
    st = fn(*args)
    if st and st != lib.N3OBS_E_SHUTDOWN:
        raise make_error(st, name)


def record_error(component: str, error_type: str, severity: str = "error") -> None:
    _call(lib.n3obs_catalog_record_error, "n3obs_catalog_record_error",
          encode(component), encode(error_type), encode(severity))


def record_security_validation(validation_type: str, result: str) -> None:
    _call(lib.n3obs_catalog_record_security_validation,
          "n3obs_catalog_record_security_validation", encode(validation_type), encode(result))


def set_worker_pool_size(pool_name: str, node: str, size: float) -> None:
    _call(lib.n3obs_catalog_set_worker_pool_size, "n3obs_catalog_set_worker_pool_size",
          encode(pool_name), encode(node), float(size))


def set_task_queue_length(queue_name: str, priority: str, length: float) -> None:
    _call(lib.n3obs_catalog_set_task_queue_length, "n3obs_catalog_set_task_queue_length",
          encode(queue_name), encode(priority), float(length))


__all__ = ["Execution", "execution", "record_error", "record_security_validation",
           "set_worker_pool_size", "set_task_queue_length", "SHAPES"]
