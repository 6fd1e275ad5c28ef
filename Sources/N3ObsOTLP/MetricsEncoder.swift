import CN3Obs
import N3ObsPluginKit

/// A metrics snapshot as an ExportMetricsServiceRequest in OTLP/JSON: counters as
/// cumulative monotonic sums, gauges as gauges, histograms with non-cumulative bucket
/// counts and exemplars, summaries with their quantiles, info families as non-monotonic
/// sums of 1 (as the Prometheus compatibility specification maps them).
struct MetricsEncoder {
    private let prefix: [UInt8]

    /// AggregationTemporality CUMULATIVE.
    static let cumulative = 2

    init(_ rs: ResourceScope) {
        var p: [UInt8] = []
        p.lit("{\"resourceMetrics\":[{\"resource\":")
        p.append(contentsOf: rs.resource)
        p.lit(",\"scopeMetrics\":[{\"scope\":")
        p.append(contentsOf: rs.scope)
        p.lit(",\"metrics\":[")
        prefix = p
    }

    /// Appends one request with every family that has series; returns the number of data
    /// points written (0: nothing worth sending, and out holds an empty request).
    @discardableResult
    func encode(_ snapshot: MetricsSnapshotView, into out: inout [UInt8]) -> Int {
        out.append(contentsOf: prefix)
        var points = 0
        var first = true
        let now = snapshot.timeUnixNano
        for family in snapshot.families where !family.series.isEmpty {
            if case .unknown = family.type { continue }
            if !first { out.append(0x2c) }
            first = false
            points += Self.metric(family, now: now, into: &out)
        }
        out.lit("]}]}]}")
        return points
    }

    /// The overall status of a health report as one gauge,
    /// n3obs_health_overall_status (1 healthy, 0.5 degraded, 0 unhealthy). Each check's
    /// own status and duration are already gauges of the registry
    /// (n3obs_health_status{check}, n3obs_health_check_duration_seconds{check}) and travel
    /// with the metrics.
    func encodeHealth(_ report: HealthReportView, into out: inout [UInt8]) {
        out.append(contentsOf: prefix)
        out.lit("{\"name\":\"n3obs_health_overall_status\",")
        out.lit("\"description\":\"Overall result of the latest health report: 1 healthy, 0.5 degraded, 0 unhealthy.\",")
        out.lit("\"gauge\":{\"dataPoints\":[{\"attributes\":[{\"key\":\"status\",\"value\":{\"stringValue\":")
        out.appendQuoted(report.statusName)
        out.lit("}}],\"timeUnixNano\":")
        out.quoted(int: report.timeUnixNano)
        out.lit(",\"asDouble\":")
        let value: Double
        switch report.status {
        case N3OBS_HEALTH_HEALTHY: value = 1
        case N3OBS_HEALTH_DEGRADED: value = 0.5
        default: value = 0
        }
        out.otlpDouble(value)
        out.lit("}]}}]}]}]}")
    }

    /// UCUM for the Prometheus-style units the registry uses; others go as given.
    static func unit(_ u: CStringRef) -> StaticString? {
        let b = u.utf8
        func eq(_ s: StaticString) -> Bool {
            s.withUTF8Buffer { $0.elementsEqual(b) }
        }
        if eq("seconds") { return "s" }
        if eq("milliseconds") { return "ms" }
        if eq("bytes") { return "By" }
        if eq("ratio") { return "1" }
        if eq("percent") { return "%" }
        return nil
    }

    private static func metric(_ f: FamilyView, now: Int64, into out: inout [UInt8]) -> Int {
        out.lit("{\"name\":")
        out.quotedFast(f.name)
        if !f.help.isEmpty {
            out.lit(",\"description\":")
            out.quotedFast(f.help)
        }
        if !f.unit.isEmpty {
            out.lit(",\"unit\":")
            if let u = unit(f.unit) {
                out.append(0x22); out.lit(u); out.append(0x22)
            } else {
                out.quotedFast(f.unit)
            }
        }
        let type = f.type
        switch type {
        case .counter, .info: out.lit(",\"sum\":{\"dataPoints\":[")
        case .gauge: out.lit(",\"gauge\":{\"dataPoints\":[")
        case .histogram: out.lit(",\"histogram\":{\"dataPoints\":[")
        case .summary: out.lit(",\"summary\":{\"dataPoints\":[")
        case .unknown: break
        }
        let series = f.series
        for (i, s) in series.enumerated() {
            if i > 0 { out.append(0x2c) }
            out.append(0x7b)
            attributes(s, of: f, into: &out)
            switch type {
            case .counter, .info:
                times(s, now: now, cumulative: true, into: &out)
                out.lit(",\"asDouble\":")
                if case .info = type { out.otlpDouble(1) } else { out.otlpDouble(s.value) }
            case .gauge:
                times(s, now: now, cumulative: false, into: &out)
                out.lit(",\"asDouble\":")
                out.otlpDouble(s.value)
            case .histogram:
                histogramPoint(s, now: now, into: &out)
            case .summary:
                countAndSum(s, now: now, into: &out)
                out.lit(",\"quantileValues\":[")
                for (k, q) in s.quantiles.enumerated() {
                    if k > 0 { out.append(0x2c) }
                    out.lit("{\"quantile\":")
                    out.otlpDouble(q.quantile)
                    out.lit(",\"value\":")
                    out.otlpDouble(q.value)
                    out.append(0x7d)
                }
                out.append(0x5d)
            case .unknown: break
            }
            out.append(0x7d)
        }
        out.append(0x5d)
        switch type {
        case .counter: out.lit(",\"aggregationTemporality\":2,\"isMonotonic\":true")
        case .info: out.lit(",\"aggregationTemporality\":2,\"isMonotonic\":false")
        case .histogram: out.lit(",\"aggregationTemporality\":2")
        default: break
        }
        out.lit("}}")
        return series.count
    }

    /// `"attributes":[...]` from the series' labels (first member of a data point, so no
    /// leading comma; an empty list is written as []). The overflow series carries only
    /// otel.metric.overflow=true, as the OpenTelemetry SDKs write it.
    private static func attributes(_ s: SeriesView, of f: FamilyView, into out: inout [UInt8]) {
        out.lit("\"attributes\":[")
        if s.isOverflow {
            out.lit("{\"key\":\"otel.metric.overflow\",\"value\":{\"boolValue\":true}}")
        } else {
            var first = true
            for (name, value) in s.labels(of: f) {
                if !first { out.append(0x2c) }
                first = false
                out.stringKeyValue(name, value)
            }
        }
        out.append(0x5d)
    }

    /// `,"startTimeUnixNano":...` (cumulative points only: counters, histograms, summaries)
    /// and `,"timeUnixNano":...`.
    private static func times(_ s: SeriesView, now: Int64, cumulative: Bool, into out: inout [UInt8]) {
        if cumulative {
            out.lit(",\"startTimeUnixNano\":")
            out.quoted(int: s.createdUnixNano)
        }
        out.lit(",\"timeUnixNano\":")
        out.quoted(int: now)
    }

    /// The times, then `,"count":...,"sum":...`: how histogram and summary points start.
    private static func countAndSum(_ s: SeriesView, now: Int64, into out: inout [UInt8]) {
        times(s, now: now, cumulative: true, into: &out)
        out.lit(",\"count\":")
        out.quoted(uint: s.count)
        out.lit(",\"sum\":")
        out.otlpDouble(s.sum)
    }

    private static func histogramPoint(_ s: SeriesView, now: Int64, into out: inout [UInt8]) {
        countAndSum(s, now: now, into: &out)
        let buckets = s.buckets
        // The registry's buckets are cumulative and end with +Inf; OTLP wants one count per
        // bucket and the finite bounds only (one fewer than the counts).
        let lastIsInf = buckets.last.map { $0.upper_bound == .infinity } ?? false
        let boundCount = lastIsInf ? buckets.count - 1 : buckets.count
        out.lit(",\"bucketCounts\":[")
        var previous: UInt64 = 0
        for (k, b) in buckets.enumerated() {
            if k > 0 { out.append(0x2c) }
            let c = b.cumulative_count
            out.quoted(uint: c >= previous ? c - previous : 0)
            previous = max(previous, c)
        }
        if !lastIsInf {
            if !buckets.isEmpty { out.append(0x2c) }
            out.quoted(uint: s.count >= previous ? s.count - previous : 0)
        }
        out.lit("],\"explicitBounds\":[")
        for k in 0..<boundCount {
            if k > 0 { out.append(0x2c) }
            out.otlpDouble(buckets[k].upper_bound)
        }
        out.append(0x5d)
        var firstExemplar = true
        for b in buckets where b.has_exemplar != 0 {
            out.lit(firstExemplar ? ",\"exemplars\":[" : ",")
            firstExemplar = false
            var e = b.exemplar
            out.lit("{\"timeUnixNano\":")
            out.quoted(int: e.time_unix_nano)
            out.lit(",\"asDouble\":")
            out.otlpDouble(e.value)
            withUnsafeBytes(of: &e.trace_id) { t in
                if !HexID.isZero(t) {
                    out.lit(",\"traceId\":")
                    out.hexID(t)
                }
            }
            withUnsafeBytes(of: &e.span_id) { sp in
                if !HexID.isZero(sp) {
                    out.lit(",\"spanId\":")
                    out.hexID(sp)
                }
            }
            out.append(0x7d)
        }
        if !firstExemplar { out.append(0x5d) }
    }
}
