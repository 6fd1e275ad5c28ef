import CN3ObsShims
import Glibc

/// Where live spans are found from their handles: the C slot table of n3o_span_slots.h
/// (shared with the C span start, attribute setters and end), seen from Swift.
///
/// A slot's generation is odd while its span lives and is bumped when the span ends, so a
/// handle of an ended span no longer matches; a slot is reused only with a new generation.
public final class SpanSlots: @unchecked Sendable {
    /// The one table of the process: handles outlive any tracer.
    public static let shared = SpanSlots()

    static let chunkShift = Int(N3O_SPAN_CHUNK_SHIFT)
    static let maxChunks = Int(N3O_SPAN_CHUNKS)   // 4 Mi live spans at most

    private init() {}

    /// The slot at `index`, if its chunk exists.
    @inline(__always)
    func slot(_ index: UInt32) -> UnsafeMutablePointer<n3o_span_slot>? { n3o_span_slot_at(index) }

    /// A free slot's index, or nil when the table is full or memory ran out.
    @inline(__always)
    func acquire() -> UInt32? {
        let index1 = n3o_span_slot_acquire()
        return index1 == 0 ? nil : index1 - 1
    }

    /// Puts an ended span's slot back (its generation was already bumped).
    @inline(__always)
    func release(_ index: UInt32) { n3o_span_slot_release(index) }

    // MARK: - Handles

    /// Encodes a live slot as the bits of an `n3obs_span *`; never 0.
    @inline(__always)
    static func handle(index: UInt32, generation: UInt32) -> UInt64 {
        (UInt64(generation) << 32) | UInt64(index + 1)
    }

    /// Locks the slot of a handle whose span is still live; nil (nothing locked) for a
    /// handle that is stale or never existed. The caller unlocks with `unlock`.
    @inline(__always)
    func lockLive(_ handle: UInt64) -> UnsafeMutablePointer<n3o_span_slot>? {
        // Cheap pre-check without the lock, then the real one under it.
        guard let slot = n3o_span_live_slot(handle) else { return nil }
        n3o_spin_lock(&slot.pointee.lock)
        guard slot.pointee.generation == UInt32(truncatingIfNeeded: handle >> 32) else {
            n3o_spin_unlock(&slot.pointee.lock)
            return nil
        }
        return slot
    }

    @inline(__always)
    func unlock(_ slot: UnsafeMutablePointer<n3o_span_slot>) {
        n3o_spin_unlock(&slot.pointee.lock)
    }

    /// Index of a handle's slot (the handle was validated).
    @inline(__always)
    static func index(of handle: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: handle) - 1 }
}
