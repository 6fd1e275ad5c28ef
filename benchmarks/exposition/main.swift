// `make bench`: the Prometheus plugin's serializer (N3ObsPrometheus.Exposition) on a real
// snapshot (SnapshotBuilder, as n3obs_metrics_collect makes it) of the 10,000 series that
// bench_exposition_cpp.cpp and bench_exposition.py build for prometheus-cpp and
// prometheus_client. Prints "<case> <value> <unit>" lines for exposition_run.py.
//
//   n3obs-bench-exposition text|openmetrics [--dump]
import Glibc
import N3Obs
import N3ObsPrometheus

/// 10 counter families and 10 gauge families of 500 series each, labels
/// {method, route, status}; the peers build exactly these.
func buildRegistry() throws -> Registry {
    let r = Registry(cardinalityLimit: 100_000)
    for f in 0..<10 {
        let labels = ["method", "route", "status"]
        let counter = try r.register(MetricShape(name: "bench_requests_\(f)_total", help: "Requests of group \(f).",
                                                 type: .counter, labelNames: labels))
        let gauge = try r.register(MetricShape(name: "bench_inflight_\(f)", help: "In flight in group \(f).",
                                               type: .gauge, labelNames: labels))
        for i in 0..<500 {
            let values = [i % 2 == 1 ? "GET" : "POST", "/api/v1/item/\(i)", String(200 + i % 5)]
            Recording.counterAdd(try counter.cell(labels: values), Double(i % 97 + 1))
            Recording.gaugeSet(try gauge.cell(labels: values), Double(i) * 0.001 * Double(f + 1))
        }
    }
    return r
}

let args = CommandLine.arguments
guard args.count >= 2, let format: Exposition.Format = args[1] == "text" ? .text : args[1] == "openmetrics" ? .openMetrics : nil else {
    let usage = "usage: n3obs-bench-exposition text|openmetrics [--dump]\n"
    _ = usage.withCString { write(2, $0, strlen($0)) }
    exit(2)
}
let registry = try buildRegistry()
guard let snapshot = SnapshotBuilder.collect(registry) else { fatalError("no snapshot") }
if args.contains("--dump") {
    let bytes = Exposition.render(snapshot, format: format)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { exit(1) }
        offset += n
    }
    exit(0)
}
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
var size = 0
func renderOnce() -> Int { Exposition.withRendered(snapshot, format: format) { $0.count } }
for _ in 0..<3 { size = renderOnce() }   // warm up
var rounds = 0
let t0 = now()
while now() - t0 < 1_000_000_000 || rounds < 10 {
    size &+= renderOnce() & 1
    rounds += 1
}
let perRender = Double(now() - t0) / Double(rounds)
print("serialize_\(args[1]) \(perRender / 1e3) us")
