import Testing
@testable import N3Obs

@Suite struct BuiltinChecksTests {
    @Test func thresholds() {
        #expect(BuiltinChecks.below(50, degraded: 10, unhealthy: 5) == .healthy)
        #expect(BuiltinChecks.below(7, degraded: 10, unhealthy: 5) == .degraded)
        #expect(BuiltinChecks.below(4.9, degraded: 10, unhealthy: 5) == .unhealthy)
        #expect(BuiltinChecks.above(89.9, degraded: 90, unhealthy: 98) == .healthy)
        #expect(BuiltinChecks.above(90, degraded: 90, unhealthy: 98) == .degraded)
        #expect(BuiltinChecks.above(100, degraded: 90, unhealthy: 98) == .unhealthy)
    }

    @Test func meminfo() throws {
        let text = "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:     700000 kB\nHugePages_Total:       0\n"
        let info = ProcFiles.parseMeminfo(Array(text.utf8), keys: ["MemTotal", "MemAvailable", "HugePages_Total"])
        #expect(info["MemTotal"] == 16_000_000 * 1024)
        #expect(info["HugePages_Total"] == 0)
        let m = try #require(ProcFiles.systemMemory(info))
        #expect(m.available == 700_000 * 1024)
        let out = BuiltinChecks.systemMemory(degraded: 10, unhealthy: 5, meminfo: Array(text.utf8))
        #expect(out.rawStatus == HealthStatus.unhealthy.rawValue, "4.4 % available")
        #expect(out.detail.contains("(4.4%"))
        #expect(BuiltinChecks.systemMemory(degraded: 10, unhealthy: 5, meminfo: []).rawStatus == 2)
    }

    @Test func cpuParsingAndDelta() throws {
        let a = try #require(CPUSampler.parse(Array("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2\n".utf8)))
        #expect(a.busy == 200 && a.total == 1000)
        let sampler = CPUSampler(windowNanos: 1_000) { CPUSampler.Sample(busy: 200, total: 1000, monotonic: 0) }
        // A window too short to measure gives no figure, even when every tick in it was busy.
        #expect(sampler.utilisation(CPUSampler.Sample(busy: 201, total: 1001, monotonic: 10)) == nil)
        let u = try #require(sampler.utilisation(CPUSampler.Sample(busy: 700, total: 2000, monotonic: 5_000)))
        #expect(u.value == 0.5)
        // Within the window the last complete figure is reused rather than a noisy one.
        #expect(sampler.utilisation(CPUSampler.Sample(busy: 700, total: 2001, monotonic: 5_500))?.value == 0.5)
        #expect(CPUSampler.parse(Array("intr 1 2".utf8)) == nil)
    }

    @Test func pipelineCountsOnlyNewTrouble() {
        let state = PipelineCheckState()
        #expect(state.evaluate(nil, degraded: 80, unhealthy: 100).detail == "no export pipeline yet")
        var s = PipelineStats(queueLength: 10, queueCapacity: 100, droppedTotal: 5)
        #expect(state.evaluate(s, degraded: 80, unhealthy: 100).rawStatus == 0, "old drops are history")
        s.droppedTotal = 6
        #expect(state.evaluate(s, degraded: 80, unhealthy: 100).rawStatus == 1)
        #expect(state.evaluate(s, degraded: 80, unhealthy: 100).rawStatus == 0)
        s.queueLength = 100
        #expect(state.evaluate(s, degraded: 80, unhealthy: 100).rawStatus == 2)
        s.queueLength = 0
        s.consecutiveExportFailures = 5
        #expect(state.evaluate(s, degraded: 80, unhealthy: 100).rawStatus == 2)
    }

    @Test func definitionsFollowTheSettings() {
        var settings = HealthSettings()
        settings.builtins = [.cpu, .pipeline]
        settings.builtinsCritical = true
        let defs = BuiltinChecks.definitions(settings, pipeline: PipelineSource())
        #expect(defs.map(\.name) == ["cpu", "pipeline"])
        #expect(defs.allSatisfy { $0.critical && $0.tags == BuiltinChecks.tags })
    }

    @Test func configurationFromTheEnvironment() throws {
        let env = ["N3OBS_HEALTH_BUILTINS": "cpu, disk", "N3OBS_HEALTH_DISK_PATH": "/var",
                   "N3OBS_HEALTH_CPU_DEGRADED_PERCENT": "75", "N3OBS_HEALTH_MONITOR_INTERVAL_MS": "1000",
                   "N3OBS_HEALTH_BUILTINS_CRITICAL": "yes"]
        let s = try Configuration().resolved { env[$0] }.health
        #expect(s.builtins == [.cpu, .disk])
        #expect(s.diskPath == "/var" && s.monitorIntervalMilliseconds == 1000 && s.builtinsCritical)
        #expect(s.threshold(.cpuDegraded) == 75 && s.threshold(.cpuUnhealthy) == 98)
        var c = Configuration()
        c.health.builtinsOff = [.cpu]
        c.health.thresholds[.diskUnhealthy] = 1
        let s2 = try c.resolved { env[$0] }.health
        #expect(s2.builtins == HealthBuiltins.all.subtracting(.cpu), "the caller's value wins")
        #expect(s2.threshold(.diskUnhealthy) == 1)
        #expect(throws: N3ObsError.self) { try Configuration().resolved { $0 == "N3OBS_HEALTH_BUILTINS" ? "gpu" : nil } }
        #expect(throws: N3ObsError.self) {
            try Configuration().resolved { $0 == "N3OBS_HEALTH_CPU_UNHEALTHY_PERCENT" ? "nan" : nil }
        }
    }

    @Test func formatting() {
        #expect(Format.one(12.345) == "12.3")
        #expect(Format.one(-0.25) == "-0.3" || Format.one(-0.25) == "-0.2")
        #expect(Format.bytes(1536) == "1.5 KiB")
        #expect(Format.bytes(12) == "12 B")
    }
}
