/// A Swift view of one C struct in a snapshot, made from a pointer into it.
public protocol CStructView {
    associatedtype Raw
    init(_ raw: UnsafePointer<Raw>)
}

/// A C array of structs as a collection of views, without copying.
///
/// The stride defaults to the struct's size as this plugin was compiled; arrays of structs
/// that carry their own `size` (n3obs_span_data) pass the library's size instead, so that
/// a library with a grown struct is still read correctly.
public struct CArrayView<Element: CStructView>: RandomAccessCollection {
    public let base: UnsafeRawPointer?
    public let count: Int
    public let stride: Int

    public init(_ base: UnsafePointer<Element.Raw>?, count: Int,
                stride: Int = MemoryLayout<Element.Raw>.stride) {
        self.base = base.map(UnsafeRawPointer.init)
        self.count = base == nil ? 0 : Swift.max(0, count)
        self.stride = stride
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(i: Int) -> Element {
        Element((base! + i * stride).assumingMemoryBound(to: Element.Raw.self))
    }
}

/// A C array of pointers to structs (`const T *const *`); a NULL entry is nil.
public struct CPointerArrayView<Element: CStructView>: RandomAccessCollection {
    public let base: UnsafePointer<UnsafePointer<Element.Raw>?>?
    public let count: Int

    public init(_ base: UnsafePointer<UnsafePointer<Element.Raw>?>?, count: Int) {
        self.base = base
        self.count = base == nil ? 0 : Swift.max(0, count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(i: Int) -> Element? { base![i].map(Element.init) }
}

/// Helpers for reading fixed-size C arrays, which Swift imports as tuples.
public enum CTuple {
    /// The bytes of a tuple such as `trace_id` (16 x UInt8), passed to body.
    @inlinable
    public static func withBytes<T, R>(_ tuple: T, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var copy = tuple
        return withUnsafeBytes(of: &copy) { body($0) }
    }
}
