import CN3ObsShims
import Glibc

/// The bounded queue between ending threads and the exporter: Dmitry Vyukov's bounded
/// queue, lock-free for the producers (any thread ending a span) and with one consumer at a
/// time (drains are serialized by the tracer). A full queue refuses the span at once, so
/// the ending thread never waits; the caller counts the drop.
///
/// Each cell holds a sequence number and a record pointer; the sequence says whose turn
/// the cell is: a producer's at position `pos` when it is `2 * pos`, the consumer's when
/// it is `2 * pos + 1`. (Vyukov's `pos` / `pos + 1` cannot tell a full one-cell queue from
/// an empty one; doubling can.) A cell stores its sequence less twice its index, so that
/// zeroed memory is an empty queue: a large queue costs memory only as far as it fills.
///
/// Bounded twice: by spans (`capacity`) and by the bytes of the records queued
/// (`maxBytes`, 0 for no byte bound), so a burst of large spans cannot take the process'
/// memory. Every `wakeStride`-th span pokes the consumer's wakeup if it sleeps: one load
/// on the ending thread, a futex call only when the consumer is asleep.
final class SpanQueue: @unchecked Sendable {
    let capacity: Int
    let maxBytes: UInt64
    private let wakeMask: UInt64
    private let cells: UnsafeMutablePointer<UInt64>      // [seq, pointer] per cell
    /// Cache lines: [enqueue position, bytes in], [dequeue position, bytes out],
    /// [dropped count], [the consumer's wakeup].
    private let counters: UnsafeMutablePointer<UInt64>

    /// - Parameter wakeStride: how many spans between two pokes (rounded down to a power
    ///   of two); the export batch size.
    init?(capacity: Int, maxBytes: Int = 0, wakeStride: Int = 1) {
        guard capacity > 0,
              let cellMemory = n3o_aligned_zalloc(64, capacity * 16),
              let counterMemory = n3o_aligned_zalloc(64, 4 * 64) else { return nil }
        self.capacity = capacity
        self.maxBytes = UInt64(max(0, maxBytes))
        var stride: UInt64 = 1
        while stride * 2 <= UInt64(max(1, wakeStride)) { stride *= 2 }
        wakeMask = stride - 1
        cells = cellMemory.assumingMemoryBound(to: UInt64.self)
        counters = counterMemory.assumingMemoryBound(to: UInt64.self)
    }

    /// The cell of a position and the offset its stored sequence has.
    @inline(__always)
    private func cell(_ pos: UInt64) -> (UnsafeMutablePointer<UInt64>, UInt64) {
        let index = pos % UInt64(capacity)
        return (cells + 2 * Int(index), 2 &* index)
    }

    /// The consumer's wakeup (the export coordinator sleeps on it).
    var wakeup: UnsafeMutablePointer<n3o_wakeup> {
        UnsafeMutableRawPointer(counters + 24).assumingMemoryBound(to: n3o_wakeup.self)
    }

    deinit {
        free(cells)
        free(counters)
    }

    @inline(__always) private var enqueuePos: UnsafeMutablePointer<UInt64> { counters }
    @inline(__always) private var bytesIn: UnsafeMutablePointer<UInt64> { counters + 1 }
    @inline(__always) private var dequeuePos: UnsafeMutablePointer<UInt64> { counters + 8 }
    @inline(__always) private var bytesOut: UnsafeMutablePointer<UInt64> { counters + 9 }
    @inline(__always) private var droppedCell: UnsafeMutablePointer<UInt64> { counters + 16 }

    /// Bytes of the records queued now (approximate while others push).
    var queuedBytes: UInt64 {
        let i = n3o_load_u64(bytesIn), o = n3o_load_u64(bytesOut)
        return i >= o ? i - o : 0
    }

    /// The consumer took records of this many bytes out (once per batch).
    func released(bytes: Int) { n3o_add_u64(bytesOut, UInt64(bytes)) }

    /// Queues a record of `bytes`; false (and the drop counted) when the queue is full in
    /// spans or in bytes. Concurrent pushes may pass the byte bound by one record each.
    @inline(__always)
    func push(_ record: UnsafeMutableRawPointer, bytes: Int) -> Bool {
        if maxBytes != 0 && queuedBytes &+ UInt64(bytes) > maxBytes {
            n3o_add_u64(droppedCell, 1)
            return false
        }
        guard let pos = claim(record) else { return false }
        n3o_add_u64(bytesIn, UInt64(bytes))
        if (pos &+ 1) & wakeMask == 0 { n3o_wakeup_if_sleeping(wakeup) }
        return true
    }

    /// Puts the record in the next cell; its position, or nil (counted) when full.
    @inline(__always)
    private func claim(_ record: UnsafeMutableRawPointer) -> UInt64? {
        var pos = n3o_load_u64(enqueuePos)
        while true {
            let (cell, offset) = self.cell(pos)
            let seq = n3o_load_acquire_u64(cell) &+ offset
            let diff = Int64(bitPattern: seq &- 2 &* pos)
            if diff == 0 {
                var expected = pos
                if n3o_cas_u64(enqueuePos, &expected, pos + 1) != 0 {
                    n3o_store_u64(cell + 1, UInt64(UInt(bitPattern: record)))
                    n3o_store_release_u64(cell, (2 &* pos &+ 1) &- offset)
                    return pos
                }
                pos = expected
            } else if diff < 0 {
                n3o_add_u64(droppedCell, 1)
                return nil
            } else {
                pos = n3o_load_u64(enqueuePos)
            }
        }
    }

    /// Takes the oldest record, if any. Only one thread may pop at a time.
    func pop() -> UnsafeMutableRawPointer? {
        let pos = n3o_load_u64(dequeuePos)
        let (cell, offset) = self.cell(pos)
        let seq = n3o_load_acquire_u64(cell) &+ offset
        guard seq == 2 &* pos &+ 1 else { return nil }
        let record = UnsafeMutableRawPointer(bitPattern: UInt(n3o_load_u64(cell + 1)))
        n3o_store_release_u64(cell, 2 &* (pos &+ UInt64(capacity)) &- offset)
        n3o_store_u64(dequeuePos, pos + 1)
        return record
    }

    /// In a forked child, before anyone pushes there: frees what the parent had queued and
    /// starts empty. A cell a parent thread had claimed but not yet filled (it did not come
    /// along) would otherwise stop the consumer there for ever, so every cell in flight is
    /// marked taken, as a pop would.
    func resetAfterFork(free release: (UnsafeMutableRawPointer) -> Void) {
        let e = n3o_load_u64(enqueuePos)
        var pos = n3o_load_u64(dequeuePos)
        while pos < e {
            let (cell, offset) = self.cell(pos)
            if n3o_load_u64(cell) &+ offset == 2 &* pos &+ 1,
               let record = UnsafeMutableRawPointer(bitPattern: UInt(n3o_load_u64(cell + 1))) {
                release(record)
            }
            n3o_store_u64(cell, 2 &* (pos &+ UInt64(capacity)) &- offset)
            pos += 1
        }
        n3o_store_u64(bytesOut, n3o_load_u64(bytesIn))
        n3o_store_release_u64(dequeuePos, e)
        // The parent's consumer may have been asleep: nobody sleeps here.
        n3o_wakeup_cancel(wakeup)
    }

    /// Counts spans lost after they were queued (a drain that ran out of memory).
    func countDropped(_ n: Int) { n3o_add_u64(droppedCell, UInt64(n)) }

    /// Spans refused because the queue was full.
    var dropped: UInt64 { n3o_load_u64(droppedCell) }

    /// Spans waiting (approximate while others push).
    var count: Int {
        let e = n3o_load_u64(enqueuePos), d = n3o_load_u64(dequeuePos)
        return e >= d ? Int(e - d) : 0
    }
}
