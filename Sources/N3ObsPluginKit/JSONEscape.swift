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
            let len = validSequenceLength(bytes, at: i)
            if len == 0 {
                out.append(contentsOf: replacement)
                i += 1
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + len)]))
                i += len
            }
        }
    }

    /// The length of the well-formed multi-byte UTF-8 sequence at i, or 0 (Unicode's
    /// table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
    static func validSequenceLength(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = s[i]
        let len: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: return 0
        }
        guard i + len <= s.count else { return 0 }
        guard s[i + 1] >= lo && s[i + 1] <= hi else { return 0 }
        for k in 2..<len where s[i + k] < 0x80 || s[i + k] > 0xBF { return 0 }
        return len
    }
}
