/// RFC 3339 UTC timestamps from Unix nanoseconds, computed without gmtime (no locale, no
/// global state): "2025-01-02T03:04:05.678901234Z".
public enum RFC3339 {
    /// - Parameters:
    ///   - unixNano: nanoseconds since 1970-01-01T00:00:00Z; negative values are before it.
    ///   - fractionDigits: 0 to 9 digits of the second (truncated, not rounded).
    public static func append(unixNano: Int64, fractionDigits: Int = 9, to out: inout [UInt8]) {
        let (secs, nanos) = floorDivide(unixNano, 1_000_000_000)
        let (days, secOfDay) = floorDivide(secs, 86_400)
        let (y, m, d) = civil(fromDays: days)
        out.append(int: y)   // years beyond 9999 only from corrupt data: written as they are
        out.append(ascii: "-"); out.append(uint: UInt64(m), width: 2)
        out.append(ascii: "-"); out.append(uint: UInt64(d), width: 2)
        out.append(ascii: "T"); out.append(uint: UInt64(secOfDay / 3600), width: 2)
        out.append(ascii: ":"); out.append(uint: UInt64(secOfDay % 3600 / 60), width: 2)
        out.append(ascii: ":"); out.append(uint: UInt64(secOfDay % 60), width: 2)
        let digits = min(max(fractionDigits, 0), 9)
        if digits > 0 {
            var divisor: Int64 = 1
            for _ in 0..<(9 - digits) { divisor *= 10 }
            out.append(ascii: ".")
            out.append(uint: UInt64(nanos / divisor), width: digits)
        }
        out.append(ascii: "Z")
    }

    public static func string(unixNano: Int64, fractionDigits: Int = 9) -> String {
        var out: [UInt8] = []
        append(unixNano: unixNano, fractionDigits: fractionDigits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b, r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    /// Howard Hinnant's days_from_civil inverse: proleptic Gregorian date of a day number.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
