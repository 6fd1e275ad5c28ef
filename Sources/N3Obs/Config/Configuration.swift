import Glibc
import N3ObsSupport

/// The SDK's settings. Each field is resolved in this order: what the caller set, then the
/// environment variable named beside it, then the default.
public struct Configuration: Sendable, Equatable {
    /// `service.name`. Env: OTEL_SERVICE_NAME.
    public var serviceName: String?
    /// Prefix of the standard catalogue's names. Env: N3OBS_METRIC_NAMESPACE.
    public var metricNamespace: String?
    /// Series per family before the overflow series. Env: N3OBS_METRIC_CARDINALITY_LIMIT.
    public var cardinalityLimit: Int?
    /// Whether the standard catalogue is registered at init.
    public var registerCatalog = true
    /// Whether environment variables are read at all.
    public var readEnvironment = true
    /// Exporters to load at init (else N3OBS_EXPORTERS), comma-separated names or paths.
    public var exporters: String?
    /// Exporters to load at init with their JSON configuration, after those of `exporters`
    /// (what n3obs_exporter_load does from C).
    public var exporterPlugins: [ExporterPlugin] = []
    /// Metrics push period (else OTEL_METRIC_EXPORT_INTERVAL).
    public var metricExportIntervalMilliseconds: Int?
    /// Whether SIGTERM and SIGINT flush before the process ends (else N3OBS_FLUSH_ON_SIGNALS).
    public var flushOnSignals: Bool?
    /// Built-in health checks, thresholds and the monitor (N3OBS_HEALTH_*).
    public var health = HealthConfiguration()
    // Tracing: unset fields come from OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_* and the
    // OTEL_*_COUNT_LIMIT variables (see `resolveTracing`).
    public var tracesSampler: String?
    public var tracesSamplerArg: String?
    public var bspMaxQueueSize: Int?
    public var bspMaxExportBatchSize: Int?
    public var bspScheduleDelayMilliseconds: Int?
    public var bspExportTimeoutMilliseconds: Int?
    public var spanAttributeCountLimit: Int?
    public var spanEventCountLimit: Int?
    public var spanLinkCountLimit: Int?
    /// `telemetry.sdk.language` of the resource: the language of the code that starts the
    /// SDK. The C API sets "c", the Python binding "python"; Swift callers keep "swift".
    public var sdkLanguage = "swift"
    /// Where the SDK's and the plugins' log lines go (nil: fd 2); installed when the SDK
    /// starts, kept for the rest of the process. N3OBS_LOG_LEVEL still filters them.
    public var logSink: SDKLog.Sink?

    public init() {}

    /// The settings after the environment and the defaults have filled every gap.
    public struct Resolved: Sendable, Equatable {
        public var serviceName: String
        public var metricNamespace: String
        public var cardinalityLimit: Int
        public var registerCatalog: Bool
        public var health = HealthSettings()
        public var sampler: Sampler = .default
        public var spanLimits = SpanLimits()
        public var batch = BatchSettings()
        public var export = ExportSettings()
        public var sdkLanguage = "swift"
    }

    /// Fills every unset field from `environment` (the process' by default), then defaults.
    /// - Throws: `.config` naming the variable or field whose value is invalid.
    public func resolved(environment: @escaping (String) -> String? = Environment.get) throws(N3ObsError) -> Resolved {
        let env: (String) -> String? = readEnvironment ? environment : { _ in nil }
        let service = serviceName ?? env("OTEL_SERVICE_NAME").flatMap { $0.isEmpty ? nil : $0 }
            ?? Environment.resourceAttribute("service.name", in: env("OTEL_RESOURCE_ATTRIBUTES"))
            ?? "unknown_service"
        let namespaceFromEnvironment = metricNamespace == nil ? env("N3OBS_METRIC_NAMESPACE") : nil
        let namespace = metricNamespace ?? namespaceFromEnvironment ?? "namel3ss"
        if !namespace.isEmpty {
            do throws(N3ObsError) { try MetricNames.validateMetricName(namespace) } catch {
                let source = namespaceFromEnvironment != nil ? "N3OBS_METRIC_NAMESPACE" : "metric namespace"
                throw N3ObsError(.config, "\(source) '\(namespace)' is not a valid metric name prefix")
            }
        }
        var limit = Limits.defaultCardinalityLimit
        if let cardinalityLimit {
            guard cardinalityLimit > 0 else { throw N3ObsError(.config, "cardinality limit must be positive") }
            limit = cardinalityLimit
        } else if let text = env("N3OBS_METRIC_CARDINALITY_LIMIT") {
            guard let n = Int(text.trimmingSpaces()), n > 0, n <= 100_000_000 else {
                throw N3ObsError(.config,
                                 "N3OBS_METRIC_CARDINALITY_LIMIT='\(text)' is not a whole number in 1...100000000")
            }
            limit = n
        }
        var resolved = Resolved(serviceName: service, metricNamespace: namespace, cardinalityLimit: limit,
                                registerCatalog: registerCatalog, health: try health.resolved(env))
        resolved.sdkLanguage = sdkLanguage
        try resolveTracing(into: &resolved, env)
        try resolveExport(into: &resolved, env)
        return resolved
    }
}

extension Environment {
    /// One key of an OTEL_RESOURCE_ATTRIBUTES list (`key=value,key2=value2`, values
    /// percent-encoded as the specification says).
    static func resourceAttribute(_ key: String, in list: String?) -> String? {
        guard let list else { return nil }
        for pair in list.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, String(parts[0]).trimmingSpaces() == key else { continue }
            let value = String(parts[1]).trimmingSpaces()
            return value.isEmpty ? nil : value
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
