import CN3ObsShims

/// OpenTelemetry's built-in samplers, chosen by OTEL_TRACES_SAMPLER.
///
/// A decision is a pure function of the parent and the trace id, so the same trace id
/// always gets the same answer from a ratio sampler, in any process.
public enum Sampler: Sendable, Equatable {
    case alwaysOn
    case alwaysOff
    /// Samples the trace ids whose lower 8 bytes, read as a big-endian integer, are below
    /// `ratio * 2^64` (the algorithm of opentelemetry-python and -cpp; see n3o_sampler.h).
    case traceIdRatio(Double)
    /// Follows a parent's sampled flag; roots are decided by `root`.
    indirect case parentBased(root: Sampler)

    /// What a span's parent tells the sampler.
    public enum Parent: Sendable {
        case none
        case local(sampled: Bool)
        case remote(sampled: Bool)
    }

    /// Whether a span with this parent and trace id is sampled: n3o_sample decides (the
    /// one definition, shared with the C span start).
    public func shouldSample(parent: Parent, traceIdLow: UInt64) -> Bool {
        Self.decide(decision, parent: parent, traceIdLow: traceIdLow)
    }

    /// The decision of `decision` (a sampler's, computed once) for this parent and trace id.
    @inline(__always)
    static func decide(_ decision: n3o_sampler, parent: Parent, traceIdLow: UInt64) -> Bool {
        var c = decision
        switch parent {
        case .none: return n3o_sample(&c, 0, 0, traceIdLow) != 0
        case .local(let sampled), .remote(let sampled): return n3o_sample(&c, 1, sampled ? 1 : 0, traceIdLow) != 0
        }
    }

    /// This sampler as the C decision (n3o_sampler.h). ParentBased(ParentBased(x)) decides
    /// as ParentBased(x): a span with a parent follows it, one without asks x.
    public var decision: n3o_sampler {
        switch self {
        case .alwaysOn: return n3o_sampler_ratio(1)
        case .alwaysOff: return n3o_sampler_ratio(0)
        case .traceIdRatio(let ratio): return n3o_sampler_ratio(ratio)
        case .parentBased(let root):
            var c = root.decision
            c.parent_based = 1
            return c
        }
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
