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
/// an empty one; doubling can.)
final class SpanQueue: @unchecked Sendable {
    let capacity: Int
    private let cells: UnsafeMutablePointer<UInt64>      // [seq, pointer] per cell
    /// enqueue position, dequeue position, dropped count, each on its own cache line.
    private let counters: UnsafeMutablePointer<UInt64>

    init?(capacity: Int) {
        guard capacity > 0,
              let cellMemory = n3o_aligned_zalloc(64, capacity * 16),
              let counterMemory = n3o_aligned_zalloc(64, 3 * 64) else { return nil }
        self.capacity = capacity
        cells = cellMemory.assumingMemoryBound(to: UInt64.self)
        counters = counterMemory.assumingMemoryBound(to: UInt64.self)
        for i in 0..<capacity { cells[2 * i] = 2 * UInt64(i) }
    }

    deinit {
        free(cells)
        free(counters)
    }

    @inline(__always) private var enqueuePos: UnsafeMutablePointer<UInt64> { counters }
    @inline(__always) private var dequeuePos: UnsafeMutablePointer<UInt64> { counters + 8 }
    @inline(__always) private var droppedCell: UnsafeMutablePointer<UInt64> { counters + 16 }

    /// Queues a record; false (and the drop counted) when the queue is full.
    @inline(__always)
    func push(_ record: UnsafeMutableRawPointer) -> Bool {
        var pos = n3o_load_u64(enqueuePos)
        while true {
            let cell = cells + 2 * Int(pos % UInt64(capacity))
            let seq = n3o_load_acquire_u64(cell)
            let diff = Int64(bitPattern: seq &- 2 &* pos)
            if diff == 0 {
                var expected = pos
                if n3o_cas_u64(enqueuePos, &expected, pos + 1) != 0 {
                    n3o_store_u64(cell + 1, UInt64(UInt(bitPattern: record)))
                    n3o_store_release_u64(cell, 2 &* pos &+ 1)
                    return true
                }
                pos = expected
            } else if diff < 0 {
                n3o_add_u64(droppedCell, 1)
                return false
            } else {
                pos = n3o_load_u64(enqueuePos)
            }
        }
    }

    /// Takes the oldest record, if any. Only one thread may pop at a time.
    func pop() -> UnsafeMutableRawPointer? {
        let pos = n3o_load_u64(dequeuePos)
        let cell = cells + 2 * Int(pos % UInt64(capacity))
        let seq = n3o_load_acquire_u64(cell)
        guard seq == 2 &* pos &+ 1 else { return nil }
        let record = UnsafeMutableRawPointer(bitPattern: UInt(n3o_load_u64(cell + 1)))
        n3o_store_release_u64(cell, 2 &* (pos &+ UInt64(capacity)))
        n3o_store_u64(dequeuePos, pos + 1)
        return record
    }

    /// In a forked child, before anyone pushes there: frees what the parent had queued and
    /// starts empty. A cell a parent thread had claimed but not yet filled (it did not come
    /// along) would otherwise stop the consumer there for ever.
    func resetAfterFork(free release: (UnsafeMutableRawPointer) -> Void) {
        let e = n3o_load_u64(enqueuePos)
        var pos = n3o_load_u64(dequeuePos)
        while pos < e {
            let cell = cells + 2 * Int(pos % UInt64(capacity))
            if n3o_load_u64(cell) == 2 &* pos &+ 1,
               let record = UnsafeMutableRawPointer(bitPattern: UInt(n3o_load_u64(cell + 1))) {
                release(record)
            }
            pos += 1
        }
        for i in 0..<capacity { n3o_store_u64(cells + 2 * i, 2 * UInt64(i)) }
        n3o_store_u64(enqueuePos, 0)
        n3o_store_release_u64(dequeuePos, 0)
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
