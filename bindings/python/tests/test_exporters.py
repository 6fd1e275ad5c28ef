"""Exporters are loaded in subprocesses: once one is loaded, spans go to it instead of
waiting for drain_spans()."""
import json

import pytest

import n3obs
from conftest import run_script


def test_load_exporter_errors_name_the_plugin():
    with pytest.raises(n3obs.PluginNotFoundError, match="nosuch"):
        n3obs.load_exporter("nosuch")
    with pytest.raises(n3obs.PluginError):
        n3obs.load_exporter(n3obs._core.__file__)  # not a shared object


def test_spans_reach_a_plugin_loaded_with_config(record_plugin, tmp_path):
    out = tmp_path / "spans.txt"
    run_script(f"""
import n3obs
n3obs.init(service_name="exp", exporters=[({str(record_plugin)!r}, {{"path": {str(out)!r}}})])
with n3obs.start_as_current_span("parent") as p:
    with n3obs.start_as_current_span("child"):
        pass
n3obs.force_flush(5)
""")
    lines = [l.split() for l in out.read_text().splitlines()]
    got = {l[2]: l for l in lines}
    assert got["child"][5] == got["parent"][4] and got["child"][3] == got["parent"][3]


def test_refused_config_raises_plugin_error(record_plugin):
    run_script(f"""
import n3obs
n3obs.init(exporters=[])
try:
    n3obs.load_exporter({str(record_plugin)!r})  # no "path": the plugin refuses
except n3obs.PluginError as e:
    assert "path" in str(e), e
else:
    raise SystemExit("no error")
""")


def test_spans_through_the_stdout_plugin_json_lines():
    proc = run_script("""
import n3obs
n3obs.init(service_name="stdout-test", exporters=[("stdout", {"format": "json"})])
with n3obs.start_as_current_span("printed") as s:
    s.set_attribute("k", "v")
n3obs.shutdown()
""")
    records = [json.loads(l) for l in proc.stdout.splitlines() if l.startswith("{")]
    assert any("printed" in json.dumps(r) for r in records)


def test_spans_through_the_otlp_file_sink(tmp_path):
    import base64
    from google.protobuf.json_format import Parse
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    path = tmp_path / "otlp.jsonl"
    run_script(f"""
import n3obs
n3obs.init(service_name="otlp-test", exporters=[("otlp", {{"file": {str(path)!r}}})])
with n3obs.start_as_current_span("exported"):
    pass
n3obs.shutdown()
""")

    def b64(obj):
        if isinstance(obj, dict):
            return {k: (base64.b64encode(bytes.fromhex(v)).decode()
                        if k in ("traceId", "spanId", "parentSpanId") and v else b64(v))
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [b64(x) for x in obj]
        return obj
    traces = []
    for line in path.read_text().splitlines():
        doc = json.loads(line)
        # One file carries both signals, one request per line.
        message = ExportTraceServiceRequest() if "resourceSpans" in doc else ExportMetricsServiceRequest()
        Parse(json.dumps(b64(doc)), message, ignore_unknown_fields=False)
        if "resourceSpans" in doc:
            traces.append(message)
    spans = [s for t in traces for rs in t.resource_spans for ss in rs.scope_spans for s in ss.spans]
    assert [s.name for s in spans] == ["exported"], spans
    resource = {a.key: a.value.string_value for t in traces for rs in t.resource_spans
                for a in rs.resource.attributes}
    assert resource.get("service.name") == "otlp-test", resource
