// Starts n3obs from Swift with three exporter plugins, records a counter and a span, and
// shuts down, so that what the plugins wrote can be checked (Tests/swift-host/run.sh).
//
//   swift-host PLUGIN_DIR OUT_DIR PROMETHEUS_PORT
//
// The stdout and otlp plugins are loaded by path, the prometheus plugin by name (found in
// N3OBS_PLUGIN_PATH). After recording the program prints "ready" and waits for a line on
// standard input, so that the endpoint can be scraped, then shuts down.
import Glibc
import N3Obs

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    print("usage: swift-host PLUGIN_DIR OUT_DIR PROMETHEUS_PORT")
    exit(2)
}
let (plugins, out, port) = (arguments[1], arguments[2], arguments[3])

var configuration = Configuration()
configuration.serviceName = "swift-host-example"
configuration.tracesSampler = "always_on"
configuration.exporterPlugins = [
    ExporterPlugin("\(plugins)/libn3obs_stdout.so", configJSON: #"{"format": "json", "output": "\#(out)/stdout.jsonl"}"#),
    ExporterPlugin("\(plugins)/libn3obs_otlp.so", configJSON: #"{"file": "\#(out)/otlp.jsonl"}"#),
    ExporterPlugin("prometheus", configJSON: #"{"listen": "127.0.0.1:\#(port)"}"#),
]

do {
    try N3ObsSDK.shared.start(configuration)

    let registry = try N3ObsSDK.shared.runningRegistry()
    let jobs = try registry.register(MetricShape(name: "swift_host_jobs_total", help: "Jobs the Swift host ran.",
                                                 type: .counter, labelNames: ["kind"]))
    Recording.counterAdd(try jobs.cell(labels: ["demo"]), 3)

    let tracer = try N3ObsSDK.shared.runningTracer()
    var name = "swift-host.job"
    let span = try name.withUTF8 { try tracer.start(name: UnsafeRawBufferPointer($0)) }
    try tracer.end(span)

    // A plugin that does not exist: a clear error, and the SDK keeps running.
    do {
        try N3ObsSDK.shared.loadExporter("no_such_plugin")
        print("loadExporter(no_such_plugin): loaded?!")
    } catch {
        print("loadExporter(no_such_plugin): \(error.status) running=\(N3ObsSDK.shared.state == .running)")
    }

    print("ready")
    _ = readLine()
    let delivered = try N3ObsSDK.shared.shutdown(timeoutMilliseconds: 5000)
    print("shutdown: delivered=\(delivered)")
} catch {
    print("swift-host: \((error as? N3ObsError)?.message ?? "\(error)")")
    exit(1)
}
