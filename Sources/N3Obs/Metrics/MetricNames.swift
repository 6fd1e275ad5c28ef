/// Prometheus' naming rules (https://prometheus.io/docs/concepts/data_model/).
enum MetricNames {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, not starting with `__` (reserved).
    static func validateMetricName(_ name: String) throws(N3ObsError) {
        guard !name.isEmpty else { throw N3ObsError(.invalidName, "metric name is empty") }
        guard name.utf8.count <= Limits.maxNameLength else {
            throw N3ObsError(.tooLong, "metric name is longer than \(Limits.maxNameLength) bytes")
        }
        guard matches(name, allowColon: true) else {
            throw N3ObsError(.invalidName,
                             "metric name '\(name)' must match [a-zA-Z_:][a-zA-Z0-9_:]*")
        }
        guard !name.hasPrefix("__") else {
            throw N3ObsError(.invalidName, "metric name '\(name)' starts with the reserved '__'")
        }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`, and not one the type reserves.
    static func validateLabelName(_ name: String, reserved: [String]) throws(N3ObsError) {
        guard !name.isEmpty else { throw N3ObsError(.invalidName, "label name is empty") }
        guard name.utf8.count <= Limits.maxNameLength else {
            throw N3ObsError(.tooLong, "label name is longer than \(Limits.maxNameLength) bytes")
        }
        guard matches(name, allowColon: false) else {
            throw N3ObsError(.invalidName,
                             "label name '\(name)' must match [a-zA-Z_][a-zA-Z0-9_]*")
        }
        guard !name.hasPrefix("__") else {
            throw N3ObsError(.invalidName, "label name '\(name)' starts with the reserved '__'")
        }
        guard !reserved.contains(name) else {
            throw N3ObsError(.invalidName, "label name '\(name)' is reserved for this metric type")
        }
    }

    /// Units are name suffixes in Prometheus, so they follow the label-name alphabet.
    static func validateUnit(_ unit: String) throws(N3ObsError) {
        guard unit.utf8.count <= Limits.maxNameLength else {
            throw N3ObsError(.tooLong, "unit is longer than \(Limits.maxNameLength) bytes")
        }
        for c in unit.utf8 where !(isLetter(c) || isDigit(c) || c == UInt8(ascii: "_")) {
            throw N3ObsError(.invalidName, "unit '\(unit)' must match [a-zA-Z0-9_]*")
        }
    }

    private static func matches(_ name: String, allowColon: Bool) -> Bool {
        var first = true
        for c in name.utf8 {
            let ok = isLetter(c) || c == UInt8(ascii: "_") || (allowColon && c == UInt8(ascii: ":"))
                || (!first && isDigit(c))
            if !ok { return false }
            first = false
        }
        return true
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
