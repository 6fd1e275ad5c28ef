import Glibc
import N3Obs
import Testing
@testable import N3ObsPrometheus

/// Renders a real snapshot of `registry` (the SDK's own collect) in `format`.
private func render(_ registry: Registry, _ format: Exposition.Format, prefix: String = "") -> String {
    guard let snapshot = SnapshotBuilder.collect(registry) else { return "" }
    defer { free(snapshot) }
    return String(decoding: Exposition.render(snapshot, format: format, prefix: prefix), as: UTF8.self)
}

@Suite struct ExpositionTests {
    @Test func counterInTextFormat() throws {
        let r = Registry()
        let c = try r.register(MetricShape(name: "http_requests_total", help: "Requests.", type: .counter,
                                           labelNames: ["code"]))
        Recording.counterAdd(try c.cell(labels: ["200"]), 3)
        let text = render(r, .text)
        #expect(text == """
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{code="200"} 3

            """)
    }

    @Test func escapingFollowsEachFormat() throws {
        let r = Registry()
        let g = try r.register(MetricShape(name: "g", help: "a \\ b\nc \"q\"", type: .gauge, labelNames: ["v"]))
        Recording.gaugeSet(try g.cell(labels: ["x\\y\n\"z\" é"]), 1.5)
        let text = render(r, .text)
        #expect(text.contains("# HELP g a \\\\ b\\nc \"q\"\n"))
        #expect(text.contains("g{v=\"x\\\\y\\n\\\"z\\\" é\"} 1.5\n"))
        let om = render(r, .openMetrics)
        #expect(om.contains("# HELP g a \\\\ b\\nc \\\"q\\\"\n"))
        #expect(om.hasSuffix("# EOF\n"))
    }

    @Test func histogramBucketsAreCumulativeToInf() throws {
        let r = Registry()
        let h = try r.register(MetricShape(name: "latency_seconds", unit: "seconds", type: .histogram,
                                           buckets: [0.1, 1]))
        let cell = try h.cell(labels: [])
        for v in [0.05, 0.5, 0.5, 7] { Recording.histogramObserve(cell, v) }
        let text = render(r, .text)
        #expect(text.contains("latency_seconds_bucket{le=\"0.1\"} 1\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"1.0\"} 3\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"+Inf\"} 4\n"))
        #expect(text.contains("latency_seconds_count 4\n"))
        #expect(text.contains("latency_seconds_sum 8.05\n"))
        let om = render(r, .openMetrics)
        #expect(om.contains("# UNIT latency_seconds seconds\n"))
        #expect(om.contains("latency_seconds_created "))
    }

    @Test func specialValuesUseGoSyntax() throws {
        let r = Registry()
        let g = try r.register(MetricShape(name: "odd", type: .gauge, labelNames: ["k"]))
        Recording.gaugeSet(try g.cell(labels: ["nan"]), .nan)
        Recording.gaugeSet(try g.cell(labels: ["inf"]), .infinity)
        Recording.gaugeSet(try g.cell(labels: ["ninf"]), -.infinity)
        Recording.gaugeSet(try g.cell(labels: ["big"]), 1e300)
        let text = render(r, .text)
        #expect(text.contains("odd{k=\"nan\"} NaN\n"))
        #expect(text.contains("odd{k=\"inf\"} +Inf\n"))
        #expect(text.contains("odd{k=\"ninf\"} -Inf\n"))
        #expect(text.contains("odd{k=\"big\"} 1e+300\n"))
    }

    @Test func infoAndSummaryAndOverflow() throws {
        let r = Registry(cardinalityLimit: 1)
        let info = try r.register(MetricShape(name: "build", type: .info, labelNames: ["version"]))
        _ = try info.cell(labels: ["1.2"])
        let s = try r.register(MetricShape(name: "size", type: .summary))
        Recording.summaryObserve(try s.cell(labels: []), 10)
        let c = try r.register(MetricShape(name: "hits", type: .counter, labelNames: ["user"]))
        Recording.counterAdd(try c.cell(labels: ["a"]), 1)
        Recording.counterAdd(try c.cell(labels: ["b"]), 1)
        let text = render(r, .text, prefix: "app_")
        #expect(text.contains("# TYPE app_build_info gauge\napp_build_info{version=\"1.2\"} 1\n"))
        #expect(text.contains("app_size{quantile=\"0.5\"} "))
        #expect(text.contains("app_size_count 1\n"))
        #expect(text.contains("app_hits_total{otel_metric_overflow=\"true\"} 1\n"))
        let om = render(r, .openMetrics)
        #expect(om.contains("# TYPE build info\n"))
        #expect(om.contains("\nbuild_info{version=\"1.2\"} 1\n"))
    }

    @Test func escapesAtEitherEndAndInRuns() throws {
        let r = Registry()
        let g = try r.register(MetricShape(name: "e", help: "\\\n", type: .gauge, labelNames: ["a", "b"]))
        Recording.gaugeSet(try g.cell(labels: ["\"\"x\\\\", "\n"]), 2)
        let text = render(r, .text)
        #expect(text == #"""
            # HELP e \\\n
            # TYPE e gauge
            e{a="\"\"x\\\\",b="\n"} 2

            """#)
    }

    @Test func withRenderedLendsWhatRenderReturns() throws {
        let r = Registry()
        let h = try r.register(MetricShape(name: "h_seconds", unit: "seconds", type: .histogram, labelNames: ["x"],
                                           buckets: [1, 2]))
        Recording.histogramObserve(try h.cell(labels: ["a"]), 1.5)
        Recording.histogramObserve(try h.cell(labels: ["b"]), 3)
        guard let snapshot = SnapshotBuilder.collect(r) else { Issue.record("no snapshot"); return }
        defer { free(snapshot) }
        for format in [Exposition.Format.text, .openMetrics] {
            let lent = Exposition.withRendered(snapshot, format: format) { Array($0) }
            #expect(lent == Exposition.render(snapshot, format: format))
        }
        let text = String(decoding: Exposition.render(snapshot, format: .text), as: UTF8.self)
        #expect(text.contains("h_seconds_bucket{x=\"b\",le=\"2.0\"} 0\nh_seconds_bucket{x=\"b\",le=\"+Inf\"} 1\n"))
    }
}
