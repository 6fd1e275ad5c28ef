import CN3Obs
import CN3ObsShims
import Glibc

/// Turns queued records into an `n3obs_span_batch` in one allocation:
///
///     [batch][record count][record pointers][spans][attributes][events][links][string arrays]
///
/// Strings and arrays are not copied: they point into the records, which the batch owns
/// and frees with itself.
public enum SpanBatchBuilder {
    static let batchSize = (MemoryLayout<n3obs_span_batch>.stride + 7) & ~7

    struct Counts {
        var attributes = 0, events = 0, links = 0, stringItems = 0
    }

    /// Counts what a record decodes to.
    static func measure(_ r: UnsafeMutableRawPointer, into c: inout Counts) {
        let used = Int(SpanRecord.head(r).pointee.used)
        var at = SpanRecord.headSize
        while at < used {
            let h = (r + at).load(as: SpanRecord.EntryHeader.self)
            switch SpanRecord.Tag(rawValue: h.tag) {
            case .attribute, .nested:
                if h.dead == 0 {
                    c.attributes += 1
                    if UInt32(h.type) == N3OBS_VALUE_STRING_ARRAY.rawValue {
                        c.stringItems += Int(SpanRecord.entry(r + at, n3o_attribute_entry.self).pointee.count)
                    }
                }
            case .event: c.events += 1
            case .link: c.links += 1
            default: break
            }
            at += Int(h.size)
        }
    }

    /// A batch of these records, or nil if memory ran out.
    static func build(_ records: [UnsafeMutableRawPointer]) -> UnsafeMutablePointer<n3obs_span_batch>? {
        var c = Counts()
        for r in records { measure(r, into: &c) }
        func align(_ n: Int) -> Int { (n + 7) & ~7 }
        let recordsOffset = batchSize + 8
        let spansOffset = align(recordsOffset + 8 * records.count)
        let attrsOffset = align(spansOffset + MemoryLayout<n3obs_span_data>.stride * records.count)
        let eventsOffset = align(attrsOffset + MemoryLayout<n3obs_attribute>.stride * c.attributes)
        let linksOffset = align(eventsOffset + MemoryLayout<n3obs_event_data>.stride * c.events)
        let itemsOffset = align(linksOffset + MemoryLayout<n3obs_link>.stride * c.links)
        let total = itemsOffset + 8 * c.stringItems
        guard let base = calloc(1, total) else { return nil }
        (base + batchSize).storeBytes(of: UInt64(records.count), as: UInt64.self)
        let spans = (base + spansOffset).assumingMemoryBound(to: n3obs_span_data.self)
        var attrs = (base + attrsOffset).assumingMemoryBound(to: n3obs_attribute.self)
        var events = (base + eventsOffset).assumingMemoryBound(to: n3obs_event_data.self)
        var links = (base + linksOffset).assumingMemoryBound(to: n3obs_link.self)
        var items = (base + itemsOffset).assumingMemoryBound(to: UnsafePointer<CChar>?.self)
        for (i, r) in records.enumerated() {
            (base + recordsOffset + 8 * i).storeBytes(of: UInt(bitPattern: r), as: UInt.self)
            fill(spans + i, from: r, attrs: &attrs, events: &events, links: &links, items: &items)
        }
        let batch = base.assumingMemoryBound(to: n3obs_span_batch.self)
        batch.pointee = n3obs_span_batch(size: UInt32(MemoryLayout<n3obs_span_batch>.stride), reserved: 0,
                                         spans: UnsafePointer(spans), span_count: records.count)
        return batch
    }

    /// Frees a batch and the records it points into.
    public static func free(_ batch: UnsafeMutablePointer<n3obs_span_batch>?) {
        guard let batch else { return }
        let base = UnsafeMutableRawPointer(batch)
        let n = Int((base + batchSize).load(as: UInt64.self))
        // Records still of their first size go back to the pool, in one bundle (written
        // nowhere inside them); grown ones, and all when no bundle can be had, are freed.
        let bundle = n3o_record_bundle_new(n)
        for i in 0..<n {
            guard let r = UnsafeMutableRawPointer(bitPattern: (base + batchSize + 8 + 8 * i).load(as: UInt.self))
            else { continue }
            if let bundle, Int(SpanRecord.head(r).pointee.capacity) == SpanRecord.initialCapacity {
                n3o_record_bundle_add(bundle, r)
            } else {
                Glibc.free(r)
            }
        }
        n3o_record_recycle(bundle)
        Glibc.free(base)
    }

    nonisolated(unsafe) private static let empty: UnsafePointer<CChar> = UnsafePointer(strdup("")!)

    private static func fill(_ s: UnsafeMutablePointer<n3obs_span_data>, from r: UnsafeMutableRawPointer,
                             attrs: inout UnsafeMutablePointer<n3obs_attribute>,
                             events: inout UnsafeMutablePointer<n3obs_event_data>,
                             links: inout UnsafeMutablePointer<n3obs_link>,
                             items: inout UnsafeMutablePointer<UnsafePointer<CChar>?>) {
        let h = SpanRecord.head(r).pointee
        s.pointee.size = UInt32(MemoryLayout<n3obs_span_data>.stride)
        s.pointee.kind = Int32(h.kind)
        withUnsafeMutableBytes(of: &s.pointee.trace_id) { IdBytes.store(h.traceHi, $0.baseAddress!); IdBytes.store(h.traceLo, $0.baseAddress! + 8) }
        withUnsafeMutableBytes(of: &s.pointee.span_id) { IdBytes.store(h.spanId, $0.baseAddress!) }
        withUnsafeMutableBytes(of: &s.pointee.parent_span_id) { IdBytes.store(h.parentSpanId, $0.baseAddress!) }
        s.pointee.trace_flags = h.flags
        s.pointee.parent_is_remote = h.parentIsRemote
        s.pointee.status_code = Int32(h.statusCode)
        s.pointee.name = SpanRecord.text(r, h.nameOffset) ?? empty
        s.pointee.status_description = SpanRecord.text(r, h.statusOffset) ?? empty
        s.pointee.tracestate = SpanRecord.text(r, h.tracestateOffset) ?? empty
        s.pointee.start_time_unix_nano = h.startTime
        s.pointee.end_time_unix_nano = h.endTime
        s.pointee.dropped_attributes_count = h.attributesDropped
        s.pointee.dropped_events_count = h.eventsDropped
        s.pointee.dropped_links_count = h.linksDropped
        s.pointee.attributes = UnsafePointer(attrs)
        s.pointee.events = UnsafePointer(events)
        s.pointee.links = UnsafePointer(links)

        // The span's attributes are all entries tagged .attribute; nested ones follow their
        // event or link.
        var spanAttrs = 0
        var at = SpanRecord.headSize
        let used = Int(h.used)
        while at < used {
            let e = r + at
            let eh = e.load(as: SpanRecord.EntryHeader.self)
            if eh.tag == SpanRecord.Tag.attribute.rawValue && eh.dead == 0 { spanAttrs += 1 }
            at += Int(eh.size)
        }
        // Span attributes first (contiguous), then each event's and link's own.
        var spanAttr = attrs
        var nested = attrs + spanAttrs
        var eventCount = 0, linkCount = 0
        var owner: (isEvent: Bool, index: Int)? = nil
        at = SpanRecord.headSize
        while at < used {
            let e = r + at
            let eh = e.load(as: SpanRecord.EntryHeader.self)
            switch SpanRecord.Tag(rawValue: eh.tag) {
            case .attribute:
                if eh.dead == 0 { decode(e, into: spanAttr, items: &items); spanAttr += 1 }
            case .nested:
                if eh.dead == 0, let owner {
                    decode(e, into: nested, items: &items)
                    if owner.isEvent {
                        if events[owner.index].attributes == nil { events[owner.index].attributes = UnsafePointer(nested) }
                        events[owner.index].attribute_count += 1
                    } else {
                        if links[owner.index].attributes == nil { links[owner.index].attributes = UnsafePointer(nested) }
                        links[owner.index].attribute_count += 1
                    }
                    nested += 1
                }
            case .event:
                let ev = events + eventCount
                let fixed = SpanRecord.entry(e, n3o_event_entry.self)
                ev.pointee.name = UnsafePointer((e + MemoryLayout<n3o_event_entry>.size).assumingMemoryBound(to: CChar.self))
                ev.pointee.time_unix_nano = fixed.pointee.time
                ev.pointee.dropped_attributes_count = fixed.pointee.attributesDropped
                owner = (true, eventCount)
                eventCount += 1
            case .link:
                let l = links + linkCount
                let fixed = SpanRecord.entry(e, n3o_link_entry.self).pointee
                withUnsafeMutableBytes(of: &l.pointee.trace_id) {
                    IdBytes.store(fixed.traceHi, $0.baseAddress!)
                    IdBytes.store(fixed.traceLo, $0.baseAddress! + 8)
                }
                withUnsafeMutableBytes(of: &l.pointee.span_id) { IdBytes.store(fixed.spanId, $0.baseAddress!) }
                l.pointee.trace_flags = UInt8(truncatingIfNeeded: fixed.flags)
                l.pointee.tracestate = UnsafePointer((e + MemoryLayout<n3o_link_entry>.size).assumingMemoryBound(to: CChar.self))
                l.pointee.dropped_attributes_count = fixed.attributesDropped
                owner = (false, linkCount)
                linkCount += 1
            default:
                owner = nil
            }
            at += Int(eh.size)
        }
        s.pointee.attribute_count = spanAttrs
        s.pointee.event_count = eventCount
        s.pointee.link_count = linkCount
        attrs = nested
        events += eventCount
        links += linkCount
    }

    private static func decode(_ e: UnsafeMutableRawPointer, into a: UnsafeMutablePointer<n3obs_attribute>,
                               items: inout UnsafeMutablePointer<UnsafePointer<CChar>?>) {
        let fixed = SpanRecord.entry(e, n3o_attribute_entry.self).pointee
        let eh = fixed.header
        let count = Int(fixed.count)
        let scalar = fixed.scalar
        let payload = e + Int(n3o_attribute_payload_at(fixed.keyLength))
        a.pointee.key = n3o_attribute_key(e)
        var v = n3obs_value()
        v.type = Int32(eh.type)
        switch UInt32(eh.type) {
        case N3OBS_VALUE_STRING.rawValue: v.string_value = UnsafePointer(payload.assumingMemoryBound(to: CChar.self))
        case N3OBS_VALUE_INT64.rawValue: v.int_value = Int64(bitPattern: scalar)
        case N3OBS_VALUE_DOUBLE.rawValue: v.double_value = Double(bitPattern: scalar)
        case N3OBS_VALUE_BOOL.rawValue: v.bool_value = scalar != 0 ? 1 : 0
        case N3OBS_VALUE_STRING_ARRAY.rawValue:
            var q = payload
            for i in 0..<count {
                let n = Int(q.loadUnaligned(as: UInt32.self))
                items[i] = UnsafePointer((q + 4).assumingMemoryBound(to: CChar.self))
                q += 4 + n + 1
            }
            v.array = UnsafeRawPointer(items)
            v.array_count = count
            items += count
        default:
            v.array = UnsafeRawPointer(payload)
            v.array_count = count
        }
        a.pointee.value = v
    }
}

extension Tracer {
    /// Takes up to `max` ended spans (0: all queued) as a batch the caller frees with
    /// `SpanBatchBuilder.free`.
    /// - Throws: `.noMemory` (the spans taken are lost and counted as dropped).
    public func drain(max: Int) throws(N3ObsError) -> UnsafeMutablePointer<n3obs_span_batch> {
        try drainLock.withLock { () throws(N3ObsError) in
            var records: [UnsafeMutableRawPointer] = []
            let limit = max == 0 ? Int.max : max
            var bytes = 0
            while records.count < limit, let r = queue.pop() {
                records.append(r)
                bytes += Int(SpanRecord.head(r).pointee.capacity)
            }
            queue.released(spans: records.count, bytes: bytes)
            guard let batch = SpanBatchBuilder.build(records) else {
                for r in records { free(r) }
                queue.countDropped(records.count)
                throw N3ObsError(.noMemory, "no memory for a batch of \(records.count) spans")
            }
            return batch
        }
    }
}

extension Tracer {
    /// In a forked child: the parent exports what it had queued; the child starts empty.
    func discardQueuedAfterFork() {
        drainLock.withLock { queue.resetAfterFork() }
    }
}
