import CN3Obs

public enum HealthStatusName {
    /// "healthy", "degraded", "unhealthy" or "unknown".
    public static func name(_ s: n3obs_health_status) -> String {
        switch s {
        case N3OBS_HEALTH_HEALTHY: return "healthy"
        case N3OBS_HEALTH_DEGRADED: return "degraded"
        case N3OBS_HEALTH_UNHEALTHY: return "unhealthy"
        default: return "unknown"
        }
    }
}

/// A health report handed to export_health, read in place.
public struct HealthReportView {
    public let raw: UnsafePointer<n3obs_health_report>
    public init(_ raw: UnsafePointer<n3obs_health_report>) { self.raw = raw }

    public var status: n3obs_health_status { raw.pointee.status }
    public var statusName: String { HealthStatusName.name(status) }
    public var timeUnixNano: Int64 { raw.pointee.time_unix_nano }
    public var durationNanos: Int64 { raw.pointee.duration_ns }
    /// Sorted by name; an entry is nil only if the host handed a NULL pointer.
    public var checks: CPointerArrayView<HealthCheckView> {
        CPointerArrayView(raw.pointee.checks, count: raw.pointee.check_count)
    }
}

public struct HealthCheckView: CStructView {
    public let raw: UnsafePointer<n3obs_health_check_result>
    public init(_ raw: UnsafePointer<n3obs_health_check_result>) { self.raw = raw }

    public var status: n3obs_health_status { raw.pointee.status }
    public var statusName: String { HealthStatusName.name(status) }
    public var name: CStringRef { CStringRef(raw.pointee.name) }
    public var description: CStringRef { CStringRef(raw.pointee.description) }
    public var detail: CStringRef { CStringRef(raw.pointee.detail) }
    public var durationNanos: Int64 { raw.pointee.duration_ns }
    public var timestampUnixNano: Int64 { raw.pointee.timestamp_unix_nano }
    public var tags: CStringArray { CStringArray(raw.pointee.tags, count: raw.pointee.tag_count) }
    public var isCritical: Bool { raw.pointee.critical != 0 }
    public var timedOut: Bool { raw.pointee.timed_out != 0 }
    public var stuck: Bool { raw.pointee.stuck != 0 }
    public var cached: Bool { raw.pointee.cached != 0 }
}
