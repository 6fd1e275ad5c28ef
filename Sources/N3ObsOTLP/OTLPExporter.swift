import CN3Obs
import CN3ObsHTTP
import Glibc
import N3ObsPluginKit

/// Exports spans, metrics and health (as metrics) in OTLP/JSON to a file and/or an
/// OTLP/HTTP endpoint. Encoding and file writes happen on the host's export thread; HTTP
/// delivery on the Sender's own thread, so an export returns as soon as the request is
/// written or buffered.
final class OTLPExporter: Exporter {
    static let capabilities = N3OBS_EXPORTER_CAP_SPANS | N3OBS_EXPORTER_CAP_METRICS | N3OBS_EXPORTER_CAP_HEALTH
    static let tracesTarget = 0
    static let metricsTarget = 1

    private let host: PluginHost
    private let traces: TraceEncoder
    private let metrics: MetricsEncoder
    private let file: FileSink?
    private let sender: Sender?
    private var buffer: [UInt8] = []
    private var fileFailing = false

    init(host: PluginHost, settings: OTLPSettings) throws(PluginError) {
        self.host = host
        let rs = ResourceScope(host: host)
        traces = TraceEncoder(rs)
        metrics = MetricsEncoder(rs)
        buffer.reserveCapacity(64 * 1024)
        if let path = settings.file {
            file = try FileSink(path: path, maxBytes: settings.fileMaxBytes, keep: settings.fileKeep)
        } else {
            file = nil
        }
        if let t = settings.traces, let m = settings.metrics {
            sender = try Sender(targets: [t, m], host: host, maxBytes: settings.bufferMaxBytes,
                                initialBackoffMs: settings.retryInitialMs, maxBackoffMs: settings.retryMaxMs)
        } else {
            sender = nil
        }
    }

    func exportSpans(_ batch: SpanBatchView) -> n3obs_export_result {
        let spans = batch.spans
        guard !spans.isEmpty else { return N3OBS_EXPORT_SUCCESS }
        buffer.removeAll(keepingCapacity: true)
        traces.encode(spans, into: &buffer)
        return emit(target: Self.tracesTarget, signal: "spans", items: spans.count)
    }

    func exportMetrics(_ snapshot: MetricsSnapshotView) -> n3obs_export_result {
        buffer.removeAll(keepingCapacity: true)
        let points = metrics.encode(snapshot, into: &buffer)
        guard points > 0 else { return N3OBS_EXPORT_SUCCESS }
        return emit(target: Self.metricsTarget, signal: "metrics", items: points)
    }

    func exportHealth(_ report: HealthReportView) -> n3obs_export_result {
        buffer.removeAll(keepingCapacity: true)
        metrics.encodeHealth(report, into: &buffer)
        return emit(target: Self.metricsTarget, signal: "health", items: 1)
    }

    func forceFlush(timeoutMs: UInt32) -> n3obs_export_result {
        guard let sender else { return N3OBS_EXPORT_SUCCESS }
        return sender.flush(timeoutMs: timeoutMs) ? N3OBS_EXPORT_SUCCESS : N3OBS_EXPORT_FAILURE
    }

    func shutdown(timeoutMs: UInt32) {
        sender?.shutdown(timeoutMs: timeoutMs)
        file?.close()
    }

    /// Writes the request in buffer to the file and hands it to the sender. Success when
    /// at least one sink took it; a full send buffer is counted here (the host is told
    /// SUCCESS so that it does not count the same items again).
    private func emit(target: Int, signal: String, items: Int) -> n3obs_export_result {
        var taken = false
        if let file {
            buffer.append(0x0a)
            let e = file.write(buffer)
            buffer.removeLast()
            if e == 0 {
                taken = true
                if fileFailing {
                    fileFailing = false
                    host.log(N3OBS_LOG_INFO, "writing to \(file.path) works again")
                }
            } else if !fileFailing {
                fileFailing = true
                host.error("cannot write \(signal) to \(file.path): \(String(cString: strerror(e)))")
            }
        }
        if let sender {
            var body = buffer
            if sender.targets[target].gzip {
                var out: UnsafeMutableRawPointer?
                var len = 0
                let ok = buffer.withUnsafeBytes { n3o_gzip($0.baseAddress, $0.count, &out, &len) } == 0
                if ok, let out {
                    body = Array(UnsafeRawBufferPointer(start: out, count: len))
                    n3o_free(out)
                }
            }
            if sender.enqueue(Sender.Item(target: target, body: body, signal: signal, items: items)) {
                taken = true
            } else {
                host.countDropped(signal: signal, count: UInt64(items), reason: "buffer_full")
                return taken ? N3OBS_EXPORT_SUCCESS : N3OBS_EXPORT_SUCCESS
            }
        }
        return taken ? N3OBS_EXPORT_SUCCESS : N3OBS_EXPORT_FAILURE
    }
}
