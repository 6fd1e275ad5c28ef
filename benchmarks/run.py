#!/usr/bin/env python3
"""Runs every benchmark case of n3obs and its peer (or floor) several times, alternating them so
that both see the same machine, and prints medians and ratios (ours / peer).

Usage: run.py BUILD_DIR [--runs N] [--markdown FILE]
"""
import argparse
import os
import statistics
import subprocess
import sys

# (case, what it measures, our program and case, peer label, peer program and case, goal)
CASES = [
    ("counter add, bound", "n3obs_counter_add(series, 1.0) vs a bare C11 relaxed fetch-add",
     ("bench_n3obs", "counter_add"), "C11 atomic_fetch_add", ("bench_n3obs", "atomic"), 1.5),
    ("counter add, bound", "n3obs_counter_add vs Counter::Increment()",
     ("bench_n3obs", "counter_add"), "prometheus-cpp", ("bench_prometheus_cpp", "counter_add"), 0.5),
    ("counter add by labels", "3 labels, 100 label sets, no bound handle vs family.Add({...}).Increment()",
     ("bench_n3obs", "counter_labels"), "prometheus-cpp", ("bench_prometheus_cpp", "counter_labels"), 0.25),
    ("histogram observe", "11 buckets vs Histogram::Observe",
     ("bench_n3obs", "histogram"), "prometheus-cpp", ("bench_prometheus_cpp", "histogram"), 0.5),
    ("summary observe", "0.5/0.9/0.99 over 10 min in 5 buckets vs Summary::Observe",
     ("bench_n3obs", "summary"), "prometheus-cpp", ("bench_prometheus_cpp", "summary"), 0.5),
    ("two threads, one counter", "aggregate ns per add with 2 threads vs our single-thread add",
     ("bench_n3obs", "counter_two_threads"), "n3obs 1 thread", ("bench_n3obs", "counter_add"), 0.6),
    ("two threads, two counters", "the machine's ceiling: each thread on a counter of its own, nothing shared",
     ("bench_n3obs", "counter_two_threads_apart"), "n3obs 1 thread", ("bench_n3obs", "counter_add"), None),
    ("two threads, one counter", "the same for prometheus-cpp (for reference)",
     ("bench_prometheus_cpp", "counter_two_threads"), "prometheus-cpp 1 thread",
     ("bench_prometheus_cpp", "counter_add"), None),
    ("collect 10,000 series", "n3obs_metrics_collect + free vs Registry::Collect()",
     ("bench_n3obs", "collect"), "prometheus-cpp", ("bench_prometheus_cpp", "collect"), 0.25),
    ("memory per series", "RSS growth over 100,000 labelled counter series / 100,000",
     ("bench_n3obs", "memory"), "prometheus-cpp", ("bench_prometheus_cpp", "memory"), 0.5),
    # Tracing (issue 4): the floor is 2 x clock_gettime(CLOCK_REALTIME) + one bound counter inc.
    # Goals of issue 16 (item 6): 2.5 sampled, 1.0 unsampled (they were 8 and 2).
    ("span, sampled", "start + 2 attributes + end, another thread draining vs the floor",
     ("spans_bench", "sampled"), "floor", ("spans_bench", "floor"), 2.5),
    ("span, unsampled", "start + end under a current unsampled parent vs the floor",
     ("spans_bench", "unsampled"), "floor", ("spans_bench", "floor"), 1.0),
    ("span, sampler off", "a root span, sampler always_off: start + 2 attributes + end vs the floor",
     ("spans_bench", "off"), "floor", ("spans_bench", "floor"), 1.0),
]


def run_case(build, program, case):
    out = subprocess.run([os.path.join(build, program), case], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[1]), out[2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    samples = {}
    units = {}
    needed = sorted({c[2] for c in CASES} | {c[4] for c in CASES})
    for _ in range(args.runs):
        for key in needed:  # one pass of every case, then the next pass: both sides alternate
            value, unit = run_case(args.build, *key)
            samples.setdefault(key, []).append(value)
            units[key] = unit
    median = {key: statistics.median(values) for key, values in samples.items()}

    rows = []
    failures = 0
    for name, what, ours, peer_name, peer, goal in CASES:
        ratio = median[ours] / median[peer] if median[peer] else float("inf")
        verdict = "" if goal is None else ("ok" if ratio <= goal else "MISSED")
        failures += verdict == "MISSED"
        rows.append((name, f"{median[ours]:.2f} {units[ours]}", peer_name,
                     f"{median[peer]:.2f} {units[peer]}", f"{ratio:.3f}",
                     "-" if goal is None else f"<= {goal}", verdict, what))

    header = ("case", "n3obs", "peer", "peer figure", "ratio", "goal", "", "what it measures")
    # The load average says how much else ran (timings on a shared machine are noisy).
    summary = (f"cores: {os.cpu_count()}; medians of {args.runs} runs; ratio = n3obs / peer; "
               f"1-min load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(summary)
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(7)]
    for row in [header] + rows:
        print("  ".join(str(row[i]).ljust(widths[i]) for i in range(7)))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(summary + "\n\n")
            f.write("| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n")
            for row in rows:
                f.write("| " + " | ".join(row) + " |\n")
    print(f"{failures} goal(s) missed" if failures else "every goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
