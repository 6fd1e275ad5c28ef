import CN3ObsShims
import Glibc

/// Quantiles over a sliding time window with a guaranteed relative error: one DDSketch
/// (Masson, Rim, Lee, VLDB 2019) per age bucket, rotated the way client_golang rotates its
/// summary streams. Every count is an atomic UInt64, so observe never locks and never
/// allocates except for a page the first time a range of values is seen.
///
/// Bucket i of a store holds magnitudes in (gamma^(i-1), gamma^i] with
/// gamma = (1+a)/(1-a); its estimate 2*gamma^i/(gamma+1) is within a relative error a of
/// every value in it, so the quantile estimate is within a of the true quantile.
final class WindowedQuantileSketch: @unchecked Sendable {
    /// 128 counters (1 KiB) per page: latencies from 100 µs to 10 s touch about 6 pages.
    private static let pageShift = 7
    private static let pageSize = 1 << pageShift
    /// |v| below this counts as zero; it is also the smallest magnitude with its own bucket.
    private static let minMagnitude = 1e-9
    /// Larger magnitudes are clamped into the last bucket.
    private static let maxMagnitude = 1e18
    /// Top bit of the start word: a rotation is clearing buckets.
    private static let rotatingFlag: UInt64 = 1 << 63
    /// Times are clamped below 2^62 ns (146 years) and the bucket width below 2^61, so
    /// `start + width` never overflows, and a start word with the flag set lies beyond any
    /// clamped time: observers never try to rotate while a rotation is in progress.
    private static let maxTime: UInt64 = (1 << 62) - 1
    /// Offset in `words` of the zero counts, a cache line away from the hot start word.
    private static let zeroCounts = 8

    private let lnGamma: Double
    private let invLnGamma: Double
    /// 2/(gamma+1): turns a bucket's upper bound gamma^i into its midpoint estimate.
    private let estimateFactor: Double
    /// The log-index of the bucket holding minMagnitude; slot = index - minIndex.
    private let minIndex: Int
    private let slotCount: Int
    private let pagesPerStore: Int
    private let ageBuckets: Int
    private let bucketWidth: UInt64
    /// Page p of store s (0 positive, 1 negative) of age bucket b is
    /// pageTables[(b*2 + s)*pagesPerStore + p], nil until a value lands in it.
    private let pageTables: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// [0]: start of the current age bucket in ns (plus rotatingFlag while rotating);
    /// [1]: the current age bucket's index; [zeroCounts + b]: age bucket b's zero count.
    private let words: UnsafeMutablePointer<UInt64>

    /// nil if memory cannot be allocated. relativeError is clamped to [1e-4, 0.5] (below
    /// that the page tables grow large); ageBuckets to [1, 1024].
    init?(maxAgeNanos: UInt64, ageBuckets: Int, relativeError: Double = 0.01) {
        let a = relativeError.isNaN ? 0.01 : min(max(relativeError, 1e-4), 0.5)
        let gamma = (1 + a) / (1 - a)
        lnGamma = log(gamma)
        invLnGamma = 1 / lnGamma
        estimateFactor = 2 / (gamma + 1)
        minIndex = Int((log(Self.minMagnitude) * invLnGamma).rounded(.up))
        let maxIndex = Int((log(Self.maxMagnitude) * invLnGamma).rounded(.up))
        slotCount = maxIndex - minIndex + 1
        pagesPerStore = (slotCount + Self.pageSize - 1) >> Self.pageShift
        let n = min(max(ageBuckets, 1), 1024)
        self.ageBuckets = n
        bucketWidth = min(max(maxAgeNanos / UInt64(n), 1), 1 << 61)
        let tableCount = n * 2 * pagesPerStore
        let wordCount = Self.zeroCounts + n
        guard let t = n3o_aligned_zalloc(64, tableCount * MemoryLayout<UnsafeMutableRawPointer?>.stride)
        else { return nil }
        guard let w = n3o_aligned_zalloc(64, wordCount * MemoryLayout<UInt64>.stride) else {
            free(t)
            return nil
        }
        pageTables = t.bindMemory(to: UnsafeMutableRawPointer?.self, capacity: tableCount)
        words = w.bindMemory(to: UInt64.self, capacity: wordCount)
    }

    deinit {
        for e in 0..<(ageBuckets * 2 * pagesPerStore) { free(pageTables[e]) }
        free(pageTables)
        free(words)
    }

    /// value is finite (caller has checked). Lock-free, thread-safe, no allocation except
    /// a rare lazy page allocation (CAS-installed). `now` is a monotonic clock in ns.
    func observe(_ value: Double, now: UInt64) {
        let bucket = currentBucket(now)
        let magnitude = value.magnitude
        // Written as a guard on `>=` so that a NaN, too, lands in the zero count and never
        // reaches an Int conversion.
        guard magnitude >= Self.minMagnitude else {
            n3o_add_u64(words + Self.zeroCounts + bucket, 1)
            return
        }
        let table = pageTables + (bucket * 2 + (value < 0 ? 1 : 0)) * pagesPerStore
        let slot = slot(of: magnitude)
        let entry = table + (slot >> Self.pageShift)
        guard let page = n3o_load_ptr(entry) ?? installPage(entry) else { return }
        n3o_add_u64(page.assumingMemoryBound(to: UInt64.self) + (slot & (Self.pageSize - 1)), 1)
    }

    /// The quantile values (q in [0,1]) over observations in the window ending at `now`;
    /// NaN for each when the window is empty. Thread-safe, may run during observe calls.
    /// A q outside [0,1] is clamped; a NaN q gives NaN.
    func quantiles(_ qs: [Double], now: UInt64) -> [Double] {
        _ = currentBucket(now)  // drop expired age buckets first
        // The merged non-empty buckets in ascending value order, read once so that the
        // counts stay consistent while observers keep adding.
        var values: [Double] = []
        var cumulative: [UInt64] = []
        var total: UInt64 = 0
        func append(_ value: Double, _ count: UInt64) {
            guard count > 0 else { return }
            total &+= count
            values.append(value)
            cumulative.append(total)
        }
        var merged = [UInt64](repeating: 0, count: Self.pageSize)
        // The negative store mirrors the positive one: its largest index is the smallest value.
        for p in stride(from: pagesPerStore - 1, through: 0, by: -1) where merge(store: 1, page: p, into: &merged) {
            for i in stride(from: Self.pageSize - 1, through: 0, by: -1) {
                append(-estimate(slot: (p << Self.pageShift) + i), merged[i])
            }
        }
        var zeros: UInt64 = 0
        for b in 0..<ageBuckets { zeros &+= n3o_load_u64(words + Self.zeroCounts + b) }
        append(0, zeros)
        for p in 0..<pagesPerStore where merge(store: 0, page: p, into: &merged) {
            for i in 0..<Self.pageSize { append(estimate(slot: (p << Self.pageShift) + i), merged[i]) }
        }
        guard total > 0 else { return qs.map { _ in .nan } }
        return qs.map { q in
            guard !q.isNaN else { return .nan }
            // The paper's rank: the first bucket whose cumulative count exceeds q*(n-1);
            // q=0 finds the minimum's bucket, q=1 the maximum's.
            let rank = min(max(q, 0), 1) * Double(total - 1)
            var lo = 0
            var hi = cumulative.count - 1  // cumulative.last == total > rank always
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(cumulative[mid]) > rank { hi = mid } else { lo = mid + 1 }
            }
            return values[lo]
        }
    }

    /// Observations in the window ending at `now` (for tests).
    func totalCount(now: UInt64) -> UInt64 {
        _ = currentBucket(now)
        var total: UInt64 = 0
        var merged = [UInt64](repeating: 0, count: Self.pageSize)
        for b in 0..<ageBuckets { total &+= n3o_load_u64(words + Self.zeroCounts + b) }
        for s in 0..<2 {
            for p in 0..<pagesPerStore where merge(store: s, page: p, into: &merged) {
                for c in merged { total &+= c }
            }
        }
        return total
    }

    // MARK: - Mapping

    /// ceil(log_gamma(magnitude)) as a slot, clamped into the store. magnitude >= 1e-9.
    @inline(__always)
    private func slot(of magnitude: Double) -> Int {
        let x = log(min(magnitude, Self.maxMagnitude)) * invLnGamma
        var index = Int(x)  // |x| < 4e5 for the clamped range, so this cannot trap
        if Double(index) < x { index += 1 }  // ceil without a libm call
        return min(max(index - minIndex, 0), slotCount - 1)
    }

    private func estimate(slot: Int) -> Double {
        exp(Double(slot + minIndex) * lnGamma) * estimateFactor
    }

    // MARK: - Memory

    /// Allocates a zeroed page and installs it unless another thread won; returns the page
    /// in place, or nil if memory ran out (the observation is then dropped).
    @inline(never)
    private func installPage(_ entry: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> UnsafeMutableRawPointer? {
        guard let fresh = n3o_aligned_zalloc(64, Self.pageSize * MemoryLayout<UInt64>.stride)
        else { return nil }
        fresh.bindMemory(to: UInt64.self, capacity: Self.pageSize)
        let won: UnsafeMutableRawPointer? = n3o_cas_ptr(entry, nil, fresh)
        if won != fresh { free(fresh) }
        return won
    }

    /// Sums page p of a store over all age buckets into `merged`; false if no age bucket
    /// has that page (then `merged` is left alone).
    private func merge(store: Int, page p: Int, into merged: inout [UInt64]) -> Bool {
        var any = false
        for b in 0..<ageBuckets {
            guard let page = n3o_load_ptr(pageTables + (b * 2 + store) * pagesPerStore + p)
            else { continue }
            if !any { for i in 0..<Self.pageSize { merged[i] = 0 } }
            any = true
            let cells = page.assumingMemoryBound(to: UInt64.self)
            for i in 0..<Self.pageSize { merged[i] &+= n3o_load_u64(cells + i) }
        }
        return any
    }

    // MARK: - Rotation

    /// The index of the age bucket that `now` falls in, rotating first if time has moved
    /// past the current one. A `now` slightly behind the current bucket (a racing thread
    /// read its clock earlier) just uses the current bucket.
    @inline(__always)
    private func currentBucket(_ now: UInt64) -> Int {
        let now = min(now, Self.maxTime)
        let start = n3o_load_acquire_u64(words)
        if now >= start + bucketWidth { rotate(now: now, from: start) }
        return Int(truncatingIfNeeded: n3o_load_u64(words + 1))
    }

    /// The thread that flags the start word clears the buckets that fall out of the window
    /// (all of them if time jumped past the whole window), then publishes the new start.
    /// Meanwhile observers keep adding to the old current bucket, which is not cleared
    /// unless everything is; one that lands in a bucket being cleared loses only its own
    /// observation. Losers of the CAS simply carry on: nobody waits.
    @inline(never)
    private func rotate(now: UInt64, from start: UInt64) {
        let newStart = now - now % bucketWidth
        var expected = start
        guard newStart > start, n3o_cas_u64(words, &expected, start | Self.rotatingFlag) != 0
        else { return }
        let steps = (newStart - start) / bucketWidth  // >= 1: starts are multiples of the width
        let old = Int(truncatingIfNeeded: n3o_load_u64(words + 1))
        let clearing = steps >= UInt64(ageBuckets) ? ageBuckets : Int(steps)
        for k in 1...clearing { clear(bucket: (old + k) % ageBuckets) }
        let current = (old + Int(steps % UInt64(ageBuckets))) % ageBuckets
        n3o_store_u64(words + 1, UInt64(current))
        // Release: whoever sees the new start also sees the new index and the zeroed counts.
        n3o_store_release_u64(words, newStart)
    }

    /// Zeroes an age bucket's counts. Pages stay allocated: observers may still hold them.
    private func clear(bucket b: Int) {
        n3o_store_u64(words + Self.zeroCounts + b, 0)
        for s in 0..<2 {
            let table = pageTables + (b * 2 + s) * pagesPerStore
            for p in 0..<pagesPerStore {
                guard let page = n3o_load_ptr(table + p) else { continue }
                let cells = page.assumingMemoryBound(to: UInt64.self)
                for i in 0..<Self.pageSize { n3o_store_u64(cells + i, 0) }
            }
        }
    }
}
