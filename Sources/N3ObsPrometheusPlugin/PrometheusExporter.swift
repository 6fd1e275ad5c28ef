import CN3Obs
import N3ObsPluginKit
import NIOConcurrencyHelpers
import NIOCore
import N3ObsSupport

/// A pull exporter: the host pushes nothing to it; each scrape of the endpoint asks the
/// host for a fresh snapshot. Its only job towards the host is to start and stop the server.
final class PrometheusExporter: Exporter {
    static let capabilities = N3OBS_EXPORTER_CAP_PULL

    private let server: ScrapeServer
    private let host: PluginHost

    init(host: PluginHost, settings: PrometheusSettings) throws(PluginError) {
        self.host = host
        let source = ScrapeSource(host: host, settings: settings)
        let limits = "max_connections \(settings.maxConnections), "
            + "max_connections_per_peer \(settings.maxConnectionsPerPeer)"
        let lastLogged = NIOLockedValueBox<[ConnectionGate.Event: NIODeadline]>([:])
        let gate = ConnectionGate(limit: settings.maxConnections, perPeerLimit: settings.maxConnectionsPerPeer) {
            event, soFar in
            // At most one line a minute for each: a flood must not flood the log too.
            let now = NIODeadline.now()
            let due = lastLogged.withLockedValue { last in
                guard last[event].map({ now - $0 >= .seconds(60) }) ?? true else { return false }
                last[event] = now
                return true
            }
            guard due else { return }
            switch event {
            case .refused:
                source.warn("\(soFar) connection(s) refused so far: every open one was being served (\(limits))")
            case .evicted:
                source.warn("\(soFar) connection(s) closed so far to make room for a new one: they had not sent "
                            + "a whole request when a limit was reached (\(limits))")
            }
        }
        server = try ScrapeServer.start(settings: settings, source: source, gate: gate)
        host.log(N3OBS_LOG_INFO, "serving /metrics, /healthz and /readyz on http://\(server.boundAddress)")
    }

    func shutdown(timeoutMs: UInt32) {
        let deadline = MonotonicCondition.now() &+ UInt64(timeoutMs) * 1_000_000
        let left = server.stop(untilMonotonic: deadline)
        if left > 0 {
            host.log(N3OBS_LOG_WARN, "\(left) server thread(s) still busy after \(timeoutMs) ms; they end on their own")
        }
    }
}
