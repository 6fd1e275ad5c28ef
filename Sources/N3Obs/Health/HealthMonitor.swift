import CN3ObsShims
import Glibc
import N3ObsSupport

/// The periodic monitor: one thread that runs every check each interval and keeps the
/// report as the registry's last, so `/healthz` can answer from it without running checks.
/// Off unless an interval is configured.
final class HealthMonitor: @unchecked Sendable {
    private let sync = MonotonicCondition.sdk()
    private var stopped = false
    private var thread: NamedThread?
    private weak var registry: HealthRegistry?
    let intervalNanos: UInt64

    init(registry: HealthRegistry, intervalNanos: UInt64) {
        self.registry = registry
        self.intervalNanos = max(intervalNanos, 1_000_000)
    }

    /// Starts the thread; false if it could not be created.
    func start() -> Bool {
        guard case let .success(t) = SDKThread.start(name: "n3obs-monitor", { [self] in loop() }) else { return false }
        sync.withLock { thread = t }
        return true
    }

    /// Wakes the thread and joins it until `deadline` (monotonic ns); a report in progress
    /// finishes first (bounded by the checks' timeouts).
    /// - Returns: false if the thread was still making a report at the deadline (it is
    ///   then left to end on its own).
    @discardableResult
    func stop(untilMonotonic deadline: UInt64) -> Bool {
        let t = sync.withLock { () -> NamedThread? in
            stopped = true
            sync.broadcast()
            defer { thread = nil }
            return thread
        }
        guard let t, !t.isCurrent else { return true }
        return t.join(untilMonotonic: deadline)
    }

    /// In a forked child: the thread stayed in the parent.
    func forgetAfterFork() {
        thread?.forgetAfterFork()
        thread = nil
    }

    private func loop() {
        var next = n3o_monotonic_ns()
        while true {
            guard let registry, !sync.withLock({ stopped }) else { return }
            _ = registry.runAll()
            // Ticks keep their phase; a report slower than the interval skips ticks
            // instead of running back to back.
            next &+= intervalNanos
            let now = n3o_monotonic_ns()
            if next <= now { next = now &+ intervalNanos }
            let stop = sync.withLock { () -> Bool in
                while !stopped && n3o_monotonic_ns() < next { sync.wait(untilMonotonic: next) }
                return stopped
            }
            if stop { return }
        }
    }
}
