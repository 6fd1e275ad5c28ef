"""Metric objects in prometheus_client's shapes, on libn3obs.so's families and series.

A metric object registers its C family when the SDK runs (at once, or at init() for
objects made before it). ``labels(...)`` binds the series once and caches the bound child
per label tuple, so ``c.labels("a", "b").inc()`` is one dict lookup plus one C call, and
an unlabelled ``c.inc()`` is one C call on a series bound at registration.

Recording after shutdown() does nothing (the C library returns N3OBS_E_SHUTDOWN, which is
not raised here, so code that records during interpreter exit does not fail).
"""
from __future__ import annotations

import asyncio
import functools
import threading
import time
from typing import (Any, Callable, Dict, Iterable, Mapping, Optional, Sequence, Tuple,
                    Type, TypeVar, Union)

from . import _lifecycle
from ._core import check, encode, ffi, hot, lib, make_error

F = TypeVar("F", bound=Callable[..., Any])

_SHUTDOWN = lib.N3OBS_E_SHUTDOWN
_counter_add = hot.n3py_counter_add
_counter_inc = hot.n3py_counter_inc
_gauge_set = hot.n3py_gauge_set
_gauge_add = hot.n3py_gauge_add
_histogram_observe = hot.n3py_histogram_observe
_summary_observe = hot.n3py_summary_observe
_perf_counter = time.perf_counter
_NULL = ffi.NULL

INF = float("inf")
#: prometheus_client's default buckets (also libn3obs' default).
DEFAULT_BUCKETS = (.005, .01, .025, .05, .075, .1, .25, .5, .75, 1.0, 2.5, 5.0, 7.5, 10.0, INF)


def _failed(owner: Any, status: int, fn: Any, value: float) -> None:
    """The slow path of a record call that returned a non-zero status."""
    if status == _SHUTDOWN:
        return
    if owner._s == _NULL:  # not bound yet: register (starting the SDK if need be) and retry
        series = owner._resolve()
        status = fn(series, value)
        if status == 0 or status == _SHUTDOWN:
            return
    error = make_error(status)
    raise error


class _Timer:
    """A context manager and decorator that passes the elapsed seconds to a callback."""

    __slots__ = ("_callback", "_start")

    def __init__(self, callback: Callable[[float], None]) -> None:
        self._callback = callback
        self._start = 0.0

    def __enter__(self) -> "_Timer":
        self._start = _perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._callback(max(_perf_counter() - self._start, 0.0))

    def __call__(self, func: F) -> F:
        callback = self._callback
        if asyncio.iscoroutinefunction(func):
            @functools.wraps(func)
            async def awrapper(*args: Any, **kwargs: Any) -> Any:
                with _Timer(callback):
                    return await func(*args, **kwargs)
            return awrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _Timer(callback):
                return func(*args, **kwargs)
        return wrapper  # type: ignore[return-value]


class _Around:
    """A context manager and decorator that calls enter() and exit(exc_type)."""

    __slots__ = ("_enter", "_exit")

    def __init__(self, enter: Callable[[], None], exit: Callable[[Optional[type]], None]) -> None:
        self._enter = enter
        self._exit = exit

    def __enter__(self) -> None:
        self._enter()

    def __exit__(self, exc_type: Optional[type], exc: Any, tb: Any) -> None:
        self._exit(exc_type)

    def __call__(self, func: F) -> F:
        if asyncio.iscoroutinefunction(func):
            @functools.wraps(func)
            async def awrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)
            return awrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)
        return wrapper  # type: ignore[return-value]


# ---- recording operations, shared by a metric without labels and a bound child ----------

class _CounterOps:
    __slots__ = ()
    _s: Any

    def inc(self, amount: float = 1) -> None:
        """Adds amount (>= 0; a negative or NaN amount raises ValueError)."""
        if amount == 1:
            # the one-argument C function: cffi passes it without building a tuple
            status = _counter_inc(self._s)
            if status:
                _failed(self, status, _counter_add, 1.0)
            return
        status = _counter_add(self._s, amount)
        if status:
            _failed(self, status, _counter_add, amount)

    def count_exceptions(self, exception: Union[Type[BaseException], Tuple[Type[BaseException], ...]] = Exception) -> _Around:
        """Counts exceptions of that type leaving the block or function (and lets them go on)."""
        def on_exit(exc_type: Optional[type]) -> None:
            if exc_type is not None and issubclass(exc_type, exception):
                self.inc()
        return _Around(lambda: None, on_exit)


class _GaugeOps:
    __slots__ = ()
    _s: Any

    def inc(self, amount: float = 1) -> None:
        status = _gauge_add(self._s, amount)
        if status:
            _failed(self, status, _gauge_add, amount)

    def dec(self, amount: float = 1) -> None:
        status = _gauge_add(self._s, -amount)
        if status:
            _failed(self, status, _gauge_add, -amount)

    def set(self, value: float) -> None:
        status = _gauge_set(self._s, value)
        if status:
            _failed(self, status, _gauge_set, value)

    def set_to_current_time(self) -> None:
        self.set(time.time())

    def track_inprogress(self) -> _Around:
        """Raises the gauge while the block or function runs."""
        return _Around(self.inc, lambda exc_type: self.dec())

    def time(self) -> _Timer:
        """Sets the gauge to the duration in seconds of the block or function."""
        return _Timer(self.set)


class _HistogramOps:
    __slots__ = ()
    _s: Any

    def observe(self, amount: float) -> None:
        status = _histogram_observe(self._s, amount)
        if status:
            _failed(self, status, _histogram_observe, amount)

    def time(self) -> _Timer:
        """Observes the duration in seconds of the block or function."""
        return _Timer(self.observe)


class _SummaryOps:
    __slots__ = ()
    _s: Any

    def observe(self, amount: float) -> None:
        status = _summary_observe(self._s, amount)
        if status:
            _failed(self, status, _summary_observe, amount)

    def time(self) -> _Timer:
        return _Timer(self.observe)


class _Child:
    __slots__ = ("_s", "_parent", "_values")

    def __init__(self, parent: "_Metric", values: Tuple[str, ...], series: Any) -> None:
        self._s = series
        self._parent = parent
        self._values = values

    def _resolve(self) -> Any:  # only reached when binding failed, which raised already
        return self._s


class _CounterChild(_Child, _CounterOps):
    __slots__ = ()


class _GaugeChild(_Child, _GaugeOps):
    __slots__ = ()


class _HistogramChild(_Child, _HistogramOps):
    __slots__ = ()


class _SummaryChild(_Child, _SummaryOps):
    __slots__ = ()


def _full_name(name: str, namespace: str, subsystem: str, unit: str) -> str:
    full = "_".join(p for p in (namespace, subsystem, name) if p)
    if unit and not full.endswith("_" + unit) and not full.endswith("_" + unit + "_total"):
        full += "_" + unit
    return full


class _Metric:
    """What every metric object shares: its names, its C family and its children."""

    _type = ""
    _new: Any = None
    _bind: Any = None
    _child_class: Any = None

    def __init__(self, name: str, documentation: str = "", labelnames: Iterable[str] = (),
                 namespace: str = "", subsystem: str = "", unit: str = "",
                 registry: Any = None, _labelvalues: Any = None) -> None:
        self._name = _full_name(encode(name, "name").decode(), namespace, subsystem, unit)
        self._documentation = documentation
        self._unit = unit
        if isinstance(labelnames, str):
            labelnames = (labelnames,)
        self._labelnames: Tuple[str, ...] = tuple(labelnames)
        for n in self._labelnames:
            encode(n, "label name")
        self._family: Any = None
        self._s: Any = _NULL
        self._children: Dict[Tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self._keep: list = []
        _lifecycle.when_started(self._register)

    # -- registration ----------------------------------------------------------------------

    def _opts(self) -> Any:
        opts = ffi.new("n3obs_metric_opts *")
        opts.size = ffi.sizeof("n3obs_metric_opts")
        name = ffi.new("char[]", self._name.encode())
        help_ = ffi.new("char[]", encode(self._documentation, "documentation"))
        unit = ffi.new("char[]", encode(self._unit, "unit"))
        labels = [ffi.new("char[]", n.encode()) for n in self._labelnames]
        arr = ffi.new("const char *[]", labels) if labels else ffi.NULL
        self._keep = [name, help_, unit, labels, arr]
        opts.name, opts.help, opts.unit = name, help_, unit
        opts.label_names, opts.label_count = arr, len(labels)
        return opts

    def _create(self, out: Any, opts: Any) -> int:
        return self._new(out, opts)  # type: ignore[misc]

    def _register(self) -> None:
        with self._lock:
            if self._family is not None:
                return
            out = ffi.new(self._ctype + " **")
            check(self._create(out, self._opts()), self._new.__name__)
            self._family = out[0]
            if not self._labelnames and self._bind is not None:
                self._s = self._bind_values(())

    def _resolve(self) -> Any:
        if self._labelnames:
            raise ValueError(f"n3obs: {self._type} {self._name!r} has label names "
                             f"{list(self._labelnames)}: call labels(...) first")
        if self._family is None:
            _lifecycle.ensure_started()
            self._register()
        return self._s

    def _bind_values(self, values: Tuple[str, ...]) -> Any:
        out = ffi.new(self._ctype + "_series **")
        cvals = [ffi.new("char[]", v.encode("utf-8")) for v in values]
        arr = ffi.new("const char *[]", cvals) if cvals else ffi.NULL
        check(self._bind(out, self._family, arr, len(values)), self._bind.__name__)
        return out[0]

    # -- labels ----------------------------------------------------------------------------

    def labels(self, *labelvalues: Any, **labelkwargs: Any) -> Any:
        """The child of these label values (positional, or all by keyword), bound once
        and then served from a cache."""
        if labelkwargs:
            labelvalues = self._values_from_kwargs(labelvalues, labelkwargs)
        try:
            return self._children[labelvalues]
        except KeyError:
            return self._new_child(labelvalues)
        except TypeError:  # unhashable value
            return self._new_child(tuple(str(v) for v in labelvalues))

    def _values_from_kwargs(self, positional: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Any, ...]:
        if positional:
            raise ValueError("n3obs: give label values by position or by keyword, not both")
        if set(kwargs) != set(self._labelnames):
            raise ValueError(f"n3obs: {self._name!r} has label names {list(self._labelnames)}, "
                             f"got {sorted(kwargs)}")
        return tuple(kwargs[n] for n in self._labelnames)

    def _new_child(self, labelvalues: Tuple[Any, ...]) -> Any:
        if not self._labelnames:
            raise ValueError(f"n3obs: {self._type} {self._name!r} has no label names")
        if len(labelvalues) != len(self._labelnames):
            raise ValueError(f"n3obs: {self._name!r} takes {len(self._labelnames)} label "
                             f"values {list(self._labelnames)}, got {len(labelvalues)}")
        values = tuple(v if type(v) is str else str(v) for v in labelvalues)
        if self._family is None:
            _lifecycle.ensure_started()
            self._register()
        with self._lock:
            child = self._children.get(values)
            if child is None:
                child = self._make_child(values)
                self._children[values] = child
            try:
                self._children[labelvalues] = child
            except TypeError:
                pass
        return child

    def _make_child(self, values: Tuple[str, ...]) -> Any:
        return self._child_class(self, values, self._bind_values(values))

    def remove(self, *labelvalues: Any) -> None:
        """Forgets the cached child (the C series lives on: families and series live
        until the process exits)."""
        values = tuple(str(v) for v in labelvalues)
        with self._lock:
            for key in [k for k, c in self._children.items() if c._values == values]:
                del self._children[key]

    def clear(self) -> None:
        with self._lock:
            self._children.clear()

    def describe(self) -> list:
        return []

    def __repr__(self) -> str:
        return f"n3obs.metrics.{type(self).__name__}({self._name!r})"


class Counter(_Metric, _CounterOps):
    """A monotonic counter, as prometheus_client.Counter. A name ending in ``_total`` is
    stored without the suffix; exporters put it back on the samples."""

    _type = "counter"
    _ctype = "n3obs_counter"
    _new = lib.n3obs_counter_new
    _bind = lib.n3obs_counter_bind
    _child_class = _CounterChild


class Gauge(_Metric, _GaugeOps):
    """A value that goes up and down, as prometheus_client.Gauge."""

    _type = "gauge"
    _ctype = "n3obs_gauge"
    _new = lib.n3obs_gauge_new
    _bind = lib.n3obs_gauge_bind
    _child_class = _GaugeChild

    def __init__(self, name: str, documentation: str = "", labelnames: Iterable[str] = (),
                 namespace: str = "", subsystem: str = "", unit: str = "",
                 registry: Any = None, _labelvalues: Any = None,
                 multiprocess_mode: str = "all") -> None:
        super().__init__(name, documentation, labelnames, namespace, subsystem, unit, registry)


class Histogram(_Metric, _HistogramOps):
    """Observations counted in cumulative buckets, as prometheus_client.Histogram."""

    _type = "histogram"
    _ctype = "n3obs_histogram"
    _new = lib.n3obs_histogram_new
    _bind = lib.n3obs_histogram_bind
    _child_class = _HistogramChild

    def __init__(self, name: str, documentation: str = "", labelnames: Iterable[str] = (),
                 namespace: str = "", subsystem: str = "", unit: str = "",
                 registry: Any = None, _labelvalues: Any = None,
                 buckets: Optional[Sequence[float]] = None) -> None:
        self._buckets = tuple(float(b) for b in buckets) if buckets is not None else None
        if self._buckets is not None and not self._buckets:
            raise ValueError("n3obs: a histogram needs at least one bucket")
        super().__init__(name, documentation, labelnames, namespace, subsystem, unit, registry)

    def _create(self, out: Any, opts: Any) -> int:
        if self._buckets is None:
            return lib.n3obs_histogram_new(out, opts, ffi.NULL, 0)
        bounds = ffi.new("double[]", self._buckets)
        return lib.n3obs_histogram_new(out, opts, bounds, len(self._buckets))


class Summary(_Metric, _SummaryOps):
    """Quantiles over a sliding window plus sum and count (client_golang's summary; the
    quantiles are computed, unlike prometheus_client's, which exposes only sum and
    count). Defaults: quantiles 0.5, 0.9, 0.99 over 600 s in 5 age buckets."""

    _type = "summary"
    _ctype = "n3obs_summary"
    _new = lib.n3obs_summary_new
    _bind = lib.n3obs_summary_bind
    _child_class = _SummaryChild

    def __init__(self, name: str, documentation: str = "", labelnames: Iterable[str] = (),
                 namespace: str = "", subsystem: str = "", unit: str = "",
                 registry: Any = None, _labelvalues: Any = None,
                 quantiles: Optional[Sequence[float]] = None,
                 max_age_seconds: float = 0.0, age_buckets: int = 0) -> None:
        self._quantiles = tuple(float(q) for q in quantiles) if quantiles is not None else None
        self._max_age = float(max_age_seconds)
        self._age_buckets = int(age_buckets)
        super().__init__(name, documentation, labelnames, namespace, subsystem, unit, registry)

    def _create(self, out: Any, opts: Any) -> int:
        so = ffi.new("n3obs_summary_opts *")
        so.size = ffi.sizeof("n3obs_summary_opts")
        q = ffi.NULL
        if self._quantiles is not None:
            q = ffi.new("double[]", self._quantiles)
            so.quantile_count = len(self._quantiles)
        so.quantiles = q
        so.max_age_seconds = self._max_age
        so.age_buckets = self._age_buckets
        return lib.n3obs_summary_new(out, opts, so)


class _InfoChild:
    __slots__ = ("_parent", "_values")

    def __init__(self, parent: "Info", values: Tuple[str, ...]) -> None:
        self._parent = parent
        self._values = values

    def info(self, val: Mapping[str, str]) -> None:
        self._parent._set_info(self._values, val)


class Info(_Metric):
    """Constant key-value information, as prometheus_client.Info: ``i.info({"version":
    "1.2"})``. The family's label names are the label names plus the keys of the first
    info() call (sorted); later calls must use the same keys. Exposed as <name>_info."""

    _type = "info"
    _ctype = "n3obs_info"
    _new = lib.n3obs_info_new
    _bind = None

    def __init__(self, name: str, documentation: str = "", labelnames: Iterable[str] = (),
                 namespace: str = "", subsystem: str = "", unit: str = "",
                 registry: Any = None, _labelvalues: Any = None) -> None:
        if name.endswith("_info"):
            name = name[: -len("_info")]
        self._keys: Optional[Tuple[str, ...]] = None
        self._info_labelnames = tuple([labelnames] if isinstance(labelnames, str) else labelnames)
        super().__init__(name, documentation, labelnames, namespace, subsystem, unit, registry)

    def _register(self) -> None:  # the family is created by the first info() call
        pass

    def _make_child(self, values: Tuple[str, ...]) -> Any:
        return _InfoChild(self, values)

    def _new_child(self, labelvalues: Tuple[Any, ...]) -> Any:
        if not self._labelnames:
            raise ValueError(f"n3obs: info {self._name!r} has no label names")
        if len(labelvalues) != len(self._labelnames):
            raise ValueError(f"n3obs: {self._name!r} takes {len(self._labelnames)} label values")
        values = tuple(str(v) for v in labelvalues)
        with self._lock:
            child = self._children.setdefault(values, _InfoChild(self, values))
        return child

    def info(self, val: Mapping[str, str]) -> None:
        if self._info_labelnames:
            raise ValueError(f"n3obs: info {self._name!r} has label names: call labels(...) first")
        self._set_info((), val)

    def _set_info(self, values: Tuple[str, ...], val: Mapping[str, str]) -> None:
        keys = tuple(sorted(val))
        if set(keys) & set(self._info_labelnames):
            raise ValueError("n3obs: info keys overlap the label names")
        _lifecycle.ensure_started()
        with self._lock:
            if self._family is None:
                self._labelnames = self._info_labelnames + keys
                out = ffi.new("n3obs_info **")
                check(lib.n3obs_info_new(out, self._opts()), "n3obs_info_new")
                self._family = out[0]
                self._keys = keys
            elif keys != self._keys:
                raise ValueError(f"n3obs: info {self._name!r} was set with keys "
                                 f"{list(self._keys or ())}; got {list(keys)}")
        allv = values + tuple(str(val[k]) for k in keys)
        cvals = [ffi.new("char[]", encode(v, "info value")) for v in allv]
        status = lib.n3obs_info_set(self._family, ffi.new("const char *[]", cvals) if cvals else ffi.NULL, len(cvals))
        if status and status != _SHUTDOWN:
            raise make_error(status, "n3obs_info_set")

    def labels(self, *labelvalues: Any, **labelkwargs: Any) -> Any:
        if labelkwargs:
            if labelvalues or set(labelkwargs) != set(self._info_labelnames):
                raise ValueError(f"n3obs: {self._name!r} has label names {list(self._info_labelnames)}")
            labelvalues = tuple(labelkwargs[n] for n in self._info_labelnames)
        saved, self._labelnames = self._labelnames, self._info_labelnames
        try:
            return self._new_child(labelvalues)
        finally:
            self._labelnames = saved


__all__ = ["Counter", "Gauge", "Histogram", "Summary", "Info", "DEFAULT_BUCKETS"]
