import CN3Obs
import Glibc

/// Appends exposition text to a byte buffer: names, escaped strings and numbers, without
/// building a String per sample (a scrape of 10,000 series writes ~1 MB).
struct ExpositionWriter {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// A NUL-terminated C string as it is (names, already validated by the SDK).
    mutating func append(cString p: UnsafePointer<CChar>?) {
        guard let p else { return }
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: strlen(p)))
    }

    /// A label value: backslash, double quote and line feed escaped (both formats).
    mutating func appendLabelValue(_ p: UnsafePointer<CChar>?) {
        appendEscaped(p, quote: true)
    }

    /// HELP text: backslash and line feed escaped; OpenMetrics also escapes double quotes.
    mutating func appendHelp(_ p: UnsafePointer<CChar>?, openMetrics: Bool) {
        appendEscaped(p, quote: openMetrics)
    }

    private mutating func appendEscaped(_ p: UnsafePointer<CChar>?, quote: Bool) {
        guard let p else { return }
        var i = 0
        while true {
            let b = UInt8(bitPattern: p[i])
            switch b {
            case 0: return
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\"") where quote: append("\\\"")
            default: bytes.append(b)
            }
            i += 1
        }
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
        if n == 0 { bytes.append(UInt8(ascii: "0")); return }
        var digits = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                      UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                      UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        var m = n.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while m > 0 {
                d[count] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                count += 1
            }
            if n < 0 { bytes.append(UInt8(ascii: "-")) }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    mutating func append(unsigned n: UInt64) {
        if n <= UInt64(Int64.max) { append(integer: Int64(n)) } else { append(String(n)) }
    }

    /// Seconds with a fraction, for OpenMetrics timestamps (_created, exemplars).
    mutating func append(unixNanoAsSeconds ns: Int64) {
        let seconds = ns / 1_000_000_000
        let fraction = ns % 1_000_000_000
        append(integer: seconds)
        guard fraction > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var digits = String(fraction)
        while digits.count < 9 { digits = "0" + digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        append(digits)
    }

    mutating func append(hex bytes16: UnsafeRawBufferPointer) {
        let hexDigits: StaticString = "0123456789abcdef"
        hexDigits.withUTF8Buffer { h in
            for b in bytes16 {
                bytes.append(h[Int(b >> 4)])
                bytes.append(h[Int(b & 0xF)])
            }
        }
    }
}
