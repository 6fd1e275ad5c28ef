import CN3ObsShims
import Glibc

/// The bounded queue between ending threads and the exporter: the C queue of
/// n3o_span_queue.h (the C span end pushes to it too), seen from Swift. A full queue
/// refuses the span at once, so the ending thread never waits; the drop is counted.
/// Bounded by spans (`capacity`) and by the bytes of the records queued (`maxBytes`, 0 for
/// no byte bound); every `wakeStride`-th span pokes the consumer's wakeup if it sleeps.
final class SpanQueue: @unchecked Sendable {
    let raw: UnsafeMutablePointer<n3o_span_queue>
    var capacity: Int { Int(raw.pointee.capacity) }
    var maxBytes: UInt64 { raw.pointee.max_bytes }

    /// - Parameter wakeStride: how many spans between two pokes (rounded down to a power
    ///   of two); the export batch size.
    init?(capacity: Int, maxBytes: Int = 0, wakeStride: Int = 1) {
        guard capacity > 0, let q = n3o_span_queue_new(UInt64(capacity), UInt64(max(0, maxBytes)),
                                                       UInt64(max(1, wakeStride))) else { return nil }
        raw = q
    }

    deinit { n3o_span_queue_free(raw) }

    /// The consumer's wakeup (the export coordinator sleeps on it).
    var wakeup: UnsafeMutablePointer<n3o_wakeup> {
        UnsafeMutableRawPointer(raw).advanced(by: MemoryLayout<n3o_span_queue>.offset(of: \.wakeup)!)
            .assumingMemoryBound(to: n3o_wakeup.self)
    }

    /// Bytes of the records queued now (approximate while others push).
    var queuedBytes: UInt64 { n3o_span_queue_bytes(raw) }

    /// The consumer took `spans` records of `bytes` in all out (once per batch).
    func released(spans: Int, bytes: Int) { n3o_span_queue_released(raw, UInt64(spans), UInt64(bytes)) }

    /// Queues a record of `bytes`; false (and the drop counted) when the queue is full in
    /// spans or in bytes.
    @inline(__always)
    func push(_ record: UnsafeMutableRawPointer, bytes: Int) -> Bool {
        n3o_span_queue_push(raw, record, UInt64(bytes)) != 0
    }

    /// Takes the oldest record, if any. Only one thread may pop at a time.
    func pop() -> UnsafeMutableRawPointer? { n3o_span_queue_pop(raw) }

    /// In a forked child, before anyone pushes there: frees what the parent had queued and
    /// starts empty.
    func resetAfterFork() { n3o_span_queue_reset_after_fork(raw) }

    /// Counts spans lost after they were queued (a drain that ran out of memory).
    func countDropped(_ n: Int) { n3o_add_u64(&raw.pointee.dropped, UInt64(n)) }

    /// Spans refused because the queue was full.
    var dropped: UInt64 { n3o_load_u64(&raw.pointee.dropped) }

    /// Spans waiting (approximate while others push).
    var count: Int { Int(n3o_span_queue_count(raw)) }
}
