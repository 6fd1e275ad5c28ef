import CN3Obs
import N3ObsPluginKit

/// A pull exporter: the host pushes nothing to it; each scrape of the endpoint asks the
/// host for a fresh snapshot. Its only job towards the host is to start and stop the server.
final class PrometheusExporter: Exporter {
    static let capabilities = N3OBS_EXPORTER_CAP_PULL

    private let server: ScrapeServer

    init(host: PluginHost, settings: PrometheusSettings) throws(PluginError) {
        let source = ScrapeSource(host: host, settings: settings)
        let limit = settings.maxConnections
        let gate = ConnectionGate(limit: limit) { refused in
            // The first refusal and then every 1,000th: a flood must not flood the log too.
            if refused % 1000 == 1 {
                source.warn("\(refused) connection(s) refused so far: \(limit) are open already (max_connections)")
            }
        }
        server = try ScrapeServer.start(settings: settings, source: source, gate: gate)
        host.log(N3OBS_LOG_INFO, "serving /metrics, /healthz and /readyz on http://\(server.boundAddress)")
    }

    func shutdown(timeoutMs: UInt32) {
        server.stop()
    }
}
