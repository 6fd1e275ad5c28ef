import N3ObsSupport

/// Appending text to a byte buffer: output is built as bytes and written with one write(2),
/// so nothing goes through String interpolation on the export path.
extension Array where Element == UInt8 {
    @inlinable public mutating func append(_ s: String) { append(contentsOf: s.utf8) }

    @inlinable public mutating func append(ascii c: Unicode.Scalar) { append(UInt8(ascii: c)) }

    /// A C string's bytes as they are ("" for NULL); see ``appendQuoted(_:)`` for untrusted text.
    public mutating func append(_ s: CStringRef) { append(contentsOf: s.utf8) }

    public mutating func append(int v: Int64) {
        if v < 0 {
            append(ascii: "-")
            append(uint: v == Int64.min ? UInt64(Int64.max) + 1 : UInt64(-v))
        } else {
            append(uint: UInt64(v))
        }
    }

    public mutating func append(uint v: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = v, i = 20
        Swift.withUnsafeMutableBytes(of: &digits) { d in
            repeat { i -= 1; d[i] = UInt8(truncatingIfNeeded: n % 10) + 0x30; n /= 10 } while n > 0
            append(contentsOf: d[i..<20])
        }
    }

    /// Zero-padded to width digits (for times).
    public mutating func append(uint v: UInt64, width: Int) {
        var n = v, len = 1
        while n >= 10 { n /= 10; len += 1 }
        if len < width { append(contentsOf: repeatElement(0x30, count: width - len)) }
        append(uint: v)
    }

    /// A double as a person and a JSON reader both read it: whole values below 2^63
    /// as integers ("42"), others in Swift's shortest round-trip form ("0.005", "1e-07").
    /// Non-finite values are written as given in `nan`, `posInf`, `negInf`.
    public mutating func append(double v: Double, nan: String = "NaN", posInf: String = "+Inf",
                                negInf: String = "-Inf") {
        if v.isNaN { append(nan); return }
        if v.isInfinite { append(v > 0 ? posInf : negInf); return }
        if v == v.rounded(), abs(v) < 9_223_372_036_854_775_808.0 {
            if v == 0 && v.sign == .minus { append("-0"); return }
            append(int: Int64(v))
            return
        }
        append(v.description)
    }

    /// Text between double quotes with JSON's escapes (which also covers Prometheus'
    /// label-value escapes); invalid UTF-8 becomes U+FFFD.
    public mutating func appendQuoted(_ s: CStringRef) {
        append(ascii: "\"")
        JSONEscape.append(s.utf8, to: &self)
        append(ascii: "\"")
    }

    /// Like ``appendQuoted(_:)`` without the quotes: for names in a line-based format, so
    /// that a newline or quote in odd data cannot break the line.
    public mutating func appendEscaped(_ s: CStringRef) {
        JSONEscape.append(s.utf8, to: &self)
    }

    public mutating func appendQuoted(_ s: String) {
        append(ascii: "\"")
        var copy = s
        copy.withUTF8 { JSONEscape.append($0, to: &self) }
        append(ascii: "\"")
    }
}

/// A duration in the unit a person reads best: "850ns", "12.3us", "4.56ms", "1.234s".
public enum DurationText {
    public static func append(nanoseconds ns: Int64, to out: inout [UInt8]) {
        let d = Double(ns)
        let a = abs(d)
        if a < 1_000 { out.append(int: ns); out.append("ns"); return }
        let (value, unit): (Double, String) =
            a < 1_000_000 ? (d / 1e3, "us") : a < 1_000_000_000 ? (d / 1e6, "ms") : (d / 1e9, "s")
        out.append(double: (value * 1000).rounded() / 1000)
        out.append(unit)
    }
}
