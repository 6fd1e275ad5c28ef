import Glibc
import Testing
@testable import N3Obs

/// Deterministic data: SplitMix64, so a failure reproduces.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Standard normal (Box-Muller).
    mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

private let second: UInt64 = 1_000_000_000
/// A monotonic clock reading far from zero, as a real one would be.
private let t0: UInt64 = 1_000_000 * second
private let probes: [Double] = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1]

/// Every estimate must be within the relative error of the exact quantile with the same
/// rank definition (element floor(q*(n-1)) of the sorted data); values that count as
/// zero must come back as exactly 0.
private func expectAccurate(_ values: [Double], relativeError a: Double = 0.01) {
    guard let sketch = WindowedQuantileSketch(maxAgeNanos: 600 * second, ageBuckets: 5, relativeError: a)
    else {
        Issue.record("allocation failed")
        return
    }
    for v in values { sketch.observe(v, now: t0) }
    let sorted = values.sorted()
    let got = sketch.quantiles(probes, now: t0)
    #expect(sketch.totalCount(now: t0) == UInt64(values.count))
    for (q, estimate) in zip(probes, got) {
        let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
        if exact.magnitude < 1e-9 {
            #expect(estimate == 0, "q=\(q) exact=\(exact) estimate=\(estimate)")
        } else {
            let error = (estimate - exact).magnitude / exact.magnitude
            #expect(error <= a * (1 + 1e-9), "q=\(q) exact=\(exact) estimate=\(estimate)")
        }
    }
}

@Test func uniformWithinRelativeError() {
    var rng = SplitMix64(state: 1)
    expectAccurate((0..<50_000).map { _ in Double.random(in: 0.001..<1000, using: &rng) })
}

@Test func logNormalWithinRelativeError() {
    var rng = SplitMix64(state: 2)
    let values = (0..<50_000).map { _ in exp(rng.gaussian() * 2 - 5) }
    expectAccurate(values)
    expectAccurate(values, relativeError: 0.05)
    expectAccurate(values, relativeError: 0.001)
}

@Test func negativesAndZerosWithinRelativeError() {
    var rng = SplitMix64(state: 3)
    var values: [Double] = (0..<30_000).map { _ in Double.random(in: -100..<100, using: &rng) }
    values += Array(repeating: 0, count: 3_000) + Array(repeating: -0.0, count: 1_000)
    values += (0..<1_000).map { _ in Double.random(in: -1e-10..<1e-10, using: &rng) }
    values += (0..<5_000).map { _ in -exp(rng.gaussian() * 3) }
    expectAccurate(values)
    expectAccurate((0..<10_000).map { _ in -Double.random(in: 1..<2, using: &rng) })
    expectAccurate([42])
    expectAccurate([-3, 0, 5])
}

@Test func emptyGivesNaN() throws {
    let sketch = try #require(WindowedQuantileSketch(maxAgeNanos: 10 * second, ageBuckets: 5))
    #expect(sketch.quantiles([0, 0.5, 1], now: t0).allSatisfy { $0.isNaN })
    #expect(sketch.quantiles([], now: t0).isEmpty)
    sketch.observe(1, now: t0)
    #expect(sketch.quantiles([0.5], now: t0 + 11 * second)[0].isNaN)
}

@Test func observationsOlderThanMaxAgeDropOut() throws {
    // 5 buckets of 1 s: observation at bucket k lives until the window has moved 5 buckets on.
    let sketch = try #require(WindowedQuantileSketch(maxAgeNanos: 5 * second, ageBuckets: 5))
    for k in 0..<5 { sketch.observe(Double(k + 1), now: t0 + UInt64(k) * second + second / 2) }
    #expect(sketch.totalCount(now: t0 + 4 * second + second / 2) == 5)
    let full = sketch.quantiles([0, 1], now: t0 + 4 * second + second / 2)
    #expect((full[0] - 1).magnitude <= 0.01 * (1 + 1e-9) && (full[1] - 5).magnitude <= 0.05 * (1 + 1e-9))
    // One rotation clears only the oldest bucket (value 1).
    #expect(sketch.totalCount(now: t0 + 5 * second) == 4)
    let low = sketch.quantiles([0], now: t0 + 5 * second)[0]
    #expect((low - 2).magnitude <= 0.02 * (1 + 1e-9))
    // Each further second drops one more.
    #expect(sketch.totalCount(now: t0 + 7 * second) == 2)
    #expect(sketch.totalCount(now: t0 + 9 * second) == 0)
    #expect(sketch.quantiles([0.5], now: t0 + 9 * second)[0].isNaN)
    // The cleared buckets are reused.
    sketch.observe(7, now: t0 + 9 * second)
    #expect(sketch.totalCount(now: t0 + 9 * second) == 1)
}

@Test func timeJumpBeyondWindowClearsEverything() throws {
    let sketch = try #require(WindowedQuantileSketch(maxAgeNanos: 5 * second, ageBuckets: 5))
    for k in 0..<50 { sketch.observe(Double(k), now: t0 + UInt64(k) * second / 10) }
    #expect(sketch.totalCount(now: t0 + 4 * second) == 50)
    sketch.observe(-3, now: t0 + 1_000 * second)
    #expect(sketch.totalCount(now: t0 + 1_000 * second) == 1)
    let q = sketch.quantiles([0, 1], now: t0 + 1_000 * second)
    #expect(q[0] == q[1] && (q[0] + 3).magnitude <= 0.03 * (1 + 1e-9))
    // A clock reading behind the current bucket goes to the current bucket.
    sketch.observe(1, now: t0)
    #expect(sketch.totalCount(now: t0 + 1_000 * second) == 2)
}

@Test func concurrentObserversLoseNothing() async throws {
    let sketch = try #require(WindowedQuantileSketch(maxAgeNanos: 600 * second, ageBuckets: 5))
    let perThread = 200_000
    await withTaskGroup(of: Void.self) { group in
        for t in 0..<4 {
            group.addTask {
                var rng = SplitMix64(state: UInt64(t) + 10)
                for _ in 0..<perThread {
                    // Few distinct pages, so threads race on page installation and counters.
                    sketch.observe(Double.random(in: -1..<1, using: &rng) * 1e3, now: t0)
                }
            }
        }
    }
    #expect(sketch.totalCount(now: t0) == UInt64(4 * perThread))
}

@Test func extremeMagnitudesDoNotTrap() throws {
    let sketch = try #require(WindowedQuantileSketch(maxAgeNanos: UInt64.max, ageBuckets: 5))
    let extremes: [Double] = [
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
        -.leastNonzeroMagnitude, .leastNormalMagnitude, 0, -0.0, 1e-9, -1e-9, 1e18, -1e18,
        1e19, 1e300, -1e-300, 1e-9.nextDown, .ulpOfOne,
    ]
    for (i, v) in extremes.enumerated() { sketch.observe(v, now: UInt64(i)) }
    sketch.observe(1, now: UInt64.max)
    sketch.observe(1, now: 0)
    let q = sketch.quantiles([0, 0.5, 1, -1, 2, .nan], now: UInt64.max)
    #expect(q[0].isFinite && q[1].isFinite && q[2].isFinite && q[5].isNaN)
    #expect(q[0] <= q[1] && q[1] <= q[2])
    #expect(q[3] == q[0] && q[4] == q[2])
    #expect(sketch.totalCount(now: UInt64.max) == UInt64(extremes.count + 2))
    // Degenerate configurations are clamped rather than trapping.
    let tiny = try #require(WindowedQuantileSketch(maxAgeNanos: 0, ageBuckets: 0, relativeError: 0))
    tiny.observe(5, now: 1)
    tiny.observe(5, now: 2)
    #expect(tiny.totalCount(now: 2) == 1)
    let coarse = try #require(WindowedQuantileSketch(maxAgeNanos: 10, ageBuckets: 1 << 40, relativeError: .nan))
    coarse.observe(5, now: 1)
    #expect(coarse.totalCount(now: 1) == 1)
}
