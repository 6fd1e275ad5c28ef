import CN3Obs
import N3ObsPluginKit
import N3ObsSupport

/// The human-readable form. A span:
///
///     trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 parent - name "GET /users" kind server duration 12.3ms status OK
///         time 2025-01-02T03:04:05.678901Z .. 2025-01-02T03:04:05.691201Z
///         attr http.route = "/users"
///         event +1.2ms "retry" attempt=2
///
/// A metric family (counters get "_total" back, info "_info"):
///
///     # histogram demo_latency_seconds [seconds]: Request latency
///     demo_latency_seconds{route="/"} count 3 sum 0.42
///         le 0.1 1
///         le +Inf 3
///
/// A health report:
///
///     health degraded at 2025-01-02T03:04:05.678Z (2 checks, 1.1ms)
///         healthy cpu (0.2ms): 12% busy
///         degraded disk (0.1ms, critical): 8% free on /
enum TextFormat {
    static let indent = "    "

    // MARK: spans

    static func span(_ s: SpanView, into out: inout [UInt8]) {
        out.append("trace "); HexID.append(s.traceID, to: &out)
        out.append(" span "); HexID.append(s.spanID, to: &out)
        out.append(" parent ")
        if s.hasParent {
            HexID.append(s.parentSpanID, to: &out)
            if s.parentIsRemote { out.append(" (remote)") }
        } else {
            out.append(ascii: "-")
        }
        out.append(" name "); out.appendQuoted(s.name)
        out.append(" kind "); out.append(SpanKind.name(s.kind))
        out.append(" duration "); DurationText.append(nanoseconds: s.durationNanos, to: &out)
        out.append(" status "); out.append(SpanStatus.name(s.statusCode))
        if !s.statusDescription.isEmpty { out.append(ascii: " "); out.appendQuoted(s.statusDescription) }
        out.append(ascii: "\n")

        out.append(indent); out.append("time ")
        RFC3339.append(unixNano: s.startUnixNano, fractionDigits: 6, to: &out)
        out.append(" .. ")
        RFC3339.append(unixNano: s.endUnixNano, fractionDigits: 6, to: &out)
        if s.traceFlags & UInt8(N3OBS_TRACE_FLAG_SAMPLED) == 0 { out.append(" (not sampled)") }
        if !s.tracestate.isEmpty { out.append(" tracestate "); out.appendQuoted(s.tracestate) }
        out.append(ascii: "\n")

        for a in s.attributes {
            out.append(indent); out.append("attr "); out.appendEscaped(a.key); out.append(" = ")
            value(a.value, into: &out)
            out.append(ascii: "\n")
        }
        for e in s.events {
            out.append(indent); out.append("event +")
            let (offset, overflow) = e.timeUnixNano.subtractingReportingOverflow(s.startUnixNano)
            DurationText.append(nanoseconds: overflow ? 0 : offset, to: &out)
            out.append(ascii: " "); out.appendQuoted(e.name)
            inlineAttributes(e.attributes, into: &out)
            if e.droppedAttributes > 0 { out.append(" (\(e.droppedAttributes) attributes dropped)") }
            out.append(ascii: "\n")
        }
        for l in s.links {
            out.append(indent); out.append("link trace "); HexID.append(l.traceID, to: &out)
            out.append(" span "); HexID.append(l.spanID, to: &out)
            inlineAttributes(l.attributes, into: &out)
            out.append(ascii: "\n")
        }
        if s.droppedAttributes + s.droppedEvents + s.droppedLinks > 0 {
            out.append(indent)
            out.append("dropped attributes \(s.droppedAttributes) events \(s.droppedEvents) links \(s.droppedLinks)\n")
        }
    }

    static func inlineAttributes(_ attrs: Attributes, into out: inout [UInt8]) {
        for a in attrs {
            out.append(ascii: " "); out.appendEscaped(a.key); out.append(ascii: "=")
            value(a.value, into: &out)
        }
    }

    static func value(_ v: AttributeValue, into out: inout [UInt8]) {
        switch v {
        case let .string(s): out.appendQuoted(s)
        case let .int(i): out.append(int: i)
        case let .double(d): out.append(double: d)
        case let .bool(b): out.append(b ? "true" : "false")
        case let .stringArray(a): list(a, into: &out) { $1.appendQuoted($0) }
        case let .intArray(a): list(a, into: &out) { $1.append(int: $0) }
        case let .doubleArray(a): list(a, into: &out) { $1.append(double: $0) }
        case let .boolArray(a): list(a, into: &out) { $1.append($0 != 0 ? "true" : "false") }
        case let .unknown(t): out.append("(value of unknown type \(t))")
        }
    }

    static func list<C: Collection>(_ items: C, into out: inout [UInt8], _ item: (C.Element, inout [UInt8]) -> Void) {
        out.append(ascii: "[")
        var first = true
        for x in items {
            if !first { out.append(", ") }
            first = false
            item(x, &out)
        }
        out.append(ascii: "]")
    }

    // MARK: metrics

    static func metricsHeader(_ snapshot: MetricsSnapshotView, into out: inout [UInt8]) {
        out.append("# metrics at ")
        RFC3339.append(unixNano: snapshot.timeUnixNano, fractionDigits: 3, to: &out)
        let families = snapshot.families
        let withSeries = families.reduce(0) { $0 + ($1.series.isEmpty ? 0 : 1) }
        out.append(": \(withSeries) of \(families.count) families have series\n")
    }

    static func family(_ f: FamilyView, into out: inout [UInt8]) {
        let type = f.type
        out.append("# "); out.append(type.name); out.append(ascii: " ")
        out.appendEscaped(f.name); out.append(type.sampleSuffix)
        if !f.unit.isEmpty { out.append(" ["); out.appendEscaped(f.unit); out.append(ascii: "]") }
        if !f.help.isEmpty { out.append(": "); JSONEscape.append(f.help.utf8, to: &out) }
        out.append(ascii: "\n")
        for s in f.series {
            out.appendEscaped(f.name); out.append(type.sampleSuffix)
            labels(s, of: f, into: &out)
            switch type {
            case .histogram:
                out.append(" count "); out.append(uint: s.count)
                out.append(" sum "); out.append(double: s.sum); out.append(ascii: "\n")
                for b in s.buckets {
                    out.append(indent); out.append("le "); out.append(double: b.upper_bound)
                    out.append(ascii: " "); out.append(uint: b.cumulative_count)
                    if b.has_exemplar != 0 {
                        var e = b.exemplar
                        out.append(" # exemplar ")
                        out.append(double: e.value)
                        out.append(" trace ")
                        withUnsafeBytes(of: &e.trace_id) { HexID.append($0, to: &out) }
                        out.append(" span ")
                        withUnsafeBytes(of: &e.span_id) { HexID.append($0, to: &out) }
                    }
                    out.append(ascii: "\n")
                }
            case .summary:
                out.append(" count "); out.append(uint: s.count)
                out.append(" sum "); out.append(double: s.sum); out.append(ascii: "\n")
                for q in s.quantiles {
                    out.append(indent); out.append("quantile "); out.append(double: q.quantile)
                    out.append(ascii: " "); out.append(double: q.value); out.append(ascii: "\n")
                }
            default:
                out.append(ascii: " "); out.append(double: s.value); out.append(ascii: "\n")
            }
        }
    }

    /// {name="value",...}; nothing for a series without labels (unless it is the overflow).
    static func labels(_ s: SeriesView, of f: FamilyView, into out: inout [UInt8]) {
        let pairs = s.labels(of: f)
        if f.labelNames.isEmpty && !s.isOverflow { return }
        out.append(ascii: "{")
        var first = true
        for (name, value) in pairs {
            if !first { out.append(ascii: ",") }
            first = false
            out.appendEscaped(name); out.append(ascii: "="); out.appendQuoted(value)
        }
        if s.isOverflow {
            if !first { out.append(ascii: ",") }
            out.append("otel_metric_overflow=\"true\"")
        }
        out.append(ascii: "}")
    }

    // MARK: health

    static func health(_ r: HealthReportView, into out: inout [UInt8]) {
        let checks = r.checks
        out.append("health "); out.append(r.statusName); out.append(" at ")
        RFC3339.append(unixNano: r.timeUnixNano, fractionDigits: 3, to: &out)
        out.append(" (\(checks.count) check\(checks.count == 1 ? "" : "s"), ")
        DurationText.append(nanoseconds: r.durationNanos, to: &out)
        out.append(")\n")
        for case let c? in checks {
            out.append(indent); out.append(c.statusName); out.append(ascii: " "); out.appendEscaped(c.name)
            out.append(" (")
            DurationText.append(nanoseconds: c.durationNanos, to: &out)
            if c.isCritical { out.append(", critical") }
            if c.timedOut { out.append(", timed out") }
            if c.stuck { out.append(", stuck") }
            if c.cached { out.append(", cached") }
            out.append(ascii: ")")
            if !c.detail.isEmpty { out.append(": "); JSONEscape.append(c.detail.utf8, to: &out) }
            out.append(ascii: "\n")
        }
    }
}
