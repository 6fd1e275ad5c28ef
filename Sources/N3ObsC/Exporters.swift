import CN3Obs
import CN3ObsShims
import N3Obs

@_cdecl("n3obs_exporter_load")
public func cExporterLoad(_ nameOrPath: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_exporter_load"
    do throws(N3ObsError) {
        let name = try CString.read(nameOrPath, what: "name_or_path", limit: 4096)
        let config = try CString.read(configJSON, what: "config_json", limit: 1 << 20, nullIsEmpty: true)
        try N3ObsSDK.shared.requireRunning()
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
