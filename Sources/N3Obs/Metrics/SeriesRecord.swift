import CN3ObsShims
import Glibc

/// One series of a family, in a single allocation that lives until the process exits:
///
///     [SeriesRecord][cell][label bytes: each value NUL-terminated, back to back]
///
/// A C handle points at the cell; the record sits just before it and the label bytes just
/// after it (the family knows the cell's size), so nothing needs a stored pointer. That
/// keeps a three-label counter series near 100 bytes.
@usableFromInline
struct SeriesRecord {
    var hash: UInt64
    var family: Unmanaged<MetricFamily>
    var createdUnixNano: Int64
    var labelBytesCount: UInt32
    var isOverflow: Bool

    @usableFromInline static let stride = 32

    /// The record that owns a cell.
    @inlinable
    static func of(cell: UnsafeMutableRawPointer) -> UnsafeMutablePointer<SeriesRecord> {
        (cell - stride).assumingMemoryBound(to: SeriesRecord.self)
    }

    static func cell(of record: UnsafeMutablePointer<SeriesRecord>) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(record) + stride
    }

    static func labelBytes(of record: UnsafePointer<SeriesRecord>, cellSize: Int) -> UnsafeMutablePointer<UInt8> {
        (UnsafeMutableRawPointer(mutating: record) + stride + cellSize).assumingMemoryBound(to: UInt8.self)
    }

    /// Pointers to each NUL-terminated label value, written into `out` (labelCount entries).
    static func labelValues(of record: UnsafePointer<SeriesRecord>, cellSize: Int, count: Int,
                            into out: UnsafeMutablePointer<UnsafePointer<CChar>?>) {
        var p = UnsafeRawPointer(labelBytes(of: record, cellSize: cellSize)).assumingMemoryBound(to: CChar.self)
        for i in 0..<count {
            out[i] = p
            p += strlen(p) + 1
        }
    }

    /// The label values as Swift strings (off the hot path).
    static func labels(of record: UnsafePointer<SeriesRecord>, cellSize: Int, count: Int) -> [String] {
        var p = UnsafeRawPointer(labelBytes(of: record, cellSize: cellSize)).assumingMemoryBound(to: CChar.self)
        return (0..<count).map { _ in
            defer { p += strlen(p) + 1 }
            return String(cString: p)
        }
    }
}

/// Label values as the caller gave them: measured and hashed in one pass, never trusted.
struct LabelKey {
    let values: UnsafePointer<UnsafePointer<CChar>?>?
    let count: Int
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Bytes of all values with their NULs, as stored in a record's label bytes.
    var totalBytes = 0

    /// Measures and hashes the values (FNV-1a, with each NUL as a separator).
    init(values: UnsafePointer<UnsafePointer<CChar>?>?, count: Int) throws(N3ObsError) {
        self.values = values
        self.count = count
        guard count > 0 else { return }
        guard let values else {
            throw N3ObsError(.invalidArgument, "label values are NULL but \(count) were announced")
        }
        var h = hash
        var total = 0
        for i in 0..<count {
            guard let value = values[i] else {
                throw N3ObsError(.invalidArgument, "label value \(i) is NULL")
            }
            var n = 0
            let bytes = UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self)
            while true {
                let b = bytes[n]
                h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3
                if b == 0 { break }
                n += 1
                if n > Limits.maxLabelValueLength {
                    throw N3ObsError(.tooLong,
                                     "label value \(i) is longer than \(Limits.maxLabelValueLength) bytes")
                }
            }
            total += n + 1
        }
        hash = h
        totalBytes = total
    }

    /// True when the record holds exactly these values. Reads no byte past either side:
    /// the totals are equal, so each comparison stays inside the record's bytes.
    func matches(_ record: UnsafePointer<SeriesRecord>, cellSize: Int) -> Bool {
        guard record.pointee.hash == hash, Int(record.pointee.labelBytesCount) == totalBytes else { return false }
        guard let values else { return count == 0 }
        let stored = SeriesRecord.labelBytes(of: record, cellSize: cellSize)
        var offset = 0
        for i in 0..<count {
            guard let value = values[i] else { return false }
            let n = strlen(value) + 1
            if memcmp(value, stored + offset, n) != 0 { return false }
            offset += n
        }
        return true
    }

    /// Copies the values into a record's label bytes.
    func copy(into bytes: UnsafeMutablePointer<UInt8>) {
        guard let values else { return }
        var offset = 0
        for i in 0..<count {
            guard let value = values[i] else { continue }
            let n = strlen(value) + 1
            memcpy(bytes + offset, value, n)
            offset += n
        }
    }

    /// Checks that every value is UTF-8 (done once, when the series is created).
    func validateUTF8() throws(N3ObsError) {
        guard let values else { return }
        for i in 0..<count {
            guard let value = values[i] else { continue }
            let bytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self),
                count: strlen(value))
            guard UTF8Check.isValid(bytes) else {
                throw N3ObsError(.invalidUTF8, "label value \(i) is not valid UTF-8")
            }
        }
    }
}
