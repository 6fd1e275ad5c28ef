import Glibc

/// The built-in checks: system memory, process resident memory, CPU, disk space and the
/// SDK's own export pipeline. Each reads the kernel's figures (never sleeping), compares
/// them with the configured thresholds and says what it saw in its detail.
public enum BuiltinChecks {
    /// Tags on every built-in check, so a person (or a filter) can tell them apart.
    public static let tags = ["n3obs", "builtin"]
    static let timeoutMilliseconds: UInt32 = 1000

    /// The definitions for the built-ins `settings` turns on.
    public static func definitions(_ settings: HealthSettings, pipeline: PipelineSource) -> [HealthCheckDefinition] {
        let t = settings.threshold
        var out: [HealthCheckDefinition] = []
        func add(_ bit: HealthBuiltins, _ name: String, _ description: String,
                 _ body: @escaping @Sendable () -> HealthOutcome) {
            guard settings.builtins.contains(bit) else { return }
            out.append(HealthCheckDefinition(
                name: name, description: description, timeoutMilliseconds: timeoutMilliseconds,
                critical: settings.builtinsCritical, tags: tags, body: body))
        }
        let mem = (t(.memoryDegraded), t(.memoryUnhealthy))
        add(.systemMemory, "system_memory", "Memory available to new work on this machine (/proc/meminfo)") {
            systemMemory(degraded: mem.0, unhealthy: mem.1)
        }
        let rss = (t(.processMemoryDegraded), t(.processMemoryUnhealthy))
        add(.processMemory, "process_memory", "This process' resident memory against its memory limit") {
            processMemory(degraded: rss.0, unhealthy: rss.1)
        }
        let cpu = (t(.cpuDegraded), t(.cpuUnhealthy))
        let sampler = CPUSampler()
        add(.cpu, "cpu", "CPU utilisation of the machine over about the last second (/proc/stat)") {
            cpuUtilisation(sampler, degraded: cpu.0, unhealthy: cpu.1)
        }
        let disk = (t(.diskDegraded), t(.diskUnhealthy), settings.diskPath)
        add(.disk, "disk", "Free space of the file system holding \(settings.diskPath)") {
            diskSpace(path: disk.2, degraded: disk.0, unhealthy: disk.1)
        }
        let fill = (t(.pipelineDegraded), t(.pipelineUnhealthy))
        let state = PipelineCheckState()
        add(.pipeline, "pipeline", "The SDK's span queue and exporters") {
            state.evaluate(pipeline.read(), degraded: fill.0, unhealthy: fill.1)
        }
        return out
    }

    /// Healthy at or above `degraded`, degraded below it, unhealthy below `unhealthy`.
    static func below(_ value: Double, degraded: Double, unhealthy: Double) -> HealthStatus {
        value < unhealthy ? .unhealthy : value < degraded ? .degraded : .healthy
    }

    /// Healthy below `degraded`, degraded from it, unhealthy from `unhealthy`.
    static func above(_ value: Double, degraded: Double, unhealthy: Double) -> HealthStatus {
        value >= unhealthy ? .unhealthy : value >= degraded ? .degraded : .healthy
    }

    static func systemMemory(degraded: Double, unhealthy: Double,
                             meminfo: [UInt8]? = ProcFiles.read("/proc/meminfo")) -> HealthOutcome {
        guard let bytes = meminfo, let m = ProcFiles.systemMemory(ProcFiles.parseMeminfo(bytes)) else {
            return HealthOutcome(.unhealthy, "cannot read /proc/meminfo")
        }
        let pct = 100 * Double(m.available) / Double(m.total)
        return HealthOutcome(below(pct, degraded: degraded, unhealthy: unhealthy),
                             "\(Format.bytes(m.available)) available of \(Format.bytes(m.total)) "
                                + "(\(Format.one(pct))%; degraded below \(Format.one(degraded))%, "
                                + "unhealthy below \(Format.one(unhealthy))%)")
    }

    static func processMemory(degraded: Double, unhealthy: Double) -> HealthOutcome {
        guard let rss = ProcFiles.residentBytes() else {
            return HealthOutcome(.unhealthy, "cannot read /proc/self/statm")
        }
        // sysinfo(2) behind _SC_PHYS_PAGES gives MemTotal without reading /proc/meminfo.
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        let total: UInt64? = pages > 0 && pageSize > 0 ? UInt64(pages) &* UInt64(pageSize) : nil
        // In a container the cgroup's limit is what the OOM killer enforces, not MemTotal.
        var limit = total
        var limitName = "system memory"
        if let cg = ProcFiles.cgroupMemoryLimit(), cg < (total ?? .max) {
            limit = cg
            limitName = "the cgroup's memory.max"
        }
        guard let limit, limit > 0 else {
            return HealthOutcome(.healthy, "resident \(Format.bytes(rss)); no memory limit known")
        }
        let pct = 100 * Double(rss) / Double(limit)
        return HealthOutcome(above(pct, degraded: degraded, unhealthy: unhealthy),
                             "resident \(Format.bytes(rss)), \(Format.one(pct))% of \(limitName) "
                                + "(\(Format.bytes(limit)))")
    }

    static func cpuUtilisation(_ sampler: CPUSampler, degraded: Double, unhealthy: Double) -> HealthOutcome {
        guard let now = CPUSampler.readNow() else { return HealthOutcome(.unhealthy, "cannot read /proc/stat") }
        guard let u = sampler.utilisation(now) else {
            return HealthOutcome(.healthy, "no CPU figure yet: the first \(Format.one(Double(sampler.windowNanos) / 1e9)) s are being measured")
        }
        let pct = 100 * u.value
        return HealthOutcome(above(pct, degraded: degraded, unhealthy: unhealthy),
                             "\(Format.one(pct))% busy over the last \(Format.one(Double(u.spanNanos) / 1e9)) s")
    }

    static func diskSpace(path: String, degraded: Double, unhealthy: Double) -> HealthOutcome {
        var st = statvfs()
        guard statvfs(path, &st) == 0 else {
            return HealthOutcome(.unhealthy, "statvfs(\(path)) failed: \(String(cString: strerror(errno)))")
        }
        let block = UInt64(st.f_frsize != 0 ? st.f_frsize : st.f_bsize)
        let total = UInt64(st.f_blocks) &* block
        // f_bavail: what an unprivileged process can still write (root's reserve excluded).
        let free = UInt64(st.f_bavail) &* block
        guard total > 0 else { return HealthOutcome(.healthy, "\(path): file system reports no size") }
        let pct = 100 * Double(free) / Double(total)
        return HealthOutcome(below(pct, degraded: degraded, unhealthy: unhealthy),
                             "\(path): \(Format.bytes(free)) free of \(Format.bytes(total)) (\(Format.one(pct))%)")
    }
}

/// The pipeline check remembers the counters of its previous run, so that drops and
/// failures count against health when they are new, not forever after.
final class PipelineCheckState: @unchecked Sendable {
    /// Export failures in a row that make the pipeline unhealthy.
    static let consecutiveFailuresUnhealthy = 5
    private let lock = Lock()
    private var previous: PipelineStats?

    func evaluate(_ stats: PipelineStats?, degraded: Double, unhealthy: Double) -> HealthOutcome {
        guard let stats else { return HealthOutcome(.healthy, "no export pipeline yet") }
        let before = lock.withLock { () -> PipelineStats? in
            defer { previous = stats }
            return previous
        }
        let newDrops = stats.droppedTotal &- min(stats.droppedTotal, before?.droppedTotal ?? stats.droppedTotal)
        let newFailures = stats.exportFailuresTotal
            &- min(stats.exportFailuresTotal, before?.exportFailuresTotal ?? stats.exportFailuresTotal)
        let pct = stats.queueCapacity > 0 ? 100 * Double(stats.queueLength) / Double(stats.queueCapacity) : 0
        var status = BuiltinChecks.above(pct, degraded: degraded, unhealthy: unhealthy)
        if newDrops > 0 || newFailures > 0 { status = max(status, .degraded) }
        if stats.consecutiveExportFailures >= Self.consecutiveFailuresUnhealthy { status = .unhealthy }
        return HealthOutcome(status,
                             "span queue \(stats.queueLength) of \(stats.queueCapacity) (\(Format.one(pct))%), "
                                + "\(newDrops) spans dropped and \(newFailures) exports failed since the last check, "
                                + "\(stats.consecutiveExportFailures) failures in a row")
    }
}

/// Number formatting for details, without Foundation.
enum Format {
    /// One decimal: 12.3.
    static func one(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let tenths = (x * 10).rounded()
        guard abs(tenths) < 1e15 else { return "\(x)" }
        let t = Int64(tenths)
        let sign = t < 0 ? "-" : ""
        return "\(sign)\(abs(t) / 10).\(abs(t) % 10)"
    }

    /// 1.5 GiB, 300.0 MiB, 12 B.
    static func bytes(_ n: UInt64) -> String {
        let units: [(Double, String)] = [(1_099_511_627_776, "TiB"), (1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")]
        for (size, unit) in units where Double(n) >= size { return "\(one(Double(n) / size)) \(unit)" }
        return "\(n) B"
    }
}
