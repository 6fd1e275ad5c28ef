import Glibc
import N3ObsPluginKit
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import N3ObsSupport

/// The HTTP/1.1 server: one event-loop thread for the sockets (`n3obs-prom-loop`), two
/// threads that collect and render scrapes (`n3obs-scrape`), one that runs health
/// checks (`n3obs-readyz`). None of them is a thread of the instrumented program, none
/// of the program's threads ever waits for them, and `stop` joins all four.
final class ScrapeServer: Sendable {
    private let loopThread: LoopThread
    private let metricsPool: WorkPool
    private let healthPool: WorkPool
    private let channel: Channel
    /// "127.0.0.1:9464" as bound (the real port when 0 was asked for).
    let boundAddress: String

    private init(loopThread: LoopThread, metricsPool: WorkPool, healthPool: WorkPool,
                 channel: Channel, boundAddress: String) {
        self.loopThread = loopThread
        self.metricsPool = metricsPool
        self.healthPool = healthPool
        self.channel = channel
        self.boundAddress = boundAddress
    }

    static func start(settings: PrometheusSettings, source: ScrapeSource,
                      gate: ConnectionGate) throws(PluginError) -> ScrapeServer {
        let loopThread: LoopThread, metricsPool: WorkPool, healthPool: WorkPool
        do {
            loopThread = try LoopThread.start(name: "n3obs-prom-loop")
            metricsPool = try WorkPool(name: "n3obs-scrape", count: 2)
            healthPool = try WorkPool(name: "n3obs-readyz", count: 1)
        } catch {
            throw PluginError("cannot start the server's threads: \(error.reason)")
        }
        let shared = ScrapeShared(
            source: source, authorizer: settings.credentials.map(Authorizer.init),
            metricsPool: metricsPool, readiness: ReadinessRunner(source: source, pool: healthPool), gate: gate,
            firstRequestTimeout: .milliseconds(Int64(settings.firstRequestTimeoutMs)),
            timeout: .milliseconds(Int64(settings.headerTimeoutMs)), maxBodyBytes: settings.maxHeaderBytes)
        let limits = {
            var l = NIOHTTPDecoderLimitConfiguration()
            l.maxHeaderListSize = settings.maxHeaderBytes
            l.maxHeaderFieldSize = settings.maxHeaderBytes
            // The limit is in bytes, as documented: a header takes at least one byte, so
            // the count limit can never be the one that refuses.
            l.maxHeaderFieldCount = settings.maxHeaderBytes
            return l
        }()
        let bootstrap = ServerBootstrap(group: loopThread.loop)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                // Past the cap: a failed initializer makes NIO close the new connection.
                guard gate.admit(channel) else { return channel.eventLoop.makeFailedFuture(ConnectionGate.Refused()) }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    // Malformed or oversized requests: HTTPServerProtocolErrorHandler
                    // answers 400 and closes.
                    try sync.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
                    try sync.addHandler(HTTPResponseCompressor(initialByteBufferCapacity: 0) { head, _ in
                        // Only the expositions are worth compressing; JSON and errors are tiny.
                        let type = head.headers.first(name: "content-type") ?? ""
                        return type.hasPrefix("text/plain; version") || type.hasPrefix("application/openmetrics")
                            ? .compressIfPossible : .doNotCompress
                    })
                    try sync.addHandler(RequestLineCheck(maxLineBytes: settings.maxHeaderBytes), position: .first)
                    try sync.addHandler(ScrapeHandler(shared: shared))
                }
            }
        do {
            let channel = try bootstrap.bind(host: settings.host, port: settings.port).wait()
            let address = channel.localAddress.map(Self.describe) ?? "\(settings.host):\(settings.port)"
            return ScrapeServer(loopThread: loopThread, metricsPool: metricsPool, healthPool: healthPool,
                                channel: channel, boundAddress: address)
        } catch {
            let now = MonotonicCondition.now()
            metricsPool.stop(untilMonotonic: now + 1_000_000_000)
            healthPool.stop(untilMonotonic: now + 1_000_000_000)
            loopThread.stop(untilMonotonic: now + 1_000_000_000)
            // NIO's IOError prints its syscall wrapper and unbalanced parentheses; say it plainly.
            let reason = (error as? IOError).map { "\(String(cString: strerror($0.errnoCode))) (errno \($0.errnoCode))" }
                ?? "\(error)"
            throw PluginError("cannot listen on \(settings.host):\(settings.port): \(reason)")
        }
    }

    /// Closes the listening socket, stops the pools (requests waiting for them get 503),
    /// then closes the loop with every connection on it, joining each thread until `deadline`
    /// (monotonic ns). The pools go first: their results are delivered on the loop.
    /// - Returns: how many threads were still running at the deadline (left to end on their
    ///   own: a health check that does not return holds `n3obs-readyz`).
    func stop(untilMonotonic deadline: UInt64) -> Int {
        try? channel.close().wait()
        var left = metricsPool.stop(untilMonotonic: deadline) + healthPool.stop(untilMonotonic: deadline)
        if !loopThread.stop(untilMonotonic: deadline) { left += 1 }
        return left
    }

    private static func describe(_ a: SocketAddress) -> String {
        let ip = a.ipAddress ?? "?"
        let port = a.port.map(String.init) ?? "?"
        if case .v6 = a { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}
