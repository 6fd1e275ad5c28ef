import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

@_cdecl("n3obs_span_add_event")
public func cSpanAddEvent(_ span: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ time: Int64,
                          _ attributes: UnsafePointer<n3obs_attribute>?, _ count: Int) -> Int32 {
    let fn: StaticString = "n3obs_span_add_event"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            guard time >= 0 else { throw N3ObsError(.invalidArgument, "time is negative") }
            let nameBytes = try CBytes.read(name, "event name", limit: TracingLimits.maxSpanNameLength)
            let list = try PreparedAttribute.list(attributes, count)
            try list.withUnsafeBufferPointer { (l) throws(N3ObsError) in
                try tracer.addEvent(handleBits(span), name: nameBytes, time: time, l)
            }
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_span_add_link")
public func cSpanAddLink(_ span: OpaquePointer?, _ link: UnsafePointer<n3obs_link>?) -> Int32 {
    let fn: StaticString = "n3obs_span_add_link"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    guard let link else { return fail(fn, .invalidArgument, "link is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            try tracer.addLink(handleBits(span), try prepareLink(link.pointee, what: "link"))
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_span_set_status")
public func cSpanSetStatus(_ span: OpaquePointer?, _ code: Int32, _ description: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "n3obs_span_set_status"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            guard (0...2).contains(code) else { throw N3ObsError(.invalidArgument, "status code \(code) is not an N3OBS_STATUS_*") }
            let text = description == nil ? UnsafeRawBufferPointer(start: nil, count: 0)
                : try CBytes.read(description, "description", limit: TracingLimits.maxValueLength)
            try tracer.setStatus(handleBits(span), code: UInt8(code), description: text)
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_span_record_exception")
public func cSpanRecordException(_ span: OpaquePointer?, _ type: UnsafePointer<CChar>?,
                                 _ message: UnsafePointer<CChar>?, _ stacktrace: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "n3obs_span_record_exception"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            try tracer.recordException(handleBits(span), type: type, message: message, stacktrace: stacktrace)
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_span_update_name")
public func cSpanUpdateName(_ span: OpaquePointer?, _ name: UnsafePointer<CChar>?) -> Int32 {
    let fn: StaticString = "n3obs_span_update_name"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            try tracer.updateName(handleBits(span), try CBytes.read(name, "name", limit: TracingLimits.maxSpanNameLength))
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_span_is_recording")
public func cSpanIsRecording(_ span: OpaquePointer?) -> Int32 {
    let fn: StaticString = "n3obs_span_is_recording"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            return try tracer.isRecording(handleBits(span)) ? 1 : 0
        } catch {
            return fail(fn, error)
        }
    }
}

/// Writes a context into a caller's struct, as far as its size allows.
func writeContext(_ out: UnsafeMutablePointer<n3obs_span_context>, _ c: SpanContextValue, tracestate: [UInt8],
                  remote: Bool) {
    let size = min(Int(out.pointee.size), MemoryLayout<n3obs_span_context>.size)
    var v = n3obs_span_context()
    v.size = out.pointee.size
    v.trace_flags = c.flags
    v.is_remote = remote ? 1 : 0
    withUnsafeMutableBytes(of: &v.trace_id) { IdBytes.store(c.traceHi, $0.baseAddress!); IdBytes.store(c.traceLo, $0.baseAddress! + 8) }
    withUnsafeMutableBytes(of: &v.span_id) { IdBytes.store(c.spanId, $0.baseAddress!) }
    withUnsafeMutableBytes(of: &v.tracestate) { buf in
        let n = min(tracestate.count, Int(N3OBS_MAX_TRACESTATE_LEN))
        tracestate.withUnsafeBytes { if n > 0 { memcpy(buf.baseAddress!, $0.baseAddress!, n) } }
        buf[n] = 0
    }
    memcpy(out, &v, size)
}

@_cdecl("n3obs_span_get_context")
public func cSpanGetContext(_ span: OpaquePointer?, _ out: UnsafeMutablePointer<n3obs_span_context>?) -> Int32 {
    let fn: StaticString = "n3obs_span_get_context"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    guard Int(out.pointee.size) >= MemoryLayout<n3obs_span_context>.offset(of: \.tracestate)! else {
        return fail(fn, .invalidArgument, "out->size \(out.pointee.size) is too small; start from N3OBS_SPAN_CONTEXT_INIT")
    }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            let (c, ts) = try tracer.context(handleBits(span))
            writeContext(out, c, tracestate: ts, remote: false)
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}
