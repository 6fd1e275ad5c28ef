import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

@_cdecl("n3obs_metrics_collect")
public func cMetricsCollect(_ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_metrics_snapshot>?>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_metrics_collect"
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = nil
    do throws(N3ObsError) {
        let registry = try N3ObsSDK.shared.runningRegistry()
        guard let snapshot = SnapshotBuilder.collect(registry) else {
            return fail(fn, .noMemory, "no memory for a metrics snapshot")
        }
        out.pointee = snapshot
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_metrics_snapshot_free")
public func cMetricsSnapshotFree(_ snapshot: UnsafeMutablePointer<n3obs_metrics_snapshot>?) {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    free(snapshot)
}
