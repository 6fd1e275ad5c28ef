import CN3ObsShims
import Glibc

/// One series of a family, in a single allocation that lives until the process exits:
///
///     [cell][SeriesRecord][label value pointers][label bytes, each NUL-terminated]
///
/// The cell comes first so that a C handle is the allocation itself; the label pointers
/// are handed to exporters as they are (snapshots copy no strings).
struct SeriesRecord {
    var hash: UInt64
    var cell: UnsafeMutableRawPointer
    var labelValues: UnsafeMutablePointer<UnsafePointer<CChar>?>
    var labelBytes: UnsafeMutablePointer<UInt8>
    var labelBytesCount: Int
    var labelCount: Int
    var createdUnixNano: Int64
    var isOverflow: Bool
    /// The family's n3obs_metric_overflow_total series, for the overflow series only.
    var overflowCounter: UnsafeMutablePointer<n3o_counter_cell>?
    var family: Unmanaged<MetricFamily>

    /// The label values as Swift strings (off the hot path).
    var labels: [String] {
        (0..<labelCount).map { i in labelValues[i].map { String(cString: $0) } ?? "" }
    }

    /// The record that owns a cell: every cell's header points back to it.
    static func of(cell: UnsafeMutableRawPointer) -> UnsafeMutablePointer<SeriesRecord>? {
        cell.assumingMemoryBound(to: n3o_cell_header.self).pointee.series?
            .assumingMemoryBound(to: SeriesRecord.self)
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
    func matches(_ record: UnsafePointer<SeriesRecord>) -> Bool {
        guard record.pointee.hash == hash, record.pointee.labelBytesCount == totalBytes,
              let values else { return count == 0 && record.pointee.labelBytesCount == 0 }
        var offset = 0
        for i in 0..<count {
            guard let value = values[i] else { return false }
            let n = strlen(value) + 1
            if memcmp(value, record.pointee.labelBytes + offset, n) != 0 { return false }
            offset += n
        }
        return true
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
