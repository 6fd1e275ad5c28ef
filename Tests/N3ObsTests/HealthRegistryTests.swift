import CN3ObsShims
import Testing
@testable import N3Obs
import N3ObsSupport

/// A latch the tests open to let a "hung" body return.
final class Gate: @unchecked Sendable {
    private let sync = MonotonicCondition()
    private var open = false
    private var _entered = 0
    private var _left = 0

    var entered: Int { sync.withLock { _entered } }
    var left: Int { sync.withLock { _left } }

    func pass() {
        sync.withLock {
            _entered += 1
            while !open { sync.wait() }
            _left += 1
        }
    }

    func release() { sync.withLock { open = true; sync.broadcast() } }

    /// Waits up to `seconds` for `condition`; true if it became true.
    func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let end = n3o_monotonic_ns() + UInt64(seconds * 1e9)
        while n3o_monotonic_ns() < end {
            if condition() { return true }
            sync.withLock { sync.wait(untilMonotonic: n3o_monotonic_ns() + 5_000_000) }
        }
        return condition()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}

@Suite struct HealthRegistryTests {
    let metrics = Registry()
    let health: HealthRegistry

    init() { health = HealthRegistry(metricsRegistry: metrics, maxThreads: 4) }

    private func check(_ name: String, _ status: HealthStatus, critical: Bool = false,
                       detail: String = "") -> HealthCheckDefinition {
        HealthCheckDefinition(name: name, critical: critical) { HealthOutcome(status, detail) }
    }

    @Test(arguments: HealthStatus.allCases, HealthStatus.allCases)
    func everyStatusCombination(_ critical: HealthStatus, _ plain: HealthStatus) throws {
        try health.register(check("critical", critical, critical: true))
        try health.register(check("plain", plain))
        let report = health.runAll()
        let expected: HealthStatus = critical == .unhealthy ? .unhealthy
            : (critical == .healthy && plain == .healthy) ? .healthy : .degraded
        #expect(report.status == expected)
        #expect(report.check("critical")?.status == critical)
        #expect(report.check("plain")?.status == plain)
        #expect(report.checks.map(\.name) == ["critical", "plain"])
    }

    @Test func noChecksIsHealthy() {
        #expect(health.runAll().status == .healthy)
        #expect(health.lastReport()?.checks.isEmpty == true)
    }

    @Test func duplicateAndInvalidNamesAreRefused() throws {
        try health.register(check("a", .healthy))
        #expect(throws: N3ObsError.self) { try health.register(check("a", .healthy)) }
        for bad in ["", "tab\there", String(repeating: "x", count: 256)] {
            #expect(throws: N3ObsError.self) { try health.register(check(bad, .healthy)) }
        }
        #expect(throws: N3ObsError.self) { try health.unregister("missing") }
    }

    @Test func outOfEnumStatusIsUnhealthyAndSaysSo() throws {
        try health.register(HealthCheckDefinition(name: "odd", critical: true) {
            HealthOutcome(rawStatus: 42, detail: "hm")
        })
        let r = try #require(health.runAll().check("odd"))
        #expect(r.status == .unhealthy)
        #expect(r.detail.contains("returned 42"))
        #expect(r.detail.contains("hm"))
    }

    @Test func hungCheckTimesOutThenIsStuckAndNeverRerun() throws {
        let gate = Gate()
        try health.register(HealthCheckDefinition(name: "hung", timeoutMilliseconds: 50, critical: true) {
            gate.pass()
            return HealthOutcome(.healthy)
        })
        let start = n3o_monotonic_ns()
        let first = health.runAll()
        #expect(n3o_monotonic_ns() - start < 2_000_000_000, "the report is on time")
        #expect(first.check("hung")?.timedOut == true)
        #expect(first.check("hung")?.detail == "timed out after 50 ms")
        #expect(first.status == .unhealthy)
        let threads = health.threadCount
        for _ in 0..<100 {
            let r = health.runAll()
            #expect(r.check("hung")?.stuck == true)
            #expect(r.check("hung")?.status == .unhealthy)
        }
        #expect(gate.entered == 1, "started once")
        #expect(health.threadCount <= threads, "no thread pile-up")
        gate.release()
        #expect(gate.eventually { gate.left == 1 })
        #expect(gate.eventually { health.runAll().check("hung")?.status == .healthy })
        #expect(gate.entered == 2)
    }

    @Test func unregisteringWhileRunningKeepsTheCheckAliveUntilItReturns() throws {
        let gate = Gate()
        let released = Counter()
        try health.register(HealthCheckDefinition(name: "busy", timeoutMilliseconds: 20,
                                                  onRelease: { released.add() }) {
            gate.pass()
            return HealthOutcome(.healthy)
        })
        _ = health.runAll()
        try health.unregister("busy")
        #expect(released.value == 0, "still running")
        #expect(health.runAll().check("busy") == nil)
        gate.release()
        #expect(gate.eventually { released.value == 1 })
    }

    @Test func poolRefusesOnceAllThreadsAreHeldByHungChecks() throws {
        let gate = Gate()
        defer { gate.release() }
        for i in 0..<5 {
            try health.register(HealthCheckDefinition(name: "h\(i)", timeoutMilliseconds: 20) {
                gate.pass()
                return HealthOutcome(.healthy)
            })
        }
        let r = health.runAll()
        #expect(r.checks.filter(\.timedOut).count == 4, "maxThreads is 4")
        let refused = try #require(r.checks.first { $0.detail.hasPrefix("not started") })
        #expect(refused.status == .unhealthy)
        #expect(health.threadCount <= 4)
        #expect(r.status == .degraded, "non-critical failures only degrade")
    }

    @Test func intervalReusesTheLastResult() throws {
        let runs = Counter()
        try health.register(HealthCheckDefinition(name: "slowly", intervalMilliseconds: 60_000) {
            runs.add()
            return HealthOutcome(.degraded, "meh")
        })
        #expect(health.runAll().check("slowly")?.cached == false)
        let again = try #require(health.runAll().check("slowly"))
        #expect(again.cached && again.status == .degraded && again.detail == "meh")
        #expect(runs.value == 1)
        #expect(try health.run(checkNamed: "slowly").check("slowly")?.cached == false)
        #expect(runs.value == 2)
    }

    @Test func resultsBecomeMetrics() throws {
        try health.register(check("m", .degraded))
        _ = health.runAll()
        let snap = try MetricsSnapshot.collect(metrics)
        #expect(snap.family(HealthMetrics.statusName)?.series(["m"])?.value == 0.5)
        #expect((snap.family(HealthMetrics.durationName)?.series(["m"])?.value ?? -1) >= 0)
    }

    @Test func closeReleasesEveryCheckAndRefusesMore() throws {
        let released = Counter()
        try health.register(HealthCheckDefinition(name: "x", onRelease: { released.add() }) { HealthOutcome(.healthy) })
        health.close()
        #expect(released.value == 1)
        #expect(throws: N3ObsError.self) { try health.register(check("y", .healthy)) }
    }

    @Test func closeJoinsEveryThreadItStarted() throws {
        for name in ["a", "b", "c"] { try health.register(check(name, .healthy)) }
        #expect(health.startMonitor(intervalMilliseconds: 10))
        _ = health.runAll()
        #expect(health.threadCount > 0)
        #expect(health.close() == 0, "every thread joined")
        #expect(health.threadCount == 0)
    }

    @Test func closeLeavesOnlyAThreadHeldByAHungCheck() throws {
        let gate = Gate()
        try health.register(HealthCheckDefinition(name: "hung", timeoutMilliseconds: 20) {
            gate.pass()
            return HealthOutcome(.healthy)
        })
        try health.register(check("fine", .healthy))
        _ = health.runAll()
        #expect(health.close(timeoutMilliseconds: 50) == 1, "the hung body's thread is left to end on its own")
        gate.release()
        #expect(gate.eventually { health.threadCount == 0 })
    }

    @Test func monitorKeepsTheLastReport() throws {
        try health.register(check("tick", .healthy))
        #expect(health.startMonitor(intervalMilliseconds: 10))
        #expect(Gate().eventually { health.lastReport()?.check("tick") != nil })
        health.close()
    }
}
