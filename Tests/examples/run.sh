#!/usr/bin/env bash
# Every example runs and shows what it promises: the C examples, the Python examples, the
# C plugin (through demo.c), and the full demo (Python executor + C workers, one trace
# across both, Prometheus scrape, OTLP files). Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
py=.build/venv/bin/python
out=.build/examples-test
mkdir -p "$out"
passed=0
failed=0
expect() { # expect DESCRIPTION LOG TEXT... -- COMMAND...
    local desc=$1 log=$2; shift 2
    local texts=()
    while [ "$1" != "--" ]; do texts+=("$1"); shift; done
    shift
    local ok=1
    timeout 120 "$@" >"$log" 2>&1 || ok=0
    for t in "${texts[@]}"; do grep -qF -- "$t" "$log" || ok=0; done
    if [ $ok = 1 ]; then echo "ok - $desc"; passed=$((passed + 1))
    else echo "not ok - $desc"; sed 's/^/#   /' "$log" | tail -30; failed=$((failed + 1)); fi
}

expect "C: every metric type, printed from a snapshot" "$out/metrics_demo.log" \
    'http_requests (counter)' 'payload_bytes (summary)' 'p99=' -- .build/demo/metrics_demo
expect "C: health checks, their JSON report" "$out/health_demo.log" '"status"' -- .build/demo/health_demo
rm -f "$out"/*.csv
expect "C: spans across threads, health, exported by stdout and the C plugin (csv)" "$out/demo.log" \
    'name "db.query"' 'status ERROR "upstream timeout"' '# metrics at' 'health ' -- \
    env OTEL_SERVICE_NAME=n3obs-demo N3OBS_EXPORTERS=stdout,csv N3OBS_CSV_METRICS_PATH="$out/metrics.csv" \
    N3OBS_CSV_SPANS_PATH="$out/spans.csv" .build/demo/demo
expect "the C plugin wrote the spans as CSV" "$out/spans-head.log" 'trace_id,span_id' 'process task' -- \
    cat "$out/spans.csv"
expect "Python: prometheus_client style" "$out/prom.log" "('GET', '/users'): 5.0" 'latency count: 5' -- \
    "$py" examples/python/prometheus_style.py
expect "Python: OpenTelemetry style, one trace across a W3C boundary" "$out/otel.log" \
    'handle       parent=client call  status=ERROR' 'fetch        parent=handle' -- \
    "$py" examples/python/opentelemetry_style.py
expect "Python: the Namel3ss compat API" "$out/compat.log" 'health: healthy' 'vector_store' -- \
    "$py" examples/python/namel3ss_compat.py
rm -f "$out"/*.jsonl "$out"/stdout.log
expect "the demo: executor and C workers in one trace, scraped and exported" "$out/full-demo.log" \
    'ran 8 tasks' 'status="error"} 2' 'degraded  task_failures' 'one trace across both processes' \
    'worker.handle  [demo-worker]' '32 spans in the OTLP files' -- \
    "$py" examples/demo/executor.py .build/demo/worker "$out" --port 19464
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
