import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

@_cdecl("n3obs_spans_drain")
public func cSpansDrain(_ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_span_batch>?>?, _ max: Int) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_spans_drain"
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = nil
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        do throws(N3ObsError) {
            // A size_t above Int.max is a limit no queue reaches: all that are there.
            out.pointee = try tracer.drain(max: Int(clamping: UInt(bitPattern: max)))
            return N3OBS_OK
        } catch {
            return fail(fn, error)
        }
    }
}

@_cdecl("n3obs_span_batch_free")
public func cSpanBatchFree(_ batch: UnsafeMutablePointer<n3obs_span_batch>?) {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    SpanBatchBuilder.free(batch)
}

@_cdecl("n3obs_spans_dropped")
public func cSpansDropped(_ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_spans_dropped"
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = 0
    var status = N3OBS_OK
    guard let unmanaged = runningTracer(fn, &status) else { return status }
    return unmanaged._withUnsafeGuaranteedRef { tracer in
        out.pointee = tracer.dropped
        return N3OBS_OK
    }
}
