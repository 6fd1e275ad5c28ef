import CN3Obs
import Testing
@testable import N3Obs

/// The core owns OpenTelemetry's exception rules: a Swift program gets them without the C layer.
@Suite struct ExceptionEventTests {
    @Test func anExceptionIsAnEventWithTheConventionalAttributesAndNoStatus() throws {
        let tracer = try Tracer()
        let span = try "op".withCString { p in try tracer.start(name: UnsafeRawBufferPointer(start: p, count: 2)) }
        try tracer.recordException(span, type: "ValueError", message: nil, stacktrace: "at main")
        #expect(throws: N3ObsError.self) { try tracer.recordException(span, type: nil, message: nil, stacktrace: "x") }
        try tracer.end(span)
        let batch = try tracer.drain(max: 0)
        defer { SpanBatchBuilder.free(batch) }
        let s = batch.pointee.spans[0]
        #expect(s.status_code == 0) // unset: recording an exception is not a failure status
        #expect(s.event_count == 1)
        let e = s.events[0]
        #expect(String(cString: e.name) == "exception")
        let attributes = (0..<Int(e.attribute_count)).map { i in
            (String(cString: e.attributes[i].key), String(cString: e.attributes[i].value.string_value))
        }
        #expect(attributes.map(\.0) == ["exception.type", "exception.stacktrace"])
        #expect(attributes.map(\.1) == ["ValueError", "at main"])
    }
}
