#!/usr/bin/env python3
"""OTLP/JSON encoding: n3obs's OTLP plugin against the OpenTelemetry Python SDK's OTLP
encoders, on equivalent spans, in the same run.

Each side encodes one ExportTraceServiceRequest of N spans (default 10,000): a SERVER span
with a parent, six attributes (string x2, int, double, bool, string array), one event with
one attribute, status OK.
  - n3obs: bench_otlp_encode (C) hands a batch to libn3obs_otlp.so, which writes
    OTLP/JSON to /dev/null.
  - Python: opentelemetry-exporter-otlp-json-common's encode_spans(...).to_json()
    (the SDK's OTLP/JSON encoder), and for reference opentelemetry-exporter-otlp-proto-common's
    encode_spans(...).SerializeToString() (its protobuf encoder).
The best of --runs is kept for each. The goal is at least 20x the Python JSON encoder.

    python3 benchmarks/run_otlp.py .build/bench [--spans 10000] [--runs 5] [--markdown out.md]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

GOAL = 20.0


def n3obs_rate(bench_dir: Path, plugin: Path, spans: int, runs: int) -> float:
    out = subprocess.run([str(bench_dir / "bench_otlp_encode"), str(plugin), str(spans), str(runs)],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        name, value, _ = line.split()
        if name == "otlp_encode_spans_per_sec":
            return float(value)
    raise SystemExit(f"bench_otlp_encode printed no rate: {out!r}")


def python_spans(n: int):
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope
    from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

    resource = Resource({"service.name": "bench", "telemetry.sdk.name": "n3obs",
                         "telemetry.sdk.language": "swift", "telemetry.sdk.version": "0.1.0"})
    scope = InstrumentationScope("n3obs", "0.1.0")
    attrs = {"http.method": "GET", "http.route": "/users/{id}", "http.status_code": 200,
             "sample.ratio": 0.25, "cache.hit": True, "tags": ("alpha", "beta")}
    rng = __import__("random").Random(7)
    spans = []
    for i in range(n):
        start = 1_700_000_000_000_000_000 + i * 1000
        trace_id = rng.getrandbits(128) or 1
        ctx = SpanContext(trace_id, rng.getrandbits(64) or 1, False, TraceFlags(1))
        parent = SpanContext(trace_id, rng.getrandbits(64) or 1, False, TraceFlags(1))
        spans.append(ReadableSpan(
            name="GET /users/{id}", context=ctx, parent=parent, resource=resource,
            attributes=attrs, events=(Event("lookup", {"detail": "cache lookup"}, start + 1000),),
            links=(), kind=SpanKind.SERVER, status=Status(StatusCode.OK), start_time=start,
            end_time=start + 1_234_567, instrumentation_scope=scope))
    return spans


def best_rate(encode, spans, runs: int) -> tuple[float, int]:
    size = len(encode(spans))   # warm-up
    best = 0.0
    for _ in range(runs):
        t0 = time.perf_counter()
        encode(spans)
        best = max(best, len(spans) / (time.perf_counter() - t0))
    return best, size


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_dir", type=Path)
    ap.add_argument("--plugin", type=Path, default=Path(".build/release/libn3obs_otlp.so"))
    ap.add_argument("--spans", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()

    from opentelemetry.exporter.otlp.json.common.trace_encoder import encode_spans as encode_json
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as encode_proto

    ours = n3obs_rate(args.bench_dir, args.plugin, args.spans, args.runs)
    spans = python_spans(args.spans)
    py_json, _ = best_rate(lambda s: encode_json(s).to_json().encode(), spans, max(1, args.runs // 2 + 1))
    py_proto, _ = best_rate(lambda s: encode_proto(s).SerializeToString(), spans, max(1, args.runs // 2 + 1))

    rows = [
        ("n3obs libn3obs_otlp.so, OTLP/JSON", ours, ours / py_json),
        ("OTel Python SDK, OTLP/JSON (otlp-json-common)", py_json, 1.0),
        ("OTel Python SDK, OTLP/protobuf (otlp-proto-common)", py_proto, py_proto / py_json),
    ]
    lines = [f"## Encoding {args.spans:,} spans to OTLP (best of {args.runs})", "",
             "| encoder | spans/s | vs Python JSON |", "|---|---:|---:|"]
    lines += [f"| {name} | {rate:,.0f} | {ratio:.1f}x |" for name, rate, ratio in rows]
    ratio = ours / py_json
    lines += ["", f"n3obs / Python OTLP/JSON: {ratio:.1f}x (goal {GOAL:.0f}x: "
              f"{'met' if ratio >= GOAL else 'NOT met'}); n3obs / Python protobuf: {ours / py_proto:.1f}x"]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
