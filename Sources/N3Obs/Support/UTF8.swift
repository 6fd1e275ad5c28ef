/// UTF-8 checks on caller bytes, done once when a string enters the SDK (never on the
/// hot path: a series found by its label bytes was validated when it was created).
enum UTF8Check {
    /// True when the bytes are well-formed UTF-8 (no overlong forms, no surrogates,
    /// nothing above U+10FFFF), as RFC 3629 defines it.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lowest: UInt8 = 0x80
            var highest: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lowest = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; highest = 0x9F
            case 0xF0: length = 4; lowest = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; highest = 0x8F
            default: return false
            }
            guard i + length <= n else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= lowest && b1 <= highest else { return false }
            var k = 2
            while k < length {
                guard bytes[i + k] & 0xC0 == 0x80 else { return false }
                k += 1
            }
            i += length
        }
        return true
    }
}

/// Reads a caller's NUL-terminated string without trusting its length.
public enum CString {
    /// The length of `pointer`'s string, or nil if it is longer than `limit` bytes.
    /// Never reads more than `limit + 1` bytes.
    public static func boundedLength(_ pointer: UnsafePointer<CChar>, limit: Int) -> Int? {
        var n = 0
        while n <= limit {
            if pointer[n] == 0 { return n }
            n += 1
        }
        return nil
    }

    /// A Swift string from a caller's C string, checked for length and UTF-8.
    /// - Parameter what: names the argument in the error message, e.g. "help".
    public static func read(_ pointer: UnsafePointer<CChar>?, what: String, limit: Int,
                     nullIsEmpty: Bool = false) throws(N3ObsError) -> String {
        guard let pointer else {
            if nullIsEmpty { return "" }
            throw N3ObsError(.invalidArgument, "\(what) is NULL")
        }
        guard let length = boundedLength(pointer, limit: limit) else {
            throw N3ObsError(.tooLong, "\(what) is longer than \(limit) bytes")
        }
        let bytes = UnsafeBufferPointer(
            start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
        guard UTF8Check.isValid(bytes) else {
            throw N3ObsError(.invalidUTF8, "\(what) is not valid UTF-8")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
