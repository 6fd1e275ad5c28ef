import CN3Obs
import CN3ObsShims
import Glibc
import N3ObsSupport

/// Moves what the SDK collects to the exporter plugins. One coordinator thread drains the
/// span queue in batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, at least every
/// OTEL_BSP_SCHEDULE_DELAY) and hands each batch to every span exporter. It sleeps on the
/// queue's wakeup, which ending a span pokes once a batch is ready, and otherwise until the
/// schedule delay or the metric interval: no polling, so an idle process sleeps; every
/// OTEL_METRIC_EXPORT_INTERVAL it asks push exporters to export metrics and health. Each
/// plugin has its own worker thread (ExporterWorker), so instrumented threads never wait
/// for an exporter and a plugin that hangs only loses its own data.
public final class ExportPipeline: @unchecked Sendable {
    private let tracer: Tracer
    /// What metrics and health are read from: the core's own, with no host table between.
    private let registry: Registry
    private let health: HealthRegistry
    private let metrics: PipelineMetrics
    private let batch: BatchSettings
    private let metricIntervalNanos: UInt64
    private let sync = MonotonicCondition.sdk()
    private var workers: [ExporterWorker] = []
    private var coordinatorStarted = false
    private var coordinator: NamedThread?
    private var stopping = false
    private var flushRequested = false
    private var flushToken: UInt64 = 0
    private var nextMetricsAt: UInt64 = 0
    private var queueDropsSeen: UInt64 = 0

    init(tracer: Tracer, registry: Registry, health: HealthRegistry, metricIntervalMilliseconds: Int) {
        self.tracer = tracer
        self.registry = registry
        self.health = health
        self.batch = tracer.batch
        self.metrics = PipelineMetrics(registry: registry)
        self.metricIntervalNanos = UInt64(max(1, metricIntervalMilliseconds)) * 1_000_000
    }

    /// Starts an exporter: its worker thread now, the coordinator with the first one.
    func add(_ plugin: PluginLoader.Loaded) throws(N3ObsError) {
        let worker = ExporterWorker(plugin: plugin, registry: registry, health: health, metrics: metrics,
                                    exportTimeoutMilliseconds: batch.exportTimeoutMilliseconds)
        if let failure = worker.start() {
            plugin.table.pointee.free?(plugin.table.pointee.state)
            throw N3ObsError(.noMemory, "no thread for exporter '\(plugin.name)': \(failure)")
        }
        worker.onRoom = { [weak self] in self?.wakeCoordinator() }
        let startCoordinator = try sync.withLock { () throws(N3ObsError) -> Bool in
            guard !stopping else {
                worker.offer(.stop(deadline: 0))
                throw N3ObsError(.shutDown, "n3obs is shutting down")
            }
            workers.append(worker)
            nextMetricsAt = n3o_monotonic_ns() &+ metricIntervalNanos
            defer { coordinatorStarted = true }
            return !coordinatorStarted
        }
        guard startCoordinator else { return }
        switch SDKThread.start(name: "n3obs-export", { [self] in coordinate() }) {
        case .success(let t): sync.withLock { coordinator = t }
        case .failure(let f): SDKLog.log(.error, "pipeline", "no export thread: \(f.reason); spans stay queued")
        }
    }

    /// In a forked child: the pipeline's threads stayed in the parent; never join them here.
    func forgetThreadsAfterFork() {
        sync.withLock {
            workers.forEach { $0.thread?.forgetAfterFork() }
            coordinator?.forgetAfterFork()
        }
    }

    /// Counts what a plugin reports it dropped on its own.
    public func countPluginDrop(exporter: String, signal: String, count: UInt64, reason: String) {
        metrics.pluginDropped(count, exporter: exporter, signal: signal, reason: reason)
    }

    /// The exporters loaded so far.
    public var exporterNames: [String] { sync.withLock { workers.map(\.name) } }

    /// Figures for the pipeline health check.
    public func stats() -> PipelineStats {
        let totals = metrics.totals
        let ws = sync.withLock { workers }
        return PipelineStats(queueLength: tracer.queued, queueCapacity: batch.maxQueueSize,
                             droppedTotal: tracer.dropped &+ totals.dropped, exportFailuresTotal: totals.errors,
                             consecutiveExportFailures: ws.map(\.consecutiveFailures).max() ?? 0)
    }

    /// Delivers every span ended before the call to every span exporter, then calls each
    /// plugin's force_flush, within the timeout.
    public func forceFlush(timeoutMilliseconds: UInt32) -> Bool {
        let deadline = n3o_monotonic_ns() &+ UInt64(timeoutMilliseconds) * 1_000_000
        let (token, ws, drained) = drain(deadline: deadline)
        guard !ws.isEmpty else { return true }
        guard drained else { return false }
        ws.forEach { $0.offer(.flush(token: token, deadline: deadline)) }
        return ws.allSatisfy { $0.waitFlushed(token, deadline: deadline) }
    }

    /// Delivers every span ended before the call, pushes a last metrics snapshot, and
    /// flushes and shuts every plugin down, all within the timeout. Each plugin does its
    /// part on its own thread, so they run at once and a slow one takes no time from the
    /// others. A plugin still inside a call at the deadline is left running; what it had
    /// not delivered is lost, and one warning names every plugin that did not finish.
    public func shutdown(timeoutMilliseconds: UInt32) -> Bool {
        let deadline = n3o_monotonic_ns() &+ UInt64(timeoutMilliseconds) * 1_000_000
        var complete = drain(deadline: deadline).drained
        let ws = sync.withLock { () -> [ExporterWorker] in
            stopping = true
            sync.broadcast()
            return workers
        }
        wakeCoordinator()
        ws.forEach { $0.offer(.stop(deadline: deadline)) }
        var late = ws.filter { !$0.waitFinished(deadline: deadline) }.map(\.name)
        // Every thread of the pipeline is joined: none outlives shutdown unless a plugin
        // still inside a call holds its worker (then it is detached and named). A plugin
        // told it has no time left returns just after the deadline: 100 ms of grace.
        let joinBy = max(deadline, n3o_monotonic_ns()) &+ 100_000_000
        for w in ws where !(w.thread?.isCurrent ?? true) {
            if w.thread?.join(untilMonotonic: joinBy) == false, !late.contains(w.name) { late.append(w.name) }
        }
        if let c = sync.withLock({ coordinator }), !c.isCurrent { c.join(untilMonotonic: joinBy) }
        if !late.isEmpty {
            SDKLog.log(.warn, "pipeline", "\(late.joined(separator: ", ")) did not shut down within "
                       + "\(timeoutMilliseconds) ms; what \(late.count == 1 ? "it" : "they") had not delivered is lost")
            complete = false
        }
        let left = tracer.queued
        if left > 0 { metrics.spansDropped(left, reason: "shutdown") }
        return complete
    }

    /// Has the coordinator move every span queued so far to the exporters' inboxes; the
    /// flush token that marks it, the exporters, and whether it was done by the deadline.
    private func drain(deadline: UInt64) -> (token: UInt64, workers: [ExporterWorker], drained: Bool) {
        let (token, ws) = sync.withLock { () -> (UInt64, [ExporterWorker]) in
            flushToken += 1
            flushRequested = true
            sync.broadcast()
            return (flushToken, workers)
        }
        wakeCoordinator()
        guard !ws.isEmpty else { return (token, ws, true) }
        let drained = sync.withLock { () -> Bool in
            while flushRequested {
                if n3o_monotonic_ns() >= deadline { return false }
                sync.wait(untilMonotonic: deadline)
            }
            return true
        }
        return (token, ws, drained)
    }

    private func coordinate() {
        while true {
            let (ws, flushing, stop) = waitForWork()
            if stop && !flushing { return }
            drainQueue(to: ws, all: flushing)
            if flushing {
                sync.withLock {
                    flushRequested = false
                    sync.broadcast()
                }
            }
            pushMetricsIfDue(ws)
            ws.forEach { $0.checkHung() }
            recordQueueFigures()
        }
    }

    /// Sleeps until a flush or a stop is asked for, the queue holds a full batch, an
    /// exporter has room again, or the schedule delay or the metric interval comes round.
    /// While a plugin is inside a call it also wakes every second, to spot one that hangs.
    private func waitForWork() -> ([ExporterWorker], Bool, Bool) {
        let scheduleDeadline = n3o_monotonic_ns() &+ UInt64(batch.scheduleDelayMilliseconds) * 1_000_000
        let wakeup = tracer.queue.wakeup
        while true {
            let (ws, flushing, stop, metricsAt) = sync.withLock { (workers, flushRequested, stopping, nextMetricsAt) }
            let now = n3o_monotonic_ns()
            let ready = { self.tracer.queued >= self.batch.maxExportBatchSize && ws.contains { $0.wantsSpans && $0.hasRoom } }
            if flushing || stop || now >= scheduleDeadline || now >= metricsAt || ready() {
                return (ws, flushing, stop)
            }
            let seen = n3o_wakeup_prepare(wakeup)
            // Checked again after saying it sleeps: a span ended in between has seen that.
            if ready() || sync.withLock({ flushRequested || stopping }) {
                n3o_wakeup_cancel(wakeup)
                continue
            }
            var deadline = min(scheduleDeadline, metricsAt)
            if ws.contains(where: \.isInCall) { deadline = min(deadline, now &+ 1_000_000_000) }
            ForkGate.outside { n3o_wakeup_wait(wakeup, seen, deadline) }
        }
    }

    /// Wakes the coordinator (a flush, a stop, or an exporter with room again).
    private func wakeCoordinator() { n3o_wakeup_signal(tracer.queue.wakeup) }

    /// Moves batches from the queue to the span exporters while they have room: spans wait
    /// in the queue (bounded, counted when it overflows), not in a worker's inbox. A flush
    /// waits for room, up to the export timeout, so that it delivers everything.
    private func drainQueue(to ws: [ExporterWorker], all: Bool) {
        let takers = ws.filter(\.wantsSpans)
        let deadline = n3o_monotonic_ns() &+ UInt64(batch.exportTimeoutMilliseconds) * 1_000_000
        repeat {
            for worker in takers where !worker.hasRoom {
                guard all else { return }
                worker.waitForRoom(deadline: deadline)
            }
            guard let drained = try? tracer.drain(max: batch.maxExportBatchSize) else { return }
            let shared = SharedSpanBatch(drained)
            guard shared.count > 0 else { return }
            if takers.isEmpty { metrics.spansDropped(shared.count, reason: "no_exporter") }
            takers.forEach { $0.offer(.spans(shared)) }
        } while all || tracer.queued >= batch.maxExportBatchSize
    }

    private func pushMetricsIfDue(_ ws: [ExporterWorker]) {
        let due = sync.withLock { () -> Bool in
            guard n3o_monotonic_ns() >= nextMetricsAt else { return false }
            nextMetricsAt = n3o_monotonic_ns() &+ metricIntervalNanos
            return true
        }
        guard due else { return }
        // One snapshot for every push exporter of this interval.
        let snapshot = ws.contains(where: \.wantsMetrics) ? SharedSnapshot(registry) : nil
        for w in ws {
            if w.wantsMetrics, let snapshot { w.offer(.metrics(snapshot)) }
            if w.wantsHealth { w.offer(.health) }
        }
    }

    /// The queue's size and its overflow drops, published as self-metrics.
    private func recordQueueFigures() {
        metrics.setQueueSize(tracer.queued)
        let total = tracer.dropped
        let fresh = total &- queueDropsSeen
        queueDropsSeen = total
        if fresh > 0 { metrics.spansDropped(Int(fresh), reason: "queue_full") }
    }
}
