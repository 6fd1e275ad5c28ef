import Glibc
import N3ObsSupport

/// The report as JSON for `/healthz`, `n3obsctl health` and people: the overall status
/// first (what a load balancer reads), counts per status, then every check in name order.
/// Times are RFC 3339 in UTC with milliseconds; durations are milliseconds as numbers.
public enum ReportJSON {
    public static func render(_ report: HealthReport) -> String {
        var counts = [0, 0, 0]
        for c in report.checks { counts[Int(c.status.rawValue)] += 1 }
        var out = "{\"status\":\(quote(report.status.name)),\"time\":\(quote(rfc3339(report.timeUnixNano)))"
        out += ",\"duration_ms\":\(millis(report.durationNanos))"
        out += ",\"counts\":{\"healthy\":\(counts[0]),\"degraded\":\(counts[1]),\"unhealthy\":\(counts[2])}"
        out += ",\"checks\":["
        for (i, c) in report.checks.enumerated() {
            if i > 0 { out += "," }
            out += "{\"name\":\(quote(c.name)),\"status\":\(quote(c.status.name)),\"critical\":\(c.critical)"
            out += ",\"detail\":\(quote(c.detail)),\"description\":\(quote(c.description))"
            out += ",\"tags\":[\(c.tags.map(quote).joined(separator: ","))]"
            out += ",\"time\":\(quote(rfc3339(c.timestampUnixNano))),\"duration_ms\":\(millis(c.durationNanos))"
            out += ",\"timed_out\":\(c.timedOut),\"stuck\":\(c.stuck),\"cached\":\(c.cached)}"
        }
        out += "]}"
        return out
    }

    /// A JSON string literal (RFC 8259), by the escaper the plugins use too.
    static func quote(_ s: String) -> String { JSONEscape.quoted(s) }

    /// Milliseconds with three decimals (microsecond resolution).
    static func millis(_ nanos: Int64) -> String {
        let micros = max(0, nanos) / 1000
        let frac = String(micros % 1000)
        return "\(micros / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }

    /// "2025-01-02T03:04:05.678Z".
    static func rfc3339(_ unixNano: Int64) -> String {
        var seconds = time_t(unixNano / 1_000_000_000)
        var millis = Int((unixNano % 1_000_000_000) / 1_000_000)
        if millis < 0 { millis += 1000; seconds -= 1 }
        var t = tm()
        guard gmtime_r(&seconds, &t) != nil else { return "" }
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T"
            + "\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}
