/// The result of one check in a report.
public struct CheckResult: Sendable, Equatable {
    public var name: String
    public var description: String
    public var status: HealthStatus
    public var critical: Bool
    /// What the check said, or why it failed ("timed out after 100 ms"). May be "".
    public var detail: String
    public var durationNanos: Int64
    /// When the run began, in Unix nanoseconds.
    public var timestampUnixNano: Int64
    public var tags: [String]
    /// The body did not return within the timeout.
    public var timedOut: Bool
    /// The body is still running from an earlier run past its timeout, so it was not started again.
    public var stuck: Bool
    /// Reused from an earlier run because the check's interval has not passed.
    public var cached: Bool
    /// When the result was decided, for the interval (monotonic nanoseconds).
    var decidedMonotonic: UInt64 = 0

    public init(name: String, description: String = "", status: HealthStatus, critical: Bool = false,
                detail: String = "", durationNanos: Int64 = 0, timestampUnixNano: Int64 = 0,
                tags: [String] = [], timedOut: Bool = false, stuck: Bool = false, cached: Bool = false) {
        self.name = name
        self.description = description
        self.status = status
        self.critical = critical
        self.detail = detail
        self.durationNanos = durationNanos
        self.timestampUnixNano = timestampUnixNano
        self.tags = tags
        self.timedOut = timedOut
        self.stuck = stuck
        self.cached = cached
    }

    /// A result of `check` with its name, description, tags and critical flag filled in.
    init(of check: HealthCheck, status: HealthStatus, detail: String, run: CheckRun, durationNanos: UInt64,
         now: UInt64) {
        let d = check.definition
        self.init(name: d.name, description: d.description, status: status, critical: d.critical,
                  detail: detail, durationNanos: Int64(clamping: durationNanos),
                  timestampUnixNano: run.startedUnixNano, tags: d.tags)
        decidedMonotonic = now
    }
}

/// Every check's result and the overall status, as one report.
public struct HealthReport: Sendable, Equatable {
    public var status: HealthStatus
    /// When the report was made (Unix nanoseconds).
    public var timeUnixNano: Int64
    /// How long making it took.
    public var durationNanos: Int64
    /// Sorted by name.
    public var checks: [CheckResult]

    public init(checks: [CheckResult], timeUnixNano: Int64, durationNanos: Int64) {
        self.checks = checks
        self.status = HealthStatus.overall(checks)
        self.timeUnixNano = timeUnixNano
        self.durationNanos = durationNanos
    }

    public func check(_ name: String) -> CheckResult? { checks.first { $0.name == name } }
}
