"""The OTLP plugin, end to end: libn3obs.so loads libn3obs_otlp.so, otlp_emit records, and
what reaches the file or a local OTLP/HTTP receiver must parse into the
opentelemetry-proto messages (unknown fields rejected) and say what was recorded."""

from __future__ import annotations

import email.utils
import json
import math
import os
import subprocess
import time

import pytest

from otlp_support import (Receiver, SilentReceiver, attr, parse_request, run_emit, spans_of)

SPAN_FLAGS_HAS_IS_REMOTE = 0x100
SPAN_FLAGS_IS_REMOTE = 0x200


def metrics_by_name(requests):
    out = {}
    for r in requests:
        for rm in r["resourceMetrics"]:
            for sm in rm["scopeMetrics"]:
                assert sm["scope"]["name"] == "n3obs"
                for m in sm["metrics"]:
                    out[m["name"]] = m
    return out


def check_recorded(requests, recorded):
    """The values of `otlp_emit record` in parsed requests (dicts), whatever the sink."""
    traces = [r for r in requests if "resourceSpans" in r]
    metrics = [r for r in requests if "resourceMetrics" in r]
    assert traces and metrics

    resource = {kv["key"]: kv["value"] for kv in traces[0]["resourceSpans"][0]["resource"]["attributes"]}
    assert resource["service.name"] == {"stringValue": "otlp-test"}
    assert resource["deployment.environment"] == {"stringValue": "test"}
    assert resource["team"] == {"stringValue": "obs"}
    assert resource["telemetry.sdk.name"] == {"stringValue": "n3obs"}
    assert resource["telemetry.sdk.language"] == {"stringValue": "c"}, "otlp_emit is a C program"
    assert len(resource["service.instance.id"]["stringValue"]) == 36, "a UUID per process"
    assert int(resource["process.pid"]["stringValue"]) > 1
    assert traces[0]["resourceSpans"][0]["scopeSpans"][0]["scope"]["name"] == "n3obs"
    assert traces[0]["resourceSpans"][0]["scopeSpans"][0]["scope"]["version"]

    spans = {s["name"]: s for s in spans_of(traces)}
    ids = recorded["spans"]
    root, child = spans["GET /users/{id}"], spans["SELECT users"]
    linked, remote = spans["process job"], spans["publish"]
    for name, span in [("root", root), ("child", child), ("linked", linked), ("remote", remote)]:
        assert span["traceId"] == ids[name]["trace_id"]
        assert span["spanId"] == ids[name]["span_id"]
        assert int(span["endTimeUnixNano"]) >= int(span["startTimeUnixNano"]) > 1_600_000_000 * 10**9

    # Kinds and status as integers.
    assert root["kind"] == 2 and child["kind"] == 3 and remote["kind"] == 4 and linked["kind"] == 5
    assert root["status"] == {"code": 2, "message": "user not found"}
    assert child["status"] == {"code": 1}
    assert linked["status"] == {}

    # Parentage and flags (sampled; random for the trace the SDK started, as W3C Trace
    # Context level 2 says, and not for the remote one that came without it; the
    # parent-is-remote bits).
    assert "parentSpanId" not in root
    assert child["parentSpanId"] == ids["root"]["span_id"]
    assert root["flags"] == 0x03 | SPAN_FLAGS_HAS_IS_REMOTE
    assert child["flags"] == 0x03 | SPAN_FLAGS_HAS_IS_REMOTE
    assert remote["traceId"] == "0af7651916cd43dd8448eb211c80319c"
    assert remote["parentSpanId"] == "b7ad6b7169203331"
    assert remote["flags"] == 0x01 | SPAN_FLAGS_HAS_IS_REMOTE | SPAN_FLAGS_IS_REMOTE
    assert remote["traceState"] == "vendor=abc"

    # Attributes of every type, 64-bit integers as strings.
    assert attr(root, "http.route") == {"stringValue": "/users/{id}\n"}
    assert attr(root, "http.status_code") == {"intValue": str(-2**63)}
    assert attr(root, "ratio") == {"doubleValue": 0.125}
    assert attr(root, "cached") == {"boolValue": True}
    assert attr(root, "tags") == {"arrayValue": {"values": [
        {"stringValue": "a"}, {"stringValue": 'b"quoted"'}, {"stringValue": "ünï"}]}}
    assert attr(root, "ints") == {"arrayValue": {"values": [
        {"intValue": "1"}, {"intValue": "-2"}, {"intValue": str(2**63 - 1)}]}}
    assert attr(root, "doubles") == {"arrayValue": {"values": [
        {"doubleValue": 0.5}, {"doubleValue": -1.25}, {"doubleValue": 1e300}]}}
    assert attr(root, "bools") == {"arrayValue": {"values": [
        {"boolValue": True}, {"boolValue": False}, {"boolValue": True}]}}
    assert attr(root, "nan") == {"doubleValue": "NaN"}

    # Events.
    events = {e["name"]: e for e in root["events"]}
    assert attr(events["lookup"], "detail") == {"stringValue": "cache miss"}
    assert attr(events["exception"], "exception.type") == {"stringValue": "KeyError"}
    assert attr(events["exception"], "exception.message") == {"stringValue": "no such user"}
    assert int(events["lookup"]["timeUnixNano"]) >= int(root["startTimeUnixNano"])

    # Links.
    (link,) = linked["links"]
    assert link["traceId"] == ids["root"]["trace_id"] and link["spanId"] == ids["root"]["span_id"]
    assert link["traceState"] == "k=v"
    assert attr(link, "link.kind") == {"stringValue": "follows"}
    assert link["flags"] & 0xff == 1
    assert linked["traceId"] != ids["root"]["trace_id"]

    # Metrics: the last snapshot (at shutdown) holds everything.
    ms = metrics_by_name(metrics)
    req = ms["otlp_test_requests"]["sum"]
    assert req["aggregationTemporality"] == 2 and req["isMonotonic"] is True
    (p,) = req["dataPoints"]
    assert p["asDouble"] == 42 and attr(p, "method") == {"stringValue": "GET"}
    assert 0 < int(p["startTimeUnixNano"]) <= int(p["timeUnixNano"])

    (g,) = ms["otlp_test_temperature"]["gauge"]["dataPoints"]
    assert g["asDouble"] == -3.5

    h = ms["otlp_test_latency_seconds"]
    assert h["unit"] == "s" and h["description"] == "Latency."
    assert h["histogram"]["aggregationTemporality"] == 2
    (hp,) = h["histogram"]["dataPoints"]
    assert hp["count"] == "4" and math.isclose(hp["sum"], 5.82)
    assert hp["explicitBounds"] == [0.1, 0.5, 1]
    assert hp["bucketCounts"] == ["2", "0", "1", "1"]
    assert attr(hp, "route") == {"stringValue": "/users"}
    ex = {e["asDouble"]: e for e in hp["exemplars"]}
    assert set(ex) == {0.07, 0.7, 5}
    for e in ex.values():
        assert e["traceId"] == ids["root"]["trace_id"] and e["spanId"] == ids["root"]["span_id"]
        assert int(e["timeUnixNano"]) > 0

    s = ms["otlp_test_size_bytes"]
    assert s["unit"] == "By"
    (sp,) = s["summary"]["dataPoints"]
    assert sp["count"] == "100" and sp["sum"] == 5050
    qv = {q["quantile"]: q["value"] for q in sp["quantileValues"]}
    assert abs(qv[0.5] - 50) <= 1.5 and abs(qv[0.99] - 99) <= 2

    info = ms["otlp_test_build"]["sum"]
    assert info["isMonotonic"] is False
    assert info["dataPoints"][0]["asDouble"] == 1
    assert attr(info["dataPoints"][0], "version") == {"stringValue": "1.2.3"}

    # Health as metrics: the overall status gauge from the health report.
    if "n3obs_health_overall_status" in ms:
        (hp,) = ms["n3obs_health_overall_status"]["gauge"]["dataPoints"]
        assert hp["asDouble"] in (0, 0.5, 1)


def test_file_lines_parse_and_match(tmp_path):
    out = tmp_path / "otlp.jsonl"
    recorded, _, _ = run_emit("record", N3OBS_OTLP_FILE=out)
    lines = out.read_text().splitlines()
    assert len(lines) >= 2
    docs = [json.loads(line) for line in lines]
    for d in docs:
        parse_request(d)
    check_recorded(docs, recorded)


def test_http_bodies_parse_and_match():
    with Receiver() as rx:
        recorded, _, _ = run_emit("record", OTEL_EXPORTER_OTLP_ENDPOINT=rx.endpoint,
                                  OTEL_EXPORTER_OTLP_HEADERS="x-api-key=s3cret%20value,x-team=obs",
                                  OTEL_EXPORTER_OTLP_COMPRESSION="gzip")
    paths = {r["path"] for r in rx.requests}
    assert paths == {"/v1/traces", "/v1/metrics"}
    for r in rx.requests:
        assert r["headers"]["Content-Type"] == "application/json"
        assert r["headers"]["Content-Encoding"] == "gzip"
        assert r["headers"]["x-api-key"] == "s3cret value"
        assert r["headers"]["x-team"] == "obs"
    docs = [json.loads(r["body"]) for r in rx.requests]
    for d in docs:
        parse_request(d)
    check_recorded(docs, recorded)


def test_per_signal_endpoints_used_as_given():
    with Receiver() as rx:
        run_emit("record", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=rx.endpoint + "/custom/t",
                 OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=rx.endpoint + "/custom/m")
    assert {r["path"] for r in rx.requests} == {"/custom/t", "/custom/m"}


def test_file_rotation(tmp_path):
    out = tmp_path / "otlp.jsonl"
    for _ in range(3):
        run_emit("load", 300, N3OBS_OTLP_FILE=out, N3OBS_OTLP_FILE_MAX_BYTES=20000,
                 N3OBS_OTLP_FILE_KEEP=2, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=50)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["otlp.jsonl", "otlp.jsonl.1", "otlp.jsonl.2"]
    for p in tmp_path.iterdir():
        assert p.stat().st_size <= 20000
        for line in p.read_text().splitlines():
            parse_request(json.loads(line))


def outage_receiver(seconds, retry_after_first=False):
    """503 for the first `seconds` after the first request, then 200. retry_after_first:
    the first 503 carries Retry-After: True for "1", or a callable giving the value."""
    state = {}

    def respond(n, path, body):
        now = time.monotonic()
        start = state.setdefault("start", now)
        if now - start < seconds:
            value = retry_after_first() if callable(retry_after_first) else "1"
            headers = {"Retry-After": value} if retry_after_first and n == 0 else {}
            return 503, b'{"code":14,"message":"unavailable"}', headers
        return 200, b"{}", {}

    return respond


def delivered_indexes(rx):
    """The "i" attribute of every load span the receiver accepted, in arrival order."""
    return [int(attr(s, "i")["intValue"]) for s in spans_of(rx.bodies("/v1/traces", ok_only=True))]


LOAD_ENV = dict(OTEL_BSP_MAX_EXPORT_BATCH_SIZE=250, OTEL_BSP_MAX_QUEUE_SIZE=50000,
                N3OBS_OTLP_RETRY_INITIAL_BACKOFF_MS=50, N3OBS_OTLP_RETRY_MAX_BACKOFF_MS=400)


def test_outage_then_recovery_loses_and_duplicates_nothing():
    n = 3000
    with Receiver(outage_receiver(1.5, retry_after_first=True)) as rx:
        result, _, _ = run_emit("load", n, OTEL_EXPORTER_OTLP_ENDPOINT=rx.endpoint,
                                EMIT_FLUSH_MS=20000, **LOAD_ENV)
    statuses = {r["status"] for r in rx.requests if r["path"] == "/v1/traces"}
    assert statuses == {503, 200}, "the receiver saw both the outage and the recovery"
    got = delivered_indexes(rx)
    assert sorted(got) == list(range(n)), "every span delivered exactly once"
    assert got == sorted(got), "delivered in order"
    assert result["flush_status"] == 0
    assert not any(k.startswith("spans/") for k in result["dropped"])
    # Retry-After: 1 on the first 503 was honoured.
    trace_times = [r["time"] for r in rx.requests if r["path"] == "/v1/traces"]
    assert trace_times[1] - trace_times[0] >= 0.9


def test_retry_after_as_an_http_date_is_honoured():
    """Retry-After may also be an HTTP-date (RFC 9110 10.2.3): the sender waits until then,
    not its own 50 ms backoff."""
    n = 200
    in_3s = lambda: email.utils.formatdate(time.time() + 3, usegmt=True)  # noqa: E731
    with Receiver(outage_receiver(0.5, retry_after_first=in_3s)) as rx:
        result, _, _ = run_emit("load", n, OTEL_EXPORTER_OTLP_ENDPOINT=rx.endpoint,
                                EMIT_FLUSH_MS=20000, **LOAD_ENV)
    assert sorted(delivered_indexes(rx)) == list(range(n))
    trace_times = [r["time"] for r in rx.requests if r["path"] == "/v1/traces"]
    # the date has one-second resolution: at least 2 s, never the 50 ms backoff
    assert trace_times[1] - trace_times[0] >= 1.9, trace_times[:3]
    assert result["flush_status"] == 0


def test_outage_beyond_buffer_drops_and_counts():
    n = 3000
    with Receiver(outage_receiver(2.0)) as rx:
        result, _, _ = run_emit("load", n, OTEL_EXPORTER_OTLP_ENDPOINT=rx.endpoint,
                                N3OBS_OTLP_BUFFER_MAX_BYTES=150000, EMIT_FLUSH_MS=20000, **LOAD_ENV)
    got = delivered_indexes(rx)
    dropped = result["dropped"].get("spans/buffer_full", 0)
    assert dropped > 0
    assert len(got) == len(set(got)), "no span delivered twice"
    assert got == sorted(got), "delivered in order"
    assert len(got) + dropped == n, "every span delivered or counted as dropped"


def test_client_error_is_not_retried():
    n = 500
    body = b'{"code":3,"message":"bad data here"}'
    with Receiver(lambda k, p, b: (400, body, {})) as rx:
        result, stderr, _ = run_emit("load", n, OTEL_EXPORTER_OTLP_ENDPOINT=rx.endpoint, **LOAD_ENV)
    traces = rx.bodies("/v1/traces")
    got = [int(attr(s, "i")["intValue"]) for s in spans_of(traces)]
    assert sorted(got) == list(range(n)), "each batch was sent exactly once"
    assert result["dropped"].get("spans/rejected") == n
    assert "bad data here" in stderr and "400" in stderr


def test_partial_success_is_counted():
    partial = b'{"partialSuccess":{"rejectedSpans":"3","errorMessage":"3 spans too old"}}'
    with Receiver(lambda k, p, b: (200, partial if p == "/v1/traces" else b"{}", {})) as rx:
        result, stderr, _ = run_emit("load", 100, OTEL_EXPORTER_OTLP_ENDPOINT=rx.endpoint, **LOAD_ENV)
    n_trace_requests = len(rx.bodies("/v1/traces"))
    assert result["dropped"].get("spans/partial_success") == 3 * n_trace_requests
    assert "3 spans too old" in stderr


def test_silent_endpoint_does_not_slow_the_program():
    n = 20000
    env = dict(LOAD_ENV, OTEL_EXPORTER_OTLP_TIMEOUT=300, N3OBS_OTLP_BUFFER_MAX_BYTES=65536,
               EMIT_FLUSH_MS=500, EMIT_SHUTDOWN_MS=1000)
    with Receiver() as healthy:
        base, _, _ = run_emit("load", n, OTEL_EXPORTER_OTLP_ENDPOINT=healthy.endpoint, **env)
    with SilentReceiver() as silent:
        dead, _, took = run_emit("load", n, OTEL_EXPORTER_OTLP_ENDPOINT=silent.endpoint, **env)
    # Not a benchmark: a generous bound that a program waiting on the network would miss.
    assert dead["elapsed_ns"] < max(3 * base["elapsed_ns"], base["elapsed_ns"] + 500_000_000), (base, dead)
    assert dead["dropped"].get("spans/buffer_full", 0) > 0
    # Shutdown gives up on the silent endpoint within its timeout (plus slack).
    assert dead["shutdown_ns"] < 1_000_000_000 + 500_000_000
    assert took < 15


def test_trace_across_two_processes():
    with Receiver() as rx:
        result, _, _ = run_emit("parent", OTEL_EXPORTER_OTLP_ENDPOINT=rx.endpoint)
    docs = rx.bodies("/v1/traces")
    for d in docs:
        parse_request(d)
    spans = {s["name"]: s for s in spans_of(docs)}
    parent, child = spans["call child"], spans["handle call"]
    assert result["child_exit"] == 0
    assert parent["traceId"] == child["traceId"] == result["parent"]["trace_id"]
    assert child["parentSpanId"] == parent["spanId"] == result["parent"]["span_id"]
    assert child["spanId"] == result["child"]["child"]["span_id"]
    assert "parentSpanId" not in parent
    assert parent["kind"] == 3 and child["kind"] == 2
    assert parent["flags"] & 0x300 == SPAN_FLAGS_HAS_IS_REMOTE
    assert child["flags"] & 0x300 == SPAN_FLAGS_HAS_IS_REMOTE | SPAN_FLAGS_IS_REMOTE
    assert result["traceparent"] == f"00-{parent['traceId']}-{parent['spanId']}-03"


@pytest.mark.parametrize("env,message", [
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://x"}, "is not an http:// or https:// URL"),
    ({"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"}, 'compression "zstd" is not "gzip" or "none"'),
    ({"OTEL_EXPORTER_OTLP_HEADERS": "novalue"}, "is not key=value"),
    ({"N3OBS_OTLP_BUFFER_MAX_BYTES": "lots"}, "is not a whole number"),
])
def test_bad_configuration_is_refused_with_a_message(env, message):
    from otlp_support import RELEASE, emit_env
    p = subprocess.run([str(RELEASE / "n3obsctl"), "plugin", "check", str(RELEASE / "libn3obs_otlp.so")],
                       env=emit_env(**env), capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and message in p.stderr, p.stderr


def test_shutdown_runs_exporters_at_once_and_names_the_one_that_did_not_finish():
    """Prometheus beside OTLP to a collector that never answers (issue 14, item 19): the
    exporters shut down in parallel, so n3obs_shutdown returns within its deadline (plus
    slack), and its warning names otlp, the exporter still waiting, not prometheus."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        prometheus_port = s.getsockname()[1]
    with SilentReceiver() as silent:
        result, stderr, _ = run_emit(
            "load", 100, N3OBS_EXPORTERS="prometheus,otlp", N3OBS_PROMETHEUS_ADDR=f"127.0.0.1:{prometheus_port}",
            OTEL_EXPORTER_OTLP_ENDPOINT=silent.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT=30000,
            EMIT_FLUSH_MS=1, EMIT_SHUTDOWN_MS=2000, **LOAD_ENV)
    assert result["shutdown_ns"] < 2_000_000_000 + 300_000_000, result
    assert result["shutdown_status"] == -20, result   # N3OBS_E_TIMEOUT: not everything was delivered
    late = [line for line in stderr.splitlines() if "did not shut down" in line]
    assert len(late) == 1 and "otlp" in late[0] and "prometheus" not in late[0], stderr
