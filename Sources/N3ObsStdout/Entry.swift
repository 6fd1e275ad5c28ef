import CN3Obs
import N3ObsPluginKit

// The plugin's two entry points (n3obs_exporter.h): the host looks for n3obs_exporter_init,
// else n3obs_<basename>_init. Both names are exported so either lookup finds the plugin;
// n3obs_stdout.map keeps every other symbol inside the library.

@_cdecl("n3obs_stdout_init")
public func n3obs_stdout_init(
    _ host: UnsafePointer<n3obs_host>?, _ config: UnsafePointer<CChar>?,
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_exporter>?>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int
) -> Int32 {
    PluginEntry.start(host, config, out, error, errorCapacity, name: "stdout") { host, config in
        let settings = try StdoutSettings(config: config, host: host)
        return (try StdoutExporter(host: host, settings: settings), StdoutExporter.capabilities)
    }
}

@_cdecl("n3obs_exporter_init")
public func n3obs_exporter_init(
    _ host: UnsafePointer<n3obs_host>?, _ config: UnsafePointer<CChar>?,
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_exporter>?>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int
) -> Int32 {
    n3obs_stdout_init(host, config, out, error, errorCapacity)
}
