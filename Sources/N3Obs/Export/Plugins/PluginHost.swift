import CN3Obs
import CN3ObsShims
import Glibc

/// The table every exporter plugin is started with (include/n3obs_exporter.h): the SDK's
/// functions in their C form (HostFunctions), the SDK's log, the drop counter and the
/// resource. Every entry is a C function of this module, so a Swift program that links the
/// core alone can load plugins; each enters the fork gate as a C API call does, because a
/// plugin calls it from its own code, which runs outside the gate.
public enum PluginHost {
    /// Made on first use, from the settings in force then (the resource's service.name and
    /// telemetry.sdk.language), and never freed: plugins keep the pointer.
    nonisolated(unsafe) public static let table: UnsafePointer<n3obs_host> = make()

    private static func make() -> UnsafePointer<n3obs_host> {
        let settings = N3ObsSDK.shared.settings
        let (attributes, count) = Resource.cAttributesForPlugins(serviceName: settings?.serviceName ?? "unknown_service",
                                                                 language: settings?.sdkLanguage ?? "c")
        let table = UnsafeMutablePointer<n3obs_host>.allocate(capacity: 1)
        table.initialize(to: n3obs_host(
            version: UInt32(N3OBS_EXPORTER_ABI_VERSION),
            size: UInt32(MemoryLayout<n3obs_host>.size),
            collect_metrics: { out in
                n3o_gate_enter(); defer { n3o_gate_leave() }
                return HostFunctions.collectMetrics(out)
            },
            metrics_snapshot_free: { snapshot in
                n3o_gate_enter(); defer { n3o_gate_leave() }
                HostFunctions.metricsSnapshotFree(snapshot)
            },
            health_run: { out in
                n3o_gate_enter(); defer { n3o_gate_leave() }
                return HostFunctions.healthRun(out)
            },
            health_last_report: { out in
                n3o_gate_enter(); defer { n3o_gate_leave() }
                return HostFunctions.healthLastReport(out)
            },
            health_report_free: { report in
                n3o_gate_enter(); defer { n3o_gate_leave() }
                HostFunctions.healthReportFree(report)
            },
            health_report_json: { out, report in
                n3o_gate_enter(); defer { n3o_gate_leave() }
                return HostFunctions.healthReportJSON(out, report)
            },
            health_json_free: { HostFunctions.healthJSONFree($0) },
            log: { level, plugin, message in
                SDKLog.log(SDKLog.Level(rawValue: level) ?? .info, PluginHost.text(plugin, or: "plugin"),
                           PluginHost.text(message, or: ""))
            },
            count_dropped: { plugin, signal, count, reason in
                n3o_gate_enter(); defer { n3o_gate_leave() }
                N3ObsSDK.shared.pipeline?.countPluginDrop(exporter: PluginHost.text(plugin, or: "unknown"),
                                                          signal: PluginHost.text(signal, or: "unknown"),
                                                          count: count, reason: PluginHost.text(reason, or: "unknown"))
            },
            resource_attributes: attributes,
            resource_attribute_count: count,
            sdk_version: UnsafePointer(strdup(N3ObsVersion.string)!)))
        return UnsafePointer(table)
    }

    /// Not captured but named (`PluginHost.text`): a C function pointer cannot capture.
    private static func text(_ p: UnsafePointer<CChar>?, or fallback: String) -> String {
        p.map { String(cString: $0) } ?? fallback
    }
}
