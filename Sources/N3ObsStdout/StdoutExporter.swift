import CN3Obs
import Glibc
import N3ObsPluginKit

/// Prints spans, metrics and health as text or JSON lines. Each span, each family (text)
/// or each series (JSON) is one record, written whole (see LineWriter).
final class StdoutExporter: Exporter {
    static let capabilities = N3OBS_EXPORTER_CAP_SPANS | N3OBS_EXPORTER_CAP_METRICS | N3OBS_EXPORTER_CAP_HEALTH

    private let host: PluginHost
    private let format: StdoutSettings.Format
    private var writer: LineWriter
    private var record: [UInt8] = []
    private var json = JSONWriter(nonFinite: .strings, reserving: 1024)
    private var failing = false

    init(host: PluginHost, settings: StdoutSettings) throws(PluginError) {
        self.host = host
        format = settings.format
        writer = LineWriter(output: try FileOutput.open(settings.output))
        record.reserveCapacity(1024)
    }

    func exportSpans(_ batch: SpanBatchView) -> n3obs_export_result {
        for span in batch.spans {
            switch format {
            case .text: emitText { TextFormat.span(span, into: &$0) }
            case .json: emitJSONLine { JSONLinesFormat.span(span, into: &$0) }
            }
        }
        return finish("spans")
    }

    func exportMetrics(_ snapshot: MetricsSnapshotView) -> n3obs_export_result {
        switch format {
        case .text:
            emitText { TextFormat.metricsHeader(snapshot, into: &$0) }
            for family in snapshot.families where !family.series.isEmpty {
                emitText { TextFormat.family(family, into: &$0) }
            }
        case .json:
            for family in snapshot.families {
                for series in family.series {
                    emitJSONLine { JSONLinesFormat.series(series, of: family, time: snapshot.timeUnixNano, into: &$0) }
                }
            }
        }
        return finish("metrics")
    }

    func exportHealth(_ report: HealthReportView) -> n3obs_export_result {
        switch format {
        case .text: emitText { TextFormat.health(report, into: &$0) }
        case .json: emitJSONLine { JSONLinesFormat.health(report, into: &$0) }
        }
        return finish("health")
    }

    /// Writes one text record (it ends its own lines), reusing the buffer.
    private func emitText(_ format: (inout [UInt8]) -> Void) {
        record.removeAll(keepingCapacity: true)
        format(&record)
        writer.emit(record)
    }

    /// Writes one JSON object and its newline, reusing the writer.
    private func emitJSONLine(_ format: (inout JSONWriter) -> Void) {
        json.reset()
        format(&json)
        json.bytes.append(0x0a)
        writer.emit(json.bytes)
    }

    func forceFlush(timeoutMs: UInt32) -> n3obs_export_result {
        // Every export writes before it returns: nothing is buffered here.
        writer.flush() == 0 ? N3OBS_EXPORT_SUCCESS : N3OBS_EXPORT_FAILURE
    }

    func shutdown(timeoutMs: UInt32) {
        _ = writer.flush()
        writer.output.close()
    }

    /// Writes what is pending; logs the first failure of a run of failures (not each one,
    /// a closed stdout would flood the log) and says when output works again.
    private func finish(_ signal: String) -> n3obs_export_result {
        let e = writer.flush()
        if e == 0 {
            if failing {
                failing = false
                host.log(N3OBS_LOG_INFO, "writing to \(writer.output.description) works again")
            }
            return N3OBS_EXPORT_SUCCESS
        }
        if !failing {
            failing = true
            host.error("cannot write \(signal) to \(writer.output.description): \(String(cString: strerror(e)))")
        }
        return N3OBS_EXPORT_FAILURE
    }
}
