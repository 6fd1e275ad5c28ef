"""Health checks: register Python callables, get reports.

A check's function returns a bool (True: healthy), a HealthStatus or its name
("healthy", "degraded", "unhealthy"; "critical" counts as unhealthy), or a
``(status, detail)`` tuple; an exception makes the check unhealthy with the exception as
its detail; a coroutine function is run with asyncio.run. Checks run on the SDK's threads
with their timeout, never on the caller's.
"""
from __future__ import annotations

import asyncio
import enum
import inspect
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Union

from . import _lifecycle
from ._core import check, decode, encode, ffi, lib


class HealthStatus(str, enum.Enum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"

    @property
    def code(self) -> int:
        return _CODES[self]


_CODES = {HealthStatus.HEALTHY: 0, HealthStatus.DEGRADED: 1, HealthStatus.UNHEALTHY: 2}
_BY_CODE = {v: k for k, v in _CODES.items()}


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: HealthStatus
    description: str
    detail: str
    duration: float              # seconds
    timestamp: float             # Unix seconds of the run's start
    tags: List[str]
    critical: bool
    timed_out: bool
    stuck: bool
    cached: bool

    @property
    def healthy(self) -> bool:
        return self.status is HealthStatus.HEALTHY


@dataclass(frozen=True)
class HealthReport:
    """The overall status (any failing critical check: unhealthy; any failing or degraded
    non-critical one: degraded) and each check's result, sorted by name."""
    status: HealthStatus
    checks: List[CheckResult]
    time: float
    duration: float
    json: str = field(default="", repr=False)

    def __getitem__(self, name: str) -> CheckResult:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.checks)

    def to_dict(self) -> Dict[str, Any]:
        """The library's JSON rendering of the report, parsed."""
        return json.loads(self.json) if self.json else {}


class _Check:
    __slots__ = ("name", "fn")

    def __init__(self, name: str, fn: Callable[[], Any]) -> None:
        self.name = name
        self.fn = fn


_live: Dict[int, Any] = {}       # id(handle) -> ffi handle, until user_data_free
_live_lock = threading.Lock()


def _status_of(value: Any) -> int:
    if value is True or value is None:
        return 0
    if value is False:
        return 2
    if isinstance(value, HealthStatus):
        return _CODES[value]
    name = getattr(value, "value", value)
    if isinstance(name, str):
        name = name.lower()
        if name in ("healthy", "ok", "pass"):
            return 0
        if name in ("degraded", "warn"):
            return 1
        return 2  # unhealthy, critical, fail, anything else
    if isinstance(name, bool):
        return 0 if name else 2
    if isinstance(name, int) and name in (0, 1, 2):
        return name
    return 2


def _write(detail: Any, capacity: int, text: str) -> None:
    if not text or capacity <= 1:
        return
    data = text.encode("utf-8", "replace")[: capacity - 1]
    ffi.memmove(detail, data, len(data))
    detail[len(data)] = b"\0"


def _on_error(exc_type: Any, exc: Any, tb: Any) -> int:
    return 2


@ffi.def_extern(onerror=_on_error)
def _n3obs_py_health(user_data: Any, detail: Any, capacity: int) -> int:
    c: _Check = ffi.from_handle(user_data)
    try:
        value = c.fn()
        if inspect.isawaitable(value):
            async def wait() -> Any:
                return await value
            value = asyncio.run(wait())
    except BaseException as e:  # a failing check is unhealthy, never a crash
        _write(detail, capacity, f"{type(e).__name__}: {e}")
        return 2
    text = ""
    if isinstance(value, tuple) and len(value) == 2:
        value, text = value[0], str(value[1])
    _write(detail, capacity, text)
    return _status_of(value)


@ffi.def_extern()
def _n3obs_py_health_free(user_data: Any) -> None:
    with _live_lock:
        _live.pop(id(ffi.from_handle(user_data)), None)


def register(name: str, fn: Callable[[], Any], *, timeout: float = 5.0, critical: bool = False,
             tags: Union[Iterable[str], Mapping[str, str]] = (), description: str = "",
             interval: Optional[float] = None) -> None:
    """Registers a check. ``timeout`` and ``interval`` in seconds (interval: a report
    within it reuses the last result). ``tags`` may be a mapping, given as "key=value"."""
    if not callable(fn):
        raise TypeError("n3obs: a health check needs a callable")
    _lifecycle.ensure_started()
    if isinstance(tags, Mapping):
        tag_list = [f"{k}={v}" for k, v in tags.items()]
    else:
        tag_list = [str(t) for t in tags]
    obj = _Check(name, fn)
    handle = ffi.new_handle(obj)
    opts = ffi.new("n3obs_health_check_opts *")
    opts.size = ffi.sizeof("n3obs_health_check_opts")
    timeout_ms = int(round(float(timeout) * 1000))
    if timeout_ms <= 0:
        raise ValueError("n3obs: a health check's timeout must be positive")
    opts.timeout_ms = min(timeout_ms, 0xFFFFFFFF)
    cname = ffi.new("char[]", encode(name, "name"))
    cdesc = ffi.new("char[]", encode(description, "description"))
    ctags = [ffi.new("char[]", encode(t, "tag")) for t in tag_list]
    tag_arr = ffi.new("const char *[]", ctags) if ctags else ffi.NULL
    opts.name, opts.description = cname, cdesc
    opts.callback = lib._n3obs_py_health
    opts.user_data = handle
    opts.user_data_free = lib._n3obs_py_health_free
    opts.tags, opts.tag_count = tag_arr, len(ctags)
    opts.interval_ms = int(round(float(interval) * 1000)) if interval else 0
    opts.critical = 1 if critical else 0
    with _live_lock:
        _live[id(obj)] = handle
    status = lib.n3obs_health_register(opts)
    if status:
        with _live_lock:
            _live.pop(id(obj), None)
        check(status, "n3obs_health_register")


def unregister(name: str) -> None:
    check(lib.n3obs_health_unregister(encode(name, "name")), "n3obs_health_unregister")


def _convert(report: Any) -> HealthReport:
    checks = []
    for i in range(report.check_count):
        r = report.checks[i]
        checks.append(CheckResult(
            decode(r.name), _BY_CODE.get(r.status, HealthStatus.UNHEALTHY),
            decode(r.description), decode(r.detail), r.duration_ns / 1e9,
            r.timestamp_unix_nano / 1e9, [decode(r.tags[j]) for j in range(r.tag_count)],
            bool(r.critical), bool(r.timed_out), bool(r.stuck), bool(r.cached)))
    out = ffi.new("char **")
    text = ""
    if lib.n3obs_health_report_json(out, report) == 0:
        text = decode(out[0])
        lib.n3obs_health_json_free(out[0])
    return HealthReport(_BY_CODE.get(report.status, HealthStatus.UNHEALTHY), checks,
                        report.time_unix_nano / 1e9, report.duration_ns / 1e9, text)


def _run(fn: Any, *args: Any) -> Optional[HealthReport]:
    _lifecycle.ensure_started()
    out = ffi.new("n3obs_health_report **")
    check(fn(out, *args), fn.__name__)
    if out[0] == ffi.NULL:
        return None
    try:
        return _convert(out[0])
    finally:
        lib.n3obs_health_report_free(out[0])


def report() -> HealthReport:
    """Runs the checks that are due (concurrently, each with its timeout) and reports."""
    r = _run(lib.n3obs_health_run)
    assert r is not None
    return r


def run_check(name: str) -> HealthReport:
    """Runs one check now; the report holds only it."""
    r = _run(lib.n3obs_health_run_check, encode(name, "name"))
    assert r is not None
    return r


def last_report() -> Optional[HealthReport]:
    """The last report made (by report() or the monitor), without running anything."""
    return _run(lib.n3obs_health_last_report)


__all__ = ["HealthStatus", "HealthReport", "CheckResult", "register", "unregister", "report",
           "run_check", "last_report"]
