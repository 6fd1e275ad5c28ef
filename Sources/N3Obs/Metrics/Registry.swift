import CN3ObsShims

/// All metric families of one SDK instance. The process-wide one belongs to `N3ObsSDK`;
/// tests make their own.
public final class Registry: @unchecked Sendable {
    public let cardinalityLimit: Int
    private let lock = Lock()
    private var byName: [String: MetricFamily] = [:]
    /// Sorted by name, so snapshots come out in a stable order without sorting each time.
    private var sorted: [MetricFamily] = []
    /// Every name a family exposes (its own and its samples'), to its family: two families
    /// exposing one name would make the scrape invalid.
    private var exposedNames: [String: MetricFamily] = [:]

    /// The self-metric counting records that land in an overflow series.
    public static let overflowMetricName = "n3obs_metric_overflow"

    public init(cardinalityLimit: Int = Limits.defaultCardinalityLimit) {
        self.cardinalityLimit = cardinalityLimit
    }

    /// Registers a family, or returns the one registered before with the same shape.
    /// - Throws: the validation error of the shape, or `.conflict` if the name is taken by
    ///   a family of another shape.
    public func register(_ shape: MetricShape) throws(N3ObsError) -> MetricFamily {
        try register(shape, cardinalityLimit: cardinalityLimit)
    }

    private func register(_ shape: MetricShape, cardinalityLimit: Int) throws(N3ObsError) -> MetricFamily {
        let shape = try shape.validated()
        return try lock.withLock { () throws(N3ObsError) -> MetricFamily in
            if let existing = byName[shape.name] {
                guard existing.shape == shape else {
                    throw N3ObsError(.conflict, Self.describeConflict(existing.shape, shape))
                }
                return existing
            }
            let names = Self.exposedNames(of: shape)
            for name in names {
                if let other = exposedNames[name] {
                    throw N3ObsError(.conflict, "\(shape.type) '\(shape.name)' would expose '\(name)', which " +
                                     "\(other.shape.type) '\(other.shape.name)' already exposes")
                }
            }
            let family = MetricFamily(shape: shape, cardinalityLimit: cardinalityLimit) { [weak self] name in
                self?.bindOverflowCounter(for: name)
            }
            for name in names { exposedNames[name] = family }
            byName[shape.name] = family
            let at = sorted.firstIndex { $0.name > shape.name } ?? sorted.count
            sorted.insert(family, at: at)
            return family
        }
    }

    /// The registered family of that name, if any.
    public func family(named name: String) -> MetricFamily? {
        lock.withLock { byName[name] }
    }

    /// Every family, sorted by name.
    public func families() -> [MetricFamily] {
        lock.withLock { sorted }
    }

    /// Marks every series as shut down (see MetricFamily.markShutDown).
    func markShutDown() {
        families().forEach { $0.markShutDown() }
    }

    private func bindOverflowCounter(for name: String) -> UnsafeMutablePointer<n3o_counter_cell>? {
        let shape = MetricShape(
            name: Self.overflowMetricName,
            help: "Records that went to a family's overflow series because it reached its cardinality limit.",
            type: .counter, labelNames: ["metric"])
        // Never limited itself: its overflow would need this very binder.
        guard let family = try? register(shape, cardinalityLimit: Int.max),
              let cell = try? family.cell(labels: [name]) else { return nil }
        return cell.assumingMemoryBound(to: n3o_counter_cell.self)
    }

    private static func exposedNames(of shape: MetricShape) -> [String] {
        [shape.name] + shape.type.sampleSuffixes.map { shape.name + $0 }
    }

    private static func describeConflict(_ old: MetricShape, _ new: MetricShape) -> String {
        let what: String
        if old.type != new.type { what = "type \(old.type) vs \(new.type)" }
        else if old.labelNames != new.labelNames { what = "label names \(old.labelNames) vs \(new.labelNames)" }
        else if old.help != new.help { what = "help text" }
        else if old.unit != new.unit { what = "unit '\(old.unit)' vs '\(new.unit)'" }
        else if old.buckets != new.buckets { what = "buckets \(old.buckets) vs \(new.buckets)" }
        else { what = "summary options" }
        return "'\(new.name)' is already registered with another shape (\(what))"
    }
}
