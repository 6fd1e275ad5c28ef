import CN3ObsShims
import Glibc
import N3ObsSupport

/// A pthread mutex in memory of its own (a Swift stored property has no stable address).
/// Used only off the hot path: registration, series creation, snapshots.
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// The fork gate (CN3ObsShims/fork_gate.c) as Swift sees it: the SDK's condition variables
/// step out of it while they wait, and code that calls out (a health check, a plugin)
/// steps out around the call, so that fork() can wait for the SDK's threads to be idle.
public enum ForkGate {
    static let waitHooks = MonotonicCondition.WaitHooks(beforeWait: n3o_gate_leave,
                                                        afterWait: { n3o_gate_reenter_holding($0) })

    /// Runs a public entry point of the core inside the gate, as a C API entry runs: a Swift
    /// caller enters here, while a caller already inside (a C API entry, an SDK thread) stays
    /// at its depth, so that a wait below still steps out of the gate.
    @inline(__always)
    public static func entry<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let entered = n3o_gate_enter_if_outside() != 0
        defer { if entered { n3o_gate_leave() } }
        return try body()
    }

    /// Runs code that is not the SDK's (a callback) outside the gate.
    @inline(__always)
    public static func outside<T>(_ body: () throws -> T) rethrows -> T {
        n3o_gate_leave()
        defer { n3o_gate_enter() }
        return try body()
    }
}

extension MonotonicCondition {
    /// A condition of the SDK's own threads: waiting steps out of the fork gate.
    static func sdk() -> MonotonicCondition { MonotonicCondition(hooks: ForkGate.waitHooks) }
}
