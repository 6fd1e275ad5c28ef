import CN3Obs
import CN3ObsShims
import Glibc

/// Appending to a live record. Every function returns the record, which may have moved
/// (the caller stores it back into the span's slot), and false when memory ran out.
extension SpanRecord {
    enum Placement { case added, replaced, dropped }

    /// Finds a live attribute entry of `tag` with `key` among the entries in [from, to).
    static func find(_ record: Pointer, key: UnsafeRawBufferPointer, tag: Tag, from: Int, to: Int) -> Int? {
        var at = from
        while at < to {
            let a = entry(record + at, n3o_attribute_entry.self)
            let h = a.pointee.header
            if h.tag == tag.rawValue && h.dead == 0 {
                let n = Int(a.pointee.keyLength)
                if n == key.count && (n == 0 || memcmp(n3o_attribute_key(a), key.baseAddress!, n) == 0) { return at }
            } else if tag == .nested && h.tag != Tag.nested.rawValue {
                break   // nested attributes end where another entry starts
            }
            at += Int(h.size)
        }
        return nil
    }

    /// Adds (or replaces) one attribute in the group starting at `groupStart`; `count` is
    /// the group's number of live attributes.
    static func put(_ record: Pointer, _ a: PreparedAttribute, tag: Tag, groupStart: Int,
                    count: UInt32, limit: UInt32) -> (Pointer, Placement)? {
        let used = Int(head(record).pointee.used)
        // No live attribute in the group, or (span attributes) none of this key's length:
        // nothing to replace, no scan.
        let bit = n3o_key_length_bit(UInt32(a.key.count))
        let mayHave = count > 0 && (tag != .attribute || head(record).pointee.keyLengths & bit != 0)
        let old = mayHave ? find(record, key: a.key, tag: tag, from: groupStart, to: used) : nil
        if old == nil && count >= limit { return (record, .dropped) }
        guard let (r, at) = reserve(record, a.entrySize) else { return nil }
        if let old { entry(r + old, n3o_attribute_entry.self).pointee.header.dead = 1 }
        a.write(at: r + at, tag: tag)
        if tag == .attribute { head(r).pointee.keyLengths |= bit }
        return (r, old == nil ? .added : .replaced)
    }

    /// Sets span attributes, counting the ones past the limit as dropped.
    static func setAttributes(_ record: Pointer, _ list: UnsafeBufferPointer<PreparedAttribute>, limit: UInt32) -> (Pointer, Bool) {
        var r = record
        for a in list {
            let h = head(r)
            guard let (next, placed) = put(r, a, tag: .attribute, groupStart: headSize,
                                           count: h.pointee.attributeCount, limit: limit) else { return (r, false) }
            r = next
            switch placed {
            case .added: head(r).pointee.attributeCount += 1
            case .replaced: break
            case .dropped: head(r).pointee.attributesDropped &+= 1
            }
        }
        return (r, true)
    }

    /// Appends nested attributes after the event or link entry at `owner`, whose live
    /// count and dropped count sit at `countOffset` and `droppedOffset`.
    private static func putNested(_ record: Pointer, owner: Int, countOffset: Int, droppedOffset: Int,
                                  _ list: UnsafeBufferPointer<PreparedAttribute>) -> (Pointer, Bool) {
        var r = record
        let limit = head(r).pointee.nestedAttributeLimit
        let groupStart = owner + Int((r + owner).load(as: EntryHeader.self).size)
        for a in list {
            let count = (r + owner + countOffset).load(as: UInt32.self)
            guard let (next, placed) = put(r, a, tag: .nested, groupStart: groupStart, count: count, limit: limit)
            else { return (r, false) }
            r = next
            switch placed {
            case .added: (r + owner + countOffset).storeBytes(of: count + 1, as: UInt32.self)
            case .replaced: break
            case .dropped:
                let d = (r + owner + droppedOffset).load(as: UInt32.self)
                (r + owner + droppedOffset).storeBytes(of: d &+ 1, as: UInt32.self)
            }
        }
        return (r, true)
    }

    /// Appends an event with its attributes (the caller checked the event limit).
    static func addEvent(_ record: Pointer, name: UnsafeRawBufferPointer, time: Int64,
                         _ attributes: UnsafeBufferPointer<PreparedAttribute>) -> (Pointer, Bool) {
        let used = head(record).pointee.used
        let fixed = MemoryLayout<n3o_event_entry>.size
        let size = align(fixed + name.count + 1)
        guard let (r, at) = reserve(record, size) else { return (record, false) }
        entry(r + at, n3o_event_entry.self).pointee = n3o_event_entry(
            header: EntryHeader(tag: Tag.event.rawValue, type: 0, dead: 0, pad: 0, size: UInt32(size)),
            time: time, nameLength: UInt32(name.count), attributeCount: 0, attributesDropped: 0, pad: 0)
        copyString(name, to: r + at + fixed)
        let (done, ok) = putNested(r, owner: at, countOffset: MemoryLayout<n3o_event_entry>.offset(of: \.attributeCount)!,
                                   droppedOffset: MemoryLayout<n3o_event_entry>.offset(of: \.attributesDropped)!, attributes)
        guard ok else {
            head(done).pointee.used = used   // forget the half-built event
            return (done, false)
        }
        head(done).pointee.eventCount += 1
        return (done, true)
    }

    /// Appends a link with its attributes (the caller checked the link limit).
    static func addLink(_ record: Pointer, traceHi: UInt64, traceLo: UInt64, spanId: UInt64, flags: UInt8,
                        tracestate: UnsafeRawBufferPointer, _ attributes: UnsafeBufferPointer<PreparedAttribute>) -> (Pointer, Bool) {
        let used = head(record).pointee.used
        let fixed = MemoryLayout<n3o_link_entry>.size
        let size = align(fixed + tracestate.count + 1)
        guard let (r, at) = reserve(record, size) else { return (record, false) }
        entry(r + at, n3o_link_entry.self).pointee = n3o_link_entry(
            header: EntryHeader(tag: Tag.link.rawValue, type: 0, dead: 0, pad: 0, size: UInt32(size)),
            traceHi: traceHi, traceLo: traceLo, spanId: spanId, flags: UInt32(flags),
            tracestateLength: UInt32(tracestate.count), attributeCount: 0, attributesDropped: 0)
        copyString(tracestate, to: r + at + fixed)
        let (done, ok) = putNested(r, owner: at, countOffset: MemoryLayout<n3o_link_entry>.offset(of: \.attributeCount)!,
                                   droppedOffset: MemoryLayout<n3o_link_entry>.offset(of: \.attributesDropped)!, attributes)
        guard ok else {
            head(done).pointee.used = used
            return (done, false)
        }
        head(done).pointee.linkCount += 1
        return (done, true)
    }
}
