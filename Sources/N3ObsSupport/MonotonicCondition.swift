import Glibc

/// A mutex with a condition variable on CLOCK_MONOTONIC, so that waiting for a deadline is
/// not fooled by the wall clock being set. Memory of its own (never moved). Shared by the
/// SDK's threads (export pipeline, health) and by plugins (the OTLP sender), which do not
/// link the SDK.
public final class MonotonicCondition: @unchecked Sendable {
    /// What a thread does around each wait: the SDK steps out of its fork gate while it
    /// waits (and back in, releasing the mutex if a fork is under way); plugins need none.
    public struct WaitHooks: Sendable {
        public let beforeWait: @convention(c) () -> Void
        public let afterWait: @convention(c) (UnsafeMutablePointer<pthread_mutex_t>?) -> Void
        public init(beforeWait: @escaping @convention(c) () -> Void,
                    afterWait: @escaping @convention(c) (UnsafeMutablePointer<pthread_mutex_t>?) -> Void) {
            self.beforeWait = beforeWait
            self.afterWait = afterWait
        }
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>
    private let hooks: WaitHooks?

    public init(hooks: WaitHooks? = nil) {
        self.hooks = hooks
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        cond = .allocate(capacity: 1)
        cond.initialize(to: pthread_cond_t())
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    /// In a forked child only: the condition variable may still count waiters that stayed
    /// in the parent (a signal would go to them), so it is made new. The mutex is not: the
    /// SDK forks only while no thread holds one (its fork gate), and nobody waits here yet.
    public func resetWaitersAfterFork() {
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    @inline(__always)
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// For a caller that must drop the lock for a while inside `withLock` (and take it back).
    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits for a signal; call with the lock held (inside `withLock`).
    public func wait() {
        hooks?.beforeWait()
        pthread_cond_wait(cond, mutex)
        hooks?.afterWait(mutex)
    }

    /// Waits for a signal or until the monotonic clock reaches `deadline` nanoseconds; call
    /// with the lock held. May return early (spurious wakeups): callers re-check their state.
    public func wait(untilMonotonic deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        hooks?.beforeWait()
        pthread_cond_timedwait(cond, mutex, &ts)
        hooks?.afterWait(mutex)
    }

    public func signal() { pthread_cond_signal(cond) }
    public func broadcast() { pthread_cond_broadcast(cond) }

    /// The clock the deadlines are on, in nanoseconds.
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
