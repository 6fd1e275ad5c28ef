/// Checks the Authorization header against the configured credentials. The expected header
/// value is computed once; comparing takes the same time wherever the first difference
/// lies, so a scraper learns nothing from timing but the length.
struct Authorizer: Sendable {
    private let scheme: [UInt8]      // lower case, e.g. "bearer"
    private let expected: [UInt8]    // the credentials after the scheme and a space
    /// The WWW-Authenticate value of a 401.
    let challenge: String

    init(_ credentials: Credentials) {
        switch credentials {
        case let .bearer(token):
            scheme = Array("bearer".utf8)
            expected = Array(token.utf8)
            challenge = "Bearer realm=\"n3obs\""
        case let .basic(username, password):
            scheme = Array("basic".utf8)
            expected = Array(Base64.encode(Array("\(username):\(password)".utf8)).utf8)
            challenge = "Basic realm=\"n3obs\", charset=\"UTF-8\""
        }
    }

    /// - Parameter header: the Authorization header's value, nil when absent.
    func allows(_ header: String?) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        // "<scheme> <credentials>": the scheme is case-insensitive (RFC 9110 11.1).
        guard bytes.count > scheme.count, bytes[scheme.count] == 0x20 else { return false }
        for (i, c) in scheme.enumerated() where bytes[i] | 0x20 != c { return false }
        var start = scheme.count + 1
        while start < bytes.count && bytes[start] == 0x20 { start += 1 }
        return Self.constantTimeEqual(bytes[start...], expected)
    }

    /// Equal bytes, in time that depends only on the lengths.
    static func constantTimeEqual(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool {
        var diff: UInt8 = a.count == b.count ? 0 : 1
        // Walk b's length whatever a's is, so the time does not reveal a's length either.
        var ai = a.startIndex
        for x in b {
            let y = ai < a.endIndex ? a[ai] : 0
            diff |= x ^ y
            if ai < a.endIndex { ai += 1 }
        }
        return diff == 0
    }
}

/// RFC 4648 base64 with padding, for the Basic credentials we expect.
enum Base64 {
    static func encode(_ input: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let n = UInt32(input[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
