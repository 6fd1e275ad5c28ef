import Glibc

/// A mutex and a condition on the monotonic clock: what the sender thread and the export
/// thread share. The plugin does not link the SDK, so it has its own.
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
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

    @inline(__always)
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    /// With the lock held: waits for a broadcast or until the monotonic deadline (ns).
    func wait(until deadline: UInt64? = nil) {
        guard let deadline else { pthread_cond_wait(cond, mutex); return }
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_cond_timedwait(cond, mutex, &ts)
    }

    func broadcast() { pthread_cond_broadcast(cond) }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// A joinable thread running a closure.
final class JoinableThread {
    private var tid = pthread_t()
    private var started = false

    private final class Body { let run: () -> Void; init(_ run: @escaping () -> Void) { self.run = run } }

    /// nil on success, else why the thread could not start.
    func start(_ run: @escaping () -> Void) -> String? {
        let ctx = Unmanaged.passRetained(Body(run)).toOpaque()
        let rc = pthread_create(&tid, nil, { ctx in
            let body = Unmanaged<Body>.fromOpaque(ctx!).takeRetainedValue()
            body.run()
            return nil
        }, ctx)
        if rc != 0 {
            Unmanaged<Body>.fromOpaque(ctx).release()
            return String(cString: strerror(rc))
        }
        started = true
        return nil
    }

    func join() {
        guard started else { return }
        started = false
        pthread_join(tid, nil)
    }
}
