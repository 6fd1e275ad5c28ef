import CN3ObsShims
import Glibc

/// The overflow series' label values: all empty.
nonisolated(unsafe) private let emptyCString: UnsafePointer<CChar> = UnsafePointer(strdup("")!)

/// A metric family: its shape and its series. Families and their series are never freed,
/// which is what lets a C handle be a plain pointer that can never dangle.
public final class MetricFamily: @unchecked Sendable {
    public let shape: MetricShape
    public var name: String { shape.name }
    public var type: MetricType { shape.type }
    let labelCount: Int
    let cardinalityLimit: Int
    let index: SeriesIndex
    private let lock = Lock()
    /// Every record in creation order (read under `lock` by snapshots).
    private var records: [UnsafeMutablePointer<SeriesRecord>] = []
    private var overflow: UnsafeMutablePointer<SeriesRecord>?
    /// The self-metric series counting records into this family's overflow series.
    private(set) var overflowCounter: UnsafeMutablePointer<n3o_counter_cell>?
    /// Binds the self-metric counting records into this family's overflow series.
    private let overflowCounterBinder: @Sendable (String) -> UnsafeMutablePointer<n3o_counter_cell>?
    /// Bytes of each series' cell; label bytes follow it.
    let cellSize: Int

    // C copies for exporters, alive as long as the family (i.e. the process).
    let cName: UnsafeMutablePointer<CChar>
    let cHelp: UnsafeMutablePointer<CChar>
    let cUnit: UnsafeMutablePointer<CChar>
    let cLabelNames: UnsafeMutablePointer<UnsafePointer<CChar>?>
    let cBounds: UnsafeMutablePointer<Double>
    /// What C callers hold: a tagged header pointing back to this family, so a handle of
    /// another type is detected before it is used.
    public let handle: UnsafeMutablePointer<n3o_family_handle>

    init(shape: MetricShape, cardinalityLimit: Int,
         overflowCounterBinder: @escaping @Sendable (String) -> UnsafeMutablePointer<n3o_counter_cell>?) {
        self.shape = shape
        self.labelCount = shape.labelNames.count
        self.cardinalityLimit = max(1, cardinalityLimit)
        self.overflowCounterBinder = overflowCounterBinder
        self.cellSize = Self.cellSize(for: shape)
        self.index = SeriesIndex(cellSize: cellSize)
        cName = strdup(shape.name)
        cHelp = strdup(shape.help)
        cUnit = strdup(shape.unit)
        cLabelNames = .allocate(capacity: max(1, shape.labelNames.count))
        for (i, label) in shape.labelNames.enumerated() { cLabelNames[i] = UnsafePointer(strdup(label)) }
        // Padded with +Inf to a multiple of N3O_BOUNDS_PAD, which n3o_histogram_bucket reads
        // in whole groups (no value is above +Inf, so the padding counts nothing).
        let pad = Int(N3O_BOUNDS_PAD)
        let padded = max(pad, (shape.buckets.count + pad - 1) / pad * pad)
        cBounds = .allocate(capacity: padded)
        cBounds.initialize(repeating: .infinity, count: padded)
        for (i, bound) in shape.buckets.enumerated() { cBounds[i] = bound }
        handle = .allocate(capacity: 1)
        handle.initialize(to: n3o_family_handle(tag: shape.type.tag ^ N3O_TAG_FAMILY_BIT, flags: 0, family: nil))
        handle.pointee.family = Unmanaged.passUnretained(self).toOpaque()
    }

    /// The family behind a C handle, if the handle is one of `type`'s.
    public static func from(handle: UnsafeRawPointer, type: MetricType) -> MetricFamily? {
        unmanaged(handle: handle, type: type)?.takeUnretainedValue()
    }

    /// The same without a retain: families are never freed, so the record-by-labels paths
    /// can use it through `_withUnsafeGuaranteedRef` and skip two atomic reference-count
    /// operations per call.
    @inline(__always)
    public static func unmanaged(handle: UnsafeRawPointer, type: MetricType) -> Unmanaged<MetricFamily>? {
        let header = handle.assumingMemoryBound(to: n3o_family_handle.self)
        guard header.pointee.tag == type.tag ^ N3O_TAG_FAMILY_BIT, let family = header.pointee.family else { return nil }
        return Unmanaged<MetricFamily>.fromOpaque(family)
    }

    /// The cell of the series with these label values, created if it does not exist yet
    /// (or the overflow series once the family is full). The read path takes no lock.
    @inline(__always)
    public func cell(for values: UnsafePointer<UnsafePointer<CChar>?>?, count: Int) throws(N3ObsError)
        -> UnsafeMutableRawPointer
    {
        guard count == labelCount else {
            throw N3ObsError(.labelCount,
                             "'\(shape.name)' has \(labelCount) label names but \(count) values were given")
        }
        let key = try LabelKey(values: values, count: count)
        if let record = index.find(key) { return SeriesRecord.cell(of: record) }
        return try create(key)
    }

    /// The same for Swift callers.
    public func cell(labels: [String]) throws(N3ObsError) -> UnsafeMutableRawPointer {
        let copies = labels.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) }
        return try pointers.withUnsafeBufferPointer { buffer throws(N3ObsError) in
            try cell(for: buffer.baseAddress, count: buffer.count)
        }
    }

    /// Marks every series' cell as shut down, so that recording through a bound handle
    /// fails its type check from now on (the hot path reads no global state).
    func markShutDown() {
        lock.withLock {
            for record in records + (overflow.map { [$0] } ?? []) {
                let cell = SeriesRecord.cell(of: record)
                n3o_mark_shut_down(cell)
            }
        }
    }

    /// Every series record, in creation order; the overflow series last.
    func snapshotRecords() -> [UnsafeMutablePointer<SeriesRecord>] {
        lock.withLock {
            guard let overflow else { return records }
            return records + [overflow]
        }
    }

    private func create(_ key: LabelKey) throws(N3ObsError) -> UnsafeMutableRawPointer {
        try key.validateUTF8()
        return try lock.withLock { () throws(N3ObsError) -> UnsafeMutableRawPointer in
            if let record = index.find(key) { return SeriesRecord.cell(of: record) }
            if records.count >= cardinalityLimit { return try overflowCell() }
            guard let record = makeRecord(key, isOverflow: false) else {
                throw N3ObsError(.noMemory, "no memory for a new series of '\(shape.name)'")
            }
            guard index.insert(record) else {
                throw N3ObsError(.noMemory, "no memory to index a new series of '\(shape.name)'")
            }
            records.append(record)
            return SeriesRecord.cell(of: record)
        }
    }

    /// Called with `lock` held.
    private func overflowCell() throws(N3ObsError) -> UnsafeMutableRawPointer {
        if let overflow { return SeriesRecord.cell(of: overflow) }
        let empty = [UnsafePointer<CChar>?](repeating: emptyCString, count: labelCount)
        // The key points into `empty`: build the record while that memory is alive.
        let made = try empty.withUnsafeBufferPointer { buffer throws(N3ObsError) in
            makeRecord(try LabelKey(values: buffer.baseAddress, count: labelCount), isOverflow: true)
        }
        guard let record = made else {
            throw N3ObsError(.noMemory, "no memory for the overflow series of '\(shape.name)'")
        }
        overflowCounter = overflowCounterBinder(shape.name)
        let cell = SeriesRecord.cell(of: record)
        cell.assumingMemoryBound(to: n3o_cell_header.self).pointee.flags |= N3O_CELL_OVERFLOW
        overflow = record
        return cell
    }

    /// One allocation: record, cell, label bytes (see SeriesRecord).
    private func makeRecord(_ key: LabelKey, isOverflow: Bool) -> UnsafeMutablePointer<SeriesRecord>? {
        // malloc's 16-byte alignment is enough: no cell field is wider than 8 bytes.
        guard let base = calloc(1, SeriesRecord.stride + cellSize + key.totalBytes) else { return nil }
        var sketch: WindowedQuantileSketch?
        if shape.type == .summary {
            let options = shape.summary ?? .default
            sketch = WindowedQuantileSketch(
                maxAgeNanos: UInt64(options.maxAgeSeconds * 1e9), ageBuckets: options.ageBuckets,
                relativeError: SummaryOptions.relativeError)
            if sketch == nil { free(base); return nil }
        }
        let record = base.assumingMemoryBound(to: SeriesRecord.self)
        record.initialize(to: SeriesRecord(
            hash: key.hash, family: self, createdUnixNano: n3o_realtime_ns(),
            labelBytesCount: UInt32(key.totalBytes), isOverflow: isOverflow))
        key.copy(into: SeriesRecord.labelBytes(of: record, cellSize: cellSize))
        initializeCell(SeriesRecord.cell(of: record), sketch: sketch)
        return record
    }

    private static func cellSize(for shape: MetricShape) -> Int {
        n3o_cell_size(shape.type.tag, UInt32(shape.buckets.count))
    }

    private func initializeCell(_ cell: UnsafeMutableRawPointer, sketch: WindowedQuantileSketch?) {
        // A series created while shutdown runs is born marked, like the rest.
        cell.assumingMemoryBound(to: n3o_cell_header.self).pointee.tag =
            shape.type.tag | (n3o_sdk_state() == UInt32(N3O_STATE_SHUT_DOWN) ? N3O_TAG_SHUT_DOWN : 0)
        switch shape.type {
        case .counter:
            let c = cell.assumingMemoryBound(to: n3o_counter_cell.self)
            c.pointee.owner = N3O_UNCLAIMED
            c.pointee.lanes = n3o_counter_no_lanes()
        case .histogram:
            let h = cell.assumingMemoryBound(to: n3o_histogram_cell.self)
            h.pointee.owner = N3O_UNCLAIMED
            h.pointee.bound_count = UInt32(shape.buckets.count)
            h.pointee.bounds = UnsafePointer(cBounds)
            h.pointee.counts = n3o_histogram_inline_counts(h)
        case .summary:
            // Retained here and never released: the series lives as long as the process.
            cell.assumingMemoryBound(to: n3o_summary_cell.self).pointee.sketch =
                sketch.map { Unmanaged.passRetained($0).toOpaque() }
        default:
            break
        }
    }
}
