import CN3ObsShims

/// OpenTelemetry's built-in samplers, chosen by OTEL_TRACES_SAMPLER.
///
/// A decision is a pure function of the parent and the trace id, so the same trace id
/// always gets the same answer from a ratio sampler, in any process.
public enum Sampler: Sendable, Equatable {
    case alwaysOn
    case alwaysOff
    /// Samples the trace ids whose lower 8 bytes, read as a big-endian integer, are below
    /// `ratio * 2^64` (the algorithm of opentelemetry-python and -cpp).
    case traceIdRatio(Double)
    /// Follows a parent's sampled flag; roots are decided by `root`.
    indirect case parentBased(root: Sampler)

    /// What a span's parent tells the sampler.
    public enum Parent: Sendable {
        case none
        case local(sampled: Bool)
        case remote(sampled: Bool)
    }

    /// Whether a span with this parent and trace id is sampled.
    @inline(__always)
    public func shouldSample(parent: Parent, traceIdLow: UInt64) -> Bool {
        switch self {
        case .alwaysOn: return true
        case .alwaysOff: return false
        case .traceIdRatio(let ratio): return Self.ratioSample(ratio, traceIdLow)
        case .parentBased(let root):
            // OTel's defaults for the four parent cases: follow the parent's flag.
            switch parent {
            case .none: return root.shouldSample(parent: .none, traceIdLow: traceIdLow)
            case .local(let sampled), .remote(let sampled): return sampled
            }
        }
    }

    /// This sampler for the C span start (n3o_fast_start): nil when C cannot express it.
    var fastStart: (parentBased: Bool, rootMode: Int32, ratioBound: UInt64)? {
        switch self {
        case .alwaysOn: return (false, Int32(N3O_ROOT_SAMPLE_ON), 0)
        case .alwaysOff: return (false, Int32(N3O_ROOT_SAMPLE_OFF), 0)
        case .traceIdRatio(let ratio): return (false, Self.rootMode(ratio), Self.bound(ratio))
        case .parentBased(let root):
            guard let r = root.fastStart, !r.parentBased else { return nil }
            return (true, r.rootMode, r.ratioBound)
        }
    }

    private static func rootMode(_ ratio: Double) -> Int32 {
        if ratio >= 1 { return Int32(N3O_ROOT_SAMPLE_ON) }
        if !(ratio > 0) { return Int32(N3O_ROOT_SAMPLE_OFF) }
        return Int32(N3O_ROOT_SAMPLE_RATIO)
    }

    private static func bound(_ ratio: Double) -> UInt64 {
        ratio > 0 && ratio < 1 ? UInt64(ratio * 18446744073709551616.0) : 0
    }

    @inline(__always)
    static func ratioSample(_ ratio: Double, _ low: UInt64) -> Bool {
        if ratio >= 1 { return true }
        if !(ratio > 0) { return false }
        // ratio * 2^64, exact for ratio < 1 (a double times a power of two).
        let bound = UInt64(ratio * 18446744073709551616.0)
        return low < bound
    }

    /// The OTEL_TRACES_SAMPLER name and argument as a sampler.
    /// - Throws: `.config` for an unknown name or a ratio outside [0, 1].
    public static func named(_ name: String, argument: String?) throws(N3ObsError) -> Sampler {
        func ratio() throws(N3ObsError) -> Double {
            guard let argument, !argument.trimmingSpaces().isEmpty else { return 1.0 }
            guard let r = Double(argument.trimmingSpaces()), r >= 0, r <= 1 else {
                throw N3ObsError(.config, "sampler argument '\(argument)' is not a ratio in [0, 1]")
            }
            return r
        }
        switch name.trimmingSpaces() {
        case "always_on": return .alwaysOn
        case "always_off": return .alwaysOff
        case "traceidratio": return .traceIdRatio(try ratio())
        case "parentbased_always_on": return .parentBased(root: .alwaysOn)
        case "parentbased_always_off": return .parentBased(root: .alwaysOff)
        case "parentbased_traceidratio": return .parentBased(root: .traceIdRatio(try ratio()))
        default:
            throw N3ObsError(.config, "sampler '\(name)' is not one of always_on, always_off, traceidratio, "
                + "parentbased_always_on, parentbased_always_off, parentbased_traceidratio")
        }
    }

    /// The default: parentbased_always_on.
    public static let `default` = Sampler.parentBased(root: .alwaysOn)
}
