/// W3C Trace Context (level 2): `traceparent` and `tracestate` parsing and formatting.
public enum TraceContext {
    /// The sampled flag of trace-flags.
    public static let sampledFlag: UInt8 = 0x01
    /// Level 2's random flag: the trace-id's right 7 bytes are random. Kept from a parent;
    /// set on the traces this SDK starts (its ids are random).
    public static let randomFlag: UInt8 = 0x02

    /// A parsed traceparent.
    public struct Parent: Sendable, Equatable {
        public var traceHi: UInt64
        public var traceLo: UInt64
        public var spanId: UInt64
        public var flags: UInt8
    }

    /// Why a traceparent was refused.
    public struct Invalid: Error, Sendable { public let reason: String }

    /// Parses a traceparent value as the recommendation says: version 00 must be exactly
    /// 55 characters; version ff is invalid; a higher version is read from its first four
    /// fields if it is at least 55 characters and the flags end the value or are followed
    /// by '-'. Hex must be lowercase; all-zero ids are invalid. Surrounding OWS is ignored.
    public static func parseTraceparent(_ input: UnsafeRawBufferPointer) -> Result<Parent, Invalid> {
        var lo = 0, hi = input.count
        while lo < hi && (input[lo] == 0x20 || input[lo] == 0x09) { lo += 1 }
        while hi > lo && (input[hi - 1] == 0x20 || input[hi - 1] == 0x09) { hi -= 1 }
        let n = hi - lo
        func at(_ i: Int) -> UInt8 { input[lo + i] }
        func hex(_ from: Int, _ count: Int) -> UInt64? {
            var v: UInt64 = 0
            for i in from..<(from + count) {
                let c = at(i)
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x61...0x66: d = c - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt64(d)
            }
            return v
        }
        guard n >= 3, let version = hex(0, 2), at(2) == 0x2D else {
            return .failure(Invalid(reason: "the version is not 2 lowercase hex digits followed by '-'"))
        }
        if version == 0xff { return .failure(Invalid(reason: "version ff is invalid")) }
        if version == 0 && n != 55 {
            return .failure(Invalid(reason: "a version 00 traceparent is 55 characters, not \(n)"))
        }
        guard n >= 55 else { return .failure(Invalid(reason: "a traceparent is at least 55 characters, not \(n)")) }
        guard let th = hex(3, 16), let tl = hex(19, 16), at(35) == 0x2D else {
            return .failure(Invalid(reason: "the trace-id is not 32 lowercase hex digits followed by '-'"))
        }
        guard th | tl != 0 else { return .failure(Invalid(reason: "the trace-id is all zero")) }
        guard let span = hex(36, 16), at(52) == 0x2D else {
            return .failure(Invalid(reason: "the parent-id is not 16 lowercase hex digits followed by '-'"))
        }
        guard span != 0 else { return .failure(Invalid(reason: "the parent-id is all zero")) }
        guard let flags = hex(53, 2) else {
            return .failure(Invalid(reason: "the trace-flags are not 2 lowercase hex digits"))
        }
        if n > 55 && at(55) != 0x2D {
            return .failure(Invalid(reason: "the trace-flags are followed by something other than '-'"))
        }
        return .success(Parent(traceHi: th, traceLo: tl, spanId: span, flags: UInt8(flags)))
    }

    /// A tracestate value reduced to its valid list members, joined by ",", or nil when
    /// the list is invalid (over 32 members, a bad key or value), which discards all of it.
    /// A key given twice keeps its first (newest) member: level 2 lets a parser drop the
    /// duplicate rather than the list. Members are dropped to fit `maxLength`: those over
    /// 128 characters first, then from the end, as the recommendation says.
    public static func normalizeTracestate(_ input: UnsafeRawBufferPointer,
                                           maxLength: Int = TracingLimits.maxTracestateLength) -> [UInt8]? {
        var members: [ArraySlice<UInt8>] = []
        var start = 0
        let bytes = Array(input)
        var keys: [ArraySlice<UInt8>] = []
        var received = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x2C { end += 1 }
            var a = start, b = end
            while a < b && (bytes[a] == 0x20 || bytes[a] == 0x09) { a += 1 }
            while b > a && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09) { b -= 1 }
            if a < b {
                let member = bytes[a..<b]
                guard let eq = member.firstIndex(of: 0x3D) else { return nil }
                let key = bytes[a..<eq], value = bytes[(eq + 1)..<b]
                guard validKey(key), validValue(value) else { return nil }
                received += 1
                if received > 32 { return nil }
                if !keys.contains(where: { $0 == key }) {
                    keys.append(key)
                    members.append(member)
                }
            }
            start = end + 1
        }
        func joinedLength(_ m: [ArraySlice<UInt8>]) -> Int { m.reduce(0) { $0 + $1.count } + max(0, m.count - 1) }
        if joinedLength(members) > maxLength { members.removeAll { $0.count > 128 } }
        while joinedLength(members) > maxLength { members.removeLast() }
        var out: [UInt8] = []
        for (i, m) in members.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(contentsOf: m)
        }
        return out
    }

    private static func isLcAlpha(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    /// keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
    private static func isKeyChar(_ c: UInt8) -> Bool {
        isLcAlpha(c) || isDigit(c) || c == 0x5F || c == 0x2D || c == 0x2A || c == 0x2F || c == 0x40
    }

    /// Level 2's key = (lcalpha / DIGIT) 0*255(keychar). It accepts every level 1 key
    /// (simple and tenant@system) and the vendor keys level 1 refused ("foo@", a long
    /// system id), which would otherwise discard the whole list.
    static func validKey(_ key: ArraySlice<UInt8>) -> Bool {
        guard let first = key.first, isLcAlpha(first) || isDigit(first), key.count <= 256 else { return false }
        return key.dropFirst().allSatisfy(isKeyChar)
    }

    /// value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E.
    static func validValue(_ value: ArraySlice<UInt8>) -> Bool {
        guard let last = value.last, last != 0x20, value.count <= 256 else { return false }
        return value.allSatisfy { c in c >= 0x20 && c <= 0x7E && c != 0x2C && c != 0x3D }
    }

    /// "00-<trace>-<span>-<flags>" (55 characters, no NUL) into `out`.
    public static func formatTraceparent(traceHi: UInt64, traceLo: UInt64, spanId: UInt64, flags: UInt8,
                                         into out: UnsafeMutableRawPointer) {
        var p = out
        func put(_ c: UInt8) { p.storeBytes(of: c, as: UInt8.self); p += 1 }
        func hex(_ v: UInt64, _ digits: Int) {
            var shift = (digits - 1) * 4
            while shift >= 0 {
                let d = UInt8((v >> UInt64(shift)) & 0xF)
                put(d < 10 ? 0x30 + d : 0x61 + d - 10)
                shift -= 4
            }
        }
        put(0x30); put(0x30); put(0x2D)
        hex(traceHi, 16); hex(traceLo, 16); put(0x2D)
        hex(spanId, 16); put(0x2D)
        hex(UInt64(flags), 2)
    }
}
