import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

@_cdecl("n3obs_health_report_free")
public func cHealthReportFree(_ report: UnsafeMutablePointer<n3obs_health_report>?) {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    ReportCStruct.free(report) // one allocation; one not ours is ignored
}

@_cdecl("n3obs_health_report_json")
public func cHealthReportJSON(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                              _ report: UnsafePointer<n3obs_health_report>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_health_report_json"
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = nil
    guard let report else { return fail(fn, .invalidArgument, "report is NULL") }
    do throws(N3ObsError) {
        try N3ObsSDK.shared.requireRunning()
        guard let json = strdup(ReportJSON.render(try ReportCStruct.read(report))) else {
            return fail(fn, .noMemory, "no memory for the JSON report")
        }
        out.pointee = json
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_health_json_free")
public func cHealthJSONFree(_ json: UnsafeMutablePointer<CChar>?) {
    free(json)
}

/// Made once and never freed, so the pointers outlive every call.
private enum StatusNames {
    nonisolated(unsafe) static let names: [UnsafePointer<CChar>] = HealthStatus.allCases.map { UnsafePointer(strdup($0.name)!) }
    nonisolated(unsafe) static let unknown: UnsafePointer<CChar> = UnsafePointer(strdup("unknown")!)
}

@_cdecl("n3obs_health_status_str")
public func cHealthStatusStr(_ status: Int32) -> UnsafePointer<CChar> {
    guard let s = HealthStatus(rawValue: status) else { return StatusNames.unknown }
    return StatusNames.names[Int(s.rawValue)]
}
