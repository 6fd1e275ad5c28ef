/// Settings of the export pipeline: which exporters load at init and how often metrics are
/// pushed. Resolved like the rest: caller, then environment, then default.
public struct ExportSettings: Sendable, Equatable {
    /// Exporters loaded at init: N3OBS_EXPORTERS' names (configured "{}"), then the
    /// configuration's `exporterPlugins`.
    public var exporters: [ExporterPlugin] = []
    /// OTEL_METRIC_EXPORT_INTERVAL, default 60000 ms.
    public var metricExportIntervalMilliseconds = 60_000
    /// N3OBS_PLUGIN_ALLOW_INSECURE=1 loads plugins other users may write.
    public var allowInsecurePlugins = false
    /// N3OBS_FLUSH_ON_SIGNALS=1: SIGTERM and SIGINT flush before the process ends.
    public var flushOnSignals = false

    public init() {}
}

/// An exporter plugin to load: a name (libn3obs_<name>.so in N3OBS_PLUGIN_PATH, then beside
/// the SDK) or a path, and the plugin's configuration as a JSON object text.
public struct ExporterPlugin: Sendable, Equatable {
    public var nameOrPath: String
    public var configJSON: String

    public init(_ nameOrPath: String, configJSON: String = "{}") {
        self.nameOrPath = nameOrPath
        self.configJSON = configJSON
    }
}

extension Configuration {
    func resolveExport(into resolved: inout Resolved, _ env: (String) -> String?) throws(N3ObsError) {
        var settings = ExportSettings()
        if let list = exporters ?? env("N3OBS_EXPORTERS") {
            settings.exporters = list.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
                .filter { $0 != "none" }.map { ExporterPlugin($0) }
        }
        settings.exporters += exporterPlugins
        if let interval = metricExportIntervalMilliseconds {
            guard interval > 0 else { throw N3ObsError(.config, "metric export interval must be positive") }
            settings.metricExportIntervalMilliseconds = interval
        } else if let text = env("OTEL_METRIC_EXPORT_INTERVAL") {
            guard let n = Int(text.trimmingSpaces()), n > 0 else {
                throw N3ObsError(.config, "OTEL_METRIC_EXPORT_INTERVAL='\(text)' is not a positive number of milliseconds")
            }
            settings.metricExportIntervalMilliseconds = n
        }
        settings.allowInsecurePlugins = ["1", "true", "yes"].contains(env("N3OBS_PLUGIN_ALLOW_INSECURE")?.lowercased() ?? "")
        if let on = flushOnSignals {
            settings.flushOnSignals = on
        } else if let text = env("N3OBS_FLUSH_ON_SIGNALS")?.trimmingSpaces().lowercased(), !text.isEmpty {
            switch text {
            case "1", "true", "yes", "on": settings.flushOnSignals = true
            case "0", "false", "no", "off": settings.flushOnSignals = false
            default: throw N3ObsError(.config, "N3OBS_FLUSH_ON_SIGNALS='\(text)' is not 1 or 0")
            }
        }
        resolved.export = settings
    }
}
