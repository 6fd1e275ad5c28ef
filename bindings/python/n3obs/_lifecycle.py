"""init, shutdown, exporters and the process-wide state of the binding."""
from __future__ import annotations

import atexit
import warnings
import json
import logging
import os
import threading
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple, Union

from ._log import SINK as _LOG_SINK
from ._core import Error, ShutdownError, check, encode, ffi, lib

_log = logging.getLogger("n3obs")

ExporterSpec = Union[str, "os.PathLike[str]", Tuple[str, Mapping[str, Any]]]

_lock = threading.RLock()
# Callables run (under _lock) once the SDK is running: metric families created before
# init register themselves through this list.
_on_start: List[Callable[[], None]] = []
_atexit_registered = False
_implicit = False


def version() -> str:
    """The library's version string, e.g. "0.1.0"."""
    return ffi.string(lib.n3obs_version()).decode()


def is_running() -> bool:
    """True between a successful init() and shutdown()."""
    return bool(lib.n3obs_is_running())


def _ms(seconds: Optional[float], what: str) -> int:
    if seconds is None:
        return 0
    ms = int(round(float(seconds) * 1000))
    if ms <= 0 or ms > 0xFFFFFFFF:
        raise ValueError(f"n3obs: {what} must be a positive number of seconds")
    return ms


def init(
    service_name: Optional[str] = None,
    *,
    exporters: Optional[Sequence[ExporterSpec]] = None,
    metric_namespace: Optional[str] = None,
    cardinality_limit: Optional[int] = None,
    traces_sampler: Optional[str] = None,
    traces_sampler_arg: Optional[Union[str, float]] = None,
    span_queue_size: Optional[int] = None,
    export_batch_size: Optional[int] = None,
    schedule_delay: Optional[float] = None,
    export_timeout: Optional[float] = None,
    metric_export_interval: Optional[float] = None,
    health_monitor_interval: Optional[float] = None,
    health_builtins: Optional[bool] = None,
    health_disk_path: Optional[str] = None,
    catalog: bool = True,
    ignore_env: bool = False,
    flush_on_signals: Optional[bool] = None,
) -> None:
    """Starts the SDK for this process (n3obs_init); later calls change nothing.

    ``exporters``: None loads what N3OBS_EXPORTERS names; ``[]`` loads none; otherwise each
    item is a name (``"stdout"``), a path to a plugin, or ``(name_or_path, config_dict)``,
    loaded in order with load_exporter (a failure raises). Times are in seconds.
    ``health_builtins=False`` turns the built-in checks off. Every other setting left as
    None takes the environment variable the C header names, else its default.
    shutdown() is registered to run at interpreter exit (and the library shuts down at
    process exit if it did not run). ``flush_on_signals=True`` (None: N3OBS_FLUSH_ON_SIGNALS)
    makes SIGTERM and SIGINT deliver the queued spans before the process ends by the signal;
    a handler installed before init (Python's own SIGINT handler, which raises
    KeyboardInterrupt) still runs, while the spans are flushed beside it. os._exit() and
    SIGKILL skip every handler: what was not exported yet is lost.
    The library's own log lines (and its plugins') go to the ``logging`` logger ``n3obs``
    (see n3obs._log); N3OBS_LOG_LEVEL still chooses which are sent.
    """
    global _atexit_registered, _implicit
    cfg = ffi.new("n3obs_config *")
    cfg.size = ffi.sizeof("n3obs_config")
    keep = []  # the char buffers must outlive n3obs_init

    def s(value: Optional[Any], what: str):  # type: ignore[no-untyped-def]
        if value is None:
            return ffi.NULL
        b = ffi.new("char[]", encode(str(value) if what == "traces_sampler_arg" else value, what))
        keep.append(b)
        return b

    cfg.service_name = s(service_name, "service_name")
    cfg.metric_namespace = s(metric_namespace, "metric_namespace")
    cfg.traces_sampler = s(traces_sampler, "traces_sampler")
    cfg.traces_sampler_arg = s(traces_sampler_arg, "traces_sampler_arg")
    cfg.health_disk_path = s(health_disk_path, "health_disk_path")
    cfg.telemetry_sdk_language = s("python", "telemetry_sdk_language")
    # "" (not NULL) tells the library to load no exporter, whatever N3OBS_EXPORTERS says;
    # the listed ones are loaded below, one by one, so that a failure raises.
    cfg.exporters = ffi.NULL if exporters is None else s("", "exporters")
    cfg.cardinality_limit = cardinality_limit or 0
    cfg.bsp_max_queue_size = span_queue_size or 0
    cfg.bsp_max_export_batch_size = export_batch_size or 0
    cfg.bsp_schedule_delay_ms = _ms(schedule_delay, "schedule_delay")
    cfg.bsp_export_timeout_ms = _ms(export_timeout, "export_timeout")
    cfg.metric_export_interval_ms = _ms(metric_export_interval, "metric_export_interval")
    cfg.health_monitor_interval_ms = _ms(health_monitor_interval, "health_monitor_interval")
    cfg.log_sink = _LOG_SINK  # the library's log goes to the "n3obs" logger
    if flush_on_signals is not None:
        cfg.flush_on_signals = 1 if flush_on_signals else 2
    if health_builtins is False:
        cfg.health_builtins_off = lib.N3OBS_HEALTH_BUILTIN_ALL
    flags = 0
    if ignore_env:
        flags |= lib.N3OBS_INIT_IGNORE_ENV
    if not catalog:
        flags |= lib.N3OBS_INIT_NO_CATALOG
    cfg.flags = flags

    with _lock:
        was_running = is_running()
        status = lib.n3obs_init(cfg)
        # An exporter of N3OBS_EXPORTERS that cannot load is an error the caller sees, but
        # the SDK runs without it: finish starting before raising.
        if is_running():
            if not _atexit_registered:
                atexit.register(_shutdown_at_exit)
                _atexit_registered = True
            if not was_running:
                _run_on_start()
            _implicit = False
        check(status, "n3obs_init")
    for spec in exporters or ():
        if isinstance(spec, tuple):
            load_exporter(spec[0], **dict(spec[1]))
        else:
            load_exporter(spec)


def _run_on_start() -> None:
    pending = list(_on_start)
    _on_start.clear()
    for fn in pending:
        fn()


def ensure_started() -> None:
    """Starts the SDK with the defaults and the environment if nobody called init() yet:
    recording before init() works, as it does with prometheus_client."""
    global _implicit
    if lib.n3obs_is_running():
        return
    with _lock:
        if not lib.n3obs_is_running():
            try:
                init()
            except Error as e:
                if not lib.n3obs_is_running():
                    raise
                # Recording must not raise because N3OBS_EXPORTERS names a missing plugin.
                warnings.warn(f"n3obs: {e}", RuntimeWarning, stacklevel=3)
            _implicit = True


def when_started(fn: Callable[[], None]) -> None:
    """Runs fn now if the SDK runs, else at init()."""
    with _lock:
        if lib.n3obs_is_running():
            fn()
        else:
            _on_start.append(fn)


def shutdown(timeout: float = 5.0) -> bool:
    """Flushes every exporter and stops the SDK for the rest of the process
    (n3obs_shutdown). Final: recording afterwards does nothing. Returns True when every
    exporter finished within ``timeout``, False when one did not (an unreachable collector:
    the library logs which, and counts what it could not deliver), as OpenTelemetry's
    shutdown does; it never raises for that. A second call, or a call before init, does
    nothing and returns True."""
    with _lock:
        if not lib.n3obs_is_running():
            return True
        status = lib.n3obs_shutdown(_ms(timeout, "timeout"))
    if status == lib.N3OBS_E_TIMEOUT:
        _log.warning("n3obs: %s", ffi.string(lib.n3obs_error_last()).decode(errors="replace"))
        return False
    if status not in (0, lib.N3OBS_E_SHUTDOWN, lib.N3OBS_E_NOT_INITIALIZED):
        check(status, "n3obs_shutdown")
    return True


def _shutdown_at_exit() -> None:
    # At interpreter exit nothing may raise: a traceback there helps nobody.
    try:
        shutdown()
    except Exception:  # noqa: BLE001
        pass


def force_flush(timeout: float = 30.0) -> None:
    """Delivers every ended span to every exporter and flushes them (n3obs_force_flush)."""
    check(lib.n3obs_force_flush(_ms(timeout, "timeout")), "n3obs_force_flush")


def load_exporter(name_or_path: Union[str, "os.PathLike[str]"], **config: Any) -> None:
    """Loads an exporter plugin by name (libn3obs_<name>.so in N3OBS_PLUGIN_PATH, then
    beside libn3obs.so, which for an installed binding is the package folder) or by path,
    and starts it with ``config`` as its JSON configuration. Raises PluginNotFoundError,
    PluginError, ... with the library's message, which names the file."""
    ensure_started()
    name = os.fspath(name_or_path)
    cfg = json.dumps(config, separators=(",", ":"), default=str).encode() if config else ffi.NULL
    check(lib.n3obs_exporter_load(encode(name, "name_or_path"), cfg), "n3obs_exporter_load")


__all__ = ["init", "shutdown", "is_running", "force_flush", "load_exporter", "version",
           "ShutdownError"]
