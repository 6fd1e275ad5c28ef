import CN3Obs
import CN3ObsShims
import Glibc
import N3ObsSupport

/// Tracing's input limits (the N3OBS_MAX_* macros of the Tracing section of n3obs.h).
public enum TracingLimits {
    public static let maxSpanNameLength = 1024
    public static let maxKeyLength = 1024
    public static let maxValueLength = 65536
    public static let maxArrayLength = 4096
    public static let maxItemsPerCall = 1024
    public static let maxTracestateLength = 512
}

/// A caller's C string checked for length and UTF-8, without making a Swift string: the
/// bytes are copied into the span's record later, under its lock.
public enum CBytes {
    @inline(__always)
    public static func read(_ pointer: UnsafePointer<CChar>?, _ what: @autoclosure () -> String,
                     limit: Int, allowEmpty: Bool = true) throws(N3ObsError) -> UnsafeRawBufferPointer {
        guard let pointer else { throw N3ObsError(.invalidArgument, "\(what()) is NULL") }
        let n = strnlen(pointer, limit + 1)   // vectorized, unlike a byte loop
        guard n <= limit else {
            throw N3ObsError(.tooLong, "\(what()) is longer than \(limit) bytes")
        }
        if n == 0 && !allowEmpty { throw N3ObsError(.invalidArgument, "\(what()) is empty") }
        let raw = UnsafeRawPointer(pointer)
        let bytes = UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: n)
        if !isASCII(bytes) && !UTF8Validation.isValid(bytes) {
            throw N3ObsError(.invalidUTF8, "\(what()) is not valid UTF-8")
        }
        return UnsafeRawBufferPointer(start: raw, count: n)
    }

    /// Eight bytes at a time (unaligned loads inside the buffer), then the tail.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var acc: UInt64 = 0
        var i = 0
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        if i < n {
            if n >= 8 {
                acc |= raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)   // overlaps, in bounds
            } else {
                while i < n { acc |= UInt64(base[i]); i += 1 }
            }
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }
}

/// An attribute checked and measured, ready to be copied into a record. Its pointers are
/// the caller's and valid only during the call; sizes are fixed here, and the copy never
/// writes more than measured, so a caller that changes its strings meanwhile cannot make
/// it overrun. It holds no references, so copying it costs no reference counting.
public struct PreparedAttribute {
    var key: UnsafeRawBufferPointer
    var type: Int32
    var scalar: UInt64 = 0
    /// String bytes, or array items.
    var payload: UnsafeRawPointer? = nil
    /// String length, or number of array items.
    var count: Int = 0
    /// Bytes of a string array's items, NULs included (0 otherwise).
    var itemBytes: Int = 0
    /// Bytes of the encoded entry.
    var entrySize: Int = 0


    init(key: UnsafeRawBufferPointer, type: Int32) {
        self.key = key
        self.type = type
    }

    public static func key(_ p: UnsafePointer<CChar>?) throws(N3ObsError) -> UnsafeRawBufferPointer {
        try CBytes.read(p, "attribute key", limit: TracingLimits.maxKeyLength, allowEmpty: false)
    }

    public static func string(key: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) throws(N3ObsError) -> PreparedAttribute {
        let k = try Self.key(key)
        let v = try CBytes.read(value, "value of attribute '\(String(decoding: k, as: UTF8.self))'",
                                limit: TracingLimits.maxValueLength)
        var a = PreparedAttribute(key: k, type: Int32(N3OBS_VALUE_STRING.rawValue))
        a.payload = v.baseAddress
        a.count = v.count
        a.measure()
        return a
    }

    public static func scalar(key: UnsafePointer<CChar>?, type: n3obs_value_type, bits: UInt64) throws(N3ObsError) -> PreparedAttribute {
        var a = PreparedAttribute(key: try Self.key(key), type: Int32(type.rawValue))
        a.scalar = bits
        a.measure()
        return a
    }

    /// Any typed value from the C API.
    public static func from(_ attribute: n3obs_attribute) throws(N3ObsError) -> PreparedAttribute {
        let v = attribute.value
        guard (1...8).contains(v.type) else {
            throw N3ObsError(.invalidArgument, "attribute value type \(v.type) is not an N3OBS_VALUE_* type")
        }
        let type = n3obs_value_type(rawValue: UInt32(v.type))
        switch type {
        case N3OBS_VALUE_STRING: return try string(key: attribute.key, v.string_value)
        case N3OBS_VALUE_INT64: return try scalar(key: attribute.key, type: type, bits: UInt64(bitPattern: v.int_value))
        case N3OBS_VALUE_DOUBLE: return try scalar(key: attribute.key, type: type, bits: v.double_value.bitPattern)
        case N3OBS_VALUE_BOOL: return try scalar(key: attribute.key, type: type, bits: v.bool_value != 0 ? 1 : 0)
        default: break
        }
        let k = try Self.key(attribute.key)
        var a = PreparedAttribute(key: k, type: v.type)
        let n = try CCount.checked(v.array_count, max: TracingLimits.maxArrayLength,
                                   "array_count of attribute '\(String(decoding: k, as: UTF8.self))'")
        guard n == 0 || v.array != nil else {
            throw N3ObsError(.invalidArgument, "attribute '\(String(decoding: k, as: UTF8.self))' has \(n) items at NULL")
        }
        a.payload = v.array
        a.count = n
        if type == N3OBS_VALUE_STRING_ARRAY, let items = v.array {
            let strings = items.assumingMemoryBound(to: UnsafePointer<CChar>?.self)
            for i in 0..<n {
                let s = try CBytes.read(strings[i], "item \(i) of attribute '\(String(decoding: k, as: UTF8.self))'",
                                        limit: TracingLimits.maxValueLength)
                a.itemBytes += 4 + s.count + 1
            }
        }
        a.measure()
        return a
    }

    private mutating func measure() {
        var size = Int(n3o_attribute_payload_at(UInt32(key.count)))
        switch UInt32(bitPattern: type) {
        case N3OBS_VALUE_STRING.rawValue: size += count + 1
        case N3OBS_VALUE_INT64_ARRAY.rawValue, N3OBS_VALUE_DOUBLE_ARRAY.rawValue: size += 8 * count
        case N3OBS_VALUE_BOOL_ARRAY.rawValue: size += 4 * count
        case N3OBS_VALUE_STRING_ARRAY.rawValue: size += itemBytes
        default: break
        }
        entrySize = SpanRecord.align(size)
    }

    /// Writes the entry at `at` (entrySize bytes were reserved there).
    func write(at e: UnsafeMutableRawPointer, tag: SpanRecord.Tag) {
        n3o_attribute_entry_write(e, tag.rawValue, UInt8(truncatingIfNeeded: type), UInt32(entrySize), key.baseAddress,
                                  UInt32(key.count), UInt32(count), scalar)
        let p = e + Int(n3o_attribute_payload_at(UInt32(key.count)))
        switch UInt32(bitPattern: type) {
        case N3OBS_VALUE_STRING.rawValue:
            SpanRecord.copyString(UnsafeRawBufferPointer(start: payload, count: count), to: p)
        case N3OBS_VALUE_INT64_ARRAY.rawValue, N3OBS_VALUE_DOUBLE_ARRAY.rawValue:
            if let payload, count > 0 { memcpy(p, payload, 8 * count) }
        case N3OBS_VALUE_BOOL_ARRAY.rawValue:
            if let payload {
                let items = payload.assumingMemoryBound(to: Int32.self)
                for i in 0..<count { (p + 4 * i).storeBytes(of: items[i] != 0 ? 1 : 0, as: Int32.self) }
            }
        case N3OBS_VALUE_STRING_ARRAY.rawValue:
            guard let payload else { return }
            let strings = payload.assumingMemoryBound(to: UnsafePointer<CChar>?.self)
            var q = p
            var room = itemBytes
            for i in 0..<count {
                // Measured again, never past the room measured before (keeping 5 bytes
                // for each item still to come), so every item is written.
                let n = strings[i].map { strnlen($0, Swift.max(0, room - 5 * (count - i))) } ?? 0
                q.storeBytes(of: UInt32(n), toByteOffset: 0, as: UInt32.self)
                SpanRecord.copyString(UnsafeRawBufferPointer(start: strings[i].map(UnsafeRawPointer.init), count: n), to: q + 4)
                q += 4 + n + 1
                room -= 4 + n + 1
            }
        default: break
        }
    }

    /// Prepares a C list of attributes (all or nothing).
    public static func list(_ attributes: UnsafePointer<n3obs_attribute>?, _ rawCount: Int) throws(N3ObsError) -> [PreparedAttribute] {
        let count = try CCount.checked(rawCount, max: TracingLimits.maxItemsPerCall, "the attribute count")
        guard count > 0 else { return [] }
        guard let attributes else { throw N3ObsError(.invalidArgument, "attributes is NULL but count is \(count)") }
        var out: [PreparedAttribute] = []
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try from(attributes[i])) }
        return out
    }
}
