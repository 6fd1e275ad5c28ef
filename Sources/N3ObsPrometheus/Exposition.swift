import CN3Obs

/// Renders a metrics snapshot in Prometheus' text format 0.0.4 or in OpenMetrics 1.0, the
/// way client_golang and prometheus_client do: one HELP and TYPE per family, counters'
/// samples ending in _total, cumulative histogram buckets ending at le="+Inf", summaries'
/// quantile samples, info metrics as <name>_info, and in OpenMetrics _created samples,
/// units, exemplars on buckets and a final "# EOF".
public enum Exposition {
    public enum Format: Sendable {
        case text
        case openMetrics

        public var contentType: String {
            switch self {
            case .text: "text/plain; version=0.0.4; charset=utf-8"
            case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
            }
        }
    }

    /// - Parameter prefix: put before every family name (already a valid name prefix).
    public static func render(_ snapshot: UnsafePointer<n3obs_metrics_snapshot>, format: Format,
                              prefix: String = "") -> [UInt8] {
        let s = snapshot.pointee
        var seriesTotal = 0
        for f in 0..<s.family_count { seriesTotal += s.families[f].series_count }
        var w = ExpositionWriter(capacity: 256 + seriesTotal * 96)
        let om = format == .openMetrics
        for f in 0..<s.family_count {
            renderFamily(s.families[f], into: &w, openMetrics: om, prefix: prefix)
        }
        if om { w.append("# EOF\n") }
        return w.bytes
    }

    private static func renderFamily(_ fam: n3obs_family_data, into w: inout ExpositionWriter, openMetrics om: Bool,
                                     prefix: String) {
        let type = fam.type
        // The name on HELP/TYPE lines: OpenMetrics names the family without suffixes; the
        // text format names counters and info metrics by their sample name.
        let suffix: StaticString? = switch type {
        case N3OBS_METRIC_COUNTER where !om: "_total"
        case N3OBS_METRIC_INFO where !om: "_info"
        default: nil
        }
        func familyName() {
            w.append(prefix)
            w.append(cString: fam.name)
            if let suffix { w.append(suffix) }
        }
        let typeName: StaticString = switch type {
        case N3OBS_METRIC_COUNTER: "counter"
        case N3OBS_METRIC_HISTOGRAM: "histogram"
        case N3OBS_METRIC_SUMMARY: "summary"
        case N3OBS_METRIC_INFO where om: "info"
        default: "gauge"
        }
        if om {
            w.append("# TYPE "); familyName(); w.append(byte: 0x20); w.append(typeName); w.append(byte: 0x0A)
            if let unit = fam.unit, unit.pointee != 0, nameEndsWithUnit(fam.name, unit) {
                w.append("# UNIT "); familyName(); w.append(byte: 0x20); w.append(cString: unit); w.append(byte: 0x0A)
            }
            w.append("# HELP "); familyName(); w.append(byte: 0x20)
            w.appendHelp(fam.help, openMetrics: true); w.append(byte: 0x0A)
        } else {
            w.append("# HELP "); familyName(); w.append(byte: 0x20)
            w.appendHelp(fam.help, openMetrics: false); w.append(byte: 0x0A)
            w.append("# TYPE "); familyName(); w.append(byte: 0x20); w.append(typeName); w.append(byte: 0x0A)
        }
        for i in 0..<fam.series_count {
            let series = fam.series[i]
            var sample = Sample(fam: fam, series: series, prefix: prefix)
            switch type {
            case N3OBS_METRIC_COUNTER:
                sample.write(&w, suffix: "_total", value: series.value)
                if om { sample.writeCreated(&w) }
            case N3OBS_METRIC_INFO:
                sample.write(&w, suffix: "_info", value: 1)
            case N3OBS_METRIC_HISTOGRAM:
                for b in 0..<series.bucket_count {
                    let bucket = series.buckets[b]
                    sample.extraLabel = ("le", bucket.upper_bound)
                    sample.write(&w, suffix: "_bucket", value: Double(bucket.cumulative_count), newline: false)
                    if om && bucket.has_exemplar != 0 { writeExemplar(bucket.exemplar, into: &w) }
                    w.append(byte: 0x0A)
                }
                sample.extraLabel = nil
                if om {
                    sample.write(&w, suffix: "_count", value: Double(series.count))
                    sample.write(&w, suffix: "_sum", value: series.sum)
                    sample.writeCreated(&w)
                } else {
                    sample.write(&w, suffix: "_sum", value: series.sum)
                    sample.write(&w, suffix: "_count", value: Double(series.count))
                }
            case N3OBS_METRIC_SUMMARY:
                for q in 0..<series.quantile_count {
                    sample.extraLabel = ("quantile", series.quantiles[q].quantile)
                    sample.write(&w, suffix: nil, value: series.quantiles[q].value)
                }
                sample.extraLabel = nil
                sample.write(&w, suffix: "_sum", value: series.sum)
                sample.write(&w, suffix: "_count", value: Double(series.count))
                if om { sample.writeCreated(&w) }
            default:
                sample.write(&w, suffix: nil, value: series.value)
            }
        }
    }

    /// One series' samples: its name, labels (plus le or quantile) and a value.
    private struct Sample {
        let fam: n3obs_family_data
        let series: n3obs_series_data
        let prefix: String
        var extraLabel: (name: StaticString, value: Double)?

        init(fam: n3obs_family_data, series: n3obs_series_data, prefix: String) {
            self.fam = fam
            self.series = series
            self.prefix = prefix
        }

        func write(_ w: inout ExpositionWriter, suffix: StaticString?, value: Double, newline: Bool = true) {
            w.append(prefix)
            w.append(cString: fam.name)
            if let suffix { w.append(suffix) }
            writeLabels(&w)
            w.append(byte: 0x20)
            w.append(value: value)
            if newline { w.append(byte: 0x0A) }
        }

        func writeCreated(_ w: inout ExpositionWriter) {
            w.append(prefix)
            w.append(cString: fam.name)
            w.append("_created")
            var copy = self
            copy.extraLabel = nil
            copy.writeLabels(&w)
            w.append(byte: 0x20)
            w.append(unixNanoAsSeconds: series.created_unix_nano)
            w.append(byte: 0x0A)
        }

        private func writeLabels(_ w: inout ExpositionWriter) {
            var first = true
            func separator() {
                w.append(byte: first ? UInt8(ascii: "{") : UInt8(ascii: ","))
                first = false
            }
            for l in 0..<fam.label_count {
                // The overflow series' own labels are empty: only its marker says anything.
                if series.is_overflow != 0 { break }
                separator()
                w.append(cString: fam.label_names[l])
                w.append("=\"")
                w.appendLabelValue(series.label_values[l])
                w.append(byte: UInt8(ascii: "\""))
            }
            if series.is_overflow != 0 {
                separator()
                w.append("otel_metric_overflow=\"true\"")
            }
            if let (name, value) = extraLabel {
                separator()
                w.append(name)
                w.append("=\"")
                w.append(labelNumber: value)
                w.append(byte: UInt8(ascii: "\""))
            }
            if !first { w.append(byte: UInt8(ascii: "}")) }
        }
    }

    private static func writeExemplar(_ e: n3obs_exemplar_data, into w: inout ExpositionWriter) {
        w.append(" # {trace_id=\"")
        withUnsafeBytes(of: e.trace_id) { w.append(hex: $0) }
        w.append("\",span_id=\"")
        withUnsafeBytes(of: e.span_id) { w.append(hex: $0) }
        w.append("\"} ")
        w.append(value: e.value)
        w.append(byte: 0x20)
        w.append(unixNanoAsSeconds: e.time_unix_nano)
    }

    /// OpenMetrics requires a family with a UNIT to have a name ending in _<unit>.
    private static func nameEndsWithUnit(_ name: UnsafePointer<CChar>?, _ unit: UnsafePointer<CChar>) -> Bool {
        guard let name else { return false }
        let n = String(cString: name), u = String(cString: unit)
        return n.hasSuffix("_" + u)
    }
}
