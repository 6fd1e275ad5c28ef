#!/usr/bin/env python3
"""`make bench`: prometheus_client's generate_latest on the 10,000 series that
exposition/main.swift serializes with n3obs (same names, labels and values).
Prints "serialize_text <us> us"; --dump prints the text."""
import sys
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest


def build():
    registry = CollectorRegistry()
    for f in range(10):
        labels = ["method", "route", "status"]
        counter = Counter(f"bench_requests_{f}_total", f"Requests of group {f}.", labels, registry=registry)
        gauge = Gauge(f"bench_inflight_{f}", f"In flight in group {f}.", labels, registry=registry)
        for i in range(500):
            values = ("GET" if i % 2 == 1 else "POST", f"/api/v1/item/{i}", str(200 + i % 5))
            counter.labels(*values).inc(i % 97 + 1)
            gauge.labels(*values).set(i * 0.001 * (f + 1))
    return registry


def main():
    registry = build()
    if "--dump" in sys.argv:
        sys.stdout.write(generate_latest(registry).decode())
        return
    for _ in range(2):
        generate_latest(registry)
    rounds = 0
    t0 = time.perf_counter_ns()
    while time.perf_counter_ns() - t0 < 2_000_000_000 or rounds < 5:
        generate_latest(registry)
        rounds += 1
    print(f"serialize_text {(time.perf_counter_ns() - t0) / rounds / 1e3:.4f} us")


if __name__ == "__main__":
    main()
