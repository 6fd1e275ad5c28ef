import CN3ObsShims
import Glibc

/// The series of one family by label hash: an open-addressed table whose readers never
/// lock. Writers (who hold the family's lock) fill empty slots with a release store, and
/// grow by publishing a doubled copy. Old tables are kept, not freed, because a reader may
/// still be probing one; growth is geometric, so they cost less than the live table.
final class SeriesIndex: @unchecked Sendable {
    /// Table layout: [capacity: Int][slots: capacity record pointers or NULL].
    private let published: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private var retired: [UnsafeMutableRawPointer] = []
    private var count = 0
    /// Where label bytes start after a record (the family's cell size).
    private let cellSize: Int

    init(cellSize: Int) {
        self.cellSize = cellSize
        published = .allocate(capacity: 1)
        published.initialize(to: Self.makeTable(capacity: 8))
    }

    deinit {
        if let table = published.pointee { free(table) }
        retired.forEach { free($0) }
        published.deallocate()
    }

    /// The record with these label values, if any. Lock-free.
    @inline(__always)
    func find(_ key: LabelKey) -> UnsafeMutablePointer<SeriesRecord>? {
        guard let table = n3o_load_ptr(published) else { return nil }
        let capacity = table.load(as: Int.self)
        let slots = (table + MemoryLayout<Int>.stride).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        var i = Int(truncatingIfNeeded: key.hash) & (capacity - 1)
        while true {
            guard let raw = n3o_load_ptr(slots + i) else { return nil }
            let record = raw.assumingMemoryBound(to: SeriesRecord.self)
            if key.matches(record, cellSize: cellSize) { return record }
            i = (i + 1) & (capacity - 1)
        }
    }

    /// Adds a record. The caller holds the family's lock and has checked it is absent.
    /// Returns false if memory ran out (the index is then unchanged).
    func insert(_ record: UnsafeMutablePointer<SeriesRecord>) -> Bool {
        guard var table = published.pointee else { return false }
        var capacity = table.load(as: Int.self)
        if (count + 1) * 2 > capacity {
            guard let bigger = grow(table, capacity: capacity) else { return false }
            retired.append(table)
            n3o_store_ptr(published, bigger)
            table = bigger
            capacity *= 2
        }
        Self.place(record, in: table, capacity: capacity)
        count += 1
        return true
    }

    private func grow(_ table: UnsafeMutableRawPointer, capacity: Int) -> UnsafeMutableRawPointer? {
        guard let bigger = Self.makeTable(capacity: capacity * 2) else { return nil }
        let slots = (table + MemoryLayout<Int>.stride).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        for i in 0..<capacity {
            if let raw = slots[i] {
                Self.place(raw.assumingMemoryBound(to: SeriesRecord.self), in: bigger, capacity: capacity * 2)
            }
        }
        return bigger
    }

    private static func place(_ record: UnsafeMutablePointer<SeriesRecord>,
                              in table: UnsafeMutableRawPointer, capacity: Int) {
        let slots = (table + MemoryLayout<Int>.stride).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        var i = Int(truncatingIfNeeded: record.pointee.hash) & (capacity - 1)
        while slots[i] != nil { i = (i + 1) & (capacity - 1) }
        n3o_store_ptr(slots + i, UnsafeMutableRawPointer(record))
    }

    private static func makeTable(capacity: Int) -> UnsafeMutableRawPointer? {
        let bytes = MemoryLayout<Int>.stride + capacity * MemoryLayout<UnsafeMutableRawPointer?>.stride
        guard let table = n3o_aligned_zalloc(64, bytes) else { return nil }
        table.storeBytes(of: capacity, as: Int.self)
        return table
    }
}
