import NIOCore
import NIOHTTP1
import NIOPosix
import N3ObsPrometheus

/// What every connection's handler shares: the source of bodies, the pools that compute
/// them off the event loop, the connection gate, and the limits.
final class ScrapeShared: Sendable {
    let source: ScrapeSource
    let authorizer: Authorizer?
    let metricsPool: WorkPool
    let readiness: ReadinessRunner
    let gate: ConnectionGate
    /// For a new connection's first request.
    let firstRequestTimeout: TimeAmount
    /// For each later request of a keep-alive connection, and for taking a response.
    let timeout: TimeAmount
    /// No endpoint takes a body: one this large is refused (413) rather than read.
    let maxBodyBytes: Int

    init(source: ScrapeSource, authorizer: Authorizer?, metricsPool: WorkPool, readiness: ReadinessRunner,
         gate: ConnectionGate, firstRequestTimeout: TimeAmount, timeout: TimeAmount, maxBodyBytes: Int) {
        self.source = source
        self.authorizer = authorizer
        self.metricsPool = metricsPool
        self.readiness = readiness
        self.gate = gate
        self.firstRequestTimeout = min(firstRequestTimeout, timeout)
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Serves one connection: routes each request, answers it, and keeps a deadline on the
/// client. The deadline runs while the server waits for a whole request (from connecting,
/// shorter for the first request, or from the previous response) and while a response is
/// being written; it is off only while the answer is computed. A client that misses it is
/// disconnected, so one that never finishes its request or never reads holds nothing for long.
final class ScrapeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let shared: ScrapeShared
    private var request: HTTPRequestHead?
    private var bodyBytes = 0
    /// Set once the answer is a refusal that closes the connection: the rest is ignored.
    private var refusing = false
    private var deadline: Scheduled<Void>?

    init(shared: ScrapeShared) { self.shared = shared }

    func handlerAdded(context: ChannelHandlerContext) { armDeadline(context, shared.firstRequestTimeout) }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }
        switch Self.unwrapInboundIn(data) {
        case let .head(head):
            request = head
            bodyBytes = 0
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > shared.maxBodyBytes {
                return refuse(context, head, .payloadTooLarge, "413 payload too large: no endpoint takes a body\n")
            }
        case let .body(part):
            // No endpoint takes a body: a small one is read and dropped.
            bodyBytes += part.readableBytes
            if bodyBytes > shared.maxBodyBytes, let head = request {
                refuse(context, head, .payloadTooLarge, "413 payload too large: no endpoint takes a body\n")
            }
        case .end:
            guard let head = request else { return }
            request = nil
            deadline?.cancel()
            deadline = nil
            shared.gate.busy(context.channel)
            route(context, head)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func armDeadline(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            channel.close(promise: nil)
        }
    }

    /// Answers and closes, whatever the request asked for.
    private func refuse(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ status: HTTPResponseStatus,
                        _ message: String) {
        refusing = true
        var closing = head
        closing.headers.replaceOrAdd(name: "connection", value: "close")
        send(context, closing, status, Self.textPlain, Array(message.utf8))
    }

    // MARK: routing

    private func route(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        let target = Self.originForm(head.uri)
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? target
        let endpoint: Endpoint
        switch path {
        case "/metrics": endpoint = .metrics
        case "/healthz": endpoint = .healthz
        case "/readyz": endpoint = .readyz
        default:
            return send(context, head, .notFound, Self.textPlain, Array("404 page not found\n".utf8))
        }
        guard head.method == .GET || head.method == .HEAD else {
            return send(context, head, .methodNotAllowed, Self.textPlain, Array("405 method not allowed\n".utf8),
                        extra: [("Allow", "GET, HEAD")])
        }
        if endpoint != .healthz, let authorizer = shared.authorizer,
           !authorizer.allows(head.headers.first(name: "authorization")) {
            return send(context, head, .unauthorized, Self.textPlain, Array("401 unauthorized\n".utf8),
                        extra: [("WWW-Authenticate", authorizer.challenge)])
        }
        switch endpoint {
        case .healthz:
            send(context, head, .ok, Self.json, Array("{\"status\":\"ok\"}".utf8))
        case .metrics:
            let format = Negotiation.format(accept: head.headers[canonicalForm: "accept"].map(String.init))
            let source = shared.source
            let work = shared.metricsPool.run(on: context.eventLoop) { source.metrics(format) }
            work.assumeIsolated().whenComplete { result in
                switch result {
                case let .success(.body(buffer)):
                    self.send(context, head, .ok, format.contentType, buffer)
                case let .success(.unavailable(message)):
                    self.send(context, head, .serviceUnavailable, Self.textPlain, Array("\(message)\n".utf8))
                case .failure:
                    self.send(context, head, .serviceUnavailable, Self.textPlain, Array("shutting down\n".utf8))
                }
            }
        case .readyz:
            shared.readiness.run(on: context.eventLoop).assumeIsolated().whenComplete { result in
                switch result {
                case let .success((status, json)):
                    self.send(context, head, HTTPResponseStatus(statusCode: status), Self.json, json)
                case .failure:
                    self.send(context, head, .serviceUnavailable, Self.json, ScrapeSource.errorJSON("shutting down"))
                }
            }
        }
    }

    private enum Endpoint { case metrics, healthz, readyz }

    /// "http://host:port/metrics?x" -> "/metrics?x": a server must accept the absolute form
    /// (RFC 9112 3.2.2), which proxies send. Any other target is returned as it is.
    static func originForm(_ target: String) -> String {
        let lower = target.prefix(8).lowercased()
        let schemeLength = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0 else { return target }
        let rest = target.dropFirst(schemeLength)
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        return rest[slash] == "?" ? "/" + rest[slash...] : String(rest[slash...])
    }

    static let textPlain = "text/plain; charset=utf-8"
    static let json = "application/json"

    private func send(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: HTTPResponseStatus,
                      _ contentType: String, _ body: [UInt8], extra: [(String, String)] = []) {
        send(context, request, status, contentType, context.channel.allocator.buffer(bytes: body), extra: extra)
    }

    private func send(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: HTTPResponseStatus,
                      _ contentType: String, _ body: ByteBuffer, extra: [(String, String)] = []) {
        guard context.channel.isActive else { return }
        let keepAlive = request.isKeepAlive
        var headers = HTTPHeaders()
        headers.reserveCapacity(4 + extra.count)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        for (name, value) in extra { headers.add(name: name, value: value) }
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if request.version.major == 1 && request.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        armDeadline(context, shared.timeout)   // the client must take the response in time too
        context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status,
                                                                   headers: headers))), promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { result in
            guard case .success = result, keepAlive else {
                channel.close(promise: nil)
                return
            }
            self.shared.gate.waiting(channel)
            self.armDeadline(context, self.shared.timeout)   // now for the next request
        }
    }
}
