import Dispatch
import Testing
@testable import N3Obs

@Suite struct RegistryTests {
    let registry = Registry(cardinalityLimit: 5)

    private func counter(_ name: String, labels: [String] = []) throws(N3ObsError) -> MetricFamily {
        try registry.register(MetricShape(name: name, help: "h", type: .counter, labelNames: labels))
    }

    @Test func sameShapeReturnsSameFamily() throws {
        let a = try counter("requests_total", labels: ["code"])
        let b = try counter("requests", labels: ["code"])
        #expect(a === b)
        #expect(a.name == "requests")
    }

    @Test func differentShapeConflicts() throws {
        _ = try counter("jobs", labels: ["queue"])
        #expect(throws: N3ObsError.self) { try counter("jobs", labels: ["other"]) }
        do {
            _ = try registry.register(MetricShape(name: "jobs", help: "h", type: .gauge, labelNames: ["queue"]))
            Issue.record("a gauge under a counter's name was accepted")
        } catch {
            #expect(error.status == .conflict)
            #expect(error.message.contains("jobs"))
        }
    }

    @Test(arguments: ["", "9lives", "a-b", "__x", "has space", "é"])
    func invalidMetricNamesAreRefused(_ name: String) {
        do {
            _ = try counter(name)
            Issue.record("'\(name)' was accepted")
        } catch {
            #expect(error.status == .invalidName)
        }
    }

    @Test(arguments: ["a:b", "__x", "", "1a"])
    func invalidLabelNamesAreRefused(_ label: String) {
        #expect(throws: N3ObsError.self) { try counter("ok_metric", labels: [label]) }
    }

    @Test func reservedLabelsPerType() {
        #expect(throws: N3ObsError.self) {
            try registry.register(MetricShape(name: "h", type: .histogram, labelNames: ["le"]))
        }
        #expect(throws: N3ObsError.self) {
            try registry.register(MetricShape(name: "s", type: .summary, labelNames: ["quantile"]))
        }
    }

    @Test func counterKeepsWholeAndFractionalParts() throws {
        let family = try counter("c")
        let cell = try family.cell(labels: [])
        for _ in 0..<4 { Recording.counterAdd(cell, 0.5) }
        Recording.counterAdd(cell, 3)
        Recording.counterAdd(cell, 1e20) // beyond the integer cell's range: goes to the float cell
        let value = try MetricsSnapshot.collect(registry).family("c")?.series([])?.value
        #expect(value == 1e20 + 5)
    }

    @Test func histogramBucketsAreCumulativeWithDefaults() throws {
        let family = try registry.register(MetricShape(name: "latency", type: .histogram))
        #expect(family.shape.buckets == MetricShape.defaultBuckets)
        let cell = try family.cell(labels: [])
        for v in [0.001, 0.005, 0.3, 7, 100, -.infinity, .infinity] { Recording.histogramObserve(cell, v) }
        let s = try #require(try MetricsSnapshot.collect(registry).family("latency")?.series([]))
        #expect(s.count == 7)
        // le is inclusive: 0.005 is in the first bucket, with 0.001 and -Inf.
        #expect(s.buckets.first == .init(upperBound: 0.005, cumulativeCount: 3))
        #expect(s.buckets.first { $0.upperBound == 0.5 }?.cumulativeCount == 4)
        #expect(s.buckets.first { $0.upperBound == 10 }?.cumulativeCount == 5)
        #expect(s.buckets.last == .init(upperBound: .infinity, cumulativeCount: 7))
    }

    /// Buckets are found by counting bounds below the value in groups of four (the bounds
    /// padded with +Inf) up to 16 bounds, and by binary search above: every count, every
    /// bound, just above it, and both infinities land where the definition says.
    @Test func histogramBucketIsFirstBoundAtOrAboveTheValue() throws {
        for n in 1...20 {
            let registry = Registry(cardinalityLimit: 10)
            let bounds = (1...n).map { Double($0) * 0.5 }
            let family = try registry.register(MetricShape(name: "h\(n)", type: .histogram, buckets: bounds))
            let cell = try family.cell(labels: [])
            var values: [Double] = [-.infinity, .infinity, 0, -1, 1e9]
            for b in bounds { values += [b, b.nextUp, b.nextDown] }
            for v in values { Recording.histogramObserve(cell, v) }
            let s = try #require(try MetricsSnapshot.collect(registry).family("h\(n)")?.series([]))
            for bucket in s.buckets {
                let expected = values.filter { $0 <= bucket.upperBound }.count
                #expect(bucket.cumulativeCount == UInt64(expected), "n=\(n) le=\(bucket.upperBound)")
            }
        }
    }

    @Test func unsortedBucketsAreRefused() {
        for bad in [[1.0, 0.5], [1, 1], [.nan], [1, .infinity, 2]] {
            #expect(throws: N3ObsError.self) {
                try registry.register(MetricShape(name: "bad_h", type: .histogram, buckets: bad))
            }
        }
    }

    @Test func summaryQuantilesAreWithinTheStatedError() throws {
        let family = try registry.register(MetricShape(name: "sizes", type: .summary))
        let cell = try family.cell(labels: [])
        for v in 1...10_000 { Recording.summaryObserve(cell, Double(v)) }
        let s = try #require(try MetricsSnapshot.collect(registry).family("sizes")?.series([]))
        #expect(s.count == 10_000)
        #expect(s.sum == 50_005_000)
        for (q, v) in s.quantiles {
            let exact = Double(Int((q * 9_999).rounded(.down)) + 1)
            #expect(abs(v - exact) <= exact * SummaryOptions.relativeError, "q\(q): \(v) vs \(exact)")
        }
    }

    @Test func cardinalityLimitSendsTheRestToOneOverflowSeries() throws {
        let family = try counter("by_user", labels: ["user"])
        for i in 0..<8 { Recording.counterAdd(try family.cell(labels: ["u\(i)"]), 1) }
        let snapshot = try MetricsSnapshot.collect(registry)
        let series = try #require(snapshot.family("by_user")?.series)
        #expect(series.count == 6)
        #expect(series.filter(\.isOverflow).map(\.value) == [3])
        let overflowCount = snapshot.family(Registry.overflowMetricName)?.series(["by_user"])?.value
        #expect(overflowCount == 3)
    }

    @Test func labelLookupFindsTheSameSeries() throws {
        let family = try counter("pairs", labels: ["a", "b"])
        // "ab","" and "a","b" share their bytes once joined: the index must tell them apart.
        let first = try family.cell(labels: ["ab", ""])
        let second = try family.cell(labels: ["a", "b"])
        #expect(first != second)
        #expect(try family.cell(labels: ["ab", ""]) == first)
        #expect(throws: N3ObsError.self) { try family.cell(labels: ["only one"]) }
    }

    /// The label hash reads values in words with overlapping tails; lookups compare by
    /// length: every length, every changed byte and more labels than lengths are cached.
    @Test func labelLookupTellsApartEveryLengthAndByte() throws {
        let registry = Registry(cardinalityLimit: 100_000)
        let family = try registry.register(
            MetricShape(name: "wide", help: "h", type: .counter, labelNames: ["a", "b", "c", "d", "e", "f"]))
        var seen: [UnsafeMutableRawPointer: [String]] = [:]
        for length in 0...40 {
            let base = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            var variants = [base]
            for i in 0..<length {
                var bytes = Array(base.utf8)
                bytes[i] = UInt8(ascii: "Z")
                variants.append(String(decoding: bytes, as: UTF8.self))
            }
            for (k, v) in variants.enumerated() {
                // The changed value sits at a position that varies, cached length or not.
                var labels = ["x", "", "yy", "zzz", "w", "v"]
                labels[k % 6] = v
                let cell = try family.cell(labels: labels)
                if let other = seen[cell] { #expect(other == labels) }
                seen[cell] = labels
                #expect(try family.cell(labels: labels) == cell)
            }
        }
        #expect(Set(seen.values.map { $0.joined(separator: "\u{0}") }).count == seen.count)
    }

    @Test func invalidUTF8LabelValueIsRefused() throws {
        let family = try counter("utf", labels: ["v"])
        let bad: [CChar] = [CChar(bitPattern: 0xC3), 0x28, 0]
        bad.withUnsafeBufferPointer { b in
            var values: [UnsafePointer<CChar>?] = [b.baseAddress]
            values.withUnsafeMutableBufferPointer { v in
                do {
                    _ = try family.cell(for: UnsafePointer(v.baseAddress), count: 1)
                    Issue.record("invalid UTF-8 accepted")
                } catch let error as N3ObsError {
                    #expect(error.status == .invalidUTF8)
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }

    @Test func concurrentRecordingLosesNothing() throws {
        let registry = Registry(cardinalityLimit: 10_000)
        let family = try registry.register(MetricShape(name: "hits", type: .counter, labelNames: ["t", "k"]))
        nonisolated(unsafe) let shared = try family.cell(labels: ["all", "x"])
        let threads = 8, perThread = 20_000
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in 0..<perThread {
                Recording.counterAdd(shared, 1)
                if i % 100 == 0, let own = try? family.cell(labels: ["t\(t)", "\(i % 1000)"]) {
                    Recording.counterAdd(own, 1)
                }
            }
        }
        let snapshot = try MetricsSnapshot.collect(registry)
        let series = try #require(snapshot.family("hits")?.series)
        #expect(series.first { $0.labels == ["all", "x"] }?.value == Double(threads * perThread))
        #expect(series.count == 1 + threads * 10)
        #expect(series.reduce(0) { $0 + $1.value } == Double(threads * perThread + threads * perThread / 100))
    }
}

@Suite struct ConfigurationTests {
    @Test func environmentFillsWhatTheCallerLeftUnset() throws {
        let env = ["OTEL_SERVICE_NAME": "svc", "N3OBS_METRIC_NAMESPACE": "app",
                   "N3OBS_METRIC_CARDINALITY_LIMIT": "50"]
        let resolved = try Configuration().resolved { env[$0] }
        #expect(resolved.serviceName == "svc")
        #expect(resolved.metricNamespace == "app")
        #expect(resolved.cardinalityLimit == 50)

        var explicit = Configuration()
        explicit.serviceName = "mine"
        explicit.cardinalityLimit = 7
        let mine = try explicit.resolved { env[$0] }
        #expect(mine.serviceName == "mine")
        #expect(mine.cardinalityLimit == 7)
    }

    @Test func serviceNameFallsBackToResourceAttributes() throws {
        let env = ["OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod, service.name=from-attrs"]
        #expect(try Configuration().resolved { env[$0] }.serviceName == "from-attrs")
        #expect(try Configuration().resolved { _ in nil }.serviceName == "unknown_service")
    }

    @Test func invalidSettingsNameTheVariable() {
        for env in [["N3OBS_METRIC_CARDINALITY_LIMIT": "lots"], ["N3OBS_METRIC_NAMESPACE": "9bad"]] {
            do {
                _ = try Configuration().resolved { env[$0] }
                Issue.record("\(env) was accepted")
            } catch {
                #expect(error.status == .config)
                #expect(env.values.allSatisfy { error.message.contains($0) })
            }
        }
    }
}
