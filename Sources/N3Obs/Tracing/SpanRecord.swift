import CN3ObsShims
import Glibc

/// The fixed part of a sampled span's data, at the start of its record (n3o_span_head).
typealias SpanHead = n3o_span_head

/// A sampled span's data in one allocation that grows by `realloc`, in the format that
/// n3o_span_record.h defines for C and Swift alike (the head, then 8-aligned entries,
/// each starting with an n3o_entry_header; the fixed part of each kind of entry is a C
/// struct there). Appending is a copy, not an allocation per value; the drain decodes the
/// entries into `n3obs_span_data` and points into the record, so strings are copied once.
///
/// Only the thread holding the span's slot lock touches a live record; once ended it
/// belongs to the queue, then to a drained batch.
enum SpanRecord {
    typealias Pointer = UnsafeMutableRawPointer
    typealias EntryHeader = n3o_entry_header

    static let headSize = Int(N3O_SPAN_HEAD_SIZE)
    /// A new record's size: a block of the recycling pool (see n3o_record_alloc).
    static let initialCapacity = Int(N3O_RECORD_BLOCK)
    static let maxBytes = Int(UInt32.max / 2)

    /// What an entry is (N3O_TAG_*).
    struct Tag: Equatable {
        let rawValue: UInt8
        static let text = Tag(rawValue: UInt8(N3O_TAG_TEXT))
        static let attribute = Tag(rawValue: UInt8(N3O_TAG_ATTRIBUTE))
        static let nested = Tag(rawValue: UInt8(N3O_TAG_NESTED))
        static let event = Tag(rawValue: UInt8(N3O_TAG_EVENT))
        static let link = Tag(rawValue: UInt8(N3O_TAG_LINK))
    }

    /// An entry's fixed part, typed (the structs of n3o_span_record.h).
    @inline(__always)
    static func entry<T>(_ e: UnsafeRawPointer, _: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(mutating: e).assumingMemoryBound(to: T.self)
    }

    /// A new record, from the thread's pool of record blocks.
    static func allocate(_ t: UnsafeMutablePointer<n3o_trace_thread>) -> Pointer? {
        guard let p = n3o_record_alloc(t) else { return nil }
        p.initializeMemory(as: SpanHead.self, repeating: SpanHead(), count: 1)   // all zero
        let head = p.assumingMemoryBound(to: SpanHead.self)
        head.pointee.kind = 1   // INTERNAL
        head.pointee.used = UInt32(headSize)
        head.pointee.capacity = UInt32(initialCapacity)
        return p
    }

    @inline(__always)
    static func head(_ record: Pointer) -> UnsafeMutablePointer<SpanHead> {
        record.assumingMemoryBound(to: SpanHead.self)
    }

    @inline(__always)
    static func align(_ n: Int) -> Int { (n + 7) & ~7 }

    /// Reserves `bytes` (aligned) at the end, growing the record; returns the record (maybe
    /// moved) and the entry's offset, or nil if memory ran out (the record is unchanged).
    static func reserve(_ record: Pointer, _ bytes: Int) -> (Pointer, Int)? {
        let h = head(record)
        let used = Int(h.pointee.used)
        let need = used + align(bytes)
        guard need <= maxBytes else { return nil }
        var r = record
        if need > Int(h.pointee.capacity) {
            var cap = Int(h.pointee.capacity) * 2
            while cap < need { cap *= 2 }
            cap = min(cap, maxBytes)
            guard let grown = realloc(record, cap) else { return nil }
            r = grown
            head(r).pointee.capacity = UInt32(cap)
        }
        head(r).pointee.used = UInt32(need)
        return (r, used)
    }

    /// Appends a NUL-terminated text; returns the record and the text entry's offset.
    static func appendText(_ record: Pointer, _ bytes: UnsafeRawBufferPointer) -> (Pointer, UInt32)? {
        guard let (r, at) = reserve(record, Int(n3o_text_entry_size(UInt32(bytes.count)))) else { return nil }
        n3o_text_entry_write(r + at, bytes.baseAddress, UInt32(bytes.count))
        return (r, UInt32(at))
    }

    /// The NUL-terminated bytes of the text entry at `offset` (0: nil).
    static func text(_ record: UnsafeRawPointer, _ offset: UInt32) -> UnsafePointer<CChar>? {
        n3o_record_text(record, offset)
    }

    @inline(__always)
    static func copyString(_ bytes: UnsafeRawBufferPointer, to dst: UnsafeMutableRawPointer) {
        if let base = bytes.baseAddress, bytes.count > 0 { memcpy(dst, base, bytes.count) }
        (dst + bytes.count).storeBytes(of: 0, as: UInt8.self)
    }
}
