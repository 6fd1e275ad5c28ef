import CN3ObsShims
import N3ObsSupport

/// The registered health checks and the latest report. The process-wide one belongs to
/// `N3ObsSDK`; tests make their own.
///
/// Reports run check bodies on `CheckWorkerPool` threads, never on the caller's, and wait
/// for each at most its timeout, so a report is on time however badly a check behaves.
public final class HealthRegistry: @unchecked Sendable {
    /// Guards every check's run state, the table and the last report; its condition is
    /// broadcast whenever a body returns.
    let sync = MonotonicCondition.sdk()
    private var checks: [String: HealthCheck] = [:]
    private var last: HealthReport?
    private var closed = false
    let pool: CheckWorkerPool
    let metrics: HealthMetrics?
    private var monitor: HealthMonitor?
    /// Where the built-in pipeline check reads the export pipeline's figures.
    public let pipeline = PipelineSource()

    /// - Parameters:
    ///   - metricsRegistry: where `n3obs_health_status` and
    ///     `n3obs_health_check_duration_seconds` are kept; nil records no metrics.
    ///   - maxThreads: how many check bodies may run at once.
    public init(metricsRegistry: Registry? = nil, maxThreads: Int = HealthLimits.defaultMaxThreads) {
        pool = CheckWorkerPool(maxThreads: maxThreads)
        metrics = metricsRegistry.flatMap { try? HealthMetrics(registry: $0) }
    }

    /// Registers a check.
    /// - Throws: the validation error of the definition; `.conflict` if the name is taken;
    ///   `.shutDown` after `close`. On failure the SDK keeps nothing (`onRelease` is not called).
    public func register(_ definition: HealthCheckDefinition) throws(N3ObsError) {
        let d = try definition.validated()
        try sync.withLock { () throws(N3ObsError) in
            guard !closed else { throw N3ObsError(.shutDown, "health checks have been shut down") }
            guard checks[d.name] == nil else {
                throw N3ObsError(.conflict, "a check named '\(d.name)' is already registered")
            }
            checks[d.name] = HealthCheck(d)
        }
    }

    /// Removes a check. A run in flight goes on and keeps the check alive until its body
    /// returns; its result goes nowhere.
    /// - Throws: `.invalidArgument` if no check has that name.
    public func unregister(_ name: String) throws(N3ObsError) {
        // Dropped after the lock is released: its deinit may call the caller's free function.
        let removed = sync.withLock { checks.removeValue(forKey: name) }
        guard removed != nil else {
            throw N3ObsError(.invalidArgument, "no check named '\(name)' is registered")
        }
    }

    /// Every check, sorted by name; call with `sync` held.
    func allChecksSorted() -> [HealthCheck] {
        checks.values.sorted { $0.name < $1.name }
    }

    /// Names of the registered checks, sorted.
    public var checkNames: [String] { sync.withLock { checks.keys.sorted() } }

    /// Runs every check that is due and keeps the report as the last one.
    public func runAll() -> HealthReport {
        let report = run(nil, honourIntervals: true)
        sync.withLock { last = report }
        return report
    }

    /// Runs one check now (whatever its interval) and returns a report of it alone; the
    /// last report is not changed.
    /// - Throws: `.invalidArgument` if no check has that name.
    public func run(checkNamed name: String) throws(N3ObsError) -> HealthReport {
        guard let check = sync.withLock({ checks[name] }) else {
            throw N3ObsError(.invalidArgument, "no check named '\(name)' is registered")
        }
        return run([check], honourIntervals: false)
    }

    /// The report of the latest `runAll` (or monitor tick); nil before the first.
    public func lastReport() -> HealthReport? { sync.withLock { last } }

    /// Threads running (or ready to run) check bodies.
    public var threadCount: Int { pool.threadCount }

    /// Starts the periodic monitor (once); it runs `runAll` every `intervalMilliseconds`.
    @discardableResult
    public func startMonitor(intervalMilliseconds: UInt32) -> Bool {
        guard intervalMilliseconds > 0 else { return false }
        return sync.withLock { () -> Bool in
            guard !closed, monitor == nil else { return false }
            let m = HealthMonitor(registry: self, intervalNanos: UInt64(intervalMilliseconds) * 1_000_000)
            guard m.start() else { return false }
            monitor = m
            return true
        }
    }

    /// In a forked child: no worker threads, no run in flight (those threads stayed in the
    /// parent), and the monitor started again if there was one. The locks are as they were:
    /// the fork gate let fork() happen only while none was held.
    func resetAfterFork() {
        sync.resetWaitersAfterFork()
        pool.resetAfterFork()
        for check in checks.values { check.inFlight = nil }
        if let old = monitor {
            old.forgetAfterFork()
            monitor = nil
            _ = startMonitor(intervalMilliseconds: UInt32(old.intervalNanos / 1_000_000))
        }
    }

    /// Stops the monitor and the worker threads, joining them until `deadline` (monotonic
    /// ns), and unregisters every check; used by `N3ObsSDK.shutdown`. Idle threads end at
    /// once; a body that has not returned by the deadline keeps its thread, which is then
    /// left to end on its own.
    /// - Returns: how many threads were left running (0 when every one was joined).
    @discardableResult
    public func close(untilMonotonic deadline: UInt64) -> Int {
        let (dropped, m) = sync.withLock { () -> ([String: HealthCheck], HealthMonitor?) in
            closed = true
            defer { checks.removeAll(); monitor = nil }
            return (checks, monitor)
        }
        // The monitor first: a report it is making still uses the pool.
        let monitorLeft = (m?.stop(untilMonotonic: deadline) ?? true) ? 0 : 1
        let left = monitorLeft + pool.stop(untilMonotonic: deadline)
        _ = dropped
        return left
    }

    /// `close` with a deadline `timeoutMilliseconds` from now.
    @discardableResult
    public func close(timeoutMilliseconds: UInt32 = 5000) -> Int {
        close(untilMonotonic: n3o_monotonic_ns() &+ UInt64(timeoutMilliseconds) * 1_000_000)
    }
}
