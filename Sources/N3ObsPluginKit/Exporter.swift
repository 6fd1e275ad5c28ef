import CN3Obs
import Glibc

/// What a Swift plugin implements. The host calls these on its export thread for this
/// plugin, never two at once, so an implementation needs no lock of its own. Views are
/// valid only during the call: copy what must outlive it.
///
/// Only the callbacks of the capabilities given to ``ExporterTable/make(name:capabilities:exporter:)``
/// reach the host; the others are NULL in the table.
public protocol Exporter: AnyObject {
    func exportSpans(_ batch: SpanBatchView) -> n3obs_export_result
    func exportMetrics(_ snapshot: MetricsSnapshotView) -> n3obs_export_result
    func exportHealth(_ report: HealthReportView) -> n3obs_export_result
    func forceFlush(timeoutMs: UInt32) -> n3obs_export_result
    func shutdown(timeoutMs: UInt32)
}

extension Exporter {
    public func exportSpans(_ batch: SpanBatchView) -> n3obs_export_result { N3OBS_EXPORT_FAILURE }
    public func exportMetrics(_ snapshot: MetricsSnapshotView) -> n3obs_export_result { N3OBS_EXPORT_FAILURE }
    public func exportHealth(_ report: HealthReportView) -> n3obs_export_result { N3OBS_EXPORT_FAILURE }
    public func forceFlush(timeoutMs: UInt32) -> n3obs_export_result { N3OBS_EXPORT_SUCCESS }
    public func shutdown(timeoutMs: UInt32) {}
}

/// Owns everything behind one exporter table: the Swift object, the name's C string and
/// the table itself. The table's `state` is this box, retained once; `free` releases it.
final class ExporterBox {
    let exporter: Exporter
    let name: UnsafeMutablePointer<CChar>
    let table: UnsafeMutablePointer<n3obs_exporter>
    var shutDown = false

    init(exporter: Exporter, name: String) {
        self.exporter = exporter
        self.name = name.withCString { strdup($0)! }
        table = .allocate(capacity: 1)
    }

    deinit {
        free(name)
        table.deallocate()
    }

    static func from(_ state: UnsafeMutableRawPointer?) -> ExporterBox? {
        state.map { Unmanaged<ExporterBox>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// Builds the n3obs_exporter table for a Swift object.
public enum ExporterTable {
    /// - Parameters:
    ///   - name: the plugin's short name for logs and self-metrics ("stdout").
    ///   - capabilities: N3OBS_EXPORTER_CAP_* flags; they also decide which callbacks are set.
    ///   - exporter: the object whose methods the callbacks call; kept alive until free.
    /// - Returns: a table owned by the plugin until the host calls its free (which frees
    ///   the table too).
    public static func make(name: String, capabilities: UInt32, exporter: Exporter)
        -> UnsafeMutablePointer<n3obs_exporter>
    {
        let box = ExporterBox(exporter: exporter, name: name)
        let t = box.table
        t.initialize(to: n3obs_exporter())
        t.pointee.version = UInt32(N3OBS_EXPORTER_ABI_VERSION)
        t.pointee.size = UInt32(MemoryLayout<n3obs_exporter>.size)
        t.pointee.name = UnsafePointer(box.name)
        t.pointee.capabilities = capabilities
        t.pointee.state = Unmanaged.passRetained(box).toOpaque()
        if capabilities & N3OBS_EXPORTER_CAP_SPANS != 0 {
            t.pointee.export_spans = { state, batch in
                guard let box = ExporterBox.from(state), let batch else { return N3OBS_EXPORT_INVALID_ARGUMENT }
                if box.shutDown { return N3OBS_EXPORT_FAILURE }
                guard let view = SpanBatchView(validating: batch) else { return N3OBS_EXPORT_INVALID_ARGUMENT }
                return box.exporter.exportSpans(view)
            }
        }
        if capabilities & N3OBS_EXPORTER_CAP_METRICS != 0 {
            t.pointee.export_metrics = { state, snapshot in
                guard let box = ExporterBox.from(state), let snapshot else { return N3OBS_EXPORT_INVALID_ARGUMENT }
                if box.shutDown { return N3OBS_EXPORT_FAILURE }
                return box.exporter.exportMetrics(MetricsSnapshotView(snapshot))
            }
        }
        if capabilities & N3OBS_EXPORTER_CAP_HEALTH != 0 {
            t.pointee.export_health = { state, report in
                guard let box = ExporterBox.from(state), let report else { return N3OBS_EXPORT_INVALID_ARGUMENT }
                if box.shutDown { return N3OBS_EXPORT_FAILURE }
                return box.exporter.exportHealth(HealthReportView(report))
            }
        }
        t.pointee.force_flush = { state, timeout in
            guard let box = ExporterBox.from(state) else { return N3OBS_EXPORT_INVALID_ARGUMENT }
            if box.shutDown { return N3OBS_EXPORT_SUCCESS }
            return box.exporter.forceFlush(timeoutMs: timeout)
        }
        t.pointee.shutdown = { state, timeout in
            guard let box = ExporterBox.from(state), !box.shutDown else { return }
            box.shutDown = true
            box.exporter.shutdown(timeoutMs: timeout)
        }
        t.pointee.free = { state in
            guard let state else { return }
            let box = Unmanaged<ExporterBox>.fromOpaque(state)
            // A host that skipped shutdown still gets files closed and buffers written.
            let b = box.takeUnretainedValue()
            if !b.shutDown { b.shutDown = true; b.exporter.shutdown(timeoutMs: 0) }
            box.release()
        }
        return t
    }
}
