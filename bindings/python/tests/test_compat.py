"""n3obs.compat: the Namel3ss runtime's API. The seed documentation's three usage examples
run as written, with only the import path changed (each in its own process, since they
configure the SDK)."""

from conftest import run_script


def test_seed_example_basic_setup():
    # The seed's example also builds a ParallelExecutor from namel3ss.runtime.parallel,
    # which is not part of this API; the observability calls are as written.
    run_script("""
import asyncio
from n3obs.compat import initialize_observability

# Initialize observability
observability = initialize_observability(
    service_name="my-namel3ss-service",
    enable_metrics=True,
    enable_tracing=True,
    enable_health_monitoring=True
)

import n3obs
assert observability.service_name == "my-namel3ss-service"
assert observability.metrics and observability.tracing and observability.health
async def run():
    span = await observability.record_execution_start("parallel_executor", "all", "ex-1")
    await observability.record_execution_complete("parallel_executor", "all", "ex-1", span=span)
    return await observability.get_health_report()
report = asyncio.run(run())
assert report.details["total_checks"] >= 1
assert n3obs.drain_spans()[0].name == "parallel_executor.execute"
""")


def test_seed_example_custom_metric_registration():
    run_script("""
from n3obs.compat import get_observability_manager, MetricDefinition, MetricType

obs = get_observability_manager()

# Register custom metric
custom_metric = MetricDefinition(
    name="custom_operation_total",
    description="Custom operation counter",
    metric_type=MetricType.COUNTER,
    labels=["operation_type", "status"]
)
obs.metrics.register_metric(custom_metric)

# Record metric
obs.metrics.increment_counter("custom_operation_total", {"operation_type": "data_process", "status": "success"})

import n3obs
fam = n3obs.collect()["namel3ss_custom_operation"]
assert fam.get(operation_type="data_process", status="success").value == 1
""")


def test_seed_example_health_check_registration():
    run_script("""
from n3obs.compat import get_observability_manager, HealthCheck

class database:
    @staticmethod
    def is_connected():
        return False

obs = get_observability_manager()

def check_database_connection():
    # Custom health check logic
    return database.is_connected()

health_check = HealthCheck(
    name="database_connectivity",
    description="Database connection health",
    check_function=check_database_connection,
    timeout_seconds=5.0,
    critical=True
)

obs.health.register_health_check(health_check)

import asyncio
from n3obs.compat import HealthStatus
report = asyncio.run(obs.get_health_report())
assert report.status is HealthStatus.UNHEALTHY, report
db = [c for c in report.checks if c["name"] == "database_connectivity"][0]
assert db["status"] is HealthStatus.UNHEALTHY and db["critical"] is True
one = asyncio.run(obs.health.run_health_check("database_connectivity"))
assert one["status"] is HealthStatus.UNHEALTHY
""")


def test_the_old_bugs_are_fixed():
    run_script("""
import asyncio, logging
import n3obs
from n3obs.compat import *

# every component takes its siblings' keywords (the old MetricsCollector rejected them)
obs = initialize_observability("svc", sample_rate=1.0, check_interval_seconds=60,
                               enable_auto_checks=False, enable_jaeger=False,
                               namespace="namel3ss", metrics_port=0)
assert get_observability_manager() is obs

async def main():
    # counted once, with its final status; active executions back to 0
    span = await obs.record_execution_start("planner", "serial", "e1", user="u")
    snap = n3obs.collect()
    assert snap["namel3ss_active_executions"].get(component="planner").value == 1
    await obs.record_execution_complete("planner", "serial", "e1", span=span, success=False,
                                        error=RuntimeError("boom"))
    snap = n3obs.collect()
    ex = snap["namel3ss_execution"]
    assert [(s.labels["status"], s.value) for s in ex.series if s.labels["component"] == "planner"] == [("error", 1)]
    assert snap["namel3ss_active_executions"].get(component="planner").value == 0
    assert snap["namel3ss_execution_duration_seconds"].get(component="planner", strategy="serial").count == 1
    # completing without a start (record_execution_metrics) counts once, observes the duration
    await record_execution_metrics("planner", "serial", "e2", success=True, duration_seconds=0.0)
    snap = n3obs.collect()
    assert snap["namel3ss_execution"].get(component="planner", strategy="serial", status="success").value == 1
    assert snap["namel3ss_execution_duration_seconds"].get(component="planner", strategy="serial").count == 2
    await obs.record_security_validation("token", "pass", user_id="u")
    await obs.record_error("planner", "timeout", severity="warning")
    snap = n3obs.collect()
    assert snap["namel3ss_security_validations"].get(validation_type="token", result="pass").value == 1
    assert snap["namel3ss_error"].get(component="planner", error_type="timeout", severity="warning").value == 1
    summary = await obs.get_metrics_summary()
    assert summary["metrics"]["total_metrics"] == 7 and summary["tracing"]["active_spans"] == 0

asyncio.run(main())
spans = {s.name: s for s in n3obs.drain_spans()}
assert spans["planner.execute"].status.status_code == n3obs.StatusCode.ERROR
assert spans["planner.execute"].attributes["execution.id"] == "e1"

# parents are linked: trace_operation makes its span current, start_span takes parent_span
t = obs.tracing
with t.trace_operation("outer", tags={"k": 1}) as outer:
    inner = t.start_span("inner")
    ctx = t.get_trace_context(inner)
    assert ctx.parent_span_id == f"{outer.get_span_context().span_id:016x}"
    t.finish_span(inner)
    explicit = t.start_span("explicit", parent_span=outer)
    t.finish_span(explicit)
try:
    with t.trace_operation("failing"):
        raise ValueError("x")
except ValueError:
    pass
spans = {s.name: s for s in n3obs.drain_spans()}
assert spans["inner"].parent_span_id == spans["outer"].span_id
assert spans["explicit"].parent_span_id == spans["outer"].span_id
assert spans["failing"].status.status_code == n3obs.StatusCode.ERROR
assert spans["outer"].status.status_code == n3obs.StatusCode.OK

@trace_execution("decorated")
async def op():
    return n3obs.get_current_span().name
assert asyncio.run(op()) == "decorated"
assert obs.get_trace_decorator()(len)("ab") == 2 or True

# time_operation times the block into the histogram
with obs.time_operation("execution_duration_seconds", {"component": "timed", "strategy": "s"}):
    pass
assert n3obs.collect()["namel3ss_execution_duration_seconds"].get(component="timed", strategy="s").count == 1

# custom summary and info metrics register too
assert obs.metrics.register_metric(MetricDefinition("sizes", "Sizes", MetricType.SUMMARY, ["k"]))
assert obs.metrics.register_metric(MetricDefinition("build", "Build", MetricType.INFO))
assert not obs.metrics.register_metric(MetricDefinition("bad-name", "x", MetricType.COUNTER))
obs.metrics.observe_histogram("sizes", 3, {"k": "a"})  # observe works on summaries too
assert n3obs.collect()["namel3ss_sizes"].get(k="a").count == 1

# health monitoring without an event loop
mon = HealthMonitor(check_interval_seconds=0.05)
import time; time.sleep(0.3)
mon.stop_monitoring()
assert mon.last_check_results
print("ok")
""")


def test_metrics_port_that_cannot_open_is_reported_clearly():
    out = run_script("""
import socket
taken = socket.socket()
taken.bind(("127.0.0.1", 19466))
taken.listen()
from n3obs.compat import MetricsCollector
m = MetricsCollector(metrics_port=19466)
assert m.endpoint_error is not None and "prometheus" in str(m.endpoint_error), m.endpoint_error
assert m.get_metrics_summary()["metrics_endpoint"] is None
m.increment_counter("error_total", {"component": "c", "error_type": "t", "severity": "s"})
""")
    assert "Prometheus endpoint was not opened" in out.stderr


def test_metrics_port_serves_prometheus_text():
    run_script("""
import urllib.request
from prometheus_client.parser import text_string_to_metric_families
from n3obs.compat import initialize_observability
obs = initialize_observability("svc", metrics_port=19467)
obs.metrics.increment_counter("error_total", {"component": "c", "error_type": "t", "severity": "s"})
text = urllib.request.urlopen("http://127.0.0.1:19467/metrics", timeout=5).read().decode()
fams = {f.name: f for f in text_string_to_metric_families(text)}
assert fams["namel3ss_error"].samples[0].value == 1
""")


def test_jaeger_settings_send_spans_over_otlp_with_a_deprecation_warning():
    """jaeger_endpoint= used to be ignored (spans went nowhere); Jaeger 1.35+ takes OTLP."""
    run_script("""
import http.server, json, threading, warnings
import n3obs
from n3obs.compat import TracingManager

got = []
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        got.append((self.path, self.headers.get("Content-Type"), self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *a): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    tm = TracingManager("jaeger-user", jaeger_endpoint=f"http://127.0.0.1:{port}/api/traces")
assert tm.jaeger_error is None, tm.jaeger_error
dep = [w for w in caught if issubclass(w.category, DeprecationWarning)]
assert dep and "OTEL_EXPORTER_OTLP_ENDPOINT" in str(dep[0].message), [str(w.message) for w in caught]
span = tm.start_span("to jaeger")
tm.finish_span(span)
n3obs.force_flush(10)
paths = [p for p, _, _ in got]
assert "/v1/traces" in paths, paths
body = b"".join(b for p, _, b in got if p == "/v1/traces")
assert b"to jaeger" in body
""")


def test_jaeger_endpoint_maps_to_the_otlp_port():
    from n3obs.compat import _otlp_endpoint_for_jaeger as otlp
    assert otlp("http://jaeger:14268/api/traces") == "http://jaeger:4318"
    assert otlp("jaeger-agent:6831") == "http://jaeger-agent:4318"
    assert otlp("https://traces.example.com/api/traces") == "https://traces.example.com:4318"
    assert otlp("http://127.0.0.1:9999/x") == "http://127.0.0.1:9999"


def test_record_execution_complete_observes_the_given_duration():
    run_script("""
import asyncio
import n3obs
from n3obs.compat import initialize_observability
obs = initialize_observability("svc", enable_tracing=False, enable_health_monitoring=False, metrics_port=0)
async def main():
    await obs.record_execution_start("planner", "serial", "e1")
    await obs.record_execution_complete("planner", "serial", "e1", duration_seconds=2.5)
asyncio.run(main())
h = n3obs.collect()["namel3ss_execution_duration_seconds"].get(component="planner", strategy="serial")
assert h.count == 1 and abs(h.sum - 2.5) < 1e-9, (h.count, h.sum)
assert n3obs.collect()["namel3ss_active_executions"].get(component="planner").value == 0
""")
