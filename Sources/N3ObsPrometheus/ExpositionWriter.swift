import CN3Obs
import Glibc

/// Appends exposition text to a growable byte buffer: names, escaped strings and numbers,
/// without building a String per sample (a scrape of 10,000 series writes ~1 MB). A raw
/// buffer rather than [UInt8]: per-byte appends to an Array pay a uniqueness and capacity
/// check each, which was a third of a scrape's time.
struct ExpositionWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The text written so far.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Lends the text written so far, without copying it.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Bytes from..<to of what was written (a piece of a lookup table built in a writer).
    mutating func append(_ other: borrowing ExpositionWriter, from: Int, to: Int) {
        append(raw: other.base + from, count: to - from)
    }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = c
    }

    @inline(__always)
    mutating func append(raw p: UnsafeRawPointer, count n: Int) {
        reserve(n)
        memcpy(base + count, p, n)
        count += n
    }

    mutating func append(_ s: StaticString) { append(raw: s.utf8Start, count: s.utf8CodeUnitCount) }

    mutating func append(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { if let p = $0.baseAddress { append(raw: p, count: $0.count) } }
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { if let p = $0.baseAddress { append(raw: p, count: $0.count) } }
    }

    /// What another writer holds (a series' label block).
    mutating func append(_ other: borrowing ExpositionWriter) {
        append(raw: other.base, count: other.count)
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// A NUL-terminated C string as it is (names, already validated by the SDK).
    mutating func append(cString p: UnsafePointer<CChar>?) {
        guard let p else { return }
        append(raw: p, count: strlen(p))
    }

    /// A label value: backslash, double quote and line feed escaped (both formats).
    mutating func appendLabelValue(_ p: UnsafePointer<CChar>?) {
        appendEscaped(p, quote: true)
    }

    /// HELP text: backslash and line feed escaped; OpenMetrics also escapes double quotes.
    mutating func appendHelp(_ p: UnsafePointer<CChar>?, openMetrics: Bool) {
        appendEscaped(p, quote: openMetrics)
    }

    /// Copies runs of bytes that need no escape whole, found by libc's vectorised strcspn.
    private mutating func appendEscaped(_ p: UnsafePointer<CChar>?, quote: Bool) {
        guard var p else { return }
        while true {
            let run = quote ? strcspn(p, Self.labelSpecials) : strcspn(p, Self.helpSpecials)
            append(raw: p, count: run)
            let b = UInt8(bitPattern: p[run])
            if b == 0 { return }
            append(byte: UInt8(ascii: "\\"))
            append(byte: b == UInt8(ascii: "\n") ? UInt8(ascii: "n") : b)
            p += run + 1
        }
    }

    private static let labelSpecialsText: StaticString = "\\\n\""
    private static let helpSpecialsText: StaticString = "\\\n"
    private static var labelSpecials: UnsafePointer<CChar> {
        UnsafeRawPointer(labelSpecialsText.utf8Start).assumingMemoryBound(to: CChar.self)
    }
    private static var helpSpecials: UnsafePointer<CChar> {
        UnsafeRawPointer(helpSpecialsText.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// A sample value in Go's float syntax: integers without a fraction, NaN, +Inf, -Inf.
    mutating func append(value v: Double) {
        if v.isNaN { append("NaN"); return }
        if v.isInfinite { append(v > 0 ? "+Inf" : "-Inf"); return }
        if v == v.rounded(), abs(v) < 1e15 {
            append(integer: Int64(v))
            return
        }
        // Shortest text that reads back as the same double.
        append(v.description)
    }

    /// A bound or quantile as a label value: OpenMetrics wants canonical floats ("1.0").
    mutating func append(labelNumber v: Double) {
        if v.isInfinite { append(v > 0 ? "+Inf" : "-Inf"); return }
        append(v.description)
    }

    mutating func append(integer n: Int64) {
        reserve(20)
        if n < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
        var m = n.magnitude
        // Digits backwards into the space after the end, then reversed in place.
        let start = count
        repeat {
            base[count] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: m % 10)
            m /= 10
            count += 1
        } while m > 0
        var lo = start, hi = count - 1
        while lo < hi {
            let t = base[lo]
            base[lo] = base[hi]
            base[hi] = t
            lo += 1
            hi -= 1
        }
    }

    mutating func append(unsigned n: UInt64) {
        if n <= UInt64(Int64.max) { append(integer: Int64(n)) } else { append(String(n)) }
    }

    /// Seconds with a fraction, for OpenMetrics timestamps (_created, exemplars).
    mutating func append(unixNanoAsSeconds ns: Int64) {
        let seconds = ns / 1_000_000_000
        var fraction = ns % 1_000_000_000
        append(integer: seconds)
        guard fraction > 0 else { return }
        var digits = 9
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        append(byte: UInt8(ascii: "."))
        reserve(digits)
        for i in stride(from: digits - 1, through: 0, by: -1) {
            base[count + i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: fraction % 10)
            fraction /= 10
        }
        count += digits
    }

    mutating func append(hex bytes16: UnsafeRawBufferPointer) {
        let hexDigits: StaticString = "0123456789abcdef"
        let h = hexDigits.utf8Start
        reserve(bytes16.count * 2)
        for b in bytes16 {
            base[count] = h[Int(b >> 4)]
            base[count + 1] = h[Int(b & 0xF)]
            count += 2
        }
    }
}
