import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

/// The tracer when the SDK runs (otherwise the status is set and nil returned), as an
/// unmanaged reference: the span calls use it through `_withUnsafeGuaranteedRef`, so the
/// hot path pays no reference counting on an object every thread shares.
@inline(__always)
func runningTracer(_ fn: StaticString, _ status: inout Int32) -> Unmanaged<Tracer>? {
    guard n3o_sdk_state() == N3ObsSDK.State.running.rawValue, let raw = n3o_tracer_get() else {
        status = notRunning(fn)
        return nil
    }
    return Unmanaged<Tracer>.fromOpaque(raw)
}

/// A span handle's bits (a handle is never dereferenced).
@inline(__always)
func handleBits(_ span: OpaquePointer?) -> UInt64 { UInt64(UInt(bitPattern: UnsafeRawPointer(span))) }

/// A span context struct from a caller, read only as far as its size says.
func readContext(_ p: UnsafePointer<n3obs_span_context>, what: String) throws(N3ObsError) -> SpanContextValue {
    let minimum = MemoryLayout<n3obs_span_context>.offset(of: \.tracestate)!
    let size = Int(p.pointee.size)
    guard size >= minimum else {
        throw N3ObsError(.invalidArgument, "\(what)->size \(size) is too small; start from N3OBS_SPAN_CONTEXT_INIT")
    }
    let raw = UnsafeRawPointer(p)
    let trace = raw + MemoryLayout<n3obs_span_context>.offset(of: \.trace_id)!
    let span = raw + MemoryLayout<n3obs_span_context>.offset(of: \.span_id)!
    var context = SpanContextValue(traceHi: IdBytes.load(trace), traceLo: IdBytes.load(trace + 8),
                                   spanId: IdBytes.load(span), flags: p.pointee.trace_flags)
    if size >= MemoryLayout<n3obs_span_context>.size {
        let ts = raw + MemoryLayout<n3obs_span_context>.offset(of: \.tracestate)!
        let n = strnlen(ts.assumingMemoryBound(to: CChar.self), Int(N3OBS_MAX_TRACESTATE_LEN) + 1)
        context.tracestate = UnsafeRawBufferPointer(start: ts, count: min(n, Int(N3OBS_MAX_TRACESTATE_LEN)))
    }
    return context
}

func prepareLink(_ link: n3obs_link, what: String) throws(N3ObsError) -> PreparedLink {
    var l = link
    let context = withUnsafeBytes(of: &l.trace_id) { t in
        withUnsafeBytes(of: &l.span_id) { s in
            SpanContextValue(traceHi: IdBytes.load(t.baseAddress!), traceLo: IdBytes.load(t.baseAddress! + 8),
                             spanId: IdBytes.load(s.baseAddress!), flags: link.trace_flags)
        }
    }
    guard context.isValid else { throw N3ObsError(.invalidArgument, "\(what) has an all-zero trace or span id") }
    var tracestate: [UInt8] = []
    if let ts = link.tracestate {
        let bytes = try CBytes.read(ts, "\(what) tracestate", limit: TracingLimits.maxTracestateLength)
        tracestate = TraceContext.normalizeTracestate(bytes) ?? []
    }
    return PreparedLink(context: context, tracestate: tracestate,
                        attributes: try PreparedAttribute.list(link.attributes, link.attribute_count))
}

// The checked implementation of n3obs_span_start, which is in C
// (Sources/CN3ObsRecord/span_start.c): it does the common start itself and calls this for
// everything else, having published nothing.
@_cdecl("n3o_span_start_full")
public func cSpanStart(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ name: UnsafePointer<CChar>?,
                       _ opts: UnsafePointer<n3obs_span_opts>?) -> Int32 {
    let fn: StaticString = "n3obs_span_start"
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = nil
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            let nameBytes = try CBytes.read(name, "name", limit: TracingLimits.maxSpanNameLength)
            guard let opts else {
                out.pointee = OpaquePointer(bitPattern: UInt(try tracer.start(name: nameBytes)))
                return N3OBS_OK
            }
            // Callers compiled before context_out was appended pass the smaller size: read
            // only what the caller's struct has (the rest stays zero).
            let callerSize = Int(opts.pointee.size)
            let minimum = MemoryLayout<n3obs_span_opts>.offset(of: \.context_out)!
            guard callerSize >= minimum else {
                throw N3ObsError(.invalidArgument, "opts->size \(callerSize) is too small; start from N3OBS_SPAN_OPTS_INIT")
            }
            var o = n3obs_span_opts()
            let full = MemoryLayout<n3obs_span_opts>.size
            memcpy(&o, opts, callerSize >= full ? full : minimum)   // never part of a pointer
            if let c = o.context_out, Int(c.pointee.size) < MemoryLayout<n3obs_span_context>.offset(of: \.tracestate)! {
                throw N3ObsError(.invalidArgument, "opts->context_out->size \(c.pointee.size) is too small; start from N3OBS_SPAN_CONTEXT_INIT")
            }
            let kind = o.kind == 0 ? 1 : o.kind
            guard (1...5).contains(kind) else { throw N3ObsError(.invalidArgument, "kind \(o.kind) is not an N3OBS_SPAN_KIND_*") }
            guard o.start_time_unix_nano >= 0 else { throw N3ObsError(.invalidArgument, "start time is negative") }
            var parent = Tracer.ParentChoice.current
            switch (o.parent, o.remote_parent) {
            case (.some, .some): throw N3ObsError(.invalidArgument, "both parent and remote_parent are set")
            case (.some(let p), nil): parent = .span(handleBits(p))
            case (nil, .some(let r)): parent = .remote(try readContext(r, what: "opts->remote_parent"))
            case (nil, nil): if o.flags & N3OBS_SPAN_ROOT != 0 { parent = .root }
            }
            let attributes = try PreparedAttribute.list(o.attributes, o.attribute_count)
            let linkCount = try CCount.checked(o.link_count, max: TracingLimits.maxItemsPerCall, "link_count")
            guard linkCount == 0 || o.links != nil else {
                throw N3ObsError(.invalidArgument, "links is NULL but link_count is \(linkCount)")
            }
            var links: [PreparedLink] = []
            for i in 0..<linkCount { links.append(try prepareLink(o.links![i], what: "link \(i)")) }
            let handle = try attributes.withUnsafeBufferPointer { (a) throws(N3ObsError) in
                try links.withUnsafeBufferPointer { (l) throws(N3ObsError) in
                    try tracer.start(name: nameBytes, kind: UInt8(kind), parent: parent,
                                     startTime: o.start_time_unix_nano, attributes: a, links: l)
                }
            }
            if let c = o.context_out {
                let (context, ts) = try tracer.context(handle)   // live: this thread just started it
                writeContext(c, context, tracestate: ts, remote: false)
            }
            out.pointee = OpaquePointer(bitPattern: UInt(handle))
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

// The checked implementation of n3obs_span_end, which is in C
// (Sources/CN3ObsRecord/span_end.c): it does the common end itself (having run the forked
// child's fixup) and calls this for everything else, having changed nothing.
@_cdecl("n3o_span_end_full")
public func cSpanEnd(_ span: OpaquePointer?, _ endTime: Int64) -> Int32 {
    let fn: StaticString = "n3obs_span_end"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        guard endTime >= 0 else { return fail(fn, .invalidArgument, "end time is negative") }
        do throws(N3ObsError) {
            try tracer.end(handleBits(span), endTime: endTime)
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

/// The common body of the attribute setters.
@inline(__always)
private func setOne(_ fn: StaticString, _ span: OpaquePointer?,
                    _ prepare: () throws(N3ObsError) -> PreparedAttribute) -> Int32 {
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            try tracer.setAttribute(handleBits(span), try prepare())
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

// The typed setters' checked implementations. The published n3obs_span_set_attribute_*
// are in C (Sources/CN3ObsRecord/span_attributes.c): they do the common case themselves
// and call these for everything else, having changed nothing.

@_cdecl("n3o_span_set_attribute_string_full")
public func cSpanSetAttributeString(_ span: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                    _ value: UnsafePointer<CChar>?) -> Int32 {
    setOne("n3obs_span_set_attribute_string", span) { () throws(N3ObsError) in try .string(key: key, value) }
}

@_cdecl("n3o_span_set_attribute_int_full")
public func cSpanSetAttributeInt(_ span: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: Int64) -> Int32 {
    setOne("n3obs_span_set_attribute_int", span) { () throws(N3ObsError) in
        try .scalar(key: key, type: N3OBS_VALUE_INT64, bits: UInt64(bitPattern: value))
    }
}

@_cdecl("n3o_span_set_attribute_double_full")
public func cSpanSetAttributeDouble(_ span: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: Double) -> Int32 {
    setOne("n3obs_span_set_attribute_double", span) { () throws(N3ObsError) in
        try .scalar(key: key, type: N3OBS_VALUE_DOUBLE, bits: value.bitPattern)
    }
}

@_cdecl("n3o_span_set_attribute_bool_full")
public func cSpanSetAttributeBool(_ span: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: Int32) -> Int32 {
    setOne("n3obs_span_set_attribute_bool", span) { () throws(N3ObsError) in
        try .scalar(key: key, type: N3OBS_VALUE_BOOL, bits: value != 0 ? 1 : 0)
    }
}

@_cdecl("n3obs_span_set_attributes")
public func cSpanSetAttributes(_ span: OpaquePointer?, _ attributes: UnsafePointer<n3obs_attribute>?,
                               _ count: Int) -> Int32 {
    let fn: StaticString = "n3obs_span_set_attributes"
    guard let span else { return fail(fn, .invalidArgument, "span is NULL") }
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            let list = try PreparedAttribute.list(attributes, count)
            try list.withUnsafeBufferPointer { (l) throws(N3ObsError) in try tracer.setAttributes(handleBits(span), l) }
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}
