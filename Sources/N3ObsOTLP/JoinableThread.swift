import Glibc

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
