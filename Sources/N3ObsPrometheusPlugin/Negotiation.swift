import N3ObsPrometheus

/// Picks the exposition format from an Accept header, as client_golang does: OpenMetrics
/// 1.0 when the scraper accepts application/openmetrics-text (no version, or 1.0.0) at
/// least as much as text/plain; the text format 0.0.4 otherwise, also when Accept is
/// absent or asks for neither.
enum Negotiation {
    static func format(accept: [String]) -> Exposition.Format {
        var openMetricsQ: Double = -1, textQ: Double = -1
        for header in accept {
            for range in header.split(separator: ",") {
                let parts = range.split(separator: ";").map { $0.trimmingSpaces().lowercased() }
                guard let type = parts.first else { continue }
                var q = 1.0, version: String?
                for p in parts.dropFirst() {
                    if p.hasPrefix("q="), let v = Double(p.dropFirst(2)) { q = v }
                    if p.hasPrefix("version=") { version = String(p.dropFirst(8)) }
                }
                switch type {
                case "application/openmetrics-text" where version == nil || version == "1.0.0":
                    openMetricsQ = max(openMetricsQ, q)
                case "text/plain" where version == nil || version == "0.0.4":
                    textQ = max(textQ, q)
                default:
                    break
                }
            }
        }
        return openMetricsQ > 0 && openMetricsQ >= textQ ? .openMetrics : .text
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
