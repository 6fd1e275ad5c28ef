import CN3Obs
import Glibc

/// A collected snapshot as Swift values: what Swift programs and tests read. It is made
/// from the same C snapshot exporters get, so both always agree.
public struct MetricsSnapshot: Sendable {
    public struct Bucket: Equatable, Sendable {
        public var upperBound: Double
        public var cumulativeCount: UInt64
    }

    public struct Series: Sendable {
        public var labels: [String]
        public var isOverflow: Bool
        public var value: Double
        public var count: UInt64
        public var sum: Double
        public var buckets: [Bucket]
        public var quantiles: [(quantile: Double, value: Double)]
        public var createdUnixNano: Int64
    }

    public struct Family: Sendable {
        public var name: String
        public var help: String
        public var unit: String
        public var type: MetricType
        public var labelNames: [String]
        public var series: [Series]

        /// The series with exactly these label values.
        public func series(_ labels: [String]) -> Series? {
            series.first { $0.labels == labels && !$0.isOverflow }
        }
    }

    public var timeUnixNano: Int64
    public var families: [Family]

    public func family(_ name: String) -> Family? { families.first { $0.name == name } }

    /// Collects the registry.
    public static func collect(_ registry: Registry) throws(N3ObsError) -> MetricsSnapshot {
        guard let raw = SnapshotBuilder.collect(registry) else {
            throw N3ObsError(.noMemory, "no memory for a metrics snapshot")
        }
        defer { free(raw) }
        return MetricsSnapshot(raw.pointee)
    }

    init(_ s: n3obs_metrics_snapshot) {
        timeUnixNano = s.time_unix_nano
        families = (0..<s.family_count).map { f in
            let fam = s.families[f]
            let labelCount = fam.label_count
            func string(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
            return Family(
                name: string(fam.name), help: string(fam.help), unit: string(fam.unit),
                type: MetricType(rawValue: Int32(fam.type.rawValue)) ?? .gauge,
                labelNames: (0..<labelCount).map { string(fam.label_names[$0]) },
                series: (0..<fam.series_count).map { i in
                    let d = fam.series[i]
                    return Series(
                        labels: (0..<labelCount).map { string(d.label_values[$0]) },
                        isOverflow: d.is_overflow != 0, value: d.value, count: d.count, sum: d.sum,
                        buckets: (0..<d.bucket_count).map {
                            Bucket(upperBound: d.buckets[$0].upper_bound,
                                   cumulativeCount: d.buckets[$0].cumulative_count)
                        },
                        quantiles: (0..<d.quantile_count).map {
                            (d.quantiles[$0].quantile, d.quantiles[$0].value)
                        },
                        createdUnixNano: d.created_unix_nano)
                })
        }
    }
}
