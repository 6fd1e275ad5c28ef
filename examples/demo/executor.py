"""The Python half of the demo: a Namel3ss-style executor.

It runs tasks in parallel; each is an execution in the standard catalogue and a span that
calls the C worker (examples/demo/worker.c) with the span's traceparent, so one trace
crosses both processes. Some tasks fail. Telemetry leaves through the Prometheus endpoint
(scrape it while the demo runs), the OTLP file sink, and the stdout exporter; at the end the
executor prints a short summary and one trace as a tree, read back from the OTLP files.

usage: python executor.py WORKER_BINARY OUT_DIR [--port N] [--serve]
"""
import argparse
import asyncio
import json
import os
import time
import urllib.request

import n3obs
from n3obs import compat

TASKS = 8


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("worker")
    p.add_argument("out_dir")
    p.add_argument("--port", type=int, default=9464)
    p.add_argument("--serve", action="store_true", help="keep serving /metrics until Ctrl-C")
    return p.parse_args()


async def run_task(manager, worker, worker_env, task_id):
    execution_id = f"task-{task_id}"
    # The execution's own span ("executor.execute"); the call to the worker is its child.
    execution = await manager.record_execution_start("executor", "parallel", execution_id,
                                                      task=task_id)
    context = n3obs.set_span_in_context(execution) if execution is not None else None
    with n3obs.start_as_current_span("call worker", context=context, kind=n3obs.SpanKind.CLIENT,
                                     attributes={"demo.task": task_id}) as span:
        carrier = {}
        n3obs.inject(carrier)
        proc = await asyncio.create_subprocess_exec(worker, str(task_id), carrier["traceparent"],
                                                    env=worker_env)
        code = await proc.wait()
        ok = code == 0
        if not ok:
            span.set_status(n3obs.StatusCode.ERROR, f"worker exited with {code}")
            await manager.record_error("executor", "WorkerFailed", "warning")
    await manager.record_execution_complete(
        "executor", "parallel", execution_id, success=ok,
        error=None if ok else RuntimeError(f"worker exited with {code}"))
    return ok


def failure_ratio_check():
    fam = n3obs.collect().get("namel3ss_execution")
    done = {s.labels.get("status"): s.value for s in fam.series} if fam else {}
    failed, total = done.get("error", 0), sum(done.values())
    if total and failed / total > 0.2:
        return n3obs.health.HealthStatus.DEGRADED, f"{failed:.0f} of {total:.0f} executions failed"
    return n3obs.health.HealthStatus.HEALTHY, f"{failed:.0f} of {total:.0f} executions failed"


def spans_from(paths):
    spans = []
    for path in paths:
        if not os.path.exists(path):
            continue
        for line in open(path):
            doc = json.loads(line)
            for rs in doc.get("resourceSpans", []):
                service = next((a["value"].get("stringValue") for a in rs["resource"]["attributes"]
                                if a["key"] == "service.name"), "?")
                for ss in rs["scopeSpans"]:
                    for s in ss["spans"]:
                        s["service"] = service
                        spans.append(s)
    return spans


def print_tree(spans, trace_id):
    members = [s for s in spans if s["traceId"] == trace_id]
    children = {}
    for s in members:
        children.setdefault(s.get("parentSpanId", ""), []).append(s)
    ids = {s["spanId"] for s in members}

    def show(s, depth):
        ms = (int(s["endTimeUnixNano"]) - int(s["startTimeUnixNano"])) / 1e6
        status = {2: " ERROR", 1: " OK"}.get(s.get("status", {}).get("code", 0), "")
        print(f"    {'  ' * depth}{s['name']}  [{s['service']}]  {ms:.1f} ms{status}")
        for c in sorted(children.get(s["spanId"], []), key=lambda c: c["startTimeUnixNano"]):
            show(c, depth + 1)

    for root in [s for s in members if s.get("parentSpanId", "") not in ids]:
        show(root, 0)


async def main():
    args = parse_args()
    otlp_file = os.path.join(args.out_dir, "otlp-executor.jsonl")
    manager = compat.initialize_observability(
        service_name="demo-executor", enable_metrics=True, enable_tracing=True,
        enable_health_monitoring=True, metrics_port=args.port)
    n3obs.load_exporter("otlp", file=otlp_file, http=False)
    n3obs.health.register("task_failures", failure_ratio_check, timeout=1.0,
                          tags=["demo"], critical=False)
    url = f"http://127.0.0.1:{args.port}"
    print(f"scrape:  {url}/metrics   health: {url}/readyz")
    print(f"OTLP:    {otlp_file} (executor), {os.path.join(args.out_dir, 'otlp-worker.jsonl')} (workers)")
    print(f"stdout exporter of the workers: {os.path.join(args.out_dir, 'stdout.log')}\n")

    # The workers' exporters: the OTLP file sink and the stdout exporter (into a log file).
    worker_env = dict(os.environ, OTEL_SERVICE_NAME="demo-worker", N3OBS_EXPORTERS="otlp,stdout",
                      N3OBS_OTLP_FILE=os.path.join(args.out_dir, "otlp-worker.jsonl"),
                      N3OBS_STDOUT_OUTPUT=os.path.join(args.out_dir, "stdout.log"))
    started = time.time()
    results = await asyncio.gather(*(run_task(manager, args.worker, worker_env, i) for i in range(TASKS)))
    print(f"ran {TASKS} tasks in {time.time() - started:.2f} s: "
          f"{sum(results)} succeeded, {TASKS - sum(results)} failed")

    if manager.metrics.endpoint_error is None:
        scraped = urllib.request.urlopen(f"{url}/metrics", timeout=5).read().decode()
        executions = [l for l in scraped.splitlines() if l.startswith("namel3ss_execution_total{")]
        print("\nexecutions, as Prometheus scrapes them:")
        for line in executions:
            print(f"    {line}")
    else:  # the port is taken, say: the rest of the demo goes on
        print(f"\nno scrape endpoint ({manager.metrics.endpoint_error}); try --port")
    errors = n3obs.collect().get("namel3ss_error")
    print(f"errors recorded: {sum(s.value for s in errors.series) if errors else 0:.0f}")

    report = n3obs.health.report()
    print(f"\nhealth: {report.status.value}")
    for c in report.checks:
        print(f"    {c.status.value:9} {c.name}: {c.detail}")

    if args.serve:
        print(f"\nserving {url}/metrics; Ctrl-C to stop")
        try:
            while True:
                await asyncio.sleep(3600)
        except (KeyboardInterrupt, asyncio.CancelledError):
            pass

    n3obs.shutdown()  # flushes the OTLP file
    spans = spans_from([otlp_file, os.path.join(args.out_dir, "otlp-worker.jsonl")])
    failed = [s for s in spans if s["name"] == "worker.handle" and s.get("status", {}).get("code") == 2]
    chosen = failed[0] if failed else next((s for s in spans if s["name"] == "executor.execute"), None)
    if chosen:
        print(f"\none trace across both processes ({chosen['traceId']}):")
        print_tree(spans, chosen["traceId"])
    print(f"\n{len(spans)} spans in the OTLP files; done.")


if __name__ == "__main__":
    asyncio.run(main())
