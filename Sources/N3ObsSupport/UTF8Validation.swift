/// Well-formed UTF-8 as RFC 3629 defines it (Unicode's table 3-7: no overlong forms, no
/// surrogates, nothing above U+10FFFF). The SDK refuses ill-formed strings with it when
/// they enter; the JSON writers of plugins replace ill-formed sequences with U+FFFD.
public enum UTF8Validation {
    /// True when all the bytes are well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count {
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            let length = sequenceLength(bytes, at: i)
            if length == 0 { return false }
            i += length
        }
        return true
    }

    /// The length of the well-formed multi-byte sequence at i (bytes[i] >= 0x80), or 0.
    public static func sequenceLength(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = s[i]
        let length: Int
        var lowest: UInt8 = 0x80, highest: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; highest = 0x9F
        case 0xF0: length = 4; lowest = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; highest = 0x8F
        default: return 0
        }
        guard i + length <= s.count else { return 0 }
        guard s[i + 1] >= lowest && s[i + 1] <= highest else { return 0 }
        for k in 2..<length where s[i + k] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
