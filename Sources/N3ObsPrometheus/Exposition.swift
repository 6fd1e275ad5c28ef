import CN3Obs
import Glibc

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
        withRendered(snapshot, format: format, prefix: prefix) { Array($0) }
    }

    /// Renders the snapshot and lends the text to body, valid only during the call: a
    /// caller that copies it anyway (into a socket buffer) saves a copy of ~1 MB.
    public static func withRendered<R>(_ snapshot: UnsafePointer<n3obs_metrics_snapshot>, format: Format,
                                       prefix: String = "", _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let s = snapshot.pointee
        var seriesTotal = 0
        for f in 0..<s.family_count { seriesTotal += s.families[f].series_count }
        var w = ExpositionWriter(capacity: 256 + seriesTotal * 96)
        var labels = ExpositionWriter(capacity: 256)
        let om = format == .openMetrics
        for f in 0..<s.family_count {
            renderFamily(s.families[f], into: &w, labels: &labels, openMetrics: om, prefix: prefix)
        }
        if om { w.append("# EOF\n") }
        return try w.withBytes(body)
    }

    private static func renderFamily(_ fam: n3obs_family_data, into w: inout ExpositionWriter,
                                     labels: inout ExpositionWriter, openMetrics om: Bool, prefix: String) {
        let type = fam.type
        // The sample names' stem, written once per sample with one copy.
        var name = ExpositionWriter(capacity: 128)
        name.append(prefix)
        name.append(cString: fam.name)
        // The name on HELP/TYPE lines: OpenMetrics names the family without suffixes; the
        // text format names counters and info metrics by their sample name.
        let suffix: StaticString? = switch type {
        case N3OBS_METRIC_COUNTER where !om: "_total"
        case N3OBS_METRIC_INFO where !om: "_info"
        default: nil
        }
        let typeName: StaticString = switch type {
        case N3OBS_METRIC_COUNTER: "counter"
        case N3OBS_METRIC_HISTOGRAM: "histogram"
        case N3OBS_METRIC_SUMMARY: "summary"
        case N3OBS_METRIC_INFO where om: "info"
        default: "gauge"
        }
        func metadata(_ w: inout ExpositionWriter, _ keyword: StaticString) {
            w.append(keyword)
            w.append(name)
            if let suffix { w.append(suffix) }
            w.append(byte: 0x20)
        }
        if om {
            metadata(&w, "# TYPE "); w.append(typeName); w.append(byte: 0x0A)
            if let unit = fam.unit, unit.pointee != 0, nameEndsWithUnit(fam.name, unit) {
                metadata(&w, "# UNIT "); w.append(cString: unit); w.append(byte: 0x0A)
            }
            metadata(&w, "# HELP "); w.appendHelp(fam.help, openMetrics: true); w.append(byte: 0x0A)
        } else {
            metadata(&w, "# HELP "); w.appendHelp(fam.help, openMetrics: false); w.append(byte: 0x0A)
            metadata(&w, "# TYPE "); w.append(typeName); w.append(byte: 0x0A)
        }
        // Label names as `method="`, computed once per family: names.bytes[ends[i-1]..<ends[i]].
        var names = ExpositionWriter(capacity: 256)
        var ends: [Int] = [0]
        ends.reserveCapacity(fam.label_count + 1)
        for l in 0..<fam.label_count {
            names.append(cString: fam.label_names[l])
            names.append("=\"")
            ends.append(names.count)
        }
        // le and quantile values, formatted once per family (every series shares the shape).
        var numberCache: [(Double, [UInt8])] = []
        for i in 0..<fam.series_count {
            let series = fam.series[i]
            seriesLabels(series, names, ends, into: &labels)
            switch type {
            case N3OBS_METRIC_COUNTER:
                sample(&w, name, "_total", labels, value: series.value)
                if om { created(&w, name, labels, series.created_unix_nano) }
            case N3OBS_METRIC_INFO:
                sample(&w, name, "_info", labels, value: 1)
            case N3OBS_METRIC_HISTOGRAM:
                for b in 0..<series.bucket_count {
                    let bucket = series.buckets[b]
                    let le = cachedNumber(bucket.upper_bound, at: b, &numberCache)
                    sample(&w, name, "_bucket", labels, extra: ("le=\"", le), value: Double(bucket.cumulative_count),
                           newline: false)
                    if om && bucket.has_exemplar != 0 { writeExemplar(bucket.exemplar, into: &w) }
                    w.append(byte: 0x0A)
                }
                if om {
                    sample(&w, name, "_count", labels, value: Double(series.count))
                    sample(&w, name, "_sum", labels, value: series.sum)
                    created(&w, name, labels, series.created_unix_nano)
                } else {
                    sample(&w, name, "_sum", labels, value: series.sum)
                    sample(&w, name, "_count", labels, value: Double(series.count))
                }
            case N3OBS_METRIC_SUMMARY:
                for q in 0..<series.quantile_count {
                    let quantile = cachedNumber(series.quantiles[q].quantile, at: q, &numberCache)
                    sample(&w, name, nil, labels, extra: ("quantile=\"", quantile), value: series.quantiles[q].value)
                }
                sample(&w, name, "_sum", labels, value: series.sum)
                sample(&w, name, "_count", labels, value: Double(series.count))
                if om { created(&w, name, labels, series.created_unix_nano) }
            default:
                sample(&w, name, nil, labels, value: series.value)
            }
        }
    }

    /// A series' labels as `{a="x",b="y"` (no closing brace, so that le or quantile can
    /// follow); nothing when it has none. The overflow series' own labels are empty: only
    /// its marker says anything.
    private static func seriesLabels(_ series: n3obs_series_data, _ names: borrowing ExpositionWriter, _ ends: [Int],
                                     into l: inout ExpositionWriter) {
        l.removeAll()
        if series.is_overflow != 0 {
            l.append("{otel_metric_overflow=\"true\"")
            return
        }
        for i in 0..<(ends.count - 1) {
            l.append(byte: i == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            l.append(names, from: ends[i], to: ends[i + 1])
            l.appendLabelValue(series.label_values[i])
            l.append(byte: UInt8(ascii: "\""))
        }
    }

    private static func cachedNumber(_ v: Double, at i: Int, _ cache: inout [(Double, [UInt8])]) -> [UInt8] {
        if i < cache.count, cache[i].0 == v || (cache[i].0.isNaN && v.isNaN) { return cache[i].1 }
        var t = ExpositionWriter(capacity: 32)
        t.append(labelNumber: v)
        let text = t.bytes
        if i < cache.count { cache[i] = (v, text) } else if i == cache.count { cache.append((v, text)) }
        return text
    }

    private static func sample(_ w: inout ExpositionWriter, _ name: borrowing ExpositionWriter, _ suffix: StaticString?,
                               _ labels: borrowing ExpositionWriter, extra: (StaticString, [UInt8])? = nil,
                               value: Double, newline: Bool = true) {
        w.append(name)
        if let suffix { w.append(suffix) }
        w.append(labels)
        if let (label, text) = extra {
            w.append(byte: labels.count == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            w.append(label)
            w.append(text)
            w.append("\"}")
        } else if labels.count > 0 {
            w.append(byte: UInt8(ascii: "}"))
        }
        w.append(byte: 0x20)
        w.append(value: value)
        if newline { w.append(byte: 0x0A) }
    }

    private static func created(_ w: inout ExpositionWriter, _ name: borrowing ExpositionWriter, _ labels: borrowing ExpositionWriter,
                                _ unixNano: Int64) {
        w.append(name)
        w.append("_created")
        w.append(labels)
        if labels.count > 0 { w.append(byte: UInt8(ascii: "}")) }
        w.append(byte: 0x20)
        w.append(unixNanoAsSeconds: unixNano)
        w.append(byte: 0x0A)
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
