import CN3Obs
import N3ObsPluginKit

// The plugin's two entry points (n3obs_exporter.h): the host looks for n3obs_exporter_init,
// else n3obs_<basename>_init. n3obs_prometheus.map keeps every other symbol, SwiftNIO's
// included, inside the library.

@_cdecl("n3obs_prometheus_init")
public func n3obs_prometheus_init(
    _ host: UnsafePointer<n3obs_host>?, _ config: UnsafePointer<CChar>?,
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_exporter>?>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int
) -> Int32 {
    PluginEntry.start(host, config, out, error, errorCapacity, name: "prometheus") { host, config in
        let settings = try PrometheusSettings(config: config, host: host)
        return (try PrometheusExporter(host: host, settings: settings), PrometheusExporter.capabilities)
    }
}

@_cdecl("n3obs_exporter_init")
public func n3obs_exporter_init(
    _ host: UnsafePointer<n3obs_host>?, _ config: UnsafePointer<CChar>?,
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<n3obs_exporter>?>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int
) -> Int32 {
    n3obs_prometheus_init(host, config, out, error, errorCapacity)
}
