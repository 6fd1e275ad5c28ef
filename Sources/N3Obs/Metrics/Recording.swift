import CN3ObsShims

/// Recording into cells, for Swift callers and the by-label C paths. The caller has checked
/// the cell's type. Each is one atomic operation (or a short compare-and-swap loop for
/// floating-point sums) with no lock or allocation; the checked C fast paths live in
/// n3o_shims.h (`n3o_record_*`).
public enum Recording {
    /// Adds to a counter; `value` passes `n3o_counter_accepts`.
    @inlinable @inline(__always)
    public static func counterAdd(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        n3o_counter_add(cell.assumingMemoryBound(to: n3o_counter_cell.self), value)
        if flags(cell) & N3O_CELL_OVERFLOW != 0 { n3o_count_overflow(cell) }
    }

    @inlinable @inline(__always)
    public static func gaugeSet(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        n3o_store_f64(&cell.assumingMemoryBound(to: n3o_gauge_cell.self).pointee.bits, value)
        if flags(cell) & N3O_CELL_OVERFLOW != 0 { n3o_count_overflow(cell) }
    }

    /// `delta` is finite.
    @inlinable @inline(__always)
    public static func gaugeAdd(_ cell: UnsafeMutableRawPointer, _ delta: Double) {
        n3o_add_f64(&cell.assumingMemoryBound(to: n3o_gauge_cell.self).pointee.bits, delta)
        if flags(cell) & N3O_CELL_OVERFLOW != 0 { n3o_count_overflow(cell) }
    }

    /// `value` is not NaN.
    @inlinable @inline(__always)
    public static func histogramObserve(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        n3o_histogram_record(cell.assumingMemoryBound(to: n3o_histogram_cell.self), value)
    }

    /// `value` is finite. Not inlined into callers: the sketch dominates its cost.
    public static func summaryObserve(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        let s = cell.assumingMemoryBound(to: n3o_summary_cell.self)
        n3o_add_u64(&s.pointee.count, 1)
        n3o_add_f64(&s.pointee.sum_bits, value)
        if let sketch = s.pointee.sketch {
            Unmanaged<WindowedQuantileSketch>.fromOpaque(sketch)._withUnsafeGuaranteedRef {
                $0.observe(value, now: n3o_monotonic_coarse_ns())
            }
        }
        if flags(cell) & N3O_CELL_OVERFLOW != 0 { n3o_count_overflow(cell) }
    }

    /// The tag a handle claims, read before trusting it.
    @inlinable @inline(__always)
    public static func tag(_ cell: UnsafeMutableRawPointer) -> UInt32 {
        n3o_load_tag(cell)
    }

    @inlinable @inline(__always)
    static func flags(_ cell: UnsafeMutableRawPointer) -> UInt32 {
        cell.assumingMemoryBound(to: n3o_cell_header.self).pointee.flags
    }
}

/// Counts a record that landed in an overflow series (called from the C fast paths too).
@_cdecl("n3o_count_overflow")
func countOverflow(_ cell: UnsafeMutableRawPointer?) {
    guard let cell else { return }
    let family = SeriesRecord.of(cell: cell).pointee.owner.takeUnretainedValue()
    guard let counter = family.overflowCounter else { return }
    n3o_counter_add_whole(counter, 1)
}
