import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

/// What every plugin gets: the public C API's own functions, so a plugin sees exactly what
/// a C program sees. Made once and never freed (plugins keep the pointer).
nonisolated(unsafe) let pluginHostTable: UnsafePointer<n3obs_host> = {
    let settings = N3ObsSDK.shared.settings
    let (attributes, count) = Resource.cAttributesForPlugins(serviceName: settings?.serviceName ?? "unknown_service",
                                                             language: settings?.sdkLanguage ?? "c")
    let table = UnsafeMutablePointer<n3obs_host>.allocate(capacity: 1)
    table.initialize(to: n3obs_host(
        version: UInt32(N3OBS_EXPORTER_ABI_VERSION),
        size: UInt32(MemoryLayout<n3obs_host>.size),
        // Closures rather than the @_cdecl functions themselves: naming those as C function
        // pointers makes a debug build emit their C symbols twice.
        collect_metrics: { cMetricsCollect($0) },
        metrics_snapshot_free: { cMetricsSnapshotFree($0) },
        health_run: { cHealthRun($0) },
        health_last_report: { cHealthLastReport($0) },
        health_report_free: { cHealthReportFree($0) },
        health_report_json: { cHealthReportJSON($0, $1) },
        health_json_free: { cHealthJSONFree($0) },
        log: { level, plugin, message in
            let source = plugin.map { String(cString: $0) } ?? "plugin"
            SDKLog.log(SDKLog.Level(rawValue: level) ?? .info, source, message.map { String(cString: $0) } ?? "")
        },
        count_dropped: { plugin, signal, count, reason in
            func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "unknown" }
            N3ObsSDK.shared.pipeline?.countPluginDrop(exporter: text(plugin), signal: text(signal),
                                                      count: count, reason: text(reason))
        },
        resource_attributes: attributes,
        resource_attribute_count: count,
        sdk_version: StaticCString.version))
    return UnsafePointer(table)
}()

@_cdecl("n3obs_exporter_load")
public func cExporterLoad(_ nameOrPath: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_exporter_load"
    do throws(N3ObsError) {
        let name = try CString.read(nameOrPath, what: "name_or_path", limit: 4096)
        let config = try CString.read(configJSON, what: "config_json", limit: 1 << 20, nullIsEmpty: true)
        try N3ObsSDK.shared.requireRunning()
        N3ObsSDK.shared.pluginHost = pluginHostTable
        try N3ObsSDK.shared.loadExporter(name, configJSON: config.isEmpty ? "{}" : config)
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_force_flush")
public func cForceFlush(_ timeoutMilliseconds: UInt32) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_force_flush"
    do throws(N3ObsError) {
        guard try N3ObsSDK.shared.forceFlush(timeoutMilliseconds: timeoutMilliseconds) else {
            return fail(fn, .timeout, "exporters did not finish within \(timeoutMilliseconds) ms")
        }
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}
