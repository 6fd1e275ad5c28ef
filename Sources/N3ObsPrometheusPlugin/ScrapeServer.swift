import Glibc
import N3ObsPluginKit
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix

/// The HTTP/1.1 server: one event-loop thread for the sockets, two threads that collect
/// and render scrapes, one that runs health checks. None of them is a thread of the
/// instrumented program, and none of the program's threads ever waits for them.
final class ScrapeServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let metricsPool: NIOThreadPool
    private let healthPool: NIOThreadPool
    private let channel: Channel
    /// "127.0.0.1:9464" as bound (the real port when 0 was asked for).
    let boundAddress: String

    private init(group: MultiThreadedEventLoopGroup, metricsPool: NIOThreadPool, healthPool: NIOThreadPool,
                 channel: Channel, boundAddress: String) {
        self.group = group
        self.metricsPool = metricsPool
        self.healthPool = healthPool
        self.channel = channel
        self.boundAddress = boundAddress
    }

    static func start(settings: PrometheusSettings, source: ScrapeSource,
                      gate: ConnectionGate) throws(PluginError) -> ScrapeServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let metricsPool = NIOThreadPool(numberOfThreads: 2)
        let healthPool = NIOThreadPool(numberOfThreads: 1)
        metricsPool.start()
        healthPool.start()
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
        let bootstrap = ServerBootstrap(group: group)
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
            return ScrapeServer(group: group, metricsPool: metricsPool, healthPool: healthPool, channel: channel,
                                boundAddress: address)
        } catch {
            try? group.syncShutdownGracefully()
            try? metricsPool.syncShutdownGracefully()
            try? healthPool.syncShutdownGracefully()
            // NIO's IOError prints its syscall wrapper and unbalanced parentheses; say it plainly.
            let reason = (error as? IOError).map { "\(String(cString: strerror($0.errnoCode))) (errno \($0.errnoCode))" }
                ?? "\(error)"
            throw PluginError("cannot listen on \(settings.host):\(settings.port): \(reason)")
        }
    }

    /// Closes the listening socket and every connection, then stops the threads.
    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
        try? metricsPool.syncShutdownGracefully()
        try? healthPool.syncShutdownGracefully()
    }

    private static func describe(_ a: SocketAddress) -> String {
        let ip = a.ipAddress ?? "?"
        let port = a.port.map(String.init) ?? "?"
        if case .v6 = a { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}
