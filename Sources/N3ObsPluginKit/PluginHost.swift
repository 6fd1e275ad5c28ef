import CN3Obs
import Glibc

/// The host table as a plugin uses it: each field is read only when the host's table is
/// large enough to hold it (a host older than this plugin simply lacks newer functions).
public struct PluginHost {
    public let raw: UnsafePointer<n3obs_host>?
    /// The plugin's name, passed to log and count_dropped.
    public let pluginName: String

    public init(_ raw: UnsafePointer<n3obs_host>?, pluginName: String) {
        self.raw = raw
        self.pluginName = pluginName
    }

    public var version: UInt32 { raw?.pointee.version ?? 0 }

    /// True when the host's table covers the field (by its size, as sqlite3ext.h does).
    public func provides<T>(_ field: KeyPath<n3obs_host, T>) -> Bool {
        guard let raw, let offset = MemoryLayout<n3obs_host>.offset(of: field) else { return false }
        return offset + MemoryLayout<T>.size <= Int(raw.pointee.size)
    }

    /// Logs through the host; to stderr when the host offers no log function.
    public func log(_ level: Int32, _ message: String) {
        if provides(\.log), let log = raw!.pointee.log {
            log(level, pluginName, message)
            return
        }
        let tag: String
        switch level {
        case N3OBS_LOG_ERROR: tag = "error"
        case N3OBS_LOG_WARN: tag = "warning"
        case N3OBS_LOG_INFO: tag = "info"
        default: tag = "debug"
        }
        var line: [UInt8] = []
        line.append("n3obs \(pluginName) \(tag): \(message)\n")
        _ = FileOutput.writeAll(fd: 2, line)
    }

    public func error(_ message: String) { log(N3OBS_LOG_ERROR, message) }
    public func warn(_ message: String) { log(N3OBS_LOG_WARN, message) }

    /// Counts items the plugin dropped on its own (n3obs_export_dropped_total).
    public func countDropped(signal: String, count: UInt64, reason: String) {
        guard provides(\.count_dropped), let f = raw!.pointee.count_dropped else { return }
        f(pluginName, signal, count, reason)
    }

    public var sdkVersion: String? {
        guard provides(\.sdk_version), let v = raw!.pointee.sdk_version else { return nil }
        return String(cString: v)
    }

    /// The process' resource (service.name, OTEL_RESOURCE_ATTRIBUTES, telemetry.sdk.*).
    public var resourceAttributes: Attributes {
        guard provides(\.resource_attribute_count) else { return Attributes(nil, count: 0) }
        return Attributes(raw!.pointee.resource_attributes, count: raw!.pointee.resource_attribute_count)
    }

    /// Collects a fresh snapshot (a pull exporter's scrape), lends it to body, frees it.
    /// Returns nil with the host's status when collection failed or is not offered.
    public func withMetricsSnapshot<R>(_ body: (MetricsSnapshotView) -> R) -> Result<R, PluginError> {
        guard provides(\.metrics_snapshot_free), let collect = raw!.pointee.collect_metrics,
              let free = raw!.pointee.metrics_snapshot_free else {
            return .failure(PluginError("the host offers no collect_metrics"))
        }
        var snapshot: UnsafeMutablePointer<n3obs_metrics_snapshot>?
        let status = collect(&snapshot)
        guard status == 0, let snapshot else {
            return .failure(PluginError("collect_metrics failed with status \(status)"))
        }
        defer { free(snapshot) }
        return .success(body(MetricsSnapshotView(snapshot)))
    }

    /// Runs the checks that are due (run: true) or reads the last report, lends it to body.
    public func withHealthReport<R>(run: Bool, _ body: (HealthReportView?) -> R) -> Result<R, PluginError> {
        guard provides(\.health_report_free), let free = raw!.pointee.health_report_free,
              let get = run ? raw!.pointee.health_run : raw!.pointee.health_last_report else {
            return .failure(PluginError("the host offers no health reports"))
        }
        var report: UnsafeMutablePointer<n3obs_health_report>?
        let status = get(&report)
        guard status == 0 else { return .failure(PluginError("health report failed with status \(status)")) }
        defer { if let report { free(report) } }
        return .success(body(report.map { HealthReportView($0) }))
    }
}
