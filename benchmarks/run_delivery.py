#!/usr/bin/env python3
"""Span delivery under the default settings, n3obs against the OpenTelemetry Python SDK in
the same run, and idle wakeups against prometheus-cpp's exposer (`make bench-delivery`).

One thread ends spans ("GET /items" + 2 attributes, sampled root spans), a process per step,
nothing configured but the exporter and its output:
  - n3obs, OTLP file: bench_delivery with N3OBS_EXPORTERS=otlp, N3OBS_OTLP_FILE in a temp
    folder (the plugin's default rotation at 64 MiB, 3 files kept, bounds the disk);
  - n3obs, stdout: N3OBS_EXPORTERS=stdout, N3OBS_STDOUT_OUTPUT=/dev/null (text format);
  - OpenTelemetry Python SDK: bench_delivery_python.py otel, TracerProvider +
    BatchSpanProcessor (defaults) + an exporter appending OTLP/JSON (otlp-json-common) to a
    temp file.
For each: the highest paced rate with 0 dropped, searched by doubling from a start rate,
then bisecting (--step-seconds per step; a step passes when nothing is dropped and the
thread reached 95% of the rate), and the drop fraction unpaced (--unpaced-seconds). The
three searches advance one step each in turn, so they see the same machine.
Also: n3obs's Python binding, 100,000 spans as fast as one thread can into the OTLP file
exporter (goal: 0 dropped), beside the OTel SDK's burst of as many; one C thread paced at 200,000/s for 10 s into the OTLP file
(goal: 0 dropped); and idle wakeups per second, the voluntary context switches of all
threads over --idle-seconds, of bench_delivery idle (prometheus + otlp plugins loaded)
against bench_idle_prometheus_cpp (an Exposer serving one counter), run side by side.

    python3 benchmarks/run_delivery.py .build/bench --python .build/venv/bin/python \
        [--step-seconds 5] [--unpaced-seconds 10] [--idle-seconds 30] [--markdown out.md]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BISECT_STEPS = 3
MAX_RATE = 8_000_000


def run_json(cmd: list[str], env: dict[str, str]) -> dict:
    p = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise SystemExit(f"{cmd[0]} printed no result (exit {p.returncode}): {p.stderr[-2000:]}")
    r = json.loads(lines[-1])
    r["exit"] = p.returncode
    return r


class Side:
    """One exporter setup; run(rate, seconds) is one fresh process."""

    def __init__(self, name: str, start: float, cmd, env: dict[str, str], tmp: Path) -> None:
        self.name, self.start, self.cmd, self.env, self.tmp = name, start, cmd, env, tmp
        self.steps: list[dict] = []

    def run(self, rate: float, seconds: float) -> dict:
        for f in self.tmp.glob("*"):
            f.unlink()
        r = run_json(self.cmd(rate, seconds), self.env)
        r["side"] = self.name
        for f in self.tmp.glob("*"):
            f.unlink()
        return r


def passes(r: dict) -> bool:
    return r["dropped"] == 0 and r["end_rate"] >= 0.95 * r["rate"]


def search(side: Side, seconds: float):
    """Yields once per step; leaves side.best (highest passing rate) and side.limit (the
    thread's own ceiling when a step failed only for want of reaching its rate)."""
    ok, fail, rate = 0.0, 0.0, side.start
    side.limit = None
    while rate <= MAX_RATE:
        r = side.run(rate, seconds)
        side.steps.append(r)
        yield
        if passes(r):
            ok, rate = rate, rate * 2
            continue
        fail = rate
        if r["dropped"] == 0:
            side.limit = r["end_rate"]   # nothing dropped: the thread could not go faster
        break
    if ok == 0 and fail:  # even the start rate dropped: halve until one passes
        rate = side.start / 2
        while rate >= 1 and ok == 0:
            r = side.run(rate, seconds)
            side.steps.append(r)
            yield
            ok, fail = (rate, fail) if passes(r) else (0, rate)
            rate /= 2
    for _ in range(BISECT_STEPS if fail and ok else 0):
        mid = round((ok + fail) / 2, -2)
        r = side.run(mid, seconds)
        side.steps.append(r)
        yield
        ok, fail = (mid, fail) if passes(r) else (ok, mid)
    side.best = ok


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def idle(bench_dir: Path, seconds: float, tmp: Path) -> tuple[dict, dict]:
    ours = subprocess.Popen(
        [str(bench_dir / "bench_delivery"), "idle", str(seconds)], stdout=subprocess.PIPE,
        text=True, env={**os.environ, "N3OBS_EXPORTERS": "prometheus,otlp",
                        "N3OBS_PROMETHEUS_ADDR": f"127.0.0.1:{free_port()}",
                        "N3OBS_OTLP_FILE": str(tmp / "idle.jsonl")})
    peer = subprocess.Popen([str(bench_dir / "bench_idle_prometheus_cpp"), str(free_port()),
                             str(seconds)], stdout=subprocess.PIPE, text=True)
    out = []
    for p in (ours, peer):
        text, _ = p.communicate()
        line = [l for l in text.splitlines() if l.startswith("{")]
        if not line:
            raise SystemExit(f"{p.args[0]} printed no result (exit {p.returncode})")
        out.append(json.loads(line[-1]))
    return out[0], out[1]


def load() -> str:
    return open("/proc/loadavg").read().split()[0]


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_dir", type=Path)
    ap.add_argument("--python", default=sys.executable,
                    help="a Python with opentelemetry-sdk, otlp-json-common and n3obs")
    ap.add_argument("--step-seconds", type=float, default=5)
    ap.add_argument("--unpaced-seconds", type=float, default=10)
    ap.add_argument("--idle-seconds", type=float, default=30)
    ap.add_argument("--goal-seconds", type=float, default=10, help="the 200,000/s case")
    ap.add_argument("--python-spans", type=int, default=100_000)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    load_before = load()

    with tempfile.TemporaryDirectory(prefix="n3obs-delivery-") as tmpdir:
        tmp = Path(tmpdir)
        dirs = {n: tmp / n for n in ("otlp", "stdout", "otel", "py", "idle")}
        for d in dirs.values():
            d.mkdir()
        delivery = str(args.bench_dir / "bench_delivery")
        c_cmd = lambda rate, s: [delivery, "spans", f"{rate:.0f}", str(s)]  # noqa: E731
        sides = [
            Side("n3obs, OTLP file exporter", 25_000, c_cmd,
                 {"N3OBS_EXPORTERS": "otlp", "N3OBS_OTLP_FILE": str(dirs["otlp"] / "spans.jsonl")},
                 dirs["otlp"]),
            Side("n3obs, stdout exporter (text, /dev/null)", 25_000, c_cmd,
                 {"N3OBS_EXPORTERS": "stdout", "N3OBS_STDOUT_OUTPUT": "/dev/null"}, dirs["stdout"]),
            Side("OTel Python SDK, BatchSpanProcessor + OTLP/JSON file", 1_000,
                 lambda rate, s: [args.python, str(HERE / "bench_delivery_python.py"), "otel",
                                  f"{rate:.0f}", str(s), str(dirs["otel"] / "spans.jsonl")],
                 {}, dirs["otel"]),
        ]
        # The searches, one step each in turn.
        running = [search(s, args.step_seconds) for s in sides]
        while running:
            for g in list(running):
                try:
                    next(g)
                except StopIteration:
                    running.remove(g)
        unpaced = [s.run(0, args.unpaced_seconds) for s in sides]
        goal_200k = sides[0].run(200_000, args.goal_seconds)
        py = run_json([args.python, str(HERE / "bench_delivery_python.py"), "n3obs",
                       str(args.python_spans)],
                      {"N3OBS_EXPORTERS": "otlp", "N3OBS_OTLP_FILE": str(dirs["py"] / "spans.jsonl")})
        py_otel = run_json([args.python, str(HERE / "bench_delivery_python.py"), "otel-burst",
                            str(args.python_spans), str(dirs["otel"] / "burst.jsonl")], {})
        idle_ours, idle_peer = idle(args.bench_dir, args.idle_seconds, dirs["idle"])
    load_after = load()

    otel = sides[2]
    lines = [
        f"cores: {os.cpu_count()}; 1-min load average {load_before} before, {load_after} after; "
        f"{args.step_seconds:g} s per paced step, {args.unpaced_seconds:g} s unpaced; "
        "one thread ending spans, one process per step, default settings",
        "",
        "| exporter | highest paced rate, 0 dropped | vs OTel SDK | unpaced: ended/s | "
        "unpaced: dropped | unpaced: exported/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s, u in zip(sides, unpaced):
        best = fmt_rate(s.best) + (f" (the thread's ceiling, {fmt_rate(s.limit)})" if s.limit else "")
        lines.append(f"| {s.name} | {best} | {s.best / otel.best if otel.best else float('nan'):.1f}x | "
                     f"{fmt_rate(u['end_rate'])} | {u['dropped'] / u['ended']:.1%} | "
                     f"{fmt_rate(u['export_rate'])} |")
    checks = [
        (f"C, OTLP file, paced 200,000/s for {args.goal_seconds:g} s", goal_200k, "0 dropped"),
        (f"C, OTLP file, unpaced {args.unpaced_seconds:g} s", unpaced[0], "<= 1% dropped, >= 500,000 exported/s"),
        (f"Python binding, {args.python_spans:,} spans in a burst, OTLP file", py, "0 dropped"),
        (f"(peer) OTel Python SDK, the same burst, OTLP/JSON file", py_otel, "-"),
    ]
    lines += ["", "| goal case | ended | dropped | exported | exported/s | goal | |",
              "|---|---:|---:|---:|---:|---|---|"]
    for name, r, goal in checks:
        misses = [] if goal == "-" else ["dropped"] if goal == "0 dropped" and r["dropped"] else []
        if goal.startswith("<="):
            misses = (["dropped"] if r["dropped"] > 0.01 * r["ended"] else []) + (
                ["exported/s"] if r["export_rate"] < 500_000 else [])
        met = None if goal == "-" else "met" if not misses else f"NOT met ({', '.join(misses)})"
        lines.append(f"| {name} | {r['ended']:,} | {r['dropped']:,} | {r['exported']:,.0f} | "
                     f"{fmt_rate(r['export_rate'])} | {goal} | {met or ''} |")
    lines += ["", f"Idle, {args.idle_seconds:g} s after a 2 s settle, voluntary context switches "
              "summed over /proc/self/task/*/status:", "",
              "| process | switches | per second | threads | vs prometheus-cpp |",
              "|---|---:|---:|---:|---:|"]
    for name, r in (("n3obs, prometheus + otlp (file) plugins", idle_ours),
                    ("prometheus-cpp 1.0.1 Exposer, one counter", idle_peer)):
        ratio = r["per_second"] / idle_peer["per_second"] if idle_peer["per_second"] else float("nan")
        lines.append(f"| {name} | {r['voluntary_switches']} | {r['per_second']:.2f} | "
                     f"{r['threads']} | {ratio:.1f}x |")
    lines += ["", "Paced steps (rate: dropped / ended):", ""]
    for s in sides:
        lines.append(f"- {s.name}: " + ", ".join(
            f"{fmt_rate(r['rate'])}: {r['dropped']:,}/{r['ended']:,}" for r in s.steps))
    bad = [r for r in [*(st for s in sides for st in s.steps), *unpaced, goal_200k, py, py_otel]
           if r["exit"] != 0 or abs(r["ended"] - r["dropped"] - r["exported"]) > 0]
    if bad:
        lines += ["", f"WARNING: {len(bad)} runs where exported + dropped != ended or the "
                  "driver failed: " + "; ".join(json.dumps(r) for r in bad[:3])]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text + "\n")
        args.markdown.with_suffix(".json").write_text(json.dumps(
            {"steps": [st for s in sides for st in s.steps], "unpaced": unpaced,
             "paced_200k": goal_200k, "python_burst": py, "python_burst_otel": py_otel, "idle": [idle_ours, idle_peer]},
            indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
