#!/usr/bin/env python3
"""n3obs' Python binding against its peers, in one run: prometheus_client for metrics,
opentelemetry-sdk for spans (an in-memory exporter on its side; on ours no exporter, so
ended spans wait in the queue and are drained between timed batches, outside the timing).

Each case is timed in batches that alternate ours and the peer's. Reported: the median
batch of each side in ns per operation, and ratio = the median over the pairs of
(our batch / the peer's batch right after it), with the goal of issue 9 (a ratio at most
the goal passes). A pair's two batches run a few milliseconds apart, so a slow spell of
this shared machine slows both; the ratio of the two medians would mix batches from
different spells.

Usage: bench_python.py [--batches N] [--markdown FILE]
"""
import argparse
import statistics
import time

import n3obs
import prometheus_client
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def timed(fn, n):
    t0 = time.perf_counter_ns()
    fn(n)
    return (time.perf_counter_ns() - t0) / n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=21)
    parser.add_argument("--markdown")
    args = parser.parse_args()

    n3obs.init(service_name="bench", exporters=[], ignore_env=True, health_builtins=False)
    registry = prometheus_client.CollectorRegistry()

    ours_c = n3obs.Counter("bench_plain_total", "Plain.")
    peer_c = prometheus_client.Counter("bench_plain_total", "Plain.", registry=registry)
    ours_l = n3obs.Counter("bench_labeled_total", "Labeled.", ["a", "b"])
    peer_l = prometheus_client.Counter("bench_labeled_total", "Labeled.", ["a", "b"], registry=registry)
    ours_h = n3obs.Histogram("bench_latency_seconds", "Latency.")
    peer_h = prometheus_client.Histogram("bench_latency_seconds", "Latency.", registry=registry)

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    otel = provider.get_tracer("bench")
    start_ours = n3obs.start_as_current_span

    def c_ours(n):
        inc = ours_c.inc
        for _ in range(n):
            inc()

    def c_peer(n):
        inc = peer_c.inc
        for _ in range(n):
            inc()

    def l_ours(n):
        labels = ours_l.labels
        for _ in range(n):
            labels("a", "b").inc()

    def l_peer(n):
        labels = peer_l.labels
        for _ in range(n):
            labels("a", "b").inc()

    def h_ours(n):
        observe = ours_h.observe
        for _ in range(n):
            observe(0.3)

    def h_peer(n):
        observe = peer_h.observe
        for _ in range(n):
            observe(0.3)

    def s_ours(n):
        for _ in range(n):
            with start_ours("op") as span:
                span.set_attribute("k", 1)

    def s_peer(n):
        start = otel.start_as_current_span
        for _ in range(n):
            with start("op") as span:
                span.set_attribute("k", 1)

    def s_reset():
        n3obs.drain_spans()
        exporter.clear()

    # (case, ours, peer, peer name, operations per batch, goal, reset between batches)
    cases = [
        ("Counter.inc()", c_ours, c_peer, "prometheus_client", 200_000, 0.5, None),
        ("labels(a, b).inc()", l_ours, l_peer, "prometheus_client", 100_000, 0.3, None),
        ("Histogram.observe()", h_ours, h_peer, "prometheus_client", 200_000, 0.5, None),
        ("start_as_current_span + 1 attribute", s_ours, s_peer, "opentelemetry-sdk", 1_000, 0.1, s_reset),
    ]
    rows = []
    for name, ours, peer, peer_name, n, goal, reset in cases:
        ours(n // 10)  # warm up
        peer(n // 10)
        a, b = [], []
        for _ in range(args.batches):
            if reset:
                reset()
            a.append(timed(ours, n))
            if reset:
                reset()
            b.append(timed(peer, n))
        if reset:
            reset()
        mo, mp = statistics.median(a), statistics.median(b)
        ratio = statistics.median(x / y for x, y in zip(a, b))
        rows.append((name, mo, peer_name, mp, ratio, goal, ratio <= goal))
    assert n3obs.spans_dropped() == 0

    head = f"{'case':<38} {'n3obs':>10} {'peer':>10} {'ratio':>6} {'goal':>5}  peer"
    print(head)
    print("-" * len(head))
    for name, mo, peer_name, mp, ratio, goal, ok in rows:
        print(f"{name:<38} {mo:>8.0f}ns {mp:>8.0f}ns {ratio:>6.3f} {goal:>5}  {peer_name}"
              f"{'' if ok else '  (goal missed)'}")
    if args.markdown:
        with open(args.markdown, "a") as f:
            f.write("\n## Python binding (ns per operation, median of batches)\n\n")
            f.write("| case | n3obs | peer | peer ns | ratio | goal |\n|---|---|---|---|---|---|\n")
            for name, mo, peer_name, mp, ratio, goal, ok in rows:
                f.write(f"| {name} | {mo:.0f} | {peer_name} | {mp:.0f} | {ratio:.3f} | {goal} |\n")


if __name__ == "__main__":
    main()
