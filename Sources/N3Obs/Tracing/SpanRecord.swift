import CN3ObsShims
import Glibc

/// The fixed part of a sampled span's data, at the start of its record: a C struct
/// (n3o_span_head in n3o_shims.h), because the typed attribute setters of CN3ObsRecord
/// append to records too.
typealias SpanHead = n3o_span_head

/// A sampled span's data in one allocation that grows by `realloc`:
///
///     [SpanHead][entry][entry]...
///
/// Entries are appended as the span is built (attributes, events with their attributes,
/// links, texts), 8-byte aligned, each starting with an `EntryHeader`. Appending is a copy,
/// not an allocation per value, which keeps a sampled span cheap; the drain decodes the
/// entries into `n3obs_span_data` and points into the record, so strings are copied once.
///
/// Only the thread holding the span's slot lock touches a live record; once ended it
/// belongs to the queue, then to a drained batch.
enum SpanRecord {
    typealias Pointer = UnsafeMutableRawPointer

    static let headSize = (MemoryLayout<SpanHead>.stride + 7) & ~7
    /// A new record's size: a block of the recycling pool (see n3o_record_alloc).
    static let initialCapacity = Int(N3O_RECORD_BLOCK)
    static let maxBytes = Int(UInt32.max / 2)

    enum Tag: UInt8 {
        case text = 1        // name, status description, tracestate
        case attribute = 2   // an attribute of the span
        case nested = 3      // an attribute of the event or link just before
        case event = 4
        case link = 5
    }

    /// 8 bytes at the start of every entry. An attribute entry continues with the key's
    /// length (UInt32 at 8), the string's length or the item count (UInt32 at 12), the
    /// scalar (UInt64 at 16), the key with its NUL (at 24), then, 8-aligned, the payload.
    /// CN3ObsRecord/span_attributes.c writes attribute entries too: keep them in step.
    struct EntryHeader {
        var tag: UInt8
        var type: UInt8      // n3obs_value_type for attributes
        var dead: UInt8      // an attribute replaced by a later one of the same key
        var pad: UInt8
        var size: UInt32     // whole entry, aligned
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
        guard let (r, at) = reserve(record, 8 + 4 + bytes.count + 1) else { return nil }
        let e = r + at
        e.storeBytes(of: EntryHeader(tag: Tag.text.rawValue, type: 0, dead: 0, pad: 0,
                                     size: UInt32(align(8 + 4 + bytes.count + 1))), as: EntryHeader.self)
        (e + 8).storeBytes(of: UInt32(bytes.count), as: UInt32.self)
        copyString(bytes, to: e + 12)
        return (r, UInt32(at))
    }

    /// The NUL-terminated bytes of the text entry at `offset` (0: nil).
    static func text(_ record: UnsafeRawPointer, _ offset: UInt32) -> UnsafePointer<CChar>? {
        guard offset != 0 else { return nil }
        return (record + Int(offset) + 12).assumingMemoryBound(to: CChar.self)
    }

    @inline(__always)
    static func copyString(_ bytes: UnsafeRawBufferPointer, to dst: UnsafeMutableRawPointer) {
        if let base = bytes.baseAddress, bytes.count > 0 { memcpy(dst, base, bytes.count) }
        (dst + bytes.count).storeBytes(of: 0, as: UInt8.self)
    }
}
