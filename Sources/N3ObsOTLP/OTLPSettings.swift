import N3ObsPluginKit
import N3ObsSupport

/// The OTLP plugin's configuration. A key of the JSON config wins over its environment
/// variable, which wins over the default; a per-signal variable wins over the generic one
/// (as the OpenTelemetry specification says).
///
///     {"file": "/var/log/app.otlp.jsonl", "file_max_bytes": 67108864, "file_keep": 3,
///      "endpoint": "http://collector:4318", "headers": {"x-api-key": "..."},
///      "timeout_ms": 10000, "compression": "gzip", "buffer_max_bytes": 8388608}
struct OTLPSettings {
    /// Where and how one signal is POSTed.
    struct Target {
        var url: String
        var headers: [(String, String)]
        var timeoutMs: Int
        var gzip: Bool
    }

    static let keys: Set<String> = [
        "file", "file_max_bytes", "file_keep", "http", "endpoint", "traces_endpoint",
        "metrics_endpoint", "headers", "timeout_ms", "compression", "buffer_max_bytes",
        "retry_initial_backoff_ms", "retry_max_backoff_ms",
    ]
    static let defaultEndpoint = "http://localhost:4318"

    var file: String?
    var fileMaxBytes = 64 << 20
    var fileKeep = 3
    /// nil: no HTTP sink.
    var traces: Target?
    var metrics: Target?
    var bufferMaxBytes = 8 << 20
    var retryInitialMs = 1000
    var retryMaxMs = 30_000

    init() {}

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        let unknown = config.unknownKeys(allowed: Self.keys)
        if !unknown.isEmpty {
            host.warn("ignoring unknown config keys: \(unknown.joined(separator: ", ")) " +
                      "(known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        file = try config.string("file") ?? Environment.nonEmpty("N3OBS_OTLP_FILE")
        fileMaxBytes = try Self.int(config, "file_max_bytes", "N3OBS_OTLP_FILE_MAX_BYTES", fileMaxBytes, min: 0)
        fileKeep = try Self.int(config, "file_keep", "N3OBS_OTLP_FILE_KEEP", fileKeep, min: 0)
        bufferMaxBytes = try Self.int(config, "buffer_max_bytes", "N3OBS_OTLP_BUFFER_MAX_BYTES", bufferMaxBytes, min: 0)
        retryInitialMs = try Self.int(config, "retry_initial_backoff_ms", "N3OBS_OTLP_RETRY_INITIAL_BACKOFF_MS",
                                      retryInitialMs, min: 1)
        retryMaxMs = try Self.int(config, "retry_max_backoff_ms", "N3OBS_OTLP_RETRY_MAX_BACKOFF_MS",
                                  retryMaxMs, min: retryInitialMs)

        // HTTP is on unless only a file was asked for: an explicit "http", any endpoint
        // setting, or no file at all turns it on.
        let configEndpoint = try config.string("endpoint")
        let tracesEndpoint = try config.string("traces_endpoint") ?? Environment.nonEmpty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        let metricsEndpoint = try config.string("metrics_endpoint") ?? Environment.nonEmpty("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        let base = configEndpoint ?? Environment.nonEmpty("OTEL_EXPORTER_OTLP_ENDPOINT")
        let anyEndpoint = base != nil || tracesEndpoint != nil || metricsEndpoint != nil
        let http = try config.bool("http") ?? (file == nil || anyEndpoint)
        if let f = file, f.isEmpty { throw PluginError("file is empty: give a path, or leave it out") }
        guard http || file != nil else {
            throw PluginError("nothing to export to: \"http\" is false and no \"file\" (N3OBS_OTLP_FILE) is given")
        }
        if let p = Environment.nonEmpty("OTEL_EXPORTER_OTLP_PROTOCOL"), p != "http/json" {
            host.warn("OTEL_EXPORTER_OTLP_PROTOCOL=\(p) is not supported; sending http/json")
        }
        guard http else { return }

        let configHeaders = try Self.headers(config)
        let configTimeout = try config.int("timeout_ms")
        let configCompression = try config.string("compression")
        func target(_ signal: String, _ path: String, _ specific: String?) throws(PluginError) -> Target {
            let upper = signal.uppercased()
            let url = specific ?? Self.join(base ?? Self.defaultEndpoint, path)
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw PluginError("\(signal) endpoint \"\(url)\" is not an http:// or https:// URL")
            }
            let headerText = Environment.nonEmpty("OTEL_EXPORTER_OTLP_\(upper)_HEADERS") ?? Environment.nonEmpty("OTEL_EXPORTER_OTLP_HEADERS")
            var headers: [(String, String)]
            if let h = configHeaders { headers = h } else { headers = try Self.parseHeaders(headerText ?? "") }
            var timeout = 10_000
            if let t = configTimeout {
                timeout = t
            } else if let t = Environment.nonEmpty("OTEL_EXPORTER_OTLP_\(upper)_TIMEOUT") ?? Environment.nonEmpty("OTEL_EXPORTER_OTLP_TIMEOUT") {
                guard let v = Int(t), v >= 0 else { throw PluginError("OTEL_EXPORTER_OTLP_TIMEOUT \"\(t)\" is not a whole number of milliseconds") }
                timeout = v
            }
            if timeout == 0 { timeout = 10_000 }
            let compression = configCompression ?? Environment.nonEmpty("OTEL_EXPORTER_OTLP_\(upper)_COMPRESSION")
                ?? Environment.nonEmpty("OTEL_EXPORTER_OTLP_COMPRESSION") ?? "none"
            guard compression == "gzip" || compression == "none" else {
                throw PluginError("compression \"\(compression)\" is not \"gzip\" or \"none\"")
            }
            return Target(url: url, headers: headers, timeoutMs: timeout, gzip: compression == "gzip")
        }
        traces = try target("traces", "v1/traces", tracesEndpoint)
        metrics = try target("metrics", "v1/metrics", metricsEndpoint)
    }

    private static func int(_ config: PluginConfig, _ key: String, _ env: String, _ fallback: Int, min: Int) throws(PluginError) -> Int {
        var value = fallback
        if let v = try config.int(key) {
            value = v
        } else if let e = Environment.nonEmpty(env) {
            guard let v = Int(e) else { throw PluginError("\(env) \"\(e)\" is not a whole number") }
            value = v
        }
        guard value >= min else { throw PluginError("\(key) must be at least \(min), got \(value)") }
        return value
    }

    /// base + "/" + path with exactly one slash between them.
    static func join(_ base: String, _ path: String) -> String {
        base.hasSuffix("/") ? base + path : base + "/" + path
    }

    private static func headers(_ config: PluginConfig) throws(PluginError) -> [(String, String)]? {
        guard let obj = try config.object("headers") else { return nil }
        var out: [(String, String)] = []
        for m in obj.members {
            guard case let .string(v) = m.value else { throw PluginError("config headers.\(m.key) must be a string") }
            out.append((m.key, v))
        }
        return out
    }

    /// "k1=v1,k2=v2" with percent-encoded values (the W3C Baggage format the OTLP exporter
    /// specification uses for OTEL_EXPORTER_OTLP_HEADERS).
    static func parseHeaders(_ text: String) throws(PluginError) -> [(String, String)] {
        var out: [(String, String)] = []
        for item in text.split(separator: ",") {
            let trimmed = item.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw PluginError("OTEL_EXPORTER_OTLP_HEADERS item \"\(trimmed)\" is not key=value")
            }
            let key = String(trimmed[..<eq]).trimmingSpaces
            let value = percentDecode(String(trimmed[trimmed.index(after: eq)...]).trimmingSpaces)
            guard !key.isEmpty else { throw PluginError("OTEL_EXPORTER_OTLP_HEADERS has an empty key") }
            out.append((key, value))
        }
        return out
    }

    static func percentDecode(_ s: String) -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        while i < u.count {
            if u[i] == 0x25, i + 2 < u.count, let h = hex(u[i + 1]), let l = hex(u[i + 2]) {
                bytes.append(h << 4 | l)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
