import CN3Obs

/// A batch of ended spans handed to export_spans, read in place.
public struct SpanBatchView {
    public let raw: UnsafePointer<n3obs_span_batch>

    /// The size of n3obs_span_data at ABI 1: a library announcing less is not readable.
    public static let minimumSpanSize = MemoryLayout<n3obs_span_data>.size

    /// nil when the batch cannot be read safely (its structs smaller than ABI 1's).
    public init?(validating raw: UnsafePointer<n3obs_span_batch>) {
        guard raw.pointee.size >= UInt32(MemoryLayout<n3obs_span_batch>.size) else { return nil }
        if raw.pointee.span_count > 0 {
            guard let first = raw.pointee.spans,
                  first.pointee.size >= UInt32(SpanBatchView.minimumSpanSize) else { return nil }
        }
        self.raw = raw
    }

    /// The spans, stepped by the library's own struct size (spans[0].size) so that a
    /// library whose n3obs_span_data grew is still read correctly.
    public var spans: CArrayView<SpanView> {
        let base = raw.pointee.spans
        let stride = base.map { Int($0.pointee.size) } ?? MemoryLayout<n3obs_span_data>.stride
        return CArrayView(base, count: raw.pointee.span_count, stride: stride)
    }
}

public enum SpanKind {
    /// "internal", "server", "client", "producer", "consumer" or "unknown".
    public static func name(_ kind: Int32) -> String {
        switch kind {
        case Int32(N3OBS_SPAN_KIND_INTERNAL.rawValue): return "internal"
        case Int32(N3OBS_SPAN_KIND_SERVER.rawValue): return "server"
        case Int32(N3OBS_SPAN_KIND_CLIENT.rawValue): return "client"
        case Int32(N3OBS_SPAN_KIND_PRODUCER.rawValue): return "producer"
        case Int32(N3OBS_SPAN_KIND_CONSUMER.rawValue): return "consumer"
        default: return "unknown"
        }
    }
}

public enum SpanStatus {
    /// "UNSET", "OK", "ERROR" or "UNKNOWN".
    public static func name(_ code: Int32) -> String {
        switch code {
        case Int32(N3OBS_STATUS_UNSET.rawValue): return "UNSET"
        case Int32(N3OBS_STATUS_OK.rawValue): return "OK"
        case Int32(N3OBS_STATUS_ERROR.rawValue): return "ERROR"
        default: return "UNKNOWN"
        }
    }
}

public struct SpanView: CStructView {
    public let raw: UnsafePointer<n3obs_span_data>
    public init(_ raw: UnsafePointer<n3obs_span_data>) { self.raw = raw }

    public var name: CStringRef { CStringRef(raw.pointee.name) }
    public var kind: Int32 { raw.pointee.kind }
    public var statusCode: Int32 { raw.pointee.status_code }
    public var statusDescription: CStringRef { CStringRef(raw.pointee.status_description) }
    public var tracestate: CStringRef { CStringRef(raw.pointee.tracestate) }
    public var traceFlags: UInt8 { raw.pointee.trace_flags }
    public var parentIsRemote: Bool { raw.pointee.parent_is_remote != 0 }
    public var startUnixNano: Int64 { raw.pointee.start_time_unix_nano }
    public var endUnixNano: Int64 { raw.pointee.end_time_unix_nano }
    /// end - start, 0 if the data says the span ended before it began.
    public var durationNanos: Int64 {
        let (d, overflow) = endUnixNano.subtractingReportingOverflow(startUnixNano)
        return overflow || d < 0 ? 0 : d
    }

    /// The raw id bytes (16, 8 and 8), valid while the span data is.
    public var traceID: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: UnsafeRawPointer(raw) + MemoryLayout<n3obs_span_data>.offset(of: \.trace_id)!, count: 16)
    }
    public var spanID: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: UnsafeRawPointer(raw) + MemoryLayout<n3obs_span_data>.offset(of: \.span_id)!, count: 8)
    }
    public var parentSpanID: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: UnsafeRawPointer(raw) + MemoryLayout<n3obs_span_data>.offset(of: \.parent_span_id)!, count: 8)
    }
    public var hasParent: Bool { !HexID.isZero(parentSpanID) }

    public var attributes: Attributes { Attributes(raw.pointee.attributes, count: raw.pointee.attribute_count) }
    public var events: CArrayView<EventView> { CArrayView(raw.pointee.events, count: raw.pointee.event_count) }
    public var links: CArrayView<LinkView> { CArrayView(raw.pointee.links, count: raw.pointee.link_count) }
    public var droppedAttributes: UInt32 { raw.pointee.dropped_attributes_count }
    public var droppedEvents: UInt32 { raw.pointee.dropped_events_count }
    public var droppedLinks: UInt32 { raw.pointee.dropped_links_count }
}

public struct EventView: CStructView {
    public let raw: UnsafePointer<n3obs_event_data>
    public init(_ raw: UnsafePointer<n3obs_event_data>) { self.raw = raw }

    public var name: CStringRef { CStringRef(raw.pointee.name) }
    public var timeUnixNano: Int64 { raw.pointee.time_unix_nano }
    public var attributes: Attributes { Attributes(raw.pointee.attributes, count: raw.pointee.attribute_count) }
    public var droppedAttributes: UInt32 { raw.pointee.dropped_attributes_count }
}

public struct LinkView: CStructView {
    public let raw: UnsafePointer<n3obs_link>
    public init(_ raw: UnsafePointer<n3obs_link>) { self.raw = raw }

    public var traceID: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: UnsafeRawPointer(raw) + MemoryLayout<n3obs_link>.offset(of: \.trace_id)!, count: 16)
    }
    public var spanID: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: UnsafeRawPointer(raw) + MemoryLayout<n3obs_link>.offset(of: \.span_id)!, count: 8)
    }
    public var traceFlags: UInt8 { raw.pointee.trace_flags }
    public var tracestate: CStringRef { CStringRef(raw.pointee.tracestate) }
    public var attributes: Attributes { Attributes(raw.pointee.attributes, count: raw.pointee.attribute_count) }
    public var droppedAttributes: UInt32 { raw.pointee.dropped_attributes_count }
}
