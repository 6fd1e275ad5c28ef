#!/usr/bin/env python3
"""`make bench`, the Prometheus exposition part: serializing the same 10,000 series to
the text format with n3obs (the plugin's serializer on a real snapshot), prometheus-cpp's
TextSerializer and prometheus_client's generate_latest, alternating runs; prints medians
and ratios (ours / peer).

Usage: exposition_run.py N3OBS_BENCH CPP_BENCH PYTHON [--runs N] [--markdown FILE]
"""
import argparse
import statistics
import subprocess
import sys


def run(argv):
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split()
    return float(out[1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("n3obs")
    p.add_argument("cpp")
    p.add_argument("python")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--markdown")
    a = p.parse_args()
    here = sys.path[0]
    programs = {
        "n3obs text": [a.n3obs, "text"],
        "n3obs OpenMetrics": [a.n3obs, "openmetrics"],
        "prometheus-cpp TextSerializer": [a.cpp],
        "prometheus_client generate_latest": [a.python, f"{here}/bench_exposition.py"],
    }
    times = {k: [] for k in programs}
    for _ in range(a.runs):
        for k, argv in programs.items():
            times[k].append(run(argv))
    med = {k: statistics.median(v) for k, v in times.items()}
    rows = [
        ("text 0.0.4", "prometheus-cpp TextSerializer", med["n3obs text"], med["prometheus-cpp TextSerializer"], 0.2),
        ("text 0.0.4", "prometheus_client generate_latest", med["n3obs text"],
         med["prometheus_client generate_latest"], None),
        ("OpenMetrics 1.0", "prometheus-cpp TextSerializer (text)", med["n3obs OpenMetrics"],
         med["prometheus-cpp TextSerializer"], None),
    ]
    lines = ["| serialize 10,000 series | peer | n3obs us | peer us | ratio | goal |",
             "|---|---|---:|---:|---:|---|"]
    failed = False
    for case, peer, ours, theirs, goal in rows:
        ratio = ours / theirs
        verdict = "" if goal is None else (f"<= {goal} " + ("met" if ratio <= goal else "MISSED"))
        failed |= goal is not None and ratio > goal
        lines.append(f"| {case} | {peer} | {ours:.0f} | {theirs:.0f} | {ratio:.3f} | {verdict} |")
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
