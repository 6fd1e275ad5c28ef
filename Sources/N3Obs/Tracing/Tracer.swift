import CN3ObsShims
import Glibc

/// The process' tracer: starts and ends spans, keeps the per-thread current span, and
/// queues ended sampled spans for export.
///
/// Spans are addressed by handles (see `SpanSlots`), so every operation first checks that
/// the handle is live and throws `.misuse` otherwise.
public final class Tracer: @unchecked Sendable {
    public let sampler: Sampler
    /// The sampler as C decides it (n3o_sample), for this path and the C span start.
    let decision: n3o_sampler
    public let limits: SpanLimits
    public let batch: BatchSettings
    let queue: SpanQueue
    let slots = SpanSlots.shared
    let drainLock = Lock()

    public init(sampler: Sampler = .default, limits: SpanLimits = SpanLimits(),
                batch: BatchSettings = BatchSettings()) throws(N3ObsError) {
        self.sampler = sampler
        decision = sampler.decision
        self.limits = limits
        self.batch = batch
        guard let queue = SpanQueue(capacity: max(1, batch.maxQueueSize), maxBytes: batch.maxQueueBytes,
                                    wakeStride: batch.maxExportBatchSize) else {
            throw N3ObsError(.noMemory, "no memory for a span queue of \(batch.maxQueueSize)")
        }
        self.queue = queue
    }

    /// What the C span start and end need (published with the tracer; see n3o_fast_start).
    public var fastStartSettings: n3o_fast_start {
        n3o_fast_start(ready: 1, attribute_limit: UInt32(clamping: limits.attributeCount), sampler: decision,
                       queue: UnsafeMutableRawPointer(queue.raw))
    }

    /// How a span starts.
    public enum ParentChoice {
        /// The thread's current span, if any.
        case current
        /// No parent: a new trace.
        case root
        /// A live span of this process.
        case span(UInt64)
        /// A context from another process (an invalid one means root).
        case remote(SpanContextValue)
    }

    /// Starts a span and returns its handle.
    /// - Parameters:
    ///   - name: validated UTF-8 bytes (copied).
    ///   - startTime: Unix ns, or 0 for now.
    /// - Throws: `.misuse` for a stale parent, `.noMemory`.
    public func start(name: UnsafeRawBufferPointer, kind: UInt8 = 1, parent: ParentChoice = .current,
                      startTime: Int64 = 0, attributes: UnsafeBufferPointer<PreparedAttribute> = .init(start: nil, count: 0),
                      links: UnsafeBufferPointer<PreparedLink> = .init(start: nil, count: 0)) throws(N3ObsError) -> UInt64 {
        guard let t = n3o_trace_thread_get() else { throw N3ObsError(.noMemory, "no memory for the thread's tracing state") }
        var traceHi: UInt64 = 0, traceLo: UInt64 = 0, parentSpan: UInt64 = 0
        var parentKind = Sampler.Parent.none
        var random = TraceContext.randomFlag   // a new trace: our ids are random
        var remote = false
        var tracestate: UnsafeMutablePointer<CChar>? = nil   // malloc'd copy of the parent's
        switch parent {
        case .root: break
        case .current:
            if let top = ScopeStack.current(t) {
                traceHi = top.entry.trace_hi; traceLo = top.entry.trace_lo; parentSpan = top.entry.span_id
                parentKind = .local(sampled: top.entry.flags & 1 != 0)
                random = UInt8(truncatingIfNeeded: top.entry.flags) & TraceContext.randomFlag
                if !top.tracestate.isEmpty { tracestate = Self.cString(top.tracestate) }
            }
        case .span(let handle):
            guard let slot = slots.lockLive(handle) else {
                throw N3ObsError(.misuse, "the parent span has ended or never existed")
            }
            traceHi = slot.pointee.trace_hi; traceLo = slot.pointee.trace_lo; parentSpan = slot.pointee.span_id
            parentKind = .local(sampled: slot.pointee.flags & 1 != 0)
            random = UInt8(truncatingIfNeeded: slot.pointee.flags) & TraceContext.randomFlag
            if let ts = Self.tracestate(of: slot) { tracestate = strdup(ts) }
            slots.unlock(slot)
        case .remote(let context):
            if context.isValid {
                traceHi = context.traceHi; traceLo = context.traceLo; parentSpan = context.spanId
                parentKind = .remote(sampled: context.sampled)
                random = context.flags & TraceContext.randomFlag
                remote = true
                if let raw = context.tracestate, raw.count > 0,
                   let normal = TraceContext.normalizeTracestate(raw), !normal.isEmpty {
                    tracestate = Self.cString(normal)
                }
            }
        }
        if parentSpan == 0 {
            repeat {
                traceHi = n3o_trace_rand(t); traceLo = n3o_trace_rand(t)
            } while traceHi | traceLo == 0
        }
        var spanId: UInt64
        repeat { spanId = n3o_trace_rand(t) } while spanId == 0
        let sampled = Sampler.decide(decision, parent: parentKind, traceIdLow: traceLo)

        var record: UnsafeMutableRawPointer? = nil
        if sampled {
            guard let r = buildRecord(t, name: name, kind: kind, random: random, startTime: startTime, traceHi: traceHi, traceLo: traceLo,
                                      spanId: spanId, parentSpan: parentSpan, remote: remote,
                                      tracestate: tracestate, attributes: attributes, links: links) else {
                free(tracestate)
                throw N3ObsError(.noMemory, "no memory for a span")
            }
            record = r
            free(tracestate)   // copied into the record
            tracestate = nil
        }
        guard let index = slots.acquire(), let slot = slots.slot(index) else {
            free(record); free(tracestate)
            throw N3ObsError(.noMemory, "too many open spans (at most \(SpanSlots.maxChunks << SpanSlots.chunkShift))")
        }
        n3o_spin_lock(&slot.pointee.lock)
        slot.pointee.trace_hi = traceHi
        slot.pointee.trace_lo = traceLo
        slot.pointee.span_id = spanId
        slot.pointee.flags = UInt32((sampled ? 1 : 0) | random)
        slot.pointee.record = record
        slot.pointee.tracestate = tracestate
        let generation = slot.pointee.generation &+ 1
        n3o_store_u32(&slot.pointee.generation, generation)
        slots.unlock(slot)
        return SpanSlots.handle(index: index, generation: generation)
    }

    private func buildRecord(_ t: UnsafeMutablePointer<n3o_trace_thread>, name: UnsafeRawBufferPointer, kind: UInt8, random: UInt8, startTime: Int64, traceHi: UInt64,
                             traceLo: UInt64, spanId: UInt64, parentSpan: UInt64, remote: Bool,
                             tracestate: UnsafeMutablePointer<CChar>?,
                             attributes: UnsafeBufferPointer<PreparedAttribute>,
                             links: UnsafeBufferPointer<PreparedLink>) -> UnsafeMutableRawPointer? {
        guard var r = SpanRecord.allocate(t) else { return nil }
        let h = SpanRecord.head(r)
        h.pointee.traceHi = traceHi
        h.pointee.traceLo = traceLo
        h.pointee.spanId = spanId
        h.pointee.parentSpanId = parentSpan
        h.pointee.flags = 1 | random
        h.pointee.kind = kind
        h.pointee.parentIsRemote = remote ? 1 : 0
        let monotonic = n3o_monotonic_ns()
        h.pointee.startMonotonic = monotonic
        h.pointee.startTime = startTime != 0 ? startTime : n3o_realtime_at(monotonic)
        h.pointee.nestedAttributeLimit = UInt32(clamping: limits.attributeCount)
        guard let (r1, nameAt) = SpanRecord.appendText(r, name) else { free(r); return nil }
        r = r1
        SpanRecord.head(r).pointee.nameOffset = nameAt
        if let tracestate {
            guard let (r2, at) = SpanRecord.appendText(r, UnsafeRawBufferPointer(start: tracestate, count: strlen(tracestate)))
            else { free(r); return nil }
            r = r2
            SpanRecord.head(r).pointee.tracestateOffset = at
        }
        if attributes.count > 0 {
            let (r3, ok) = SpanRecord.setAttributes(r, attributes, limit: UInt32(clamping: limits.attributeCount))
            r = r3
            guard ok else { free(r); return nil }
        }
        for link in links {
            guard let (r4, ok) = addLink(r, link) else { continue }
            r = r4
            guard ok else { free(r); return nil }
        }
        return r
    }

    /// Adds a link under the limit (nil: dropped and counted).
    func addLink(_ r: UnsafeMutableRawPointer, _ link: PreparedLink) -> (UnsafeMutableRawPointer, Bool)? {
        let h = SpanRecord.head(r)
        guard Int(h.pointee.linkCount) < limits.linkCount else {
            h.pointee.linksDropped &+= 1
            return nil
        }
        return link.attributes.withUnsafeBufferPointer { attrs in
            link.tracestate.withUnsafeBytes { ts in
                SpanRecord.addLink(r, traceHi: link.context.traceHi, traceLo: link.context.traceLo,
                                   spanId: link.context.spanId, flags: link.context.flags, tracestate: ts, attrs)
            }
        }
    }

    /// Ends a span: a sampled one is queued (or dropped and counted when the queue is full).
    /// - Throws: `.misuse` if the span has ended or never existed.
    public func end(_ handle: UInt64, endTime: Int64 = 0) throws(N3ObsError) {
        guard let slot = slots.lockLive(handle) else {
            throw N3ObsError(.misuse, "the span has already ended or never existed")
        }
        let record = slot.pointee.record
        let tracestate = slot.pointee.tracestate
        slot.pointee.record = nil
        slot.pointee.tracestate = nil
        n3o_store_u32(&slot.pointee.generation, slot.pointee.generation &+ 1)
        slots.unlock(slot)
        slots.release(SpanSlots.index(of: handle))
        free(tracestate)
        guard let record else { return }
        let h = SpanRecord.head(record)
        if endTime != 0 {
            h.pointee.endTime = max(endTime, h.pointee.startTime)
        } else {
            let elapsed = n3o_monotonic_ns() &- h.pointee.startMonotonic
            h.pointee.endTime = h.pointee.startTime &+ Int64(truncatingIfNeeded: min(elapsed, UInt64(Int64.max)))
        }
        if !queue.push(record, bytes: Int(h.pointee.capacity)) { free(record) }
    }

    /// Runs `body` on a live span's slot under its lock.
    /// - Throws: `.misuse` for a stale handle.
    @inline(__always)
    func withLiveSlot<T>(_ handle: UInt64, _ body: (UnsafeMutablePointer<n3o_span_slot>) throws(N3ObsError) -> T) throws(N3ObsError) -> T {
        guard let slot = slots.lockLive(handle) else {
            throw N3ObsError(.misuse, "the span has ended or never existed")
        }
        defer { slots.unlock(slot) }
        return try body(slot)
    }

    /// A live slot's tracestate (the record's for a sampled span); read under its lock.
    static func tracestate(of slot: UnsafeMutablePointer<n3o_span_slot>) -> UnsafePointer<CChar>? {
        if let r = slot.pointee.record {
            return SpanRecord.text(r, SpanRecord.head(r).pointee.tracestateOffset)
        }
        return slot.pointee.tracestate.map { UnsafePointer($0) }
    }

    static func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
        guard let p = malloc(bytes.count + 1) else { return nil }
        bytes.withUnsafeBytes { SpanRecord.copyString($0, to: p) }
        return p.assumingMemoryBound(to: CChar.self)
    }

    /// Ended spans dropped because the queue was full.
    public var dropped: UInt64 { queue.dropped }
    /// Ended spans waiting for export.
    public var queued: Int { queue.count }
}

/// A link checked and ready to be added.
public struct PreparedLink {
    var context: SpanContextValue
    var tracestate: [UInt8]
    var attributes: [PreparedAttribute]

    public init(context: SpanContextValue, tracestate: [UInt8], attributes: [PreparedAttribute]) {
        self.context = context
        self.tracestate = tracestate
        self.attributes = attributes
    }
}
