import CN3Obs
import Glibc

/// The resource every exporter describes this process with, as OpenTelemetry's SDKs build
/// it: service.name first, then OTEL_RESOURCE_ATTRIBUTES (whose service.name loses to
/// OTEL_SERVICE_NAME and to the config), then the SDK's telemetry.sdk.* attributes.
/// Built once at start and never freed: plugins keep the pointers.
public enum Resource {
    public static func attributes(serviceName: String, environment: (String) -> String? = Environment.get)
        -> [(key: String, value: String)]
    {
        var result: [(key: String, value: String)] = [("service.name", serviceName)]
        for pair in (environment("OTEL_RESOURCE_ATTRIBUTES") ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
            guard parts.count == 2, !parts[0].isEmpty, parts[0] != "service.name",
                  !result.contains(where: { $0.key == parts[0] }) else { continue }
            result.append((parts[0], percentDecoded(parts[1])))
        }
        result.append(("telemetry.sdk.name", "n3obs"))
        result.append(("telemetry.sdk.language", "swift"))
        result.append(("telemetry.sdk.version", N3ObsVersion.string))
        return result
    }

    /// The resource as the plugin host table gives it (process-lifetime memory).
    public static func cAttributesForPlugins(serviceName: String) -> (UnsafePointer<n3obs_attribute>, Int) {
        cAttributes(attributes(serviceName: serviceName))
    }

    /// The same as C attributes, in memory that lives until the process exits.
    static func cAttributes(_ list: [(key: String, value: String)]) -> (UnsafePointer<n3obs_attribute>, Int) {
        let array = UnsafeMutablePointer<n3obs_attribute>.allocate(capacity: max(1, list.count))
        for (i, item) in list.enumerated() {
            var value = n3obs_value()
            value.type = Int32(N3OBS_VALUE_STRING.rawValue)
            value.string_value = UnsafePointer(strdup(item.value))
            array[i] = n3obs_attribute(key: UnsafePointer(strdup(item.key)), value: value)
        }
        return (UnsafePointer(array), list.count)
    }

    /// The specification percent-encodes values in OTEL_RESOURCE_ATTRIBUTES.
    static func percentDecoded(_ s: String) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2,
               let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
