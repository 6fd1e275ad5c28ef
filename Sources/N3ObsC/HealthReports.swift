import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

// The same functions plugins get in their host table (N3Obs' HostFunctions).

@_cdecl("n3obs_health_report_free")
public func cHealthReportFree(_ report: UnsafeMutablePointer<n3obs_health_report>?) {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    HostFunctions.healthReportFree(report)
}

@_cdecl("n3obs_health_report_json")
public func cHealthReportJSON(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                              _ report: UnsafePointer<n3obs_health_report>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return HostFunctions.healthReportJSON(out, report)
}

@_cdecl("n3obs_health_json_free")
public func cHealthJSONFree(_ json: UnsafeMutablePointer<CChar>?) {
    HostFunctions.healthJSONFree(json)
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
