import Glibc
import Testing
@testable import N3Obs

@Suite struct HealthReportTests {
    let report = HealthReport(checks: [
        CheckResult(name: "db", description: "the \"main\" db", status: .unhealthy, critical: true,
                    detail: "line1\nline2\t\u{1}", durationNanos: 1_234_567, timestampUnixNano: 1_700_000_000_123_000_000,
                    tags: ["sql", "ü"], timedOut: true),
        CheckResult(name: "cache", status: .healthy, cached: true),
    ], timeUnixNano: 1_700_000_000_123_000_000, durationNanos: 5_000)

    @Test func jsonLeadsWithTheStatusAndEscapesStrings() {
        let json = ReportJSON.render(report)
        #expect(json.hasPrefix("{\"status\":\"unhealthy\",\"time\":\"2023-11-14T22:13:20.123Z\""))
        #expect(json.contains("\"counts\":{\"healthy\":1,\"degraded\":0,\"unhealthy\":1}"))
        #expect(json.contains("\"detail\":\"line1\\nline2\\t\\u0001\""))
        #expect(json.contains("\"description\":\"the \\\"main\\\" db\""))
        #expect(json.contains("\"tags\":[\"sql\",\"ü\"]"))
        #expect(json.contains("\"duration_ms\":1.234,\"timed_out\":true,\"stuck\":false,\"cached\":false"))
        #expect(json.hasSuffix("\"cached\":true}]}"))
    }

    @Test func cStructRoundTrips() throws {
        let c = try #require(ReportCStruct.make(report))
        defer { free(c) }
        #expect(c.pointee.check_count == 2)
        #expect(String(cString: c.pointee.checks[0]!.pointee.tags[1]!) == "ü")
        let back = try ReportCStruct.read(c)
        #expect(back == report)
    }

    @Test func cStructRefusesAForeignReport() {
        var fake = n3obs_health_report_like()
        #expect(throws: N3ObsError.self) { try withUnsafePointer(to: &fake) { try ReportCStruct.read($0) } }
    }

    @Test func overallStatusRules() {
        func r(_ s: HealthStatus, _ critical: Bool) -> CheckResult { CheckResult(name: "x", status: s, critical: critical) }
        #expect(HealthStatus.overall([r(.unhealthy, false)]) == .degraded)
        #expect(HealthStatus.overall([r(.unhealthy, true)]) == .unhealthy)
        #expect(HealthStatus.overall([r(.degraded, true), r(.healthy, false)]) == .degraded)
        #expect(HealthStatus.overall([CheckResult]()) == .healthy)
    }
}

import CN3Obs
private func n3obs_health_report_like() -> n3obs_health_report {
    n3obs_health_report(size: 3, status: N3OBS_HEALTH_HEALTHY, time_unix_nano: 0, duration_ns: 0, checks: nil, check_count: 5)
}
