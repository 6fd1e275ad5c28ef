import CN3ObsShims
import Glibc

/// Where live spans are found from their handles: slots in chunks that are allocated on
/// demand and never freed, so a handle (a slot index and a generation) can always be
/// checked without touching freed memory.
///
/// A slot's generation is odd while its span lives and is bumped when the span ends, so a
/// handle of an ended span no longer matches; a slot is reused only with a new generation.
/// Free slots form a lock-free stack whose head carries a tag against ABA.
public final class SpanSlots: @unchecked Sendable {
    /// The one table of the process: handles outlive any tracer.
    public static let shared = SpanSlots()

    static let chunkShift = Int(N3O_SPAN_CHUNK_SHIFT)
    static let chunkSize = 1 << chunkShift
    static let maxChunks = Int(N3O_SPAN_CHUNKS)   // 4 Mi live spans at most

    private let chunks: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Slots handed out so far (the next never-used index).
    private let words: UnsafeMutablePointer<UInt64>   // [0]: high water, [8]: free head

    private init() {
        chunks = .allocate(capacity: Self.maxChunks)
        chunks.initialize(repeating: nil, count: Self.maxChunks)
        n3o_span_chunks_publish(UnsafeMutableRawPointer(chunks))   // for the C attribute setters
        words = UnsafeMutablePointer<UInt64>(OpaquePointer(n3o_aligned_zalloc(64, 128)!))
    }

    @inline(__always) private var highWater: UnsafeMutablePointer<UInt64> { words }
    @inline(__always) private var freeHead: UnsafeMutablePointer<UInt64> { words + 8 }

    /// The slot at `index`, if its chunk exists.
    @inline(__always)
    func slot(_ index: UInt32) -> UnsafeMutablePointer<n3o_span_slot>? {
        let chunk = Int(index) >> Self.chunkShift
        guard chunk < Self.maxChunks,
              let base = n3o_load_ptr(UnsafeRawPointer(chunks + chunk).assumingMemoryBound(to: UnsafeMutableRawPointer?.self))
        else { return nil }
        return base.assumingMemoryBound(to: n3o_span_slot.self) + (Int(index) & (Self.chunkSize - 1))
    }

    /// A free slot's index, or nil when the table is full or memory ran out.
    @inline(__always)
    func acquire() -> UInt32? {
        var head = n3o_load_acquire_u64(freeHead)
        while head & 0xFFFF_FFFF != 0 {
            let index = UInt32(truncatingIfNeeded: head) - 1
            guard let slot = slot(index) else { return nil }
            let next = UInt64(n3o_load_u32(&slot.pointee.next_free))
            let tag = (head >> 32) &+ 1
            if n3o_cas_strong_u64(freeHead, head, (tag << 32) | next) != 0 { return index }
            head = n3o_load_acquire_u64(freeHead)
        }
        return fresh()
    }

    @inline(never)
    private func fresh() -> UInt32? {
        let index = n3o_add_u64(highWater, 1)
        guard index < UInt64(Self.maxChunks << Self.chunkShift) else { return nil }
        let i = UInt32(index)
        if slot(i) != nil { return i }
        let chunk = Int(i) >> Self.chunkShift
        let bytes = Self.chunkSize * MemoryLayout<n3o_span_slot>.stride
        guard let fresh = n3o_aligned_zalloc(64, bytes) else { return nil }
        let cell = UnsafeMutableRawPointer(chunks + chunk).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        let won = n3o_cas_ptr(cell, nil, fresh)
        if won != fresh { free(fresh) }
        return i
    }

    /// Puts an ended span's slot back (its generation was already bumped).
    @inline(__always)
    func release(_ index: UInt32) {
        guard let slot = slot(index) else { return }
        var head = n3o_load_acquire_u64(freeHead)
        while true {
            n3o_store_u32(&slot.pointee.next_free, UInt32(truncatingIfNeeded: head))
            let tag = (head >> 32) &+ 1
            if n3o_cas_strong_u64(freeHead, head, (tag << 32) | UInt64(index + 1)) != 0 { return }
            head = n3o_load_acquire_u64(freeHead)
        }
    }

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
        let low = UInt32(truncatingIfNeeded: handle)
        let generation = UInt32(truncatingIfNeeded: handle >> 32)
        guard low != 0, generation & 1 == 1, let slot = slot(low - 1) else { return nil }
        // Cheap pre-check without the lock, then the real one under it.
        guard n3o_load_u32(&slot.pointee.generation) == generation else { return nil }
        n3o_spin_lock(&slot.pointee.lock)
        guard slot.pointee.generation == generation else {
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

/// A free slot's index + 1, or 0 when the table is full or memory ran out: for the C span
/// start (CN3ObsRecord/span_start.c), which fills the slot itself.
@_cdecl("n3o_span_slot_acquire")
public func n3oSpanSlotAcquire() -> UInt32 {
    SpanSlots.shared.acquire().map { $0 + 1 } ?? 0
}
