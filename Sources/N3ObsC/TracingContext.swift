import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

@_cdecl("n3obs_span_make_current")
public func cSpanMakeCurrent(_ span: OpaquePointer?, _ token: UnsafeMutablePointer<UInt64>?) -> Int32 {
    let fn: StaticString = "n3obs_span_make_current"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    guard let token else { return fail(fn, .invalidArgument, "token is NULL") }
    token.pointee = 0
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            token.pointee = try tracer.makeCurrent(handleBits(span))
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_scope_close")
public func cScopeClose(_ token: UInt64) -> Int32 {
    let fn: StaticString = "n3obs_scope_close"
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            try tracer.closeScope(token)
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_span_current")
public func cSpanCurrent(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let fn: StaticString = "n3obs_span_current"
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = nil
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        out.pointee = OpaquePointer(bitPattern: UInt(tracer.currentHandle()))
        return N3OBS_OK
    }
}

@_cdecl("n3obs_trace_context_extract")
public func cTraceContextExtract(_ out: UnsafeMutablePointer<n3obs_span_context>?, _ traceparent: UnsafePointer<CChar>?,
                                 _ tracestate: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "n3obs_trace_context_extract"
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    let size = Int(out.pointee.size)
    guard size >= MemoryLayout<n3obs_span_context>.offset(of: \.tracestate)! else {
        return fail(fn, .invalidArgument, "out->size \(size) is too small; start from N3OBS_SPAN_CONTEXT_INIT")
    }
    // Invalid until proven otherwise.
    writeContext(out, SpanContextValue(traceHi: 0, traceLo: 0, spanId: 0, flags: 0), tracestate: [], remote: false)
    guard let traceparent else { return fail(fn, .invalidValue, "no traceparent") }
    // Headers are short; anything longer than this is not worth parsing.
    guard let n = CString.boundedLength(traceparent, limit: 4096) else {
        return fail(fn, .invalidValue, "traceparent is longer than 4096 bytes")
    }
    let parsed = TraceContext.parseTraceparent(UnsafeRawBufferPointer(start: traceparent, count: n))
    switch parsed {
    case .failure(let invalid):
        return fail(fn, .invalidValue, "traceparent is invalid: \(invalid.reason)")
    case .success(let p):
        var state: [UInt8] = []
        // A bad tracestate is dropped; the traceparent stands.
        if let tracestate, let m = CString.boundedLength(tracestate, limit: 65536) {
            state = TraceContext.normalizeTracestate(UnsafeRawBufferPointer(start: tracestate, count: m)) ?? []
        }
        writeContext(out, SpanContextValue(traceHi: p.traceHi, traceLo: p.traceLo, spanId: p.spanId, flags: p.flags),
                     tracestate: state, remote: true)
        return N3OBS_OK
    }
}

@_cdecl("n3obs_trace_context_inject")
public func cTraceContextInject(_ span: OpaquePointer?, _ traceparent: UnsafeMutablePointer<CChar>?,
                                _ rawTraceparentSize: Int, _ tracestate: UnsafeMutablePointer<CChar>?,
                                _ rawTracestateSize: Int) -> Int32 {
    let fn: StaticString = "n3obs_trace_context_inject"
    // Capacities: a size_t above Int.max is only a very large buffer (at most 56 + 512 bytes are written).
    let traceparentSize = Int(clamping: UInt(bitPattern: rawTraceparentSize))
    let tracestateSize = Int(clamping: UInt(bitPattern: rawTracestateSize))
    guard let traceparent else { return fail(fn, .invalidArgument, "traceparent buffer is NULL") }
    guard tracestate != nil || tracestateSize == 0 else {
        return fail(fn, .invalidArgument, "tracestate buffer is NULL but its size is \(tracestateSize)")
    }
    func clear() {
        if traceparentSize > 0 { traceparent[0] = 0 }
        if let tracestate, tracestateSize > 0 { tracestate[0] = 0 }
    }
    clear()
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        let found: (SpanContextValue, [UInt8])?
        if let span {
            do throws(N3ObsError) { found = try tracer.context(handleBits(span)) } catch { return fail(fn, error) }
        } else {
            found = tracer.currentContext()
        }
        guard let (c, ts) = found else { return N3OBS_OK }
        guard traceparentSize >= 56 else {
            return fail(fn, .tooLong, "the traceparent buffer holds \(traceparentSize) bytes; it needs 56")
        }
        if let tracestate {
            guard tracestateSize > ts.count else {
                return fail(fn, .tooLong, "the tracestate buffer holds \(tracestateSize) bytes; it needs \(ts.count + 1)")
            }
            ts.withUnsafeBytes { if ts.count > 0 { memcpy(tracestate, $0.baseAddress!, ts.count) } }
            tracestate[ts.count] = 0
        }
        // The sampled and (level 2) random flags are defined; unknown bits are sent as zero.
        TraceContext.formatTraceparent(traceHi: c.traceHi, traceLo: c.traceLo, spanId: c.spanId,
                                       flags: c.flags & (TraceContext.sampledFlag | TraceContext.randomFlag),
                                       into: traceparent)
        traceparent[55] = 0
        return N3OBS_OK
    }
}
