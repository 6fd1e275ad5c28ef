import CN3ObsShims
import Glibc

/// The calling thread's stack of current spans (kept in the shim's per-thread state).
/// A token is the thread's number and a sequence number, so a token from another thread
/// or one already closed is never found on this stack. An installed context storage
/// (n3obs_set_context_storage) comes before it: see `current` and CN3ObsShims/n3o_context.h.
enum ScopeStack {
    enum CloseResult { case closed, closedOutOfOrder(Int), unknown }

    /// Pushes a span's context; nil when memory ran out.
    static func push(_ t: UnsafeMutablePointer<n3o_trace_thread>, handle: UInt64, traceHi: UInt64, traceLo: UInt64,
                     spanId: UInt64, flags: UInt32, tracestate: UnsafeMutablePointer<CChar>?) -> UInt64? {
        guard n3o_scope_reserve(t) != 0 else { return nil }
        let token = (UInt64(t.pointee.thread_number) << 32) | (t.pointee.next_token & 0xFFFF_FFFF)
        t.pointee.next_token &+= 1
        let entry = t.pointee.stack + Int(t.pointee.depth)
        entry.initialize(to: n3o_scope_entry(trace_hi: traceHi, trace_lo: traceLo, span_id: spanId, handle: handle,
                                             token: token, tracestate: tracestate, flags: flags, pad: 0))
        t.pointee.depth += 1
        n3o_exemplar_follow_stack(flags & 1 != 0 ? UnsafePointer(entry) : nil)
        return token
    }

    /// Pops the scope of `token` (and any opened after it).
    static func close(_ t: UnsafeMutablePointer<n3o_trace_thread>, token: UInt64) -> CloseResult {
        var i = Int(t.pointee.depth) - 1
        while i >= 0 && t.pointee.stack[i].token != token { i -= 1 }
        guard i >= 0 else { return .unknown }
        let above = Int(t.pointee.depth) - 1 - i
        for k in i..<Int(t.pointee.depth) { free(t.pointee.stack[k].tracestate) }
        t.pointee.depth = UInt32(i)
        if i > 0, t.pointee.stack[i - 1].flags & 1 != 0 {
            n3o_exemplar_follow_stack(UnsafePointer(t.pointee.stack + (i - 1)))
        } else {
            n3o_exemplar_follow_stack(nil)
        }
        return above == 0 ? .closed : .closedOutOfOrder(above)
    }

    /// The current span: what the context storage says, else the innermost entry. Its
    /// `tracestate` is nil; a tracestate comes as bytes. `handle` is 0 unless asked for.
    struct Current {
        var entry: n3o_scope_entry
        var tracestate: [UInt8]
    }

    static func current(_ t: UnsafeMutablePointer<n3o_trace_thread>?, wantHandle: Bool = false) -> Current? {
        var found = n3o_current()
        return withUnsafeMutablePointer(to: &found) { p -> Current? in
            guard n3o_current_span(t, p, wantHandle ? 1 : 0) != 0 else { return nil }
            var entry = p.pointee.entry
            let ts = entry.tracestate.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
            entry.tracestate = nil
            return Current(entry: entry, tracestate: ts)
        }
    }
}
