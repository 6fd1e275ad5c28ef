import CN3Obs
import Glibc
import N3ObsPluginKit
import N3ObsPrometheus
import NIOCore

/// What the endpoints serve, computed off the event loop (collecting 10,000 series or
/// running a slow health check must not hold up other connections). Every host function
/// is thread-safe, so one instance serves all threads.
final class ScrapeSource: @unchecked Sendable {
    private let host: PluginHost
    private let prefix: String

    private static let allocator = ByteBufferAllocator()

    init(host: PluginHost, settings: PrometheusSettings) {
        self.host = host
        prefix = settings.prefix
    }

    /// Logs a warning through the host (from any thread).
    func warn(_ message: String) { host.warn(message) }

    enum Outcome: Sendable {
        case body(ByteBuffer)
        /// The host could not collect (shutting down): the message for a 503.
        case unavailable(String)
    }

    /// A fresh snapshot rendered in `format`: nothing is cached between scrapes. The text
    /// goes straight into the buffer the socket writes from.
    func metrics(_ format: Exposition.Format) -> Outcome {
        let result = host.withMetricsSnapshot { snapshot in
            Exposition.withRendered(snapshot.raw, format: format, prefix: prefix) { Self.allocator.buffer(bytes: $0) }
        }
        switch result {
        case let .success(bytes): return .body(bytes)
        case let .failure(e): return .unavailable(e.description)
        }
    }

    /// Runs the checks that are due and returns the report's JSON with the HTTP status a
    /// load balancer expects: 200 healthy or degraded, 503 unhealthy or unknown.
    func readiness() -> (status: Int, json: [UInt8]) {
        let result = host.withHealthReport(run: true) { report -> (Int, [UInt8])? in
            guard let report else { return nil }
            let code = report.status == N3OBS_HEALTH_UNHEALTHY ? 503 : 200
            guard let raw = host.raw, host.provides(\.health_json_free),
                  let toJSON = raw.pointee.health_report_json, let freeJSON = raw.pointee.health_json_free else {
                return (code, Array("{\"status\":\"\(report.statusName)\"}".utf8))
            }
            var text: UnsafeMutablePointer<CChar>?
            guard toJSON(&text, report.raw) == 0, let text else {
                return (code, Array("{\"status\":\"\(report.statusName)\"}".utf8))
            }
            defer { freeJSON(text) }
            return (code, Array(UnsafeRawBufferPointer(start: text, count: strlen(text))))
        }
        switch result {
        case let .success(answer?): return answer
        case .success(nil): return (503, Self.errorJSON("no health report"))
        case let .failure(e): return (503, Self.errorJSON(e.description))
        }
    }

    static func errorJSON(_ message: String) -> [UInt8] {
        var w = JSONWriter(reserving: 64)
        w.beginObject()
        w.key("status"); w.string("unknown")
        w.key("error"); w.string(message)
        w.endObject()
        return w.bytes
    }
}
