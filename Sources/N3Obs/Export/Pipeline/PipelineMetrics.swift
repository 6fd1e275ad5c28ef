import CN3ObsShims

/// The export pipeline's self-metrics, in the SDK's own registry:
///   n3obs_spans_dropped_total{reason}            queue_full, exporter_busy, export_failed,
///                                                retries_exhausted, shutdown
///   n3obs_spans_exported_total{exporter}
///   n3obs_export_errors_total{exporter,signal}   signal: spans, metrics, health, timeout
///   n3obs_span_queue_size                        ended spans waiting for export
///   n3obs_export_dropped_total{exporter,signal,reason}  what plugins dropped themselves
final class PipelineMetrics: @unchecked Sendable {
    private let dropped: MetricFamily?
    private let exported: MetricFamily?
    private let errors: MetricFamily?
    private let pluginDrops: MetricFamily?
    private let queueSize: UnsafeMutableRawPointer?
    private let lock = Lock()
    private var droppedTotal: UInt64 = 0
    private var errorsTotal: UInt64 = 0

    init(registry: Registry) {
        dropped = try? registry.register(MetricShape(
            name: "n3obs_spans_dropped_total", help: "Ended spans that were not exported, by reason.",
            type: .counter, labelNames: ["reason"]))
        exported = try? registry.register(MetricShape(
            name: "n3obs_spans_exported_total", help: "Spans an exporter accepted.",
            type: .counter, labelNames: ["exporter"]))
        errors = try? registry.register(MetricShape(
            name: "n3obs_export_errors_total", help: "Exports that failed, by exporter and signal.",
            type: .counter, labelNames: ["exporter", "signal"]))
        pluginDrops = try? registry.register(MetricShape(
            name: "n3obs_export_dropped_total", help: "Items exporter plugins dropped themselves (host->count_dropped).",
            type: .counter, labelNames: ["exporter", "signal", "reason"]))
        let queue = try? registry.register(MetricShape(
            name: "n3obs_span_queue_size", help: "Ended spans waiting in the export queue.", type: .gauge))
        queueSize = try? queue?.cell(labels: [])
    }

    func spansDropped(_ n: Int, reason: String) {
        guard n > 0 else { return }
        add(dropped, [reason], Double(n))
        // Queue overflows are the tracer's own count; the totals keep the rest.
        if reason != "queue_full" { lock.withLock { droppedTotal &+= UInt64(n) } }
    }

    func spansExported(_ n: Int, exporter: String) {
        if n > 0 { add(exported, [exporter], Double(n)) }
    }

    func exportError(exporter: String, signal: String) {
        add(errors, [exporter, signal], 1)
        lock.withLock { errorsTotal &+= 1 }
    }

    func pluginDropped(_ n: UInt64, exporter: String, signal: String, reason: String) {
        if n > 0 { add(pluginDrops, [exporter, signal, reason], Double(n)) }
    }

    func setQueueSize(_ n: Int) {
        if let queueSize { Recording.gaugeSet(queueSize, Double(n)) }
    }

    /// Spans dropped after they left the queue, and failed exports, since start.
    var totals: (dropped: UInt64, errors: UInt64) { lock.withLock { (droppedTotal, errorsTotal) } }

    private func add(_ family: MetricFamily?, _ labels: [String], _ value: Double) {
        guard let family, let cell = try? family.cell(labels: labels) else { return }
        Recording.counterAdd(cell, value)
    }
}
