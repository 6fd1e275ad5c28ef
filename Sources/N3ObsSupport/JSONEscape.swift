/// RFC 8259 string escaping over raw UTF-8 bytes: the one JSON escaper of the SDK (health
/// reports) and of the plugins (OTLP/JSON, the stdout exporter, PluginKit's writer).
public enum JSONEscape {
    /// Appends bytes escaped for the inside of a JSON string: '"', '\' and control
    /// characters are escaped (\n, \t, ... or \u00XX), and so are U+2028 and U+2029 (valid
    /// JSON, but they end a line in JavaScript that evaluates it); ill-formed UTF-8 is
    /// replaced by U+FFFD so the output is always valid JSON. Runs of plain ASCII, the
    /// common case, are copied at once: only what needs escaping (or checking as UTF-8)
    /// goes through the byte-by-byte path.
    @inlinable @inline(__always)
    public static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x20 || b >= 0x80 || b == 0x22 || b == 0x5c { break }
            i += 1
        }
        if i == n {
            out.append(contentsOf: bytes)
            return
        }
        if i > 0 { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<i])) }
        appendSlowly(UnsafeBufferPointer(rebasing: bytes[i..<n]), to: &out)
    }

    /// `append` between double quotes.
    @inlinable @inline(__always)
    public static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        append(bytes, to: &out)
        out.append(0x22)
    }

    /// A Swift string as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        var copy = s
        copy.withUTF8 { appendQuoted($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    @usableFromInline
    static func appendSlowly(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if b >= 0x20 && b < 0x80 {
                if b == 0x22 || b == 0x5c { out.append(0x5c) }
                out.append(b)
                i += 1
                continue
            }
            if b < 0x20 {
                out.append(0x5c)
                switch b {
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0a: out.append(UInt8(ascii: "n"))
                case 0x0c: out.append(UInt8(ascii: "f"))
                case 0x0d: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xf)]])
                }
                i += 1
                continue
            }
            let len = UTF8Validation.sequenceLength(bytes, at: i)
            if len == 0 {
                out.append(contentsOf: replacement)
                i += 1
            } else if len == 3 && b == 0xE2 && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) {
                out.append(contentsOf: [0x5c, UInt8(ascii: "u"), 0x32, 0x30, 0x32, bytes[i + 2] == 0xA8 ? 0x38 : 0x39])
                i += 3
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + len)]))
                i += len
            }
        }
    }
}
