import CN3Obs
import Glibc

/// The body of a Swift plugin's entry point: checks the host, parses the config, builds
/// the table, and turns a thrown ``PluginError`` into the error buffer and a refusal.
///
///     @_cdecl("n3obs_exporter_init")
///     public func entry(_ host: UnsafePointer<n3obs_host>?, _ config: UnsafePointer<CChar>?,
///                       _ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_exporter>?>?,
///                       _ error: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
///         PluginEntry.start(host, config, out, error, capacity, name: "mine") { host, config in
///             (try MyExporter(host: host, config: config), N3OBS_EXPORTER_CAP_SPANS)
///         }
///     }
public enum PluginEntry {
    public static func start(
        _ host: UnsafePointer<n3obs_host>?, _ config: UnsafePointer<CChar>?,
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_exporter>?>?,
        _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int,
        name: String,
        make: (PluginHost, PluginConfig) throws -> (Exporter, UInt32)
    ) -> Int32 {
        guard let out else {
            writeError("\(name): out is NULL", to: errorBuffer, capacity: errorCapacity)
            return -1
        }
        out.pointee = nil
        guard let host else {
            writeError("\(name): the host table is NULL", to: errorBuffer, capacity: errorCapacity)
            return -1
        }
        guard host.pointee.version >= 1, host.pointee.size >= 8 else {
            writeError("\(name): host table of ABI \(host.pointee.version) and \(host.pointee.size) bytes is not usable",
                       to: errorBuffer, capacity: errorCapacity)
            return -1
        }
        do {
            let config = try PluginConfig(cString: config)
            let (exporter, capabilities) = try make(PluginHost(host, pluginName: name), config)
            out.pointee = ExporterTable.make(name: name, capabilities: capabilities, exporter: exporter)
            return 0
        } catch {
            writeError("\(name): \(error)", to: errorBuffer, capacity: errorCapacity)
            return -1
        }
    }

    /// Copies message into a C buffer, NUL-terminated and cut at a UTF-8 character
    /// boundary when it does not fit.
    public static func writeError(_ message: String, to buffer: UnsafeMutablePointer<CChar>?, capacity: Int) {
        guard let buffer, capacity > 0 else { return }
        var bytes = Array(message.utf8)
        if bytes.count > capacity - 1 {
            var n = capacity - 1
            while n > 0 && bytes[n] & 0xC0 == 0x80 { n -= 1 }   // do not split a character
            bytes.removeSubrange(n...)
        }
        for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
        buffer[bytes.count] = 0
    }
}
