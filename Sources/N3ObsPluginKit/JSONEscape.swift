import N3ObsSupport

/// RFC 8259 string escaping over raw UTF-8 bytes.
public enum JSONEscape {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Appends bytes escaped for the inside of a JSON string: '"', '\' and control
    /// characters are escaped (\n, \t, ... or \u00XX); ill-formed UTF-8 is replaced by
    /// U+FFFD so the output is always valid JSON.
    public static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
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
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + len)]))
                i += len
            }
        }
    }

}
