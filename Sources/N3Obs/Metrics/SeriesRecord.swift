import CN3ObsShims
import Glibc
import N3ObsSupport

/// One series of a family, in a single allocation that lives until the process exits:
///
///     [SeriesRecord][cell][label bytes: each value NUL-terminated, back to back]
///
/// The layout is C's (n3o_series_record, n3o_cell_size in n3o_cells.h, which asserts it):
/// a C handle points at the cell, the record sits just before it and the label bytes just
/// after it, so nothing needs a stored pointer.
@usableFromInline
typealias SeriesRecord = n3o_series_record

extension SeriesRecord {
    /// From the record to its cell: the record's size.
    @usableFromInline static var stride: Int { MemoryLayout<n3o_series_record>.stride }

    init(hash: UInt64, family: MetricFamily, createdUnixNano: Int64, labelBytesCount: UInt32, isOverflow: Bool) {
        self.init(hash: hash, family: Unmanaged.passUnretained(family).toOpaque(),
                  created_unix_nano: createdUnixNano, label_bytes_count: labelBytesCount,
                  is_overflow: isOverflow ? 1 : 0)
    }

    var isOverflow: Bool { is_overflow != 0 }
    var createdUnixNano: Int64 { created_unix_nano }
    /// The family that owns the series (unretained: families are never freed).
    var owner: Unmanaged<MetricFamily> { Unmanaged.fromOpaque(family!) }

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
    /// The lengths of the first values (without NUL), so matching needs no strlen.
    private var lengths: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)

    /// Measures (strnlen) and hashes the values, NULs included, so ("ab", "c") and
    /// ("a", "bc") differ. Eight bytes at a time with one multiply each: a byte-at-a-time
    /// hash such as FNV-1a made hashing most of a by-labels record's cost.
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
            let n = strnlen(value, Limits.maxLabelValueLength + 1)
            if n > Limits.maxLabelValueLength {
                throw N3ObsError(.tooLong,
                                 "label value \(i) is longer than \(Limits.maxLabelValueLength) bytes")
            }
            h = Self.hash(UnsafeRawPointer(value), n + 1, into: h)
            if i < 4 { Self.setLength(&lengths, i, UInt16(truncatingIfNeeded: n)) }
            total += n + 1
        }
        hash = h ^ (h &>> 29)
        totalBytes = total
    }

    /// Mixes the m bytes at p (m >= 1) into h, reading no byte outside them.
    @inline(__always)
    private static func hash(_ p: UnsafeRawPointer, _ m: Int, into h: UInt64) -> UInt64 {
        var h = h
        var i = 0
        while i &+ 8 <= m {
            h = mix(h, p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i &+= 8
        }
        let rest = m &- i
        if rest == 0 { return mix(h, UInt64(truncatingIfNeeded: m)) }
        return mix(h, tail(p + i, rest, whole: m) ^ UInt64(truncatingIfNeeded: m) &<< 56)
    }

    /// The last `rest` (1...7) bytes at p as one word. When the value is at least 8 bytes
    /// long (`whole`), one unaligned load ending at its last byte; else two overlapping
    /// loads (rest >= 4) or three single bytes: each covers every byte, so equal lengths
    /// and equal words mean equal bytes.
    @inline(__always)
    private static func tail(_ p: UnsafeRawPointer, _ rest: Int, whole: Int) -> UInt64 {
        if whole >= 8 {
            return p.loadUnaligned(fromByteOffset: rest &- 8, as: UInt64.self) &>> UInt64(64 &- 8 &* rest)
        }
        if rest >= 4 {
            let lo = UInt64(p.loadUnaligned(as: UInt32.self))
            let hi = UInt64(p.loadUnaligned(fromByteOffset: rest &- 4, as: UInt32.self))
            return lo | hi &<< 32
        }
        let a = UInt64(p.load(as: UInt8.self))
        let b = UInt64(p.load(fromByteOffset: rest &>> 1, as: UInt8.self))
        let c = UInt64(p.load(fromByteOffset: rest &- 1, as: UInt8.self))
        return a | b &<< 8 | c &<< 16
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
        return m ^ (m &>> 32)
    }

    private static func setLength(_ t: inout (UInt16, UInt16, UInt16, UInt16), _ i: Int, _ n: UInt16) {
        switch i {
        case 0: t.0 = n
        case 1: t.1 = n
        case 2: t.2 = n
        default: t.3 = n
        }
    }

    @inline(__always)
    private func length(_ i: Int, _ value: UnsafePointer<CChar>) -> Int {
        switch i {
        case 0: Int(lengths.0)
        case 1: Int(lengths.1)
        case 2: Int(lengths.2)
        case 3: Int(lengths.3)
        default: strlen(value)
        }
    }

    /// True when the record holds exactly these values. Reads no byte past either side:
    /// the record's label bytes are as many as the caller's values with their NULs, and
    /// value i is compared with the bytes at the sum of the earlier values' sizes.
    func matches(_ record: UnsafePointer<SeriesRecord>, cellSize: Int) -> Bool {
        guard record.pointee.hash == hash, Int(record.pointee.label_bytes_count) == totalBytes else { return false }
        guard let values else { return count == 0 }
        let stored = UnsafeRawPointer(SeriesRecord.labelBytes(of: record, cellSize: cellSize))
        var offset = 0
        for i in 0..<count {
            guard let value = values[i] else { return false }
            let m = length(i, value) &+ 1
            if !Self.equal(UnsafeRawPointer(value), stored + offset, m) { return false }
            offset &+= m
        }
        return true
    }

    /// The m bytes at a and at b are equal (m >= 1); reads only those bytes.
    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ m: Int) -> Bool {
        var i = 0
        while i &+ 8 <= m {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        let rest = m &- i
        return rest == 0 || tail(a + i, rest, whole: m) == tail(b + i, rest, whole: m)
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
            guard UTF8Validation.isValid(bytes) else {
                throw N3ObsError(.invalidUTF8, "label value \(i) is not valid UTF-8")
            }
        }
    }
}
