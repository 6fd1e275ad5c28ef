import CN3ObsShims

/// Recording into cells: the operations behind the C API's record functions and the Swift
/// API. The caller has checked the cell's tag; each is one atomic operation (or a short
/// compare-and-swap loop for floating-point sums) with no lock or allocation.
public enum Recording {
    /// Adds to a counter; `value` is finite and non-negative.
    @inline(__always)
    public static func counterAdd(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        let c = cell.assumingMemoryBound(to: n3o_counter_cell.self)
        n3o_counter_add(c, value)
        if c.pointee.flags & N3O_CELL_OVERFLOW != 0 { countOverflow(cell) }
    }

    @inline(__always)
    public static func gaugeSet(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        let g = cell.assumingMemoryBound(to: n3o_gauge_cell.self)
        n3o_store_f64(&g.pointee.bits, value)
        if g.pointee.flags & N3O_CELL_OVERFLOW != 0 { countOverflow(cell) }
    }

    @inline(__always)
    public static func gaugeAdd(_ cell: UnsafeMutableRawPointer, _ delta: Double) {
        let g = cell.assumingMemoryBound(to: n3o_gauge_cell.self)
        n3o_add_f64(&g.pointee.bits, delta)
        if g.pointee.flags & N3O_CELL_OVERFLOW != 0 { countOverflow(cell) }
    }

    /// `value` is not NaN.
    @inline(__always)
    public static func histogramObserve(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        let h = cell.assumingMemoryBound(to: n3o_histogram_cell.self)
        let bucket = n3o_histogram_observe(h, value)
        // Inside a sampled span the observation becomes its bucket's exemplar; outside,
        // this is one thread-local load and a branch.
        if let span = n3o_exemplar_current() { n3o_histogram_offer_exemplar(h, bucket, value, span) }
        if cellFlags(cell) & N3O_CELL_OVERFLOW != 0 { countOverflow(cell) }
    }

    /// `value` is finite.
    @inline(__always)
    public static func summaryObserve(_ cell: UnsafeMutableRawPointer, _ value: Double) {
        let s = cell.assumingMemoryBound(to: n3o_summary_cell.self)
        n3o_add_u64(&s.pointee.count, 1)
        n3o_add_f64(&s.pointee.sum_bits, value)
        if let sketch = s.pointee.sketch {
            Unmanaged<WindowedQuantileSketch>.fromOpaque(sketch)._withUnsafeGuaranteedRef {
                $0.observe(value, now: n3o_monotonic_coarse_ns())
            }
        }
        if s.pointee.flags & N3O_CELL_OVERFLOW != 0 { countOverflow(cell) }
    }

    /// The tag a handle claims, read before trusting it.
    @inline(__always)
    public static func tag(_ cell: UnsafeMutableRawPointer) -> UInt32 {
        cell.assumingMemoryBound(to: n3o_cell_header.self).pointee.tag
    }

    @inline(__always)
    static func cellFlags(_ cell: UnsafeMutableRawPointer) -> UInt32 {
        cell.assumingMemoryBound(to: n3o_cell_header.self).pointee.flags
    }

    @inline(never)
    private static func countOverflow(_ cell: UnsafeMutableRawPointer) {
        guard let record = SeriesRecord.of(cell: cell), let counter = record.pointee.overflowCounter else { return }
        n3o_counter_add_whole(counter, 1)
    }
}
