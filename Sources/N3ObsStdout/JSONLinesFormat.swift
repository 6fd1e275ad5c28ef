import CN3Obs
import N3ObsPluginKit

/// The JSON-lines form: one object per span, per metric series and per health report,
/// each with a "type" of "span", "metric" or "health". Ids are lowercase hex, times both
/// RFC 3339 and Unix nanoseconds, NaN and infinities the strings "NaN", "+Inf", "-Inf".
enum JSONLinesFormat {
    static func id(_ bytes: UnsafeRawBufferPointer, _ w: inout JSONWriter) {
        var hex: [UInt8] = [0x22]
        HexID.append(bytes, to: &hex)
        hex.append(0x22)
        w.raw(hex)
    }

    static func time(_ key: String, _ ns: Int64, _ w: inout JSONWriter) {
        var t: [UInt8] = [0x22]
        RFC3339.append(unixNano: ns, fractionDigits: 9, to: &t)
        t.append(0x22)
        w.key(key); w.raw(t)
        w.key(key + "_unix_nano"); w.int(ns)
    }

    static func span(_ s: SpanView, into w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("span")
        w.key("trace_id"); id(s.traceID, &w)
        w.key("span_id"); id(s.spanID, &w)
        w.key("parent_span_id")
        if s.hasParent { id(s.parentSpanID, &w) } else { w.null() }
        if s.parentIsRemote { w.key("parent_is_remote"); w.bool(true) }
        w.key("name"); w.string(s.name)
        w.key("kind"); w.string(SpanKind.name(s.kind))
        time("start", s.startUnixNano, &w)
        time("end", s.endUnixNano, &w)
        w.key("duration_ns"); w.int(s.durationNanos)
        w.key("status"); w.string(SpanStatus.name(s.statusCode))
        if !s.statusDescription.isEmpty { w.key("status_description"); w.string(s.statusDescription) }
        w.key("trace_flags"); w.uint(UInt64(s.traceFlags))
        if !s.tracestate.isEmpty { w.key("tracestate"); w.string(s.tracestate) }
        w.key("attributes"); w.attributes(s.attributes)
        w.key("events"); w.beginArray()
        for e in s.events {
            w.beginObject()
            w.key("name"); w.string(e.name)
            time("time", e.timeUnixNano, &w)
            w.key("attributes"); w.attributes(e.attributes)
            if e.droppedAttributes > 0 { w.key("dropped_attributes"); w.uint(UInt64(e.droppedAttributes)) }
            w.endObject()
        }
        w.endArray()
        w.key("links"); w.beginArray()
        for l in s.links {
            w.beginObject()
            w.key("trace_id"); id(l.traceID, &w)
            w.key("span_id"); id(l.spanID, &w)
            if !l.tracestate.isEmpty { w.key("tracestate"); w.string(l.tracestate) }
            w.key("attributes"); w.attributes(l.attributes)
            w.endObject()
        }
        w.endArray()
        w.key("dropped_attributes"); w.uint(UInt64(s.droppedAttributes))
        w.key("dropped_events"); w.uint(UInt64(s.droppedEvents))
        w.key("dropped_links"); w.uint(UInt64(s.droppedLinks))
        w.endObject()
    }

    static func series(_ s: SeriesView, of f: FamilyView, time ns: Int64, into w: inout JSONWriter) {
        let type = f.type
        w.beginObject()
        w.key("type"); w.string("metric")
        time("time", ns, &w)
        var name: [UInt8] = []
        name.append(f.name); name.append(type.sampleSuffix)
        w.key("name"); w.string(String(decoding: name, as: UTF8.self))
        w.key("kind"); w.string(type.name)
        if !f.unit.isEmpty { w.key("unit"); w.string(f.unit) }
        if !f.help.isEmpty { w.key("help"); w.string(f.help) }
        w.key("labels"); w.beginObject()
        for (k, v) in s.labels(of: f) { w.key(k); w.string(v) }
        if s.isOverflow { w.key("otel_metric_overflow"); w.string("true") }
        w.endObject()
        switch type {
        case .histogram:
            w.key("count"); w.uint(s.count)
            w.key("sum"); w.number(s.sum)
            w.key("buckets"); w.beginArray()
            for b in s.buckets {
                w.beginObject()
                w.key("le"); w.number(b.upper_bound)
                w.key("count"); w.uint(b.cumulative_count)
                if b.has_exemplar != 0 {
                    var e = b.exemplar
                    w.key("exemplar"); w.beginObject()
                    w.key("value"); w.number(e.value)
                    w.key("trace_id"); withUnsafeBytes(of: &e.trace_id) { id($0, &w) }
                    w.key("span_id"); withUnsafeBytes(of: &e.span_id) { id($0, &w) }
                    time("time", e.time_unix_nano, &w)
                    w.endObject()
                }
                w.endObject()
            }
            w.endArray()
        case .summary:
            w.key("count"); w.uint(s.count)
            w.key("sum"); w.number(s.sum)
            w.key("quantiles"); w.beginArray()
            for q in s.quantiles {
                w.beginObject()
                w.key("quantile"); w.number(q.quantile)
                w.key("value"); w.number(q.value)
                w.endObject()
            }
            w.endArray()
        default:
            w.key("value"); w.number(s.value)
        }
        if s.createdUnixNano != 0 { w.key("created_unix_nano"); w.int(s.createdUnixNano) }
        w.endObject()
    }

    static func health(_ r: HealthReportView, into w: inout JSONWriter) {
        w.beginObject()
        w.key("type"); w.string("health")
        w.key("status"); w.string(r.statusName)
        time("time", r.timeUnixNano, &w)
        w.key("duration_ms"); w.number(Double(r.durationNanos) / 1e6)
        w.key("checks"); w.beginArray()
        for case let c? in r.checks {
            w.beginObject()
            w.key("name"); w.string(c.name)
            w.key("status"); w.string(c.statusName)
            w.key("critical"); w.bool(c.isCritical)
            w.key("detail"); w.string(c.detail)
            if !c.description.isEmpty { w.key("description"); w.string(c.description) }
            w.key("tags"); w.beginArray(); for t in c.tags { w.string(t) }; w.endArray()
            time("time", c.timestampUnixNano, &w)
            w.key("duration_ms"); w.number(Double(c.durationNanos) / 1e6)
            w.key("timed_out"); w.bool(c.timedOut)
            w.key("stuck"); w.bool(c.stuck)
            w.key("cached"); w.bool(c.cached)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
