"""n3obs: metrics, tracing and health for Python, on libn3obs.so.

    import n3obs
    n3obs.init(service_name="shop")
    requests = n3obs.Counter("http_requests_total", "Requests.", ["method", "route"])
    requests.labels("GET", "/").inc()
    with n3obs.start_as_current_span("checkout") as span:
        span.set_attribute("cart.items", 3)
    n3obs.health.register("db", lambda: db.ping(), critical=True)
    n3obs.health.report().status
"""
from __future__ import annotations

from . import _fork, catalog, health
from ._collect import Bucket, Exemplar, Family, Series, collect
from ._core import (BINDING_ABI_VERSION, ConfigError, ConflictError, Error,
                    InvalidArgumentError, InvalidNameError, InvalidUTF8Error,
                    InvalidValueError, LabelCountError, MisuseError, NoMemoryError,
                    NotInitializedError, PluginError, PluginNotFoundError, ShutdownError,
                    TimeoutError, TooLongError, error_last, errstr)
from ._lifecycle import force_flush, init, is_running, load_exporter, shutdown, version
from .health import HealthStatus
from .metrics import DEFAULT_BUCKETS, Counter, Gauge, Histogram, Info, Summary
from .tracing import (INVALID_SPAN, INVALID_SPAN_CONTEXT, Context, Event, Link, Span,
                      SpanContext, SpanData, SpanKind, Status, StatusCode, Tracer,
                      drain_spans, extract, get_current_context, get_current_span,
                      get_tracer, inject, set_span_in_context, spans_dropped, start_span,
                      start_as_current_span, use_span)

__version__ = "0.1.0"

__all__ = [
    "init", "shutdown", "is_running", "force_flush", "load_exporter", "version", "collect",
    "Counter", "Gauge", "Histogram", "Summary", "Info", "DEFAULT_BUCKETS",
    "Family", "Series", "Bucket", "Exemplar",
    "start_as_current_span", "start_span", "use_span", "get_current_span",
    "get_current_context", "set_span_in_context", "get_tracer", "Tracer", "Span",
    "SpanContext", "SpanKind", "Status", "StatusCode", "Context", "SpanData", "Event",
    "Link", "INVALID_SPAN", "INVALID_SPAN_CONTEXT", "inject", "extract", "drain_spans",
    "spans_dropped", "health", "catalog", "HealthStatus",
    "Error", "InvalidArgumentError", "InvalidNameError", "LabelCountError", "ConflictError",
    "NotInitializedError", "ShutdownError", "MisuseError", "NoMemoryError",
    "InvalidUTF8Error", "TooLongError", "InvalidValueError", "ConfigError", "PluginError",
    "PluginNotFoundError", "TimeoutError", "error_last", "errstr", "BINDING_ABI_VERSION",
]
