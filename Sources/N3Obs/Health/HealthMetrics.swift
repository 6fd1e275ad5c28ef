/// Health as metrics: `n3obs_health_status{check}` (1 healthy, 0.5 degraded, 0 unhealthy)
/// and `n3obs_health_check_duration_seconds{check}`, gauges set whenever a check's result
/// is decided (run, timed out, stuck or refused; a cached result changes nothing).
final class HealthMetrics: @unchecked Sendable {
    static let statusName = "n3obs_health_status"
    static let durationName = "n3obs_health_check_duration_seconds"

    let status: MetricFamily
    let duration: MetricFamily

    init(registry: Registry) throws(N3ObsError) {
        status = try registry.register(MetricShape(
            name: Self.statusName,
            help: "Latest result of each health check: 1 healthy, 0.5 degraded, 0 unhealthy.",
            type: .gauge, labelNames: ["check"]))
        duration = try registry.register(MetricShape(
            name: Self.durationName, help: "How long each health check's latest run took.",
            unit: "seconds", type: .gauge, labelNames: ["check"]))
    }

    func record(_ result: CheckResult) {
        // The names were validated at registration; a failure here (out of memory) only
        // loses one sample, which the next run replaces.
        if let cell = try? status.cell(labels: [result.name]) {
            Recording.gaugeSet(cell, result.status.metricValue)
        }
        if let cell = try? duration.cell(labels: [result.name]) {
            Recording.gaugeSet(cell, Double(result.durationNanos) / 1e9)
        }
    }
}
