import Glibc

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

    /// In a forked child only: the thread that held the mutex does not exist there, so the
    /// mutex is made new (what it guarded may be mid-update; callers reset that too).
    func reinitializeAfterFork() {
        pthread_mutex_init(mutex, nil)
    }

    @inline(__always)
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
