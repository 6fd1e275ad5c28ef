"""The Namel3ss runtime's observability API (namel3ss.runtime.observability), on n3obs.

Same names and signatures; every part works. What differs from the old module, on
purpose (each is tested):

- Configuration keywords go to every component, and each component accepts the others'
  keywords (the old MetricsCollector(**config) rejected TracingManager's sample_rate, ...).
- Spans are linked to their parent: an explicit ``parent_span``, else the current span
  (trace_operation makes its span current).
- An execution is counted once, when it ends, with its final status; active_executions
  rises at record_execution_start and falls once at record_execution_complete (the
  catalogue's n3obs_execution_begin/end).
- ``metrics_port`` opens the Prometheus endpoint (the "prometheus" exporter plugin) on
  127.0.0.1:<port>; when the plugin cannot be loaded the error is logged (and kept in
  ``MetricsCollector.endpoint_error``) and everything else goes on working.
- time_operation really times the block; health checks run off the caller's thread with
  their timeout; health monitoring needs no running event loop.
- Trace ids in TraceContext are lowercase hex, as W3C and OpenTelemetry print them.
"""
from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Dict, Iterator, List, Optional
from urllib.parse import urlsplit

import n3obs

from . import catalog
from ._core import Error, PluginError, PluginNotFoundError
from .metrics import Counter, Gauge, Histogram, Info, Summary

logger = logging.getLogger("n3obs.compat")

__all__ = [
    "HealthStatus", "MetricType", "HealthCheck", "MetricDefinition", "HealthReport",
    "TraceContext", "MetricsCollector", "TracingManager", "HealthMonitor",
    "ObservabilityManager", "get_observability_manager", "initialize_observability",
    "record_execution_metrics", "trace_execution",
]


class HealthStatus(Enum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"
    CRITICAL = "critical"


class MetricType(Enum):
    COUNTER = "counter"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"
    SUMMARY = "summary"
    INFO = "info"


@dataclass
class HealthCheck:
    name: str
    description: str
    check_function: Callable[[], bool]
    timeout_seconds: float = 5.0
    critical: bool = False
    tags: Dict[str, str] = field(default_factory=dict)


@dataclass
class MetricDefinition:
    name: str
    description: str
    metric_type: MetricType
    labels: List[str] = field(default_factory=list)
    buckets: Optional[List[float]] = None
    unit: Optional[str] = None


@dataclass
class HealthReport:
    component: str
    status: HealthStatus
    checks: List[Dict[str, Any]]
    timestamp: float
    response_time_ms: float
    details: Dict[str, Any] = field(default_factory=dict)


@dataclass
class TraceContext:
    trace_id: str
    span_id: str
    parent_span_id: Optional[str] = None
    operation_name: str = "unknown"
    tags: Dict[str, Any] = field(default_factory=dict)
    start_time: float = field(default_factory=time.time)


def _start_sdk(service_name: Optional[str] = None, **config: Any) -> None:
    """Starts n3obs with what the Namel3ss keywords say, unless it runs already."""
    if n3obs.is_running():
        return
    kwargs: Dict[str, Any] = {}
    if service_name:
        kwargs["service_name"] = service_name
    if config.get("namespace") is not None:
        kwargs["metric_namespace"] = config["namespace"]
    rate = config.get("sample_rate")
    if rate is not None and float(rate) < 1.0:
        kwargs["traces_sampler"] = "parentbased_traceidratio"
        kwargs["traces_sampler_arg"] = repr(float(rate))
    # Namel3ss services end by SIGTERM (containers, supervisors): deliver what is queued
    # first. N3OBS_FLUSH_ON_SIGNALS=0 in the environment still turns it off.
    if not os.environ.get("N3OBS_FLUSH_ON_SIGNALS"):
        kwargs["flush_on_signals"] = True
    n3obs.init(**kwargs)


# ---- metrics ----------------------------------------------------------------------------

_endpoints: Dict[int, Optional[BaseException]] = {}
_endpoints_lock = threading.Lock()


def _open_endpoint(port: int) -> Optional[BaseException]:
    """Loads the Prometheus exporter on 127.0.0.1:port once per process."""
    with _endpoints_lock:
        if port in _endpoints:
            return _endpoints[port]
        try:
            n3obs.load_exporter("prometheus", listen=f"127.0.0.1:{port}")
            error: Optional[BaseException] = None
        except PluginError as e:
            error = e
            # The hint about where the plugin lives only when it was not found: a busy port
            # or a refused setting says what it is by itself.
            hint = ("; the 'prometheus' exporter plugin, libn3obs_prometheus.so, must be in "
                    "N3OBS_PLUGIN_PATH or beside libn3obs.so"
                    if isinstance(e, PluginNotFoundError) else "")
            logger.error("n3obs.compat: metrics_port=%d: the Prometheus endpoint was not opened: %s%s",
                         port, e.message, hint)
        _endpoints[port] = error
        return error


class MetricsCollector:
    """Metrics by name, on n3obs families. The standard catalogue's seven metrics are the
    SDK's own families (same names and shapes), so what this records and what the
    catalogue helpers record add up."""

    def __init__(self, enable_prometheus: bool = True, metrics_port: int = 9090,
                 namespace: str = "namel3ss", **other_components_config: Any) -> None:
        self.enable_prometheus = enable_prometheus
        self.metrics_port = metrics_port
        self.namespace = namespace
        self.metrics: Dict[str, Any] = {}
        self.metric_definitions: Dict[str, MetricDefinition] = {}
        self.endpoint_error: Optional[BaseException] = None
        _start_sdk(namespace=namespace, **{k: v for k, v in other_components_config.items()
                                            if k in ("sample_rate",)})
        self._setup_standard_metrics()
        if enable_prometheus and metrics_port:
            self.endpoint_error = _open_endpoint(int(metrics_port))
        logger.info("MetricsCollector initialized: prometheus=%s, port=%s",
                    enable_prometheus and self.endpoint_error is None, metrics_port)

    def _setup_standard_metrics(self) -> None:
        for name, (kind, help_, unit, labels) in catalog.SHAPES.items():
            self.register_metric(MetricDefinition(name, help_, MetricType(kind), list(labels),
                                                  None, unit or None))

    def register_metric(self, definition: MetricDefinition) -> bool:
        """Registers a metric under ``<namespace>_<name>``; False (logged) on failure."""
        full = f"{self.namespace}_{definition.name}" if self.namespace else definition.name
        try:
            kind = MetricType(definition.metric_type)
            kw: Dict[str, Any] = {"labelnames": list(definition.labels or [])}
            if definition.unit and kind is not MetricType.INFO:
                kw["unit"] = definition.unit
            if kind is MetricType.COUNTER:
                m: Any = Counter(full, definition.description, **kw)
            elif kind is MetricType.GAUGE:
                m = Gauge(full, definition.description, **kw)
            elif kind is MetricType.HISTOGRAM:
                m = Histogram(full, definition.description, buckets=definition.buckets, **kw)
            elif kind is MetricType.SUMMARY:
                m = Summary(full, definition.description, **kw)
            else:
                m = Info(full, definition.description, labelnames=kw["labelnames"])
            self.metrics[definition.name] = m
            self.metric_definitions[definition.name] = definition
            return True
        except (Error, ValueError, TypeError) as e:
            logger.error("Failed to register metric %s: %s", definition.name, e)
            return False

    def _get(self, metric_name: str, labels: Optional[Dict[str, str]]) -> Any:
        m = self.metrics.get(metric_name)
        if m is None:
            logger.error("n3obs.compat: no metric %r is registered", metric_name)
            return None
        return m.labels(**labels) if labels else m

    def increment_counter(self, metric_name: str, labels: Optional[Dict[str, str]] = None,
                          value: float = 1.0) -> None:
        try:
            target = self._get(metric_name, labels)
            if target is not None:
                target.inc(value)
        except (Error, ValueError, TypeError) as e:
            logger.error("Failed to increment counter %s: %s", metric_name, e)

    def set_gauge(self, metric_name: str, value: float, labels: Optional[Dict[str, str]] = None) -> None:
        try:
            target = self._get(metric_name, labels)
            if target is not None:
                target.set(value)
        except (Error, ValueError, TypeError) as e:
            logger.error("Failed to set gauge %s: %s", metric_name, e)

    def observe_histogram(self, metric_name: str, value: float,
                          labels: Optional[Dict[str, str]] = None) -> None:
        try:
            target = self._get(metric_name, labels)
            if target is not None:
                target.observe(value)
        except (Error, ValueError, TypeError) as e:
            logger.error("Failed to observe histogram %s: %s", metric_name, e)

    @contextmanager
    def time_operation(self, metric_name: str, labels: Optional[Dict[str, str]] = None) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.observe_histogram(metric_name, time.perf_counter() - start, labels)

    def get_metrics_summary(self) -> Dict[str, Any]:
        families = n3obs.collect()
        ours = {f"{self.namespace}_{n}" if self.namespace else n for n in self.metrics}
        series = sum(len(f.series) for name, f in families.items()
                     if name in ours or f"{name}_total" in ours)
        return {
            "total_metrics": len(self.metrics),
            "registered_metrics": list(self.metric_definitions.keys()),
            "series_count": series,
            "metrics_endpoint": (f"http://127.0.0.1:{self.metrics_port}/metrics"
                                 if self.enable_prometheus and self.endpoint_error is None
                                 else None),
        }


# ---- tracing ----------------------------------------------------------------------------

_JAEGER_DEFAULT = "http://localhost:14268/api/traces"
_jaeger_lock = threading.Lock()
_jaeger_exporter: Dict[str, Optional[BaseException]] = {}


def _otlp_endpoint_for_jaeger(jaeger_endpoint: str) -> str:
    """Jaeger 1.35 and later receive OTLP/HTTP on port 4318 of the same host: the collector
    URL of the Thrift exporter (http://host:14268/api/traces) or an agent's host:6831
    becomes http://host:4318. Another port (a proxy in front of Jaeger) is kept."""
    parsed = urlsplit(jaeger_endpoint if "//" in jaeger_endpoint else f"//{jaeger_endpoint}")
    host = parsed.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    scheme = parsed.scheme if parsed.scheme in ("http", "https") else "http"
    port = parsed.port if parsed.port not in (None, 14268, 14250, 6831, 6832) else 4318
    return f"{scheme}://{host}:{port}"


def _export_to_jaeger(jaeger_endpoint: Optional[str]) -> Optional[BaseException]:
    """Sends spans over OTLP to the Jaeger that jaeger_endpoint names (once per process),
    with a DeprecationWarning naming the OTLP setting to use instead."""
    endpoint = _otlp_endpoint_for_jaeger(jaeger_endpoint or _JAEGER_DEFAULT)
    with _jaeger_lock:
        if endpoint in _jaeger_exporter:
            return _jaeger_exporter[endpoint]
        message = (f"n3obs.compat: jaeger_endpoint/enable_jaeger are deprecated: spans go over "
                   f"OTLP to {endpoint} (Jaeger 1.35+ receives OTLP); set "
                   f"OTEL_EXPORTER_OTLP_ENDPOINT={endpoint} with N3OBS_EXPORTERS=otlp, or call "
                   f"n3obs.load_exporter('otlp', endpoint='{endpoint}'), instead")
        warnings.warn(message, DeprecationWarning, stacklevel=4)
        logger.warning("%s", message)
        try:
            n3obs.load_exporter("otlp", endpoint=endpoint)
            error: Optional[BaseException] = None
        except PluginError as e:
            error = e
            logger.error("n3obs.compat: spans cannot go to Jaeger at %s: %s", endpoint, e.message)
        _jaeger_exporter[endpoint] = error
        return error


class TracingManager:
    """Spans on n3obs, to n3obs' exporters (N3OBS_EXPORTERS, load_exporter). The old
    Jaeger settings still work: ``jaeger_endpoint=...`` or ``enable_jaeger=True``, given
    explicitly, send spans over OTLP to that Jaeger (port 4318 of its host), with a
    DeprecationWarning; left at their defaults they send nothing anywhere by themselves."""

    def __init__(self, service_name: str = "namel3ss-execution",
                 jaeger_endpoint: Optional[str] = None,
                 enable_jaeger: Optional[bool] = None, sample_rate: float = 1.0,
                 **other_components_config: Any) -> None:
        self.service_name = service_name
        self.jaeger_endpoint = jaeger_endpoint or _JAEGER_DEFAULT
        self.enable_jaeger = True if enable_jaeger is None else enable_jaeger
        self.sample_rate = sample_rate
        _start_sdk(service_name, sample_rate=sample_rate,
                   namespace=other_components_config.get("namespace"))
        self.jaeger_error: Optional[BaseException] = None
        if enable_jaeger is not False and (jaeger_endpoint is not None or enable_jaeger is True):
            self.jaeger_error = _export_to_jaeger(jaeger_endpoint)
        self.tracer = n3obs.get_tracer(service_name)
        self.tracer_provider = None
        self.active_spans: Dict[str, n3obs.Span] = {}
        self._parents: Dict[str, str] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(span: n3obs.Span) -> str:
        return f"{span.get_span_context().span_id:016x}"

    def start_span(self, operation_name: str, parent_span: Any = None,
                   tags: Optional[Dict[str, Any]] = None) -> Optional[n3obs.Span]:
        """Starts a span, child of parent_span if given, else of the current span."""
        context = n3obs.set_span_in_context(parent_span) if isinstance(parent_span, n3obs.Span) else None
        parent = parent_span if context is not None else n3obs.get_current_span()
        try:
            span = n3obs.start_span(operation_name, context=context)
            for key, value in (tags or {}).items():
                try:
                    span.set_attribute(str(key), value)
                except TypeError:
                    span.set_attribute(str(key), str(value))
        except Error as e:
            logger.error("Failed to start span %s: %s", operation_name, e)
            return None
        key = self._key(span)
        with self._lock:
            self.active_spans[key] = span
            if parent is not n3obs.INVALID_SPAN:
                self._parents[key] = f"{parent.get_span_context().span_id:016x}"
        return span

    def finish_span(self, span: Any, status: str = "ok", error: Optional[BaseException] = None) -> None:
        if not isinstance(span, n3obs.Span):
            return
        try:
            if error is not None:
                span.record_exception(error)
                span.set_status(n3obs.StatusCode.ERROR, f"{type(error).__name__}: {error}")
            elif status == "ok":
                span.set_status(n3obs.StatusCode.OK)
            else:
                span.set_status(n3obs.StatusCode.ERROR, status)
            key = self._key(span)
            span.end()
        except Error as e:
            logger.error("Failed to finish span: %s", e)
            return
        with self._lock:
            self.active_spans.pop(key, None)
            self._parents.pop(key, None)

    @contextmanager
    def trace_operation(self, operation_name: str, tags: Optional[Dict[str, Any]] = None,
                        parent_span: Any = None) -> Iterator[Any]:
        """A span made current for the block, so that spans inside are its children."""
        span = self.start_span(operation_name, parent_span, tags)
        if span is None:
            yield None
            return
        try:
            with n3obs.use_span(span, record_exception=False, set_status_on_exception=False):
                yield span
        except BaseException as e:
            self.finish_span(span, "error", e)
            raise
        else:
            self.finish_span(span, "ok")

    def trace_async_function(self, operation_name: Optional[str] = None,
                             tags: Optional[Dict[str, Any]] = None) -> Callable[[Any], Any]:
        """Decorator for async (and, here, sync) functions."""
        def decorator(func: Any) -> Any:
            name = operation_name or f"{func.__module__}.{func.__name__}"
            span_tags = dict(tags or {})
            span_tags.setdefault("function.name", func.__name__)
            span_tags.setdefault("function.module", func.__module__)
            if inspect.iscoroutinefunction(func):
                @functools.wraps(func)
                async def awrapper(*args: Any, **kwargs: Any) -> Any:
                    with self.trace_operation(name, span_tags):
                        return await func(*args, **kwargs)
                return awrapper

            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self.trace_operation(name, span_tags):
                    return func(*args, **kwargs)
            return wrapper
        return decorator

    def get_trace_context(self, span: Any = None) -> Optional[TraceContext]:
        """The context of span, else of the current span; None when there is none."""
        if span is None:
            span = n3obs.get_current_span()
        if not isinstance(span, n3obs.Span) or span is n3obs.INVALID_SPAN:
            return None
        ctx = span.get_span_context()
        if not ctx.is_valid:
            return None
        key = f"{ctx.span_id:016x}"
        return TraceContext(trace_id=f"{ctx.trace_id:032x}", span_id=key,
                            parent_span_id=self._parents.get(key), operation_name=span.name)


# ---- health -----------------------------------------------------------------------------

_STATUS = {n3obs.HealthStatus.HEALTHY: HealthStatus.HEALTHY,
           n3obs.HealthStatus.DEGRADED: HealthStatus.DEGRADED,
           n3obs.HealthStatus.UNHEALTHY: HealthStatus.UNHEALTHY}


def _result_dict(r: "n3obs.health.CheckResult", check: Optional[HealthCheck]) -> Dict[str, Any]:
    d: Dict[str, Any] = {
        "name": r.name,
        "status": _STATUS[r.status],
        "description": r.description,
        "duration_ms": r.duration * 1000.0,
        "timestamp": r.timestamp,
        "critical": r.critical,
        # The seed's tags are a dict; a list (a common slip) is reported as given.
        "tags": (dict(check.tags) if isinstance(check.tags, dict) else list(check.tags)) if check else list(r.tags),
        "detail": r.detail,
    }
    if r.timed_out or r.stuck:
        d["error"] = r.detail
    elif r.status is n3obs.HealthStatus.UNHEALTHY and r.detail:
        d["error"] = r.detail
    return d


class HealthMonitor:
    """Health checks on n3obs: registered checks run on the SDK's threads with their
    timeout; the SDK's built-in checks (system_memory, process_memory, cpu, disk,
    pipeline) stand in for the old placeholders."""

    def __init__(self, check_interval_seconds: float = 30.0, enable_auto_checks: bool = True,
                 **other_components_config: Any) -> None:
        self.check_interval = check_interval_seconds
        self.enable_auto_checks = enable_auto_checks
        self.health_checks: Dict[str, HealthCheck] = {}
        self.last_check_results: Dict[str, Dict[str, Any]] = {}
        self.component_status: Dict[str, HealthStatus] = {}
        self.monitor_task: Optional[threading.Thread] = None
        self._stop = threading.Event()
        _start_sdk()
        if enable_auto_checks:
            self.start_monitoring()

    def register_health_check(self, health_check: HealthCheck) -> bool:
        try:
            n3obs.health.register(health_check.name, health_check.check_function,
                                  timeout=health_check.timeout_seconds,
                                  critical=health_check.critical, tags=health_check.tags,
                                  description=health_check.description)
        except (Error, ValueError, TypeError) as e:
            logger.error("Failed to register health check %s: %s", health_check.name, e)
            return False
        self.health_checks[health_check.name] = health_check
        return True

    async def run_health_check(self, check_name: str) -> Dict[str, Any]:
        try:
            report = await asyncio.get_running_loop().run_in_executor(
                None, n3obs.health.run_check, check_name)
        except Error as e:
            return {"error": f"Health check {check_name} not found: {e.message}"}
        result = _result_dict(report.checks[0], self.health_checks.get(check_name))
        self.last_check_results[check_name] = result
        self.component_status[check_name] = result["status"]
        return result

    async def run_all_health_checks(self) -> HealthReport:
        start = time.perf_counter()
        report = await asyncio.get_running_loop().run_in_executor(None, n3obs.health.report)
        return self._convert(report, start)

    def _convert(self, report: "n3obs.health.HealthReport", start: float) -> HealthReport:
        checks = [_result_dict(r, self.health_checks.get(r.name)) for r in report.checks]
        for c in checks:
            self.last_check_results[c["name"]] = c
            self.component_status[c["name"]] = c["status"]
        return HealthReport(
            component="namel3ss_execution", status=_STATUS[report.status], checks=checks,
            timestamp=time.time(), response_time_ms=(time.perf_counter() - start) * 1000.0,
            details={
                "total_checks": len(checks),
                "critical_failures": sum(1 for r in report.checks
                                         if r.critical and r.status is n3obs.HealthStatus.UNHEALTHY),
                "healthy_checks": sum(1 for r in report.checks if r.healthy),
            })

    def start_monitoring(self) -> None:
        """Runs every check each check_interval seconds on a daemon thread (no event loop
        needed, unlike the old asyncio task)."""
        if self.monitor_task is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(self.check_interval):
                try:
                    self._convert(n3obs.health.report(), time.perf_counter())
                except Error as e:
                    if not n3obs.is_running():
                        return
                    logger.error("Health monitoring error: %s", e)

        self.monitor_task = threading.Thread(target=loop, name="n3obs-compat-health", daemon=True)
        self.monitor_task.start()

    def stop_monitoring(self) -> None:
        if self.monitor_task is not None:
            self._stop.set()
            self.monitor_task = None


# ---- the manager ------------------------------------------------------------------------

class ObservabilityManager:
    def __init__(self, service_name: str = "namel3ss-execution", enable_metrics: bool = True,
                 enable_tracing: bool = True, enable_health_monitoring: bool = True,
                 **config_kwargs: Any) -> None:
        self.service_name = service_name
        self.enable_metrics = enable_metrics
        self.enable_tracing = enable_tracing
        self.enable_health_monitoring = enable_health_monitoring
        _start_sdk(service_name, **config_kwargs)
        self.metrics = MetricsCollector(**config_kwargs) if enable_metrics else None
        self.tracing = (TracingManager(service_name=service_name, **config_kwargs)
                        if enable_tracing else None)
        self.health = HealthMonitor(**config_kwargs) if enable_health_monitoring else None
        self.start_time = time.time()
        self.operation_counters: Dict[str, int] = {}
        self._executions: Dict[str, catalog.Execution] = {}
        self._execution_spans: Dict[str, n3obs.Span] = {}
        self._lock = threading.Lock()

    async def record_execution_start(self, component: str, strategy: str, execution_id: str,
                                     **tags: Any) -> Optional[Any]:
        """Raises active_executions{component} and starts a span ``<component>.execute``
        (returned). The execution is counted when it completes, once."""
        if self.metrics:
            ex = catalog.Execution(component, strategy).begin()
            with self._lock:
                old = self._executions.pop(execution_id, None)
                self._executions[execution_id] = ex
                self.operation_counters[component] = self.operation_counters.get(component, 0) + 1
            if old is not None and old.is_open:  # an id reused before completing
                old.end("abandoned")
        span = None
        if self.tracing:
            span = self.tracing.start_span(f"{component}.execute", tags={
                "component": component, "strategy": strategy, "execution.id": execution_id,
                **tags})
            if span is not None:
                with self._lock:
                    self._execution_spans[execution_id] = span
        return span

    async def record_execution_complete(self, component: str, strategy: str, execution_id: str,
                                        span: Any = None, duration_seconds: Optional[float] = None,
                                        success: bool = True, error: Optional[BaseException] = None,
                                        **tags: Any) -> None:
        """Counts execution_total{status} once, observes the duration and lowers
        active_executions once. The duration observed is duration_seconds when given, else,
        for an execution started with record_execution_start, the time n3obs measured."""
        status = "success" if success and error is None else "error"
        with self._lock:
            ex = self._executions.pop(execution_id, None)
            own_span = self._execution_spans.pop(execution_id, None)
            if ex is not None:
                self.operation_counters[component] = max(0, self.operation_counters.get(component, 0) - 1)
        if self.metrics:
            if ex is not None and ex.is_open:
                ex.end(status, duration_seconds)
            else:
                self.metrics.increment_counter("execution_total", {
                    "component": component, "strategy": strategy, "status": status})
                if duration_seconds is not None:
                    self.metrics.observe_histogram("execution_duration_seconds", duration_seconds,
                                                   {"component": component, "strategy": strategy})
        if self.tracing:
            target = span if span is not None else own_span
            if target is not None:
                if tags:
                    for k, v in tags.items():
                        try:
                            target.set_attribute(str(k), v)
                        except TypeError:
                            target.set_attribute(str(k), str(v))
                self.tracing.finish_span(target, "ok" if status == "success" else "error", error)

    async def record_security_validation(self, validation_type: str, result: str,
                                         user_id: Optional[str] = None, **tags: Any) -> None:
        if self.metrics:
            catalog.record_security_validation(validation_type, result)

    async def record_error(self, component: str, error_type: str, severity: str = "error",
                           **tags: Any) -> None:
        if self.metrics:
            catalog.record_error(component, error_type, severity)

    async def get_health_report(self) -> Optional[HealthReport]:
        if not self.health:
            return None
        return await self.health.run_all_health_checks()

    async def get_metrics_summary(self) -> Dict[str, Any]:
        summary: Dict[str, Any] = {
            "observability_enabled": {"metrics": self.enable_metrics,
                                      "tracing": self.enable_tracing,
                                      "health": self.enable_health_monitoring},
            "uptime_seconds": time.time() - self.start_time,
            "service_name": self.service_name,
        }
        if self.metrics:
            summary["metrics"] = self.metrics.get_metrics_summary()
        if self.tracing:
            summary["tracing"] = {"enabled": True,
                                  "active_spans": len(self.tracing.active_spans),
                                  "service_name": self.tracing.service_name}
        return summary

    def get_trace_decorator(self, operation_name: Optional[str] = None,
                            tags: Optional[Dict[str, Any]] = None) -> Callable[[Any], Any]:
        if not self.tracing:
            return lambda func: func
        return self.tracing.trace_async_function(operation_name, tags)

    @contextmanager
    def time_operation(self, metric_name: str, labels: Optional[Dict[str, str]] = None) -> Iterator[None]:
        """Observes the block's duration in the histogram metric_name."""
        if not self.metrics:
            yield
            return
        with self.metrics.time_operation(metric_name, labels):
            yield


_global_observability: Optional[ObservabilityManager] = None
_global_lock = threading.Lock()


def get_observability_manager() -> ObservabilityManager:
    global _global_observability
    with _global_lock:
        if _global_observability is None:
            _global_observability = ObservabilityManager()
        return _global_observability


def initialize_observability(service_name: str = "namel3ss-execution", enable_metrics: bool = True,
                             enable_tracing: bool = True, enable_health_monitoring: bool = True,
                             **config_kwargs: Any) -> ObservabilityManager:
    global _global_observability
    manager = ObservabilityManager(service_name=service_name, enable_metrics=enable_metrics,
                                   enable_tracing=enable_tracing,
                                   enable_health_monitoring=enable_health_monitoring,
                                   **config_kwargs)
    with _global_lock:
        old, _global_observability = _global_observability, manager
    if old is not None and old.health is not None:
        old.health.stop_monitoring()
    return manager


async def record_execution_metrics(component: str, strategy: str, execution_id: str,
                                   success: bool = True, duration_seconds: Optional[float] = None,
                                   error: Optional[BaseException] = None) -> None:
    await get_observability_manager().record_execution_complete(
        component=component, strategy=strategy, execution_id=execution_id, success=success,
        duration_seconds=duration_seconds, error=error)


def trace_execution(operation_name: Optional[str] = None,
                    tags: Optional[Dict[str, Any]] = None) -> Callable[[Any], Any]:
    return get_observability_manager().get_trace_decorator(operation_name, tags)
