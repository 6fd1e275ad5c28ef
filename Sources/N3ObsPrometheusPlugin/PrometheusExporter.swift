import CN3Obs
import N3ObsPluginKit

/// A pull exporter: the host pushes nothing to it; each scrape of the endpoint asks the
/// host for a fresh snapshot. Its only job towards the host is to start and stop the server.
final class PrometheusExporter: Exporter {
    static let capabilities = N3OBS_EXPORTER_CAP_PULL

    private let server: ScrapeServer

    init(host: PluginHost, settings: PrometheusSettings) throws(PluginError) {
        server = try ScrapeServer.start(settings: settings, source: ScrapeSource(host: host, settings: settings))
        host.log(N3OBS_LOG_INFO, "serving /metrics, /healthz and /readyz on http://\(server.boundAddress)")
    }

    func shutdown(timeoutMs: UInt32) {
        server.stop()
    }
}
