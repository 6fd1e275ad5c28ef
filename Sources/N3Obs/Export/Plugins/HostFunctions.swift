import CN3Obs
import Glibc

/// The SDK functions a plugin reaches through its host table, in their C form: argument
/// checks, statuses and the n3obs_error_last message. The C API publishes the same
/// functions under their n3obs_* names (Sources/N3ObsC), so a plugin sees exactly what a C
/// program sees. Callers enter the fork gate first.
public enum HostFunctions {
    public typealias SnapshotOut = UnsafeMutablePointer<UnsafeMutablePointer<n3obs_metrics_snapshot>?>?
    public typealias ReportOut = UnsafeMutablePointer<UnsafeMutablePointer<n3obs_health_report>?>?

    /// n3obs_metrics_collect.
    public static func collectMetrics(_ out: SnapshotOut) -> Int32 {
        let fn: StaticString = "n3obs_metrics_collect"
        guard let out else { return N3ObsError(.invalidArgument, "out is NULL").cStatus(fn) }
        out.pointee = nil
        do throws(N3ObsError) {
            guard let snapshot = SnapshotBuilder.collect(try N3ObsSDK.shared.runningRegistry()) else {
                throw N3ObsError(.noMemory, "no memory for a metrics snapshot")
            }
            out.pointee = snapshot
            return N3OBS_OK
        } catch {
            return error.cStatus(fn)
        }
    }

    /// n3obs_metrics_snapshot_free: a snapshot is one allocation.
    public static func metricsSnapshotFree(_ snapshot: UnsafeMutablePointer<n3obs_metrics_snapshot>?) {
        free(snapshot)
    }

    /// n3obs_health_run: runs the checks that are due.
    public static func healthRun(_ out: ReportOut) -> Int32 {
        deliverReport("n3obs_health_run", out) { $0.runAll() }
    }

    /// n3obs_health_last_report: the latest report of n3obs_health_run or the monitor.
    public static func healthLastReport(_ out: ReportOut) -> Int32 {
        deliverReport("n3obs_health_last_report", out) { $0.lastReport() }
    }

    /// Makes a report with `make` and hands it over as a C struct: the common body of the
    /// report functions. `make` returning nil means "no report" (*out stays NULL, N3OBS_OK).
    public static func deliverReport(_ fn: StaticString, _ out: ReportOut,
                                     _ make: (HealthRegistry) throws(N3ObsError) -> HealthReport?) -> Int32 {
        guard let out else { return N3ObsError(.invalidArgument, "out is NULL").cStatus(fn) }
        out.pointee = nil
        do throws(N3ObsError) {
            guard let report = try make(try N3ObsSDK.shared.runningHealth()) else { return N3OBS_OK }
            guard let c = ReportCStruct.make(report) else { throw N3ObsError(.noMemory, "no memory for a health report") }
            out.pointee = c
            return N3OBS_OK
        } catch {
            return error.cStatus(fn)
        }
    }

    /// n3obs_health_report_free: one allocation; one not ours is ignored.
    public static func healthReportFree(_ report: UnsafeMutablePointer<n3obs_health_report>?) {
        ReportCStruct.free(report)
    }

    /// n3obs_health_report_json.
    public static func healthReportJSON(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                        _ report: UnsafePointer<n3obs_health_report>?) -> Int32 {
        let fn: StaticString = "n3obs_health_report_json"
        guard let out else { return N3ObsError(.invalidArgument, "out is NULL").cStatus(fn) }
        out.pointee = nil
        guard let report else { return N3ObsError(.invalidArgument, "report is NULL").cStatus(fn) }
        do throws(N3ObsError) {
            try N3ObsSDK.shared.requireRunning()
            guard let json = strdup(ReportJSON.render(try ReportCStruct.read(report))) else {
                throw N3ObsError(.noMemory, "no memory for the JSON report")
            }
            out.pointee = json
            return N3OBS_OK
        } catch {
            return error.cStatus(fn)
        }
    }

    /// n3obs_health_json_free.
    public static func healthJSONFree(_ json: UnsafeMutablePointer<CChar>?) {
        free(json)
    }
}
