/// Trace and span ids as lowercase hex, as W3C traceparent and OTLP/JSON write them.
public enum HexID {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
    }

    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool { bytes.allSatisfy { $0 == 0 } }

    /// A 16-byte trace id tuple as 32 hex digits.
    public static func string(traceID id: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                                           UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) -> String {
        CTuple.withBytes(id) { string($0) }
    }

    /// An 8-byte span id tuple as 16 hex digits.
    public static func string(spanID id: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) -> String {
        CTuple.withBytes(id) { string($0) }
    }
}
