import CN3Obs
import Glibc
import Testing
@testable import N3Obs

@Suite struct SamplerTests {
    @Test func namesAndDefaults() throws {
        #expect(try Sampler.named("always_off", argument: nil) == .alwaysOff)
        #expect(try Sampler.named("traceidratio", argument: nil) == .traceIdRatio(1))
        #expect(try Sampler.named("parentbased_traceidratio", argument: "0.5") == .parentBased(root: .traceIdRatio(0.5)))
        #expect(throws: N3ObsError.self) { try Sampler.named("traceidratio", argument: "-0.1") }
        #expect(throws: N3ObsError.self) { try Sampler.named("jaeger_remote", argument: nil) }
        #expect(Sampler.default == .parentBased(root: .alwaysOn))
    }

    @Test func parentBasedFollowsTheParent() {
        let s = Sampler.parentBased(root: .alwaysOff)
        #expect(!s.shouldSample(parent: .none, traceIdLow: 0))
        #expect(s.shouldSample(parent: .remote(sampled: true), traceIdLow: .max))
        #expect(!s.shouldSample(parent: .local(sampled: false), traceIdLow: 0))
        #expect(!Sampler.alwaysOff.shouldSample(parent: .local(sampled: true), traceIdLow: 0))
    }

    @Test func ratioUsesTheLowerEightBytes() {
        let s = Sampler.traceIdRatio(0.5)
        #expect(s.shouldSample(parent: .none, traceIdLow: (1 << 63) - 1))
        #expect(!s.shouldSample(parent: .none, traceIdLow: 1 << 63))
        #expect(!Sampler.traceIdRatio(0).shouldSample(parent: .none, traceIdLow: 0))
        #expect(Sampler.traceIdRatio(1).shouldSample(parent: .none, traceIdLow: .max))
        // A ratio past 1 or NaN: all or nothing; a parent does not matter without ParentBased.
        #expect(Sampler.traceIdRatio(2).shouldSample(parent: .none, traceIdLow: .max))
        #expect(!Sampler.traceIdRatio(.nan).shouldSample(parent: .none, traceIdLow: 0))
        #expect(!Sampler.traceIdRatio(0.25).shouldSample(parent: .local(sampled: true), traceIdLow: 1 << 62))
        #expect(Sampler.traceIdRatio(0.25).shouldSample(parent: .local(sampled: false), traceIdLow: (1 << 62) - 1))
    }

    /// Every sampler is one C decision (n3o_sample); nesting ParentBased changes nothing.
    @Test func nestedParentBasedDecidesAsOne() {
        let nested = Sampler.parentBased(root: .parentBased(root: .traceIdRatio(0.5)))
        let flat = Sampler.parentBased(root: .traceIdRatio(0.5))
        for parent: Sampler.Parent in [.none, .local(sampled: true), .local(sampled: false), .remote(sampled: true)] {
            for low: UInt64 in [0, (1 << 63) - 1, 1 << 63, .max] {
                #expect(nested.shouldSample(parent: parent, traceIdLow: low) == flat.shouldSample(parent: parent, traceIdLow: low))
            }
        }
        #expect(nested.decision.parent_based == 1 && nested.decision.ratio_bound == 1 << 63)
    }
}

@Suite struct TraceContextTests {
    private func parse(_ s: String) -> TraceContext.Parent? {
        var s = s
        return s.withUTF8 { b in
            if case .success(let p) = TraceContext.parseTraceparent(UnsafeRawBufferPointer(b)) { return p }
            return nil
        }
    }

    private func tracestate(_ s: String) -> String? {
        var s = s
        return s.withUTF8 { b in
            TraceContext.normalizeTracestate(UnsafeRawBufferPointer(b)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    @Test func traceparentRoundTrip() throws {
        let p = try #require(parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(p.traceHi == 0x4bf9_2f35_77b3_4da6 && p.traceLo == 0xa3ce_929d_0e0e_4736)
        var out = [UInt8](repeating: 0, count: 55)
        out.withUnsafeMutableBytes {
            TraceContext.formatTraceparent(traceHi: p.traceHi, traceLo: p.traceLo, spanId: p.spanId, flags: p.flags,
                                           into: $0.baseAddress!)
        }
        #expect(String(decoding: out, as: UTF8.self) == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    }

    @Test(arguments: [
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
    ])
    func invalidTraceparents(_ value: String) {
        #expect(parse(value) == nil)
    }

    @Test func tracestateRules() {
        #expect(tracestate("a=1, b=2") == "a=1,b=2")
        #expect(tracestate("a=1,a=2") == "a=1")   // level 2: the duplicate goes, not the list
        #expect(tracestate("a@=1,b@c@d=2") == "a@=1,b@c@d=2")
        #expect(tracestate("@a=1") == nil)
        #expect(tracestate("A=1") == nil)
        #expect(tracestate((0..<33).map { "k\($0)=v" }.joined(separator: ",")) == nil)
    }
}

@Suite struct SpanQueueTests {
    @Test func boundedAndCountsDrops() throws {
        let q = try #require(SpanQueue(capacity: 1))
        let a = malloc(8)!, b = malloc(8)!
        #expect(q.push(a, bytes: 0))
        #expect(!q.push(b, bytes: 0))
        #expect(q.dropped == 1)
        #expect(q.pop() == a)
        #expect(q.pop() == nil)
        #expect(q.push(b, bytes: 0))
        #expect(q.pop() == b)
        free(a); free(b)
    }

    /// The byte bound counts each record's size (at least a first block of 512 bytes), and
    /// a drain gives the bytes back.
    @Test func boundedInBytes() throws {
        let q = try #require(SpanQueue(capacity: 16, maxBytes: 2048))
        let r = malloc(8)!
        #expect(q.push(r, bytes: 512) && q.push(r, bytes: 1024))
        #expect(q.queuedBytes == 1536)
        #expect(!q.push(r, bytes: 1024))     // 2560 > 2048
        #expect(q.push(r, bytes: 512))       // exactly 2048
        #expect(!q.push(r, bytes: 512) && q.dropped == 2)
        #expect(q.pop() != nil && q.pop() != nil)
        q.released(spans: 2, bytes: 1536)
        #expect(q.queuedBytes == 512)
        #expect(q.push(r, bytes: 1536))
        #expect(q.count == 2)
        free(r)
    }
}

@Suite struct TracerTests {
    private func name(_ s: StaticString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
    }

    @Test func spansAttributesLimitsAndDrain() throws {
        let tracer = try Tracer(limits: SpanLimits(attributeCount: 1, eventCount: 1, linkCount: 1))
        let parent = try tracer.start(name: name("parent"))
        let child = try tracer.start(name: name("child"), parent: .span(parent))
        try "k".withCString { k in
            try tracer.setAttribute(child, try PreparedAttribute.scalar(key: k, type: N3OBS_VALUE_INT64, bits: 7))
        }
        try "k2".withCString { k in
            try tracer.setAttribute(child, try PreparedAttribute.scalar(key: k, type: N3OBS_VALUE_BOOL, bits: 1))
        }
        try tracer.addEvent(child, name: name("e1"), time: 0, .init(start: nil, count: 0))
        try tracer.addEvent(child, name: name("e2"), time: 0, .init(start: nil, count: 0))
        try tracer.end(child)
        #expect(throws: N3ObsError.self) { try tracer.end(child) }
        try tracer.end(parent)
        let batch = try tracer.drain(max: 0)
        defer { SpanBatchBuilder.free(batch) }
        #expect(batch.pointee.span_count == 2)
        let c = batch.pointee.spans[0]
        #expect(String(cString: c.name) == "child")
        #expect(c.attribute_count == 1 && c.dropped_attributes_count == 1)
        #expect(c.attributes[0].value.int_value == 7)
        #expect(c.event_count == 1 && c.dropped_events_count == 1)
        let p = batch.pointee.spans[1]
        #expect(withUnsafeBytes(of: c.parent_span_id) { Array($0) } == withUnsafeBytes(of: p.span_id) { Array($0) })
        #expect(p.end_time_unix_nano >= p.start_time_unix_nano)
    }

    @Test func unsampledSpansRecordNothingButPropagate() throws {
        let tracer = try Tracer(sampler: .alwaysOff)
        let s = try tracer.start(name: name("quiet"))
        #expect(try !tracer.isRecording(s))
        let (context, _) = try tracer.context(s)
        #expect(context.isValid && !context.sampled)
        try tracer.end(s)
        let batch = try tracer.drain(max: 0)
        #expect(batch.pointee.span_count == 0)
        SpanBatchBuilder.free(batch)
    }

    @Test func scopesNestAndDetectMisuse() throws {
        let tracer = try Tracer()
        let a = try tracer.start(name: name("a"))
        let b = try tracer.start(name: name("b"))
        let ta = try tracer.makeCurrent(a)
        let tb = try tracer.makeCurrent(b)
        #expect(tracer.currentHandle() == b)
        #expect(throws: N3ObsError.self) { try tracer.closeScope(ta) }   // out of order: closes both
        #expect(tracer.currentHandle() == 0)
        #expect(throws: N3ObsError.self) { try tracer.closeScope(tb) }
        try tracer.end(b)
        try tracer.end(a)
        SpanBatchBuilder.free(try tracer.drain(max: 0))
    }
}

@Suite struct TracingConfigurationTests {
    @Test func environmentAndFallbacks() throws {
        var c = Configuration()
        var env = ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1",
                   "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "500",
                   "OTEL_ATTRIBUTE_COUNT_LIMIT": "9", "OTEL_SPAN_EVENT_COUNT_LIMIT": "3"]
        // A batch the caller chose larger than the queue is refused; the default shrinks.
        #expect(throws: N3ObsError.self) { try c.resolved { env[$0] } }
        env["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = nil
        var r = try c.resolved { env[$0] }
        #expect(r.sampler == .parentBased(root: .traceIdRatio(0.1)))
        #expect(r.batch.maxQueueSize == 100 && r.batch.maxExportBatchSize == 100)
        #expect(r.spanLimits == SpanLimits(attributeCount: 9, eventCount: 3, linkCount: 128))
        c.spanAttributeCountLimit = 4
        c.tracesSampler = "always_on"
        r = try c.resolved { env[$0] }
        #expect(r.sampler == .alwaysOn && r.spanLimits.attributeCount == 4)
        #expect(throws: N3ObsError.self) { try Configuration().resolved { $0 == "OTEL_SPAN_LINK_COUNT_LIMIT" ? "-1" : nil } }
    }
}
