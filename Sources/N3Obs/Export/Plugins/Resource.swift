import CN3Obs
import Glibc
import N3ObsSupport

/// The resource every exporter describes this process with, as OpenTelemetry's SDKs build
/// it: service.name first, then OTEL_RESOURCE_ATTRIBUTES (whose service.name loses to
/// OTEL_SERVICE_NAME and to the config), then what the SDK detects about the process
/// (service.instance.id, process.pid; the environment's values win), then the SDK's
/// telemetry.sdk.* attributes. Built once at start and never freed: plugins keep the
/// pointers.
public enum Resource {
    public static func attributes(serviceName: String, language: String = "swift",
                                  environment: (String) -> String? = Environment.get)
        -> [(key: String, value: String)]
    {
        var result: [(key: String, value: String)] = [("service.name", serviceName)]
        for pair in (environment("OTEL_RESOURCE_ATTRIBUTES") ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
            guard parts.count == 2, !parts[0].isEmpty, parts[0] != "service.name",
                  !result.contains(where: { $0.key == parts[0] }) else { continue }
            result.append((parts[0], percentDecoded(parts[1])))
        }
        // Processes of one service must be told apart, or a collector merges their streams.
        for (key, value) in ProcessIdentity.current() where !result.contains(where: { $0.key == key }) {
            result.append((key, value))
        }
        result.append(("telemetry.sdk.name", "n3obs"))
        result.append(("telemetry.sdk.language", language))
        result.append(("telemetry.sdk.version", N3ObsVersion.string))
        return result
    }

    /// The resource as the plugin host table gives it (process-lifetime memory).
    public static func cAttributesForPlugins(serviceName: String, language: String) -> (UnsafePointer<n3obs_attribute>, Int) {
        let list = attributes(serviceName: serviceName, language: language)
        let made = cAttributes(list)
        let identity = ProcessIdentity.current()
        // The entries the SDK detected (not given by OTEL_RESOURCE_ATTRIBUTES): fork renews them.
        let detected = list.indices.filter { i in identity.contains { $0 == list[i] } }
        lock.withLock { published = (UnsafeMutablePointer(mutating: made.0), detected) }
        return made
    }

    /// In a child made by fork(): the detected process identity is new (a new
    /// service.instance.id and process.pid), written into the table plugins read before
    /// they start again in the child. Values from OTEL_RESOURCE_ATTRIBUTES stay.
    public static func refreshAfterFork() {
        let fresh = ProcessIdentity.renew()
        guard let (array, detected) = lock.withLock({ published }) else { return }
        for i in detected {
            let key = String(cString: array[i].key)
            guard let value = fresh.first(where: { $0.key == key })?.value else { continue }
            array[i].value.string_value = UnsafePointer(strdup(value)) // the old one may be held: never freed
        }
    }

    private static let lock = Lock()
    nonisolated(unsafe) private static var published: (UnsafeMutablePointer<n3obs_attribute>, [Int])?

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

/// What tells this process apart from the others of its service: a random
/// service.instance.id (a UUID, as the semantic conventions recommend) and process.pid.
enum ProcessIdentity {
    private static let lock = Lock()
    nonisolated(unsafe) private static var instanceID: String?

    static func current() -> [(key: String, value: String)] {
        let id = lock.withLock { () -> String in
            if let instanceID { return instanceID }
            let made = uuid4()
            instanceID = made
            return made
        }
        return [("service.instance.id", id), ("process.pid", String(getpid()))]
    }

    /// A new identity, for a child made by fork().
    static func renew() -> [(key: String, value: String)] {
        lock.withLock { instanceID = nil }
        return current()
    }

    /// A random (version 4) UUID in its usual lowercase form.
    static func uuid4() -> String {
        var g = SystemRandomNumberGenerator() // the kernel's getrandom
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { b -> String in
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
            + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
