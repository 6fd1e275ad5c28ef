import CN3Obs

/// A typed attribute value of a span, event, link or the resource.
public enum AttributeValue {
    case string(CStringRef)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case stringArray(CStringArray)
    case intArray(UnsafeBufferPointer<Int64>)
    case doubleArray(UnsafeBufferPointer<Double>)
    case boolArray(UnsafeBufferPointer<Int32>)
    /// A type this plugin does not know (from a newer library): skip it.
    case unknown(Int32)

    public init(_ v: n3obs_value) {
        let count = v.array == nil ? 0 : v.array_count
        switch v.type {
        case Int32(N3OBS_VALUE_STRING.rawValue): self = .string(CStringRef(v.string_value))
        case Int32(N3OBS_VALUE_INT64.rawValue): self = .int(v.int_value)
        case Int32(N3OBS_VALUE_DOUBLE.rawValue): self = .double(v.double_value)
        case Int32(N3OBS_VALUE_BOOL.rawValue): self = .bool(v.bool_value != 0)
        case Int32(N3OBS_VALUE_STRING_ARRAY.rawValue):
            self = .stringArray(CStringArray(v.array?.assumingMemoryBound(to: UnsafePointer<CChar>?.self), count: count))
        case Int32(N3OBS_VALUE_INT64_ARRAY.rawValue):
            self = .intArray(UnsafeBufferPointer(start: v.array?.assumingMemoryBound(to: Int64.self), count: count))
        case Int32(N3OBS_VALUE_DOUBLE_ARRAY.rawValue):
            self = .doubleArray(UnsafeBufferPointer(start: v.array?.assumingMemoryBound(to: Double.self), count: count))
        case Int32(N3OBS_VALUE_BOOL_ARRAY.rawValue):
            self = .boolArray(UnsafeBufferPointer(start: v.array?.assumingMemoryBound(to: Int32.self), count: count))
        default: self = .unknown(v.type)
        }
    }
}

public struct AttributeView: CStructView {
    public let raw: UnsafePointer<n3obs_attribute>
    public init(_ raw: UnsafePointer<n3obs_attribute>) { self.raw = raw }

    public var key: CStringRef { CStringRef(raw.pointee.key) }
    public var value: AttributeValue { AttributeValue(raw.pointee.value) }
}

public typealias Attributes = CArrayView<AttributeView>

extension JSONWriter {
    /// An attribute value as plain JSON: strings, numbers, booleans and arrays of them.
    public mutating func attributeValue(_ v: AttributeValue) {
        switch v {
        case let .string(s): string(s)
        case let .int(i): int(i)
        case let .double(d): number(d)
        case let .bool(b): bool(b)
        case let .stringArray(a): beginArray(); for s in a { string(s) }; endArray()
        case let .intArray(a): beginArray(); for i in a { int(i) }; endArray()
        case let .doubleArray(a): beginArray(); for d in a { number(d) }; endArray()
        case let .boolArray(a): beginArray(); for b in a { bool(b != 0) }; endArray()
        case .unknown: null()
        }
    }

    /// Attributes as one JSON object (a key set twice keeps its last value in readers).
    public mutating func attributes(_ attrs: Attributes) {
        beginObject()
        for a in attrs {
            key(a.key)
            attributeValue(a.value)
        }
        endObject()
    }
}
