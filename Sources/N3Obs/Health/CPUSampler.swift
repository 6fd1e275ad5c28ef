import CN3ObsShims

/// CPU utilisation of the whole machine from /proc/stat, without ever sleeping in a report:
/// it keeps a reference reading (the first is taken when the sampler is made) and reports
/// the busy share of the time since then. Once a reading is at least `window` after the
/// reference it becomes the new reference, so the figure covers roughly the last window;
/// reports closer together than that reuse the last complete figure, and before the first
/// window is complete there is none.
final class CPUSampler: @unchecked Sendable {
    struct Sample: Equatable {
        var busy: UInt64
        var total: UInt64
        var monotonic: UInt64
    }

    let windowNanos: UInt64
    private let lock = Lock()
    private var reference: Sample?
    private var last: Double?

    init(windowNanos: UInt64 = 1_000_000_000, read: () -> Sample? = CPUSampler.readNow) {
        self.windowNanos = windowNanos
        reference = read()
    }

    /// Utilisation in [0, 1] given a new reading, or nil when there is nothing to compare yet.
    func utilisation(_ now: Sample) -> (value: Double, spanNanos: UInt64)? {
        lock.withLock { () -> (Double, UInt64)? in
            guard let ref = reference else {
                reference = now
                return nil
            }
            let span = now.monotonic &- ref.monotonic
            if span >= windowNanos, let u = Self.utilisation(from: ref, to: now) {
                last = u
                reference = now
                return (u, span)
            }
            // Until a first window is complete there is no figure: over a few milliseconds
            // the kernel's tick counts are too coarse to mean anything (one busy tick out of
            // one is "100% busy"), and a false alarm is worse than no verdict.
            return last.map { ($0, windowNanos) }
        }
    }

    /// The busy share of the jiffies between two readings; nil if none passed.
    static func utilisation(from a: Sample, to b: Sample) -> Double? {
        guard b.total > a.total, b.busy >= a.busy else { return nil }
        return min(1, Double(b.busy - a.busy) / Double(b.total - a.total))
    }

    /// The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal
    /// guest guest_nice". Idle and iowait are not busy; guest time is already inside user.
    static func parse(_ bytes: [UInt8]) -> (busy: UInt64, total: UInt64)? {
        guard bytes.count > 4, bytes[0..<4].elementsEqual("cpu ".utf8) else { return nil }
        var values: [UInt64] = []
        var i = 4
        while i < bytes.count, bytes[i] != UInt8(ascii: "\n"), values.count < 8 {
            while i < bytes.count && bytes[i] == UInt8(ascii: " ") { i += 1 }
            var v: UInt64 = 0
            var digits = 0
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                v = v &* 10 &+ UInt64(bytes[i] - UInt8(ascii: "0"))
                i += 1
                digits += 1
            }
            guard digits > 0 else { break }
            values.append(v)
        }
        guard values.count >= 4 else { return nil }
        let total = values.reduce(0, &+)
        let idle = values[3] &+ (values.count > 4 ? values[4] : 0)
        return (total &- idle, total)
    }

    @Sendable static func readNow() -> Sample? {
        guard let bytes = ProcFiles.read("/proc/stat", limit: 512), let p = parse(bytes) else { return nil }
        return Sample(busy: p.busy, total: p.total, monotonic: n3o_monotonic_ns())
    }
}
