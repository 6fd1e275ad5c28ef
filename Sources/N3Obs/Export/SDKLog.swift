import Glibc

/// The SDK's own log: one line per message on stderr, at or above N3OBS_LOG_LEVEL
/// ("error", "warn" (default), "info", "debug"). Plugins write here through host->log.
public enum SDKLog {
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

    nonisolated(unsafe) private static var threshold: Level = {
        switch Environment.get("N3OBS_LOG_LEVEL")?.lowercased() {
        case "error": .error
        case "info": .info
        case "debug": .debug
        default: .warn
        }
    }()

    public static func log(_ level: Level, _ source: String, _ message: String) {
        guard level <= threshold else { return }
        let line = "n3obs \(level.name) [\(source)]: \(message)\n"
        line.withCString { p in _ = write(2, p, strlen(p)) } // one write: lines never interleave
    }
}
