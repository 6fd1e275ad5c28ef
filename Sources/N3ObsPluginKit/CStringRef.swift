import Glibc

/// A borrowed C string from a snapshot: read in place, never copied unless asked.
///
/// The host promises NUL-terminated UTF-8, but a plugin must not crash on odd data, so a
/// NULL pointer reads as "" (``isNull`` tells the two apart) and ``string`` repairs
/// invalid UTF-8 with U+FFFD.
public struct CStringRef {
    public let pointer: UnsafePointer<CChar>?

    @inlinable public init(_ pointer: UnsafePointer<CChar>?) { self.pointer = pointer }

    public var isNull: Bool { pointer == nil }

    /// The bytes without the NUL; empty for NULL.
    public var utf8: UnsafeBufferPointer<UInt8> {
        guard let p = pointer else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeRawPointer(p).withMemoryRebound(to: UInt8.self, capacity: 1) {
            UnsafeBufferPointer(start: $0, count: strlen(p))
        }
    }

    public var isEmpty: Bool { pointer == nil || pointer!.pointee == 0 }

    /// A Swift copy; "" for NULL.
    public var string: String {
        guard let p = pointer else { return "" }
        return String(cString: p)
    }
}

/// A C array of string pointers (`const char *const *`), such as a series' label values.
public struct CStringArray: RandomAccessCollection {
    public let base: UnsafePointer<UnsafePointer<CChar>?>?
    public let count: Int

    public init(_ base: UnsafePointer<UnsafePointer<CChar>?>?, count: Int) {
        self.base = base
        self.count = base == nil ? 0 : Swift.max(0, count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(i: Int) -> CStringRef { CStringRef(base![i]) }
}
