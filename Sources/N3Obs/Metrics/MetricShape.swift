import CN3ObsShims

/// The kinds of metric n3obs records; raw values are `n3obs_metric_type`'s.
public enum MetricType: Int32, Sendable {
    case counter = 1
    case gauge = 2
    case histogram = 3
    case summary = 4
    case info = 5

    var tag: UInt32 {
        switch self {
        case .counter: N3O_TAG_COUNTER
        case .gauge: N3O_TAG_GAUGE
        case .histogram: N3O_TAG_HISTOGRAM
        case .summary: N3O_TAG_SUMMARY
        case .info: N3O_TAG_INFO
        }
    }

    /// What the exposition formats append to a family's name for its samples; the family
    /// takes its name and every one of these (as prometheus_client's registry does).
    public var sampleSuffixes: [String] {
        switch self {
        case .counter: ["_total", "_created"]
        case .gauge: []
        case .histogram: ["_bucket", "_sum", "_count", "_created"]
        case .summary: ["_sum", "_count", "_created"]
        case .info: ["_info"]
        }
    }

    /// Label names the exposition formats use for this type's own samples.
    var reservedLabels: [String] {
        switch self {
        case .histogram: ["le"]
        case .summary: ["quantile"]
        default: []
        }
    }
}

/// How a summary's window and quantiles are set up (client_golang's defaults).
public struct SummaryOptions: Equatable, Sendable {
    public var quantiles: [Double]
    public var maxAgeSeconds: Double
    public var ageBuckets: Int

    public static let `default` = SummaryOptions(quantiles: [0.5, 0.9, 0.99], maxAgeSeconds: 600,
                                                 ageBuckets: 5)
    /// The relative error of every reported quantile (N3OBS_SUMMARY_RELATIVE_ERROR).
    public static let relativeError = 0.01

    public init(quantiles: [Double], maxAgeSeconds: Double, ageBuckets: Int) {
        self.quantiles = quantiles
        self.maxAgeSeconds = maxAgeSeconds
        self.ageBuckets = ageBuckets
    }

    func validated() throws(N3ObsError) -> SummaryOptions {
        guard quantiles.count <= Limits.maxQuantiles else {
            throw N3ObsError(.tooLong, "more than \(Limits.maxQuantiles) quantiles")
        }
        var previous = -1.0
        for q in quantiles {
            guard q >= 0, q <= 1, q > previous else {
                throw N3ObsError(.invalidValue,
                                 "quantiles must lie in [0, 1] and increase strictly; got \(q)")
            }
            previous = q
        }
        guard maxAgeSeconds.isFinite, maxAgeSeconds > 0, maxAgeSeconds <= 31_536_000 else {
            throw N3ObsError(.invalidValue, "summary max age must be in (0, 1 year] seconds")
        }
        guard ageBuckets >= 1, ageBuckets <= Limits.maxAgeBuckets else {
            throw N3ObsError(.invalidValue, "summary age buckets must be in 1...\(Limits.maxAgeBuckets)")
        }
        return self
    }
}

/// Everything that makes two registrations of one name "the same family".
public struct MetricShape: Equatable, Sendable {
    public var name: String
    public var help: String
    public var unit: String
    public var type: MetricType
    public var labelNames: [String]
    /// Histogram upper bounds without the implied +Inf.
    public var buckets: [Double]
    public var summary: SummaryOptions?

    /// Prometheus' default histogram buckets (client_golang's DefBuckets).
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public init(name: String, help: String = "", unit: String = "", type: MetricType,
                labelNames: [String] = [], buckets: [Double] = [], summary: SummaryOptions? = nil) {
        self.name = name
        self.help = help
        self.unit = unit
        self.type = type
        self.labelNames = labelNames
        self.buckets = buckets
        self.summary = summary
    }

    /// Checks every rule and fills in defaults; the result is what the registry stores.
    func validated() throws(N3ObsError) -> MetricShape {
        var shape = self
        // The suffix the exposition adds is not part of the family's name (x_total is
        // counter x, y_info is info y), as prometheus_client strips it.
        for (t, suffix) in [(MetricType.counter, "_total"), (.info, "_info")] where type == t && shape.name.hasSuffix(suffix) {
            shape.name = String(shape.name.dropLast(suffix.count))
        }
        try MetricNames.validateMetricName(shape.name)
        guard help.utf8.count <= Limits.maxHelpLength else {
            throw N3ObsError(.tooLong, "help of '\(name)' is longer than \(Limits.maxHelpLength) bytes")
        }
        try MetricNames.validateUnit(unit)
        guard labelNames.count <= Limits.maxLabels else {
            throw N3ObsError(.tooLong, "'\(name)' has more than \(Limits.maxLabels) label names")
        }
        var seen = Set<String>()
        for label in labelNames {
            try MetricNames.validateLabelName(label, reserved: type.reservedLabels)
            guard seen.insert(label).inserted else {
                throw N3ObsError(.invalidName, "label name '\(label)' appears twice in '\(name)'")
            }
        }
        switch type {
        case .histogram:
            shape.buckets = try Self.validatedBuckets(buckets.isEmpty ? Self.defaultBuckets : buckets)
        case .summary:
            shape.buckets = []
            shape.summary = try (summary ?? .default).validated()
        default:
            shape.buckets = []
            shape.summary = nil
        }
        return shape
    }

    private static func validatedBuckets(_ bounds: [Double]) throws(N3ObsError) -> [Double] {
        var bounds = bounds
        if bounds.last == .infinity { bounds.removeLast() }
        guard !bounds.isEmpty else {
            throw N3ObsError(.invalidValue, "a histogram needs at least one finite bucket bound")
        }
        guard bounds.count <= Limits.maxBuckets else {
            throw N3ObsError(.tooLong, "more than \(Limits.maxBuckets) histogram buckets")
        }
        var previous = -Double.infinity
        for b in bounds {
            guard b.isFinite else {
                throw N3ObsError(.invalidValue, "histogram bucket bounds must be finite (got \(b))")
            }
            guard b > previous else {
                throw N3ObsError(.invalidValue,
                                 "histogram bucket bounds must increase strictly (\(b) after \(previous))")
            }
            previous = b
        }
        return bounds
    }
}
