import CN3ObsShims
import Glibc
import N3ObsSupport

/// The SDK's own log, and its plugins' (host->log): lines at or above N3OBS_LOG_LEVEL
/// ("error", "warn" (default), "info", "debug") go to the sink the configuration names
/// (n3obs_config.log_sink), else one line each on fd 2.
public enum SDKLog {
    /// The values of N3OBS_LOG_* in n3obs.h.
    public enum Level: Int32, Sendable, Comparable {
        case error = 1, warn = 2, info = 3, debug = 4

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        var name: String {
            switch self {
            case .error: "error"
            case .warn: "warn"
            case .info: "info"
            case .debug: "debug"
            }
        }
    }

    /// Where the lines go instead of fd 2: called on whichever thread logs, outside the
    /// fork gate, never twice at once on one thread (see `isInSink`).
    public final class Sink: Sendable, Equatable {
        let write: @Sendable (_ level: Level, _ component: String, _ message: String) -> Void

        public init(_ write: @escaping @Sendable (_ level: Level, _ component: String, _ message: String) -> Void) {
            self.write = write
        }

        public static func == (a: Sink, b: Sink) -> Bool { a === b }
    }

    nonisolated(unsafe) private static var threshold: Level = {
        switch Environment.get("N3OBS_LOG_LEVEL")?.lowercased() {
        case "error": .error
        case "info": .info
        case "debug": .debug
        default: .warn
        }
    }()

    private static let lock = Lock()
    nonisolated(unsafe) private static var sink: Sink?
    /// Set (non-NULL) on a thread while it runs the sink.
    private static let inSinkKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Installs the sink of a starting SDK (nil: fd 2). It stays for the rest of the
    /// process: the exit flush and threads still ending after shutdown log there too.
    static func install(_ new: Sink?) { lock.withLock { sink = new } }

    /// Whether the calling thread is inside the sink: a call that waits for the SDK's
    /// threads (start, shutdown, flush) could wait for itself there, so they refuse it.
    public static var isInSink: Bool { pthread_getspecific(inSinkKey) != nil }

    /// Throws `.misuse` on a thread that runs the sink.
    static func refuseInSink() throws(N3ObsError) {
        guard isInSink else { return }
        throw N3ObsError(.misuse, "called from the log sink, which must not call n3obs")
    }

    public static func log(_ level: Level, _ source: String, _ message: String) {
        guard level <= threshold else { return }
        // A line logged by the sink's own n3obs calls goes to fd 2 rather than back into it.
        if !isInSink {
            // Inside the gate to read the sink (a fork never finds its lock held), entered
            // here so that stepping out is right on threads the gate never saw (a plugin's
            // own) as on the SDK's.
            n3o_gate_enter(); defer { n3o_gate_leave() }
            if let sink = lock.withLock({ sink }) {
                pthread_setspecific(inSinkKey, UnsafeRawPointer(bitPattern: 1))
                defer { pthread_setspecific(inSinkKey, nil) }
                ForkGate.outside { sink.write(level, source, message) }
                return
            }
        }
        let line = "n3obs \(level.name) [\(source)]: \(message)\n"
        line.withCString { p in _ = write(2, p, strlen(p)) } // one write: lines never interleave
    }
}
