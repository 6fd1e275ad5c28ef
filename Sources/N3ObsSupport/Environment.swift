import Glibc

/// The process environment, read without Foundation: by the SDK's configuration and by
/// the plugins' settings alike.
public enum Environment {
    /// The variable's value; "" when it is set but empty (the SDK gives some of its
    /// variables a meaning when empty, e.g. N3OBS_METRIC_NAMESPACE="" for no prefix).
    @Sendable public static func get(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The variable's value, nil when it is unset or empty: OpenTelemetry's rule for its
    /// exporter variables, which the plugins follow.
    @Sendable public static func nonEmpty(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}
