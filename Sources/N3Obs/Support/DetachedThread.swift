import CN3ObsShims
import Glibc

/// Starts detached pthreads for the SDK's own work (export workers, the pipeline's
/// coordinator). pthreads rather than Dispatch: their number is ours to bound and count.
/// Each runs inside the fork gate, stepping out only while it waits or calls out.
enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new detached thread named `name` (at most 15 bytes show).
    /// - Returns: nil, or why the thread could not start.
    static func start(name: String, _ body: @escaping () -> Void) -> String? {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(Body {
            n3o_set_thread_name(name)
            n3o_gate_enter()
            body()
            n3o_gate_leave()
        }).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attr, { context in
            guard let context else { return nil }
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return "pthread_create: \(String(cString: strerror(rc)))"
        }
        return nil
    }
}
