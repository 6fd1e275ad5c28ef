import CN3Obs

/// A metrics snapshot handed to export_metrics, read in place.
///
///     for family in snapshot.families {
///         for series in family.series { print(family.name.string, series.value) }
///     }
public struct MetricsSnapshotView {
    public let raw: UnsafePointer<n3obs_metrics_snapshot>

    public init(_ raw: UnsafePointer<n3obs_metrics_snapshot>) { self.raw = raw }

    public var timeUnixNano: Int64 { raw.pointee.time_unix_nano }
    public var families: CArrayView<FamilyView> {
        CArrayView(raw.pointee.families, count: raw.pointee.family_count)
    }
}

public enum MetricType: Sendable {
    case counter, gauge, histogram, summary, info, unknown(UInt32)

    public init(_ raw: n3obs_metric_type) {
        switch raw {
        case N3OBS_METRIC_COUNTER: self = .counter
        case N3OBS_METRIC_GAUGE: self = .gauge
        case N3OBS_METRIC_HISTOGRAM: self = .histogram
        case N3OBS_METRIC_SUMMARY: self = .summary
        case N3OBS_METRIC_INFO: self = .info
        default: self = .unknown(raw.rawValue)
        }
    }

    /// "counter", "gauge", "histogram", "summary", "info" or "unknown".
    public var name: String {
        switch self {
        case .counter: return "counter"
        case .gauge: return "gauge"
        case .histogram: return "histogram"
        case .summary: return "summary"
        case .info: return "info"
        case .unknown: return "unknown"
        }
    }

    /// What exporters append to the family name for the sample ("_total", "_info").
    public var sampleSuffix: String {
        switch self {
        case .counter: return "_total"
        case .info: return "_info"
        default: return ""
        }
    }
}

public struct FamilyView: CStructView {
    public let raw: UnsafePointer<n3obs_family_data>
    public init(_ raw: UnsafePointer<n3obs_family_data>) { self.raw = raw }

    /// Without "_total" for counters and "_info" for info (see ``MetricType/sampleSuffix``).
    public var name: CStringRef { CStringRef(raw.pointee.name) }
    public var help: CStringRef { CStringRef(raw.pointee.help) }
    public var unit: CStringRef { CStringRef(raw.pointee.unit) }
    public var type: MetricType { MetricType(raw.pointee.type) }
    public var labelNames: CStringArray { CStringArray(raw.pointee.label_names, count: raw.pointee.label_count) }
    public var series: CArrayView<SeriesView> { CArrayView(raw.pointee.series, count: raw.pointee.series_count) }
}

public struct SeriesView: CStructView {
    public let raw: UnsafePointer<n3obs_series_data>
    public init(_ raw: UnsafePointer<n3obs_series_data>) { self.raw = raw }

    /// In the order of the family's label names; pair them with ``labels(of:)``.
    public func labelValues(count: Int) -> CStringArray { CStringArray(raw.pointee.label_values, count: count) }

    /// (name, value) pairs; a NULL value reads as "".
    public func labels(of family: FamilyView) -> Zip2Sequence<CStringArray, CStringArray> {
        let names = family.labelNames
        return zip(names, labelValues(count: names.count))
    }

    public var isOverflow: Bool { raw.pointee.is_overflow != 0 }
    public var value: Double { raw.pointee.value }
    public var count: UInt64 { raw.pointee.count }
    public var sum: Double { raw.pointee.sum }
    public var createdUnixNano: Int64 { raw.pointee.created_unix_nano }
    public var buckets: UnsafeBufferPointer<n3obs_bucket_data> {
        UnsafeBufferPointer(start: raw.pointee.buckets, count: raw.pointee.buckets == nil ? 0 : raw.pointee.bucket_count)
    }
    public var quantiles: UnsafeBufferPointer<n3obs_quantile_data> {
        UnsafeBufferPointer(start: raw.pointee.quantiles, count: raw.pointee.quantiles == nil ? 0 : raw.pointee.quantile_count)
    }
}
