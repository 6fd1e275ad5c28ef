import CN3Obs
import CN3ObsShims
import Glibc
import N3ObsSupport

/// A span batch shared by every exporter it goes to; freed when the last one is done.
final class SharedSpanBatch: @unchecked Sendable {
    let batch: UnsafeMutablePointer<n3obs_span_batch>
    var count: Int { batch.pointee.span_count }

    init(_ batch: UnsafeMutablePointer<n3obs_span_batch>) { self.batch = batch }
    deinit { SpanBatchBuilder.free(batch) }
}

/// A metrics snapshot shared by every push exporter of one interval; freed when the last
/// one is done.
final class SharedSnapshot: @unchecked Sendable {
    let snapshot: UnsafeMutablePointer<n3obs_metrics_snapshot>

    /// Collects the registry; nil without memory for it.
    init?(_ registry: Registry) {
        guard let collected = SnapshotBuilder.collect(registry) else { return nil }
        snapshot = collected
    }

    deinit { free(snapshot) } // one allocation
}

/// One exporter plugin and the thread that calls it. Its callbacks run only on that thread,
/// so one plugin is never called concurrently and a slow one holds up nobody else. Work
/// waits in a bounded inbox; what does not fit is dropped and counted.
final class ExporterWorker: @unchecked Sendable {
    enum Work {
        case spans(SharedSpanBatch)
        case metrics(SharedSnapshot)
        case health
        /// Calls force_flush with the time left until `deadline` (monotonic ns), then marks
        /// `token` done.
        case flush(token: UInt64, deadline: UInt64)
        /// Exports a last metrics snapshot and health report (for a plugin that takes them),
        /// calls force_flush and shutdown with the time left until `deadline`, frees the
        /// plugin and ends the thread. Never dropped, so the last snapshot is not either.
        case stop(deadline: UInt64)
    }

    let plugin: PluginLoader.Loaded
    var name: String { plugin.name }
    private let registry: Registry
    private let health: HealthRegistry
    private let metrics: PipelineMetrics
    private let exportTimeoutNanos: UInt64
    private let sync = MonotonicCondition.sdk()
    private var inbox: [Work] = []
    private let inboxLimit: Int
    private var stopped = false
    /// Set while a callback runs: the coordinator reads it to spot a plugin that hangs.
    private var callStartedAt: UInt64 = 0
    /// Called when a full inbox gets room again (the pipeline wakes its coordinator).
    var onRoom: (() -> Void)?
    private var hangReported = false
    private(set) var flushedThrough: UInt64 = 0
    private var finished = false
    /// Set by .stop: the plugin's last flush delivered everything.
    private var deliveredAll = false
    /// Failed exports in a row (the pipeline health check reads it from another thread).
    private var failuresInARow = 0
    var consecutiveFailures: Int { sync.withLock { failuresInARow } }

    init(plugin: PluginLoader.Loaded, registry: Registry, health: HealthRegistry, metrics: PipelineMetrics,
         exportTimeoutMilliseconds: Int, inboxLimit: Int = 16) {
        self.plugin = plugin
        self.registry = registry
        self.health = health
        self.metrics = metrics
        self.exportTimeoutNanos = UInt64(max(1, exportTimeoutMilliseconds)) * 1_000_000
        self.inboxLimit = inboxLimit
    }

    /// The worker's thread, joined at shutdown.
    private(set) var thread: NamedThread?

    func start() -> String? {
        switch SDKThread.start(name: "n3obs-\(name)", { [self] in run() }) {
        case .success(let t): thread = t; return nil
        case .failure(let f): return f.reason
        }
    }

    var wantsSpans: Bool { plugin.capabilities & N3OBS_EXPORTER_CAP_SPANS != 0 }
    var wantsMetrics: Bool {
        plugin.capabilities & N3OBS_EXPORTER_CAP_METRICS != 0 && plugin.capabilities & N3OBS_EXPORTER_CAP_PULL == 0
    }
    var wantsHealth: Bool { plugin.capabilities & N3OBS_EXPORTER_CAP_HEALTH != 0 }

    /// Queues work without waiting. A full inbox drops span batches (counted); a plugin
    /// that hangs gets nothing new until its call returns.
    func offer(_ work: Work) {
        var droppedSpans = 0
        sync.withLock {
            guard !stopped else {
                if case .spans(let b) = work { droppedSpans = b.count }
                return
            }
            let mandatory: Bool
            switch work {
            case .flush, .stop: mandatory = true
            default: mandatory = false
            }
            if !mandatory && (inbox.count >= inboxLimit || isHung) {
                if case .spans(let b) = work { droppedSpans = b.count }
                return
            }
            if case .stop = work { stopped = true }
            inbox.append(work)
            sync.signal()
        }
        if droppedSpans > 0 { metrics.spansDropped(droppedSpans, reason: "exporter_busy") }
    }

    /// True when a span batch offered now would be queued, not dropped (or the plugin
    /// hangs, so waiting for it would be pointless).
    var hasRoom: Bool { sync.withLock { inbox.count < inboxLimit || isHung || stopped } }

    /// Waits until the inbox has room or the deadline passes.
    func waitForRoom(deadline: UInt64) {
        sync.withLock {
            while inbox.count >= inboxLimit && !isHung && !stopped && n3o_monotonic_ns() < deadline {
                sync.wait(untilMonotonic: min(deadline, n3o_monotonic_ns() &+ 10_000_000))
            }
        }
    }

    /// True while a callback has run longer than the export timeout (lock held).
    private var isHung: Bool {
        callStartedAt != 0 && n3o_monotonic_ns() &- callStartedAt > exportTimeoutNanos
    }

    /// Logs and counts a callback that has overrun its timeout, once per call.
    func checkHung() {
        let report = sync.withLock { () -> Bool in
            guard isHung, !hangReported else { return false }
            hangReported = true
            return true
        }
        if report {
            SDKLog.log(.error, name, "a callback has run longer than the export timeout " +
                       "(\(exportTimeoutNanos / 1_000_000) ms); new data for this exporter is dropped until it returns")
            metrics.exportError(exporter: name, signal: "timeout")
        }
    }

    /// Waits until the flush marked `token` is done, the thread ended, or the deadline.
    func waitFlushed(_ token: UInt64, deadline: UInt64) -> Bool {
        sync.withLock {
            while flushedThrough < token && !finished {
                if n3o_monotonic_ns() >= deadline { return false }
                sync.wait(untilMonotonic: deadline)
            }
            return flushedThrough >= token
        }
    }

    /// Waits for the thread to end after .stop; false if the plugin is still inside a call
    /// or its last flush could not deliver everything.
    func waitFinished(deadline: UInt64) -> Bool {
        sync.withLock {
            while !finished {
                if n3o_monotonic_ns() >= deadline { return false }
                sync.wait(untilMonotonic: deadline)
            }
            return deliveredAll
        }
    }

    /// What a callback is given as its timeout: the time left until the deadline.
    private static func millisecondsLeft(_ deadline: UInt64) -> UInt32 {
        UInt32(min(UInt64(UInt32.max), deadline &- min(deadline, n3o_monotonic_ns())) / 1_000_000)
    }

    private func run() {
        while let work = next() {
            switch work {
            case .spans(let batch): exportSpans(batch)
            case .metrics(let shared): exportMetrics(shared)
            case .health: exportHealth()
            case .flush(let token, let deadline):
                if let flush = plugin.table.pointee.force_flush {
                    _ = call { flush(plugin.table.pointee.state, Self.millisecondsLeft(deadline)) }
                }
                sync.withLock {
                    flushedThrough = max(flushedThrough, token)
                    sync.broadcast()
                }
            case .stop(let deadline):
                if wantsMetrics, let last = SharedSnapshot(registry) { exportMetrics(last) }
                if wantsHealth { exportHealth() }
                let state = plugin.table.pointee.state
                var delivered = true
                if let flush = plugin.table.pointee.force_flush {
                    delivered = call { flush(state, Self.millisecondsLeft(deadline)) } == N3OBS_EXPORT_SUCCESS
                }
                if let shutdown = plugin.table.pointee.shutdown {
                    _ = call { shutdown(state, Self.millisecondsLeft(deadline)); return N3OBS_EXPORT_SUCCESS }
                }
                plugin.table.pointee.free?(state)
                sync.withLock {
                    finished = true
                    deliveredAll = delivered
                    sync.broadcast()
                }
                return
            }
        }
    }

    private func next() -> Work? {
        let (work, wasFull) = sync.withLock { () -> (Work, Bool) in
            while inbox.isEmpty { sync.wait() }
            defer { sync.broadcast() } // room for waitForRoom
            let wasFull = inbox.count >= inboxLimit
            return (inbox.removeFirst(), wasFull)
        }
        if wasFull { onRoom?() }
        return work
    }

    /// True while a callback of the plugin runs.
    var isInCall: Bool { sync.withLock { callStartedAt != 0 } }

    /// Runs one callback with the hang clock running.
    private func call(_ body: () -> n3obs_export_result) -> n3obs_export_result {
        sync.withLock {
            callStartedAt = n3o_monotonic_ns()
            hangReported = false
        }
        let result = ForkGate.outside(body) // the plugin's code, not the SDK's
        sync.withLock { callStartedAt = 0 }
        return result
    }

    /// Calls `attempt` until it succeeds, fails for good, or retries run out: capped
    /// exponential backoff with jitter, within the export timeout.
    private func deliver(signal: String, items: Int, _ attempt: () -> n3obs_export_result) {
        let deadline = n3o_monotonic_ns() &+ exportTimeoutNanos
        var backoff = Backoff()
        while true {
            let result = call(attempt)
            let delay = UInt64(backoff.next())
            switch result {
            case N3OBS_EXPORT_SUCCESS:
                sync.withLock { failuresInARow = 0 }
                if signal == "spans" { metrics.spansExported(items, exporter: name) }
                return
            case N3OBS_EXPORT_RETRYABLE where n3o_monotonic_ns() &+ delay * 1_000_000 < deadline && !isStopping:
                ForkGate.outside { _ = usleep(UInt32(delay * 1000)) }
            default:
                sync.withLock { failuresInARow += 1 }
                metrics.exportError(exporter: name, signal: signal)
                if signal == "spans" {
                    let reason = result == N3OBS_EXPORT_RETRYABLE ? "retries_exhausted" : "export_failed"
                    metrics.spansDropped(items, reason: reason)
                }
                return
            }
        }
    }

    private var isStopping: Bool { sync.withLock { stopped } }

    private func exportSpans(_ shared: SharedSpanBatch) {
        guard let export = plugin.table.pointee.export_spans else { return }
        let state = plugin.table.pointee.state
        deliver(signal: "spans", items: shared.count) { export(state, shared.batch) }
    }

    private func exportMetrics(_ shared: SharedSnapshot) {
        guard let export = plugin.table.pointee.export_metrics else { return }
        let state = plugin.table.pointee.state
        deliver(signal: "metrics", items: 0) { export(state, shared.snapshot) }
    }

    private func exportHealth() {
        guard let export = plugin.table.pointee.export_health else { return }
        // The last report if there is one, else a fresh run.
        guard let report = ReportCStruct.make(health.lastReport() ?? health.runAll()) else { return }
        defer { ReportCStruct.free(report) }
        let state = plugin.table.pointee.state
        deliver(signal: "health", items: 0) { export(state, report) }
    }
}
