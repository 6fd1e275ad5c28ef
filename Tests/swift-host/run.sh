#!/usr/bin/env bash
# A Swift program that depends on the `N3Obs` product alone (examples/swift-host) loads the
# shipped stdout, otlp and prometheus plugins and runs them: what it records in Swift must
# show in the stdout plugin's file, the OTLP file and a scrape of the endpoint, and the
# program must carry none of the C API (no libn3obs.so). Needs `swift build -c release`
# first (the plugins in .build/release). Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
lib=$root/.build/release
out=$root/.build/swift-host-test
swift=${SWIFT:-swift}
passed=0 failed=0

check() { # check NAME CONDITION-STATUS
    if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok - $1"
    else failed=$((failed + 1)); echo "not ok - $1"; fi
}
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

for p in stdout otlp prometheus; do
    [ -f "$lib/libn3obs_$p.so" ] || { echo "run.sh: $lib/libn3obs_$p.so is missing: run swift build -c release" >&2; exit 2; }
done

rm -rf "$out" && mkdir -p "$out"
"$swift" build -c release --package-path examples/swift-host --scratch-path "$root/.build/swift-host" \
    >"$out/build.log" 2>&1
check "the example package builds against the N3Obs product" $?
bin=$root/.build/swift-host/release/swift-host
[ -x "$bin" ] || finish

# The core alone: no libn3obs.so at run time, and none of the C API's functions inside.
! ldd "$bin" | grep -q 'libn3obs\.so'
check "the program does not link libn3obs.so" $?
[ "$(nm "$bin" | grep -c ' T n3obs_')" = 0 ]
check "the program defines none of the C API's n3obs_* functions" $?

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkfifo "$out/stdin"
N3OBS_PLUGIN_PATH=$lib timeout 60 "$bin" "$lib" "$out" "$port" <"$out/stdin" >"$out/program.log" 2>&1 &
pid=$!
exec 3>"$out/stdin" # the program's standard input: a line tells it to shut down
for _ in $(seq 1 200); do grep -qx ready "$out/program.log" && break; sleep 0.05; done
python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
    "http://127.0.0.1:$port/metrics" >"$out/scrape.txt" 2>&1
echo shutdown >&3
exec 3>&-
wait "$pid"
check "the program runs and exits 0 (log: $out/program.log)" $?

grep -q '^swift_host_jobs_total{kind="demo"} 3' "$out/scrape.txt"
check "the prometheus plugin, loaded by name, serves the counter recorded in Swift" $?
grep -qx 'loadExporter(no_such_plugin): pluginNotFound running=true' "$out/program.log"
check "a missing plugin is a pluginNotFound error and the SDK keeps running" $?
grep -qx 'shutdown: delivered=true' "$out/program.log"
check "shutdown delivers everything to the plugins" $?

# What the plugins wrote: the counter and the span, with the Swift program's resource.
# One "ok - " or "not ok - " line per check, counted with the ones above.
python3 - "$out" >"$out/files.txt" 2>&1 <<'PY'
import json, sys
out = sys.argv[1]
def check(name, ok):
    print(("ok - " if ok else "not ok - ") + name)

lines = [json.loads(l) for l in open(f"{out}/stdout.jsonl")]
spans = [l for l in lines if l["type"] == "span" and l["name"] == "swift-host.job"]
check("stdout plugin: the span ended in Swift", len(spans) == 1)
check("stdout plugin: the counter recorded in Swift",
      any(l["type"] == "metric" and l["name"] == "swift_host_jobs_total" and l["labels"] == {"kind": "demo"}
          and l["value"] == 3 for l in lines))
check("stdout plugin: a health report", any(l["type"] == "health" for l in lines))

otlp = [json.loads(l) for l in open(f"{out}/otlp.jsonl")]
def resource(block):
    return {a["key"]: a["value"].get("stringValue") for a in block["resource"]["attributes"]}
otlp_spans = [(resource(rs), s) for d in otlp for rs in d.get("resourceSpans", [])
              for ss in rs["scopeSpans"] for s in ss["spans"] if s["name"] == "swift-host.job"]
check("otlp plugin: the same span (the stdout plugin's trace id)",
      len(spans) == 1 and [s["traceId"] for _, s in otlp_spans] == [spans[0]["trace_id"]])
check("otlp plugin: the resource names the service and a Swift SDK",
      len(otlp_spans) == 1 and otlp_spans[0][0].get("service.name") == "swift-host-example"
      and otlp_spans[0][0].get("telemetry.sdk.language") == "swift")
points = [p for d in otlp for rm in d.get("resourceMetrics", []) for sm in rm["scopeMetrics"]
          for m in sm["metrics"] if m["name"] == "swift_host_jobs" and m["sum"]["isMonotonic"]
          for p in m["sum"]["dataPoints"]]
check("otlp plugin: the counter as a monotonic sum of 3",
      any(p.get("asDouble", p.get("asInt")) in (3, "3")
          and p["attributes"] == [{"key": "kind", "value": {"stringValue": "demo"}}] for p in points))
PY
cat "$out/files.txt"
passed=$((passed + $(grep -c '^ok - ' "$out/files.txt")))
files_failed=$(grep -c '^not ok - ' "$out/files.txt")
[ "$(grep -c 'ok - ' "$out/files.txt")" = 6 ] || files_failed=$((files_failed + 1)) # a traceback is a failure
failed=$((failed + files_failed))
finish
