import CN3Obs
import CN3ObsShims
import Glibc

/// What can be done to a live span. A span that is not sampled accepts every call and
/// records nothing.
extension Tracer {
    /// Sets (or replaces) attributes; new keys past the limit are dropped and counted.
    public func setAttributes(_ handle: UInt64, _ list: UnsafeBufferPointer<PreparedAttribute>) throws(N3ObsError) {
        try withLiveSlot(handle) { (slot) throws(N3ObsError) in
            guard let r = slot.pointee.record else { return }
            let (next, ok) = SpanRecord.setAttributes(r, list, limit: UInt32(clamping: limits.attributeCount))
            slot.pointee.record = next
            if !ok { throw N3ObsError(.noMemory, "no memory for the attributes") }
        }
    }

    /// One attribute (the typed setters' fast path: no array).
    public func setAttribute(_ handle: UInt64, _ attribute: PreparedAttribute) throws(N3ObsError) {
        guard let slot = slots.lockLive(handle) else {
            throw N3ObsError(.misuse, "the span has ended or never existed")
        }
        guard let r = slot.pointee.record else { slots.unlock(slot); return }   // not sampled
        let h = SpanRecord.head(r)
        guard let (next, placed) = SpanRecord.put(r, attribute, tag: .attribute, groupStart: SpanRecord.headSize,
                                                  count: h.pointee.attributeCount,
                                                  limit: UInt32(clamping: limits.attributeCount)) else {
            slots.unlock(slot)
            throw N3ObsError(.noMemory, "no memory for the attributes")
        }
        switch placed {
        case .added: SpanRecord.head(next).pointee.attributeCount += 1
        case .replaced: break
        case .dropped: SpanRecord.head(next).pointee.attributesDropped &+= 1
        }
        slot.pointee.record = next
        slots.unlock(slot)
    }

    /// Adds an event; past the event limit it is dropped and counted.
    public func addEvent(_ handle: UInt64, name: UnsafeRawBufferPointer, time: Int64,
                         _ attributes: UnsafeBufferPointer<PreparedAttribute>) throws(N3ObsError) {
        try withLiveSlot(handle) { (slot) throws(N3ObsError) in
            guard let r = slot.pointee.record else { return }
            let h = SpanRecord.head(r)
            guard Int(h.pointee.eventCount) < limits.eventCount else {
                h.pointee.eventsDropped &+= 1
                return
            }
            let (next, ok) = SpanRecord.addEvent(r, name: name, time: time != 0 ? time : n3o_realtime_ns(), attributes)
            slot.pointee.record = next
            if !ok { throw N3ObsError(.noMemory, "no memory for the event") }
        }
    }

    /// Adds a link; past the link limit it is dropped and counted.
    public func addLink(_ handle: UInt64, _ link: PreparedLink) throws(N3ObsError) {
        try withLiveSlot(handle) { (slot) throws(N3ObsError) in
            guard let r = slot.pointee.record, let (next, ok) = addLink(r, link) else { return }
            slot.pointee.record = next
            if !ok { throw N3ObsError(.noMemory, "no memory for the link") }
        }
    }

    /// Sets the status: OK is final, UNSET is ignored, ERROR keeps its description.
    public func setStatus(_ handle: UInt64, code: UInt8, description: UnsafeRawBufferPointer) throws(N3ObsError) {
        try withLiveSlot(handle) { (slot) throws(N3ObsError) in
            guard let r = slot.pointee.record else { return }
            let current = SpanRecord.head(r).pointee.statusCode
            guard code != 0, current != 1 else { return }
            var next = r
            var at: UInt32 = 0
            if code == 2 && description.count > 0 {
                guard let (r2, offset) = SpanRecord.appendText(r, description) else {
                    throw N3ObsError(.noMemory, "no memory for the status description")
                }
                next = r2
                at = offset
            }
            SpanRecord.head(next).pointee.statusCode = code
            SpanRecord.head(next).pointee.statusOffset = at
            slot.pointee.record = next
        }
    }

    public func updateName(_ handle: UInt64, _ name: UnsafeRawBufferPointer) throws(N3ObsError) {
        try withLiveSlot(handle) { (slot) throws(N3ObsError) in
            guard let r = slot.pointee.record else { return }
            guard let (next, at) = SpanRecord.appendText(r, name) else {
                throw N3ObsError(.noMemory, "no memory for the name")
            }
            SpanRecord.head(next).pointee.nameOffset = at
            slot.pointee.record = next
        }
    }

    /// Whether a live span is sampled.
    public func isRecording(_ handle: UInt64) throws(N3ObsError) -> Bool {
        try withLiveSlot(handle) { slot in slot.pointee.record != nil }
    }

    /// A live span's ids, flags and tracestate (copied into `tracestate`, NUL-terminated,
    /// when it fits `capacity`).
    public func context(_ handle: UInt64) throws(N3ObsError) -> (SpanContextValue, [UInt8]) {
        try withLiveSlot(handle) { slot in
            let ts = Self.tracestate(of: slot).map { p in
                Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
            } ?? []
            return (SpanContextValue(traceHi: slot.pointee.trace_hi, traceLo: slot.pointee.trace_lo,
                                     spanId: slot.pointee.span_id, flags: UInt8(truncatingIfNeeded: slot.pointee.flags)), ts)
        }
    }

    // MARK: - The current span

    /// Makes a live span current on this thread; returns the scope token.
    public func makeCurrent(_ handle: UInt64) throws(N3ObsError) -> UInt64 {
        guard let t = n3o_trace_thread_get() else { throw N3ObsError(.noMemory, "no memory for the thread's tracing state") }
        let (ids, flags, tracestate) = try withLiveSlot(handle) { slot in
            ((slot.pointee.trace_hi, slot.pointee.trace_lo, slot.pointee.span_id), slot.pointee.flags,
             Self.tracestate(of: slot).flatMap { strdup($0) })
        }
        // A context storage takes it if it holds this thread's context (asked outside the slot's lock).
        var entry = n3o_scope_entry(trace_hi: ids.0, trace_lo: ids.1, span_id: ids.2, handle: handle, token: 0,
                                    tracestate: tracestate, flags: flags, pad: 0)
        var storageToken: UInt64 = 0
        if n3o_context_attach(handle, &entry, &storageToken) != 0 {
            free(tracestate)
            return storageToken
        }
        guard let token = ScopeStack.push(t, handle: handle, traceHi: ids.0, traceLo: ids.1, spanId: ids.2,
                                          flags: flags, tracestate: tracestate) else {
            free(tracestate)
            throw N3ObsError(.noMemory, "no memory for the scope")
        }
        return token
    }

    /// Closes a scope of this thread.
    /// - Throws: `.misuse` for an unknown token, or for one that was not innermost (the
    ///   scopes opened after it are closed too).
    public func closeScope(_ token: UInt64) throws(N3ObsError) {
        if n3o_context_detach(token) != 0 { return }   // the context storage's token
        guard let t = n3o_trace_thread_get() else { throw N3ObsError(.noMemory, "no memory for the thread's tracing state") }
        switch ScopeStack.close(t, token: token) {
        case .closed: return
        case .closedOutOfOrder(let n):
            throw N3ObsError(.misuse, "the scope was closed before the \(n) scope(s) opened after it; they were closed too")
        case .unknown:
            throw N3ObsError(.misuse, "the scope token is not open on this thread (closed already, from another thread, or unknown)")
        }
    }

    /// The handle of this thread's current span, or 0.
    public func currentHandle() -> UInt64 {
        ScopeStack.current(n3o_trace_thread_get(), wantHandle: true)?.entry.handle ?? 0
    }

    /// The current span's context (even if the span has ended since it became current).
    public func currentContext() -> (SpanContextValue, [UInt8])? {
        guard let top = ScopeStack.current(n3o_trace_thread_get()) else { return nil }
        return (SpanContextValue(traceHi: top.entry.trace_hi, traceLo: top.entry.trace_lo, spanId: top.entry.span_id,
                                 flags: UInt8(truncatingIfNeeded: top.entry.flags)), top.tracestate)
    }
}
