#!/usr/bin/env python3
"""Span delivery from one Python thread, the Python sides of benchmarks/run_delivery.py.

    bench_delivery_python.py otel RATE SECONDS OUT   OpenTelemetry Python SDK: TracerProvider
        + BatchSpanProcessor with its defaults (queue 2048, batch 512, 5 s delay) and an
        exporter that encodes each batch with the SDK's OTLP/JSON encoder
        (opentelemetry-exporter-otlp-json-common, as run_otlp.py) and appends it to OUT, one
        request per line (what n3obs's OTLP file exporter writes). RATE spans/s for SECONDS
        (RATE 0: unpaced), then force_flush; dropped = ended - exported.
    bench_delivery_python.py otel-burst COUNT OUT     the same, COUNT spans as fast as it can.
    bench_delivery_python.py n3obs COUNT              n3obs's binding, defaults, the exporters
        N3OBS_EXPORTERS names: COUNT spans as fast as one thread can
        (`with n3obs.start_as_current_span(...)`), then force_flush.

The span is the one of bench_delivery.c: "GET /items", http.request.method="GET",
http.response.status_code=200, a sampled root span. Prints one JSON line with the keys of
bench_delivery.c.
"""

from __future__ import annotations

import json
import sys
import time

NAME = "GET /items"


def otel(rate: float, seconds: float, out: str, count: int = 0) -> dict:
    from opentelemetry.exporter.otlp.json.common.trace_encoder import encode_spans
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    class FileExporter(SpanExporter):
        def __init__(self, path: str) -> None:
            self.file = open(path, "ab")
            self.exported = 0

        def export(self, spans):  # type: ignore[no-untyped-def]
            self.file.write(encode_spans(spans).to_json().encode() + b"\n")
            self.file.flush()
            self.exported += len(spans)
            return SpanExportResult.SUCCESS

        def shutdown(self) -> None:
            self.file.close()

    exporter = FileExporter(out)
    provider = TracerProvider(resource=Resource({"service.name": "bench"}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer("bench")
    attrs = {"http.request.method": "GET", "http.response.status_code": 200}

    ended = 0
    t0 = time.perf_counter()
    stop = t0 + seconds
    while True:
        now = time.perf_counter()
        if now >= stop or (count and ended >= count):
            break
        due = int((now - t0) * rate) if rate > 0 else ended + min(256, count - ended if count else 256)
        if ended >= due:
            time.sleep(0.00005)
            continue
        k = min(due - ended, 256)
        for _ in range(k):
            tracer.start_span(NAME, attributes=attrs).end()
        ended += k
    t_end = time.perf_counter()
    exported_during_run = exporter.exported
    flushed = provider.force_flush(120_000)
    t_flushed = time.perf_counter()
    exported = exporter.exported
    provider.shutdown()
    return result(rate, t_end - t0, t_flushed - t0, ended, ended - exported, exported,
                  exported_during_run, 0 if flushed else 1)


def n3obs_burst(count: int) -> dict:
    import n3obs

    n3obs.init()
    t0 = time.perf_counter()
    for _ in range(count):
        with n3obs.start_as_current_span(NAME) as s:
            s.set_attribute("http.request.method", "GET")
            s.set_attribute("http.response.status_code", 200)
    t_end = time.perf_counter()
    exported_during_run = exported_total(n3obs)
    n3obs.force_flush(120)
    t_flushed = time.perf_counter()
    r = result(0, t_end - t0, t_flushed - t0, count, n3obs.spans_dropped(),
               exported_total(n3obs), exported_during_run, 0)
    n3obs.shutdown()
    return r


def exported_total(n3obs) -> float:  # type: ignore[no-untyped-def]
    family = n3obs.collect().get("n3obs_spans_exported")
    return sum(s.value for s in family.series) if family else 0.0


def result(rate: float, run_s: float, total_s: float, ended: int, dropped: int,
           exported: float, exported_during_run: float, flush_status: int) -> dict:
    return {"rate": rate, "seconds": run_s, "ended": ended, "end_rate": ended / run_s,
            "dropped": dropped, "exported": exported, "exported_during_run": exported_during_run,
            "flush_seconds": total_s - run_s, "export_rate": exported / total_s,
            "flush_status": flush_status}


def main() -> int:
    if len(sys.argv) >= 5 and sys.argv[1] == "otel":
        r = otel(float(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] == "otel-burst":
        r = otel(0, float("inf"), sys.argv[3], int(sys.argv[2]))
    elif len(sys.argv) >= 3 and sys.argv[1] == "n3obs":
        r = n3obs_burst(int(sys.argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(r), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
