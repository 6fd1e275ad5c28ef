/// What a check's body returns: a raw status (trusted only after `HealthStatus(rawValue:)`,
/// because a C callback may return anything) and a detail message for people.
public struct HealthOutcome: Sendable, Equatable {
    public var rawStatus: Int32
    public var detail: String

    public init(_ status: HealthStatus, _ detail: String = "") {
        self.rawStatus = status.rawValue
        self.detail = detail
    }

    public init(rawStatus: Int32, detail: String) {
        self.rawStatus = rawStatus
        self.detail = detail
    }
}

/// A health check as registered: its description and the body that runs it.
///
///     let check = HealthCheckDefinition(name: "database", timeoutMilliseconds: 500, critical: true) {
///         db.ping() ? HealthOutcome(.healthy) : HealthOutcome(.unhealthy, "ping failed")
///     }
public struct HealthCheckDefinition: Sendable {
    public var name: String
    public var description: String
    /// How long a report waits for the body; 0 gives `HealthLimits.defaultTimeoutMilliseconds`.
    public var timeoutMilliseconds: UInt32
    /// Whether this check failing makes the whole report unhealthy (else at most degraded).
    public var critical: Bool
    public var tags: [String]
    /// A report reuses a result younger than this instead of running the body again; 0 runs
    /// the body for every report.
    public var intervalMilliseconds: UInt32
    /// Runs on one of the health worker threads, never on the caller's.
    public var body: @Sendable () -> HealthOutcome
    /// Called once when the SDK no longer holds the check: after it was unregistered and
    /// its last run has returned (never, for a body that never returns).
    public var onRelease: (@Sendable () -> Void)?

    public init(name: String, description: String = "", timeoutMilliseconds: UInt32 = 0,
                critical: Bool = false, tags: [String] = [], intervalMilliseconds: UInt32 = 0,
                onRelease: (@Sendable () -> Void)? = nil, body: @escaping @Sendable () -> HealthOutcome) {
        self.name = name
        self.description = description
        self.timeoutMilliseconds = timeoutMilliseconds
        self.critical = critical
        self.tags = tags
        self.intervalMilliseconds = intervalMilliseconds
        self.body = body
        self.onRelease = onRelease
    }

    /// Checks the caller's values and fills defaults.
    func validated() throws(N3ObsError) -> HealthCheckDefinition {
        var d = self
        guard !name.isEmpty else { throw N3ObsError(.invalidName, "check name is empty") }
        guard name.utf8.count <= Limits.maxNameLength else {
            throw N3ObsError(.tooLong, "check name is longer than \(Limits.maxNameLength) bytes")
        }
        // Names end up in JSON, HTTP bodies and metric labels; control characters help nobody.
        guard !name.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw N3ObsError(.invalidName, "check name '\(name)' contains a control character")
        }
        guard description.utf8.count <= Limits.maxHelpLength else {
            throw N3ObsError(.tooLong, "description of '\(name)' is longer than \(Limits.maxHelpLength) bytes")
        }
        guard tags.count <= HealthLimits.maxTags else {
            throw N3ObsError(.tooLong, "'\(name)' has \(tags.count) tags; at most \(HealthLimits.maxTags)")
        }
        for tag in tags where tag.utf8.count > Limits.maxNameLength {
            throw N3ObsError(.tooLong, "a tag of '\(name)' is longer than \(Limits.maxNameLength) bytes")
        }
        if d.timeoutMilliseconds == 0 { d.timeoutMilliseconds = HealthLimits.defaultTimeoutMilliseconds }
        guard d.timeoutMilliseconds <= HealthLimits.maxTimeoutMilliseconds else {
            throw N3ObsError(.invalidValue,
                             "timeout of '\(name)' is \(d.timeoutMilliseconds) ms; at most \(HealthLimits.maxTimeoutMilliseconds)")
        }
        return d
    }
}

/// The health checks' limits, the same numbers as the N3OBS_HEALTH_* macros of n3obs.h.
public enum HealthLimits {
    public static let defaultTimeoutMilliseconds: UInt32 = 5000
    public static let maxTimeoutMilliseconds: UInt32 = 3_600_000
    public static let maxTags = 32
    /// Bytes of the detail buffer a C callback gets, its NUL included.
    public static let detailCapacity = 1024
    /// Threads that may run check bodies at once; a hung body holds one until it returns.
    public static let defaultMaxThreads = 32
}

/// A registered check and its run state. The state is guarded by the owning
/// `HealthRegistry`'s lock; a run in flight keeps the object (and so the caller's
/// user data) alive until the body returns, even after unregistration.
final class HealthCheck: @unchecked Sendable {
    let definition: HealthCheckDefinition
    let timeoutNanos: UInt64
    let intervalNanos: UInt64
    /// The run whose body has not returned yet; at most one, so hung checks never pile up.
    var inFlight: CheckRun?
    /// The latest result, reused while younger than the interval.
    var lastResult: CheckResult?

    init(_ definition: HealthCheckDefinition) {
        self.definition = definition
        timeoutNanos = UInt64(definition.timeoutMilliseconds) * 1_000_000
        intervalNanos = UInt64(definition.intervalMilliseconds) * 1_000_000
    }

    deinit { definition.onRelease?() }

    var name: String { definition.name }
}

/// One execution of a check's body.
final class CheckRun: @unchecked Sendable {
    let startedMonotonic: UInt64
    let startedUnixNano: Int64
    let deadline: UInt64
    /// Set by the worker when the body returns (guarded by the registry's lock).
    var result: CheckResult?
    /// Set when a report gave up waiting: the body's eventual result is then only logged
    /// as the check's latest, the report has moved on.
    var abandoned = false

    init(startedMonotonic: UInt64, startedUnixNano: Int64, timeoutNanos: UInt64) {
        self.startedMonotonic = startedMonotonic
        self.startedUnixNano = startedUnixNano
        self.deadline = startedMonotonic &+ timeoutNanos
    }
}
