import N3ObsPluginKit
import N3ObsSupport

/// The pieces of OTLP/JSON written straight into a byte buffer: no String is built on the
/// encoding path except for the rare double that is not a whole number.
extension Array where Element == UInt8 {
    /// A literal fragment such as `,"spanId":"`.
    @inline(__always)
    mutating func lit(_ s: StaticString) {
        s.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// A dropped-count member such as `,"droppedLinksCount":3`, left out when zero (proto3
    /// JSON omits default values).
    @inline(__always)
    mutating func countMember(_ key: StaticString, _ n: UInt32) {
        guard n > 0 else { return }
        lit(key)
        append(uint: UInt64(n))
    }

    /// A 64-bit integer as OTLP/JSON writes it: a decimal string.
    @inline(__always)
    mutating func quoted(uint v: UInt64) {
        append(0x22); append(uint: v); append(0x22)
    }

    @inline(__always)
    mutating func quoted(int v: Int64) {
        append(0x22); append(int: v); append(0x22)
    }

    /// A proto3 JSON double: a number, or "NaN", "Infinity", "-Infinity".
    mutating func otlpDouble(_ v: Double) {
        if v.isFinite {
            append(double: v)
        } else if v.isNaN {
            lit("\"NaN\"")
        } else {
            v > 0 ? lit("\"Infinity\"") : lit("\"-Infinity\"")
        }
    }

    /// A quoted lowercase hex id (16 or 8 bytes), built on the stack and appended at once.
    @inline(__always)
    mutating func hexID(_ bytes: UnsafeRawBufferPointer) {
        var buf: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)   // 40 bytes
        let n = Swift.min(bytes.count, 16)
        Swift.withUnsafeMutableBytes(of: &buf) { out in
            out[0] = 0x22
            for i in 0..<n {
                let b = bytes[i]
                out[1 + 2 * i] = hexDigit(b >> 4)
                out[2 + 2 * i] = hexDigit(b & 0xf)
            }
            out[1 + 2 * n] = 0x22
            append(contentsOf: UnsafeRawBufferPointer(rebasing: out[0..<(2 + 2 * n)]))
        }
    }

    /// A C string as a JSON string (JSONEscape copies runs of plain ASCII at once).
    @inline(__always)
    mutating func quotedFast(_ s: CStringRef) {
        JSONEscape.appendQuoted(s.utf8, to: &self)
    }

    /// An AnyValue; false (and nothing written) for a type this plugin does not know.
    @discardableResult
    mutating func anyValue(_ v: AttributeValue) -> Bool {
        switch v {
        case let .string(s): lit("{\"stringValue\":"); quotedFast(s); append(0x7d)
        case let .int(i): lit("{\"intValue\":"); quoted(int: i); append(0x7d)
        case let .double(d): lit("{\"doubleValue\":"); otlpDouble(d); append(0x7d)
        case let .bool(b): b ? lit("{\"boolValue\":true}") : lit("{\"boolValue\":false}")
        case let .stringArray(a):
            lit("{\"arrayValue\":{\"values\":[")
            for (i, s) in a.enumerated() {
                if i > 0 { append(0x2c) }
                lit("{\"stringValue\":"); quotedFast(s); append(0x7d)
            }
            lit("]}}")
        case let .intArray(a):
            lit("{\"arrayValue\":{\"values\":[")
            for (i, x) in a.enumerated() {
                if i > 0 { append(0x2c) }
                lit("{\"intValue\":"); quoted(int: x); append(0x7d)
            }
            lit("]}}")
        case let .doubleArray(a):
            lit("{\"arrayValue\":{\"values\":[")
            for (i, x) in a.enumerated() {
                if i > 0 { append(0x2c) }
                lit("{\"doubleValue\":"); otlpDouble(x); append(0x7d)
            }
            lit("]}}")
        case let .boolArray(a):
            lit("{\"arrayValue\":{\"values\":[")
            for (i, x) in a.enumerated() {
                if i > 0 { append(0x2c) }
                x != 0 ? lit("{\"boolValue\":true}") : lit("{\"boolValue\":false}")
            }
            lit("]}}")
        case .unknown:
            return false
        }
        return true
    }

    /// `,"attributes":[...]` (with the leading comma), or nothing when there are none.
    mutating func attributesMember(_ attrs: Attributes) {
        guard !attrs.isEmpty else { return }
        lit(",\"attributes\":[")
        keyValues(attrs)
        append(0x5d)
    }

    /// The KeyValue items of a list, comma-separated; unknown value types are left out.
    mutating func keyValues(_ attrs: Attributes) {
        var first = true
        for a in attrs {
            let mark = count
            if !first { append(0x2c) }
            lit("{\"key\":")
            quotedFast(a.key)
            lit(",\"value\":")
            if anyValue(a.value) {
                append(0x7d)
                first = false
            } else {
                removeSubrange(mark...)
            }
        }
    }

    /// A KeyValue with a string value.
    mutating func stringKeyValue(_ key: CStringRef, _ value: CStringRef) {
        lit("{\"key\":"); quotedFast(key); lit(",\"value\":{\"stringValue\":"); quotedFast(value); lit("}}")
    }
}

@inline(__always)
private func hexDigit(_ d: UInt8) -> UInt8 { d < 10 ? 0x30 &+ d : 0x57 &+ d }

/// The parts every request shares: the resource (service.name, OTEL_RESOURCE_ATTRIBUTES,
/// telemetry.sdk.*, as the host gives them) and the instrumentation scope, encoded once.
struct ResourceScope {
    let resource: [UInt8]
    let scope: [UInt8]

    init(host: PluginHost) {
        var r: [UInt8] = []
        r.lit("{\"attributes\":[")
        r.keyValues(host.resourceAttributes)
        r.lit("]}")
        resource = r
        var s: [UInt8] = []
        s.lit("{\"name\":\"n3obs\"")
        if let v = host.sdkVersion {
            s.lit(",\"version\":")
            s.appendQuoted(v)
        }
        s.append(0x7d)
        scope = s
    }
}
