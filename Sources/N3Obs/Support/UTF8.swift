import N3ObsSupport

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
        guard UTF8Validation.isValid(bytes) else {
            throw N3ObsError(.invalidUTF8, "\(what) is not valid UTF-8")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
