import CN3Obs
import N3ObsPluginKit

/// Spans as an ExportTraceServiceRequest in OTLP/JSON (opentelemetry-proto's
/// collector/trace/v1 and trace/v1, with the JSON mapping of its specification: hex ids,
/// integer enums, 64-bit integers as strings).
struct TraceEncoder {
    private let prefix: [UInt8]

    /// Span flags: the low byte is the W3C trace flags; 0x100 says whether the parent is
    /// remote is known (always, here), 0x200 that it is.
    static let hasIsRemote: UInt32 = 0x100
    static let isRemote: UInt32 = 0x200

    init(_ rs: ResourceScope) {
        var p: [UInt8] = []
        p.lit("{\"resourceSpans\":[{\"resource\":")
        p.append(contentsOf: rs.resource)
        p.lit(",\"scopeSpans\":[{\"scope\":")
        p.append(contentsOf: rs.scope)
        p.lit(",\"spans\":[")
        prefix = p
    }

    /// Appends one request holding every span of spans (no newline).
    func encode<C: Collection>(_ spans: C, into out: inout [UInt8]) where C.Element == SpanView {
        out.append(contentsOf: prefix)
        var first = true
        for span in spans {
            if !first { out.append(0x2c) }
            first = false
            Self.span(span, into: &out)
        }
        out.lit("]}]}]}")
    }

    /// `{"traceId":...,"spanId":...` and `,"traceState":...` when there is one: how a span
    /// and a link begin.
    private static func identity(traceID: UnsafeRawBufferPointer, spanID: UnsafeRawBufferPointer,
                                 tracestate: CStringRef, into out: inout [UInt8]) {
        out.lit("{\"traceId\":")
        out.hexID(traceID)
        out.lit(",\"spanId\":")
        out.hexID(spanID)
        if !tracestate.isEmpty {
            out.lit(",\"traceState\":")
            out.quotedFast(tracestate)
        }
    }

    static func span(_ s: SpanView, into out: inout [UInt8]) {
        identity(traceID: s.traceID, spanID: s.spanID, tracestate: s.tracestate, into: &out)
        if s.hasParent {
            out.lit(",\"parentSpanId\":")
            out.hexID(s.parentSpanID)
        }
        out.lit(",\"flags\":")
        out.append(uint: UInt64(UInt32(s.traceFlags) | hasIsRemote | (s.parentIsRemote ? isRemote : 0)))
        out.lit(",\"name\":")
        out.quotedFast(s.name)
        out.lit(",\"kind\":")
        out.append(int: Int64(s.kind))
        out.lit(",\"startTimeUnixNano\":")
        out.quoted(int: s.startUnixNano)
        out.lit(",\"endTimeUnixNano\":")
        out.quoted(int: s.endUnixNano)
        out.attributesMember(s.attributes)
        out.countMember(",\"droppedAttributesCount\":", s.droppedAttributes)
        let events = s.events
        if !events.isEmpty {
            out.lit(",\"events\":[")
            for (i, e) in events.enumerated() {
                if i > 0 { out.append(0x2c) }
                out.lit("{\"timeUnixNano\":")
                out.quoted(int: e.timeUnixNano)
                out.lit(",\"name\":")
                out.quotedFast(e.name)
                out.attributesMember(e.attributes)
                out.countMember(",\"droppedAttributesCount\":", e.droppedAttributes)
                out.append(0x7d)
            }
            out.append(0x5d)
        }
        out.countMember(",\"droppedEventsCount\":", s.droppedEvents)
        let links = s.links
        if !links.isEmpty {
            out.lit(",\"links\":[")
            for (i, l) in links.enumerated() {
                if i > 0 { out.append(0x2c) }
                identity(traceID: l.traceID, spanID: l.spanID, tracestate: l.tracestate, into: &out)
                out.attributesMember(l.attributes)
                out.countMember(",\"droppedAttributesCount\":", l.droppedAttributes)
                // Whether a link's span is remote is not known: only the trace flags.
                out.lit(",\"flags\":")
                out.append(uint: UInt64(l.traceFlags))
                out.append(0x7d)
            }
            out.append(0x5d)
        }
        out.countMember(",\"droppedLinksCount\":", s.droppedLinks)
        out.lit(",\"status\":{")
        let code = s.statusCode
        if code != 0 {
            if code == Int32(N3OBS_STATUS_ERROR.rawValue) && !s.statusDescription.isEmpty {
                out.lit("\"message\":")
                out.quotedFast(s.statusDescription)
                out.append(0x2c)
            }
            out.lit("\"code\":")
            out.append(int: Int64(code))
        }
        out.lit("}}")
    }
}
