/// Writes one JSON value into a byte buffer, commas placed for the caller.
///
///     var w = JSONWriter()
///     w.beginObject()
///     w.key("name"); w.string("GET /users")
///     w.key("value"); w.number(.nan)        // "NaN" by default; see NonFinite
///     w.endObject()
///     w.bytes   // {"name":"GET /users","value":"NaN"}
public struct JSONWriter {
    /// What to write for NaN and the infinities, which JSON numbers cannot hold.
    public enum NonFinite: Sendable {
        /// null
        case null
        /// The strings "NaN", "+Inf", "-Inf" (Prometheus' and OTLP/JSON's spelling).
        case strings
    }

    public var bytes: [UInt8]
    public var nonFinite: NonFinite
    private var first = true
    private var afterKey = false

    public init(nonFinite: NonFinite = .strings, reserving capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.nonFinite = nonFinite
    }

    /// Starts the next value afresh (after the caller took ``bytes`` or wrote a newline).
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        first = true
        afterKey = false
    }

    private mutating func separate() {
        if afterKey { afterKey = false; return }
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); first = true }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); first = false; afterKey = false }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); first = true }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); first = false; afterKey = false }

    public mutating func key(_ k: String) {
        separate()
        bytes.appendQuoted(k)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func key(_ k: CStringRef) {
        separate()
        bytes.appendQuoted(k)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ s: String) { separate(); bytes.appendQuoted(s) }
    public mutating func string(_ s: CStringRef) { separate(); bytes.appendQuoted(s) }
    /// A C string, or null when the pointer is NULL.
    public mutating func stringOrNull(_ s: CStringRef) { if s.isNull { null() } else { string(s) } }
    public mutating func bool(_ b: Bool) { separate(); bytes.append(b ? "true" : "false") }
    public mutating func null() { separate(); bytes.append("null") }
    public mutating func int(_ v: Int64) { separate(); bytes.append(int: v) }
    public mutating func uint(_ v: UInt64) { separate(); bytes.append(uint: v) }

    public mutating func number(_ v: Double) {
        separate()
        if v.isFinite { bytes.append(double: v); return }
        switch nonFinite {
        case .null: bytes.append("null")
        case .strings: bytes.append(double: v, nan: "\"NaN\"", posInf: "\"+Inf\"", negInf: "\"-Inf\"")
        }
    }

    /// Text already known to be one JSON value (e.g. a hex id written by the caller).
    public mutating func raw(_ json: [UInt8]) { separate(); bytes.append(contentsOf: json) }

    /// A JSONValue as read by ``JSONReader`` (round-trips configuration).
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case let .bool(b): bool(b)
        case let .number(d): number(d)
        case let .string(s): string(s)
        case let .array(items):
            beginArray(); for item in items { value(item) }; endArray()
        case let .object(members):
            beginObject(); for m in members { key(m.key); value(m.value) }; endObject()
        }
    }
}
