/// How much one span keeps (OpenTelemetry's span limits). What goes past a limit is
/// dropped and counted on the span.
public struct SpanLimits: Sendable, Equatable {
    public var attributeCount: Int
    public var eventCount: Int
    public var linkCount: Int

    public init(attributeCount: Int = 128, eventCount: Int = 128, linkCount: Int = 128) {
        self.attributeCount = attributeCount
        self.eventCount = eventCount
        self.linkCount = linkCount
    }
}

/// The batch span processor's settings (OTEL_BSP_*); the queue size is used now, the rest
/// by the export pipeline.
public struct BatchSettings: Sendable, Equatable {
    /// Spans the export queue holds. OpenTelemetry's default is 2048, which a burst of a
    /// few milliseconds fills; n3obs' default holds a burst of 131,072 spans, bounded
    /// in memory by `maxQueueBytes` as well. OTEL_BSP_MAX_QUEUE_SIZE sets it exactly.
    public static let defaultMaxQueueSize = 131_072
    /// Bytes of span records the queue holds: 64 MiB (N3OBS_BSP_MAX_QUEUE_BYTES; 0: none).
    public static let defaultMaxQueueBytes = 64 << 20
    public var maxQueueSize = defaultMaxQueueSize
    public var maxQueueBytes = defaultMaxQueueBytes
    public var maxExportBatchSize = 512
    public var scheduleDelayMilliseconds = 5000
    public var exportTimeoutMilliseconds = 30000

    public init() {}
}

/// A span context as the tracer reads it from callers: ids as big-endian integers.
public struct SpanContextValue {
    public var traceHi: UInt64
    public var traceLo: UInt64
    public var spanId: UInt64
    public var flags: UInt8
    /// Valid during the call only.
    public var tracestate: UnsafeRawBufferPointer?

    public init(traceHi: UInt64, traceLo: UInt64, spanId: UInt64, flags: UInt8,
                tracestate: UnsafeRawBufferPointer? = nil) {
        self.traceHi = traceHi
        self.traceLo = traceLo
        self.spanId = spanId
        self.flags = flags
        self.tracestate = tracestate
    }

    public var isValid: Bool { (traceHi | traceLo) != 0 && spanId != 0 }
    public var sampled: Bool { flags & 1 != 0 }
}

/// Ids between byte arrays (as C and W3C write them) and big-endian integers.
public enum IdBytes {
    @inline(__always)
    public static func load(_ p: UnsafeRawPointer) -> UInt64 {
        UInt64(bigEndian: p.loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    public static func store(_ v: UInt64, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: v.bigEndian, as: UInt64.self)
    }
}
