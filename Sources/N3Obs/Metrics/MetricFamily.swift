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
    let index = SeriesIndex()
    private let lock = Lock()
    /// Every record in creation order (read under `lock` by snapshots).
    private var records: [UnsafeMutablePointer<SeriesRecord>] = []
    private var overflow: UnsafeMutablePointer<SeriesRecord>?
    /// Binds the self-metric counting records into this family's overflow series.
    private let overflowCounterBinder: @Sendable (String) -> UnsafeMutablePointer<n3o_counter_cell>?

    // C copies for exporters, alive as long as the family (i.e. the process).
    let cName: UnsafeMutablePointer<CChar>
    let cHelp: UnsafeMutablePointer<CChar>
    let cUnit: UnsafeMutablePointer<CChar>
    let cLabelNames: UnsafeMutablePointer<UnsafePointer<CChar>?>
    let cBounds: UnsafeMutablePointer<Double>
    /// What C callers hold: a tagged header pointing back to this family, so a handle of
    /// another type is detected before it is used.
    public let handle: UnsafeMutablePointer<n3o_cell_header>

    /// Family handles carry their type's series tag with this bit flipped.
    public static let familyTagBit: UInt32 = 0x0001_0000

    init(shape: MetricShape, cardinalityLimit: Int,
         overflowCounterBinder: @escaping @Sendable (String) -> UnsafeMutablePointer<n3o_counter_cell>?) {
        self.shape = shape
        self.labelCount = shape.labelNames.count
        self.cardinalityLimit = max(1, cardinalityLimit)
        self.overflowCounterBinder = overflowCounterBinder
        cName = strdup(shape.name)
        cHelp = strdup(shape.help)
        cUnit = strdup(shape.unit)
        cLabelNames = .allocate(capacity: max(1, shape.labelNames.count))
        for (i, label) in shape.labelNames.enumerated() { cLabelNames[i] = UnsafePointer(strdup(label)) }
        cBounds = .allocate(capacity: max(1, shape.buckets.count))
        for (i, bound) in shape.buckets.enumerated() { cBounds[i] = bound }
        handle = .allocate(capacity: 1)
        handle.initialize(to: n3o_cell_header(tag: shape.type.tag ^ Self.familyTagBit, flags: 0, series: nil))
        handle.pointee.series = Unmanaged.passUnretained(self).toOpaque()
    }

    /// The family behind a C handle, if the handle is one of `type`'s.
    public static func from(handle: UnsafeRawPointer, type: MetricType) -> MetricFamily? {
        let header = handle.assumingMemoryBound(to: n3o_cell_header.self)
        guard header.pointee.tag == type.tag ^ familyTagBit, let family = header.pointee.series else { return nil }
        return Unmanaged<MetricFamily>.fromOpaque(family).takeUnretainedValue()
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
        if let record = index.find(key) { return record.pointee.cell }
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
            if let record = index.find(key) { return record.pointee.cell }
            if records.count >= cardinalityLimit { return try overflowCell() }
            guard let record = makeRecord(key, isOverflow: false) else {
                throw N3ObsError(.noMemory, "no memory for a new series of '\(shape.name)'")
            }
            guard index.insert(record) else {
                throw N3ObsError(.noMemory, "no memory to index a new series of '\(shape.name)'")
            }
            records.append(record)
            return record.pointee.cell
        }
    }

    /// Called with `lock` held.
    private func overflowCell() throws(N3ObsError) -> UnsafeMutableRawPointer {
        if let overflow { return overflow.pointee.cell }
        let empty = [UnsafePointer<CChar>?](repeating: emptyCString, count: labelCount)
        let key = try empty.withUnsafeBufferPointer { buffer throws(N3ObsError) in
            try LabelKey(values: buffer.baseAddress, count: labelCount)
        }
        guard let record = makeRecord(key, isOverflow: true) else {
            throw N3ObsError(.noMemory, "no memory for the overflow series of '\(shape.name)'")
        }
        record.pointee.overflowCounter = overflowCounterBinder(shape.name)
        record.pointee.cell.assumingMemoryBound(to: n3o_cell_header.self).pointee.flags |= N3O_CELL_OVERFLOW
        overflow = record
        return record.pointee.cell
    }

    /// One allocation: cell, record, label pointers, label bytes (see SeriesRecord).
    private func makeRecord(_ key: LabelKey, isOverflow: Bool) -> UnsafeMutablePointer<SeriesRecord>? {
        let cellSize = Self.round8(cellBytes)
        let recordSize = Self.round8(MemoryLayout<SeriesRecord>.stride)
        let pointersSize = MemoryLayout<UnsafePointer<CChar>?>.stride * labelCount
        guard let base = n3o_aligned_zalloc(64, cellSize + recordSize + pointersSize + key.totalBytes)
        else { return nil }
        var sketch: WindowedQuantileSketch?
        if shape.type == .summary {
            let options = shape.summary ?? .default
            sketch = WindowedQuantileSketch(
                maxAgeNanos: UInt64(options.maxAgeSeconds * 1e9), ageBuckets: options.ageBuckets,
                relativeError: SummaryOptions.relativeError)
            if sketch == nil { free(base); return nil }
        }
        let record = (base + cellSize).assumingMemoryBound(to: SeriesRecord.self)
        let pointers = (base + cellSize + recordSize).assumingMemoryBound(to: UnsafePointer<CChar>?.self)
        let bytes = (base + cellSize + recordSize + pointersSize).assumingMemoryBound(to: UInt8.self)
        var offset = 0
        for i in 0..<labelCount {
            guard let value = key.values?[i] else { continue }
            let n = strlen(value) + 1
            memcpy(bytes + offset, value, n)
            pointers[i] = UnsafeRawPointer(bytes + offset).assumingMemoryBound(to: CChar.self)
            offset += n
        }
        record.initialize(to: SeriesRecord(
            hash: key.hash, cell: base, labelValues: pointers, labelBytes: bytes,
            labelBytesCount: key.totalBytes, labelCount: labelCount,
            createdUnixNano: n3o_realtime_ns(), isOverflow: isOverflow, overflowCounter: nil,
            family: Unmanaged.passUnretained(self)))
        initializeCell(base, record: record, sketch: sketch)
        return record
    }

    private var cellBytes: Int {
        switch shape.type {
        case .counter: MemoryLayout<n3o_counter_cell>.stride
        case .gauge: MemoryLayout<n3o_gauge_cell>.stride
        case .histogram: MemoryLayout<n3o_histogram_cell>.stride + (shape.buckets.count + 1) * 8
        case .summary: MemoryLayout<n3o_summary_cell>.stride
        case .info: MemoryLayout<n3o_cell_header>.stride
        }
    }

    private func initializeCell(_ cell: UnsafeMutableRawPointer, record: UnsafeMutablePointer<SeriesRecord>,
                                sketch: WindowedQuantileSketch?) {
        let header = cell.assumingMemoryBound(to: n3o_cell_header.self)
        header.pointee.tag = shape.type.tag
        header.pointee.series = UnsafeMutableRawPointer(record)
        switch shape.type {
        case .histogram:
            let h = cell.assumingMemoryBound(to: n3o_histogram_cell.self)
            h.pointee.bound_count = UInt32(shape.buckets.count)
            h.pointee.bounds = UnsafePointer(cBounds)
            h.pointee.counts = (cell + MemoryLayout<n3o_histogram_cell>.stride)
                .assumingMemoryBound(to: UInt64.self)
        case .summary:
            // Retained here and never released: the series lives as long as the process.
            cell.assumingMemoryBound(to: n3o_summary_cell.self).pointee.sketch =
                sketch.map { Unmanaged.passRetained($0).toOpaque() }
        default:
            break
        }
    }

    private static func round8(_ n: Int) -> Int { (n + 7) & ~7 }
}
