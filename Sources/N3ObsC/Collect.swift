import CN3Obs
import CN3ObsShims
import N3Obs

// The same functions plugins get in their host table (N3Obs' HostFunctions).

@_cdecl("n3obs_metrics_collect")
public func cMetricsCollect(_ out: HostFunctions.SnapshotOut) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return HostFunctions.collectMetrics(out)
}

@_cdecl("n3obs_metrics_snapshot_free")
public func cMetricsSnapshotFree(_ snapshot: UnsafeMutablePointer<n3obs_metrics_snapshot>?) {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    HostFunctions.metricsSnapshotFree(snapshot)
}
