import CN3ObsShims
import Glibc
import N3ObsSupport

/// The periodic monitor: one thread that runs every check each interval and keeps the
/// report as the registry's last, so `/healthz` can answer from it without running checks.
/// Off unless an interval is configured.
final class HealthMonitor: @unchecked Sendable {
    private let sync = MonotonicCondition.sdk()
    private var stopped = false
    private weak var registry: HealthRegistry?
    let intervalNanos: UInt64

    init(registry: HealthRegistry, intervalNanos: UInt64) {
        self.registry = registry
        self.intervalNanos = max(intervalNanos, 1_000_000)
    }

    /// Starts the thread; false if it could not be created.
    func start() -> Bool {
        DetachedThread.start(name: "n3obs-monitor") { [self] in loop() } == nil
    }

    /// Wakes the thread and lets it end; a report in progress finishes first (bounded by
    /// the checks' timeouts), without anyone waiting for it.
    func stop() {
        sync.withLock {
            stopped = true
            sync.broadcast()
        }
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
