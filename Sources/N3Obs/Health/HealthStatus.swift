/// The result of a health check; raw values are `n3obs_health_status`'s
/// (`N3OBS_HEALTH_HEALTHY` 0, `N3OBS_HEALTH_DEGRADED` 1, `N3OBS_HEALTH_UNHEALTHY` 2).
///
/// Ordered from best to worst, so the worse of two statuses is `max(a, b)`.
public enum HealthStatus: Int32, Sendable, Comparable, CaseIterable {
    case healthy = 0
    case degraded = 1
    case unhealthy = 2

    /// "healthy", "degraded" or "unhealthy": what the JSON report and people read.
    public var name: String {
        switch self {
        case .healthy: "healthy"
        case .degraded: "degraded"
        case .unhealthy: "unhealthy"
        }
    }

    /// The value of `n3obs_health_status{check}`: 1 healthy, 0.5 degraded, 0 unhealthy,
    /// so that `min()` over checks and alerts on `< 1` read naturally.
    public var metricValue: Double {
        switch self {
        case .healthy: 1
        case .degraded: 0.5
        case .unhealthy: 0
        }
    }

    public static func < (a: HealthStatus, b: HealthStatus) -> Bool { a.rawValue < b.rawValue }

    /// The overall status of a set of results: a failing (unhealthy) critical check makes it
    /// unhealthy; a failing non-critical check, or any degraded check, makes it at most
    /// degraded; otherwise (and for no checks at all) healthy.
    public static func overall<S: Sequence>(_ results: S) -> HealthStatus where S.Element == CheckResult {
        var worst = HealthStatus.healthy
        for r in results {
            switch r.status {
            case .healthy: continue
            case .degraded: worst = max(worst, .degraded)
            case .unhealthy: worst = max(worst, r.critical ? .unhealthy : .degraded)
            }
            if worst == .unhealthy { break }
        }
        return worst
    }
}
