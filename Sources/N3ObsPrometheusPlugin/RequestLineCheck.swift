import NIOCore

/// llhttp reads a request line without a version ("GET /metrics", HTTP/0.9) as the start
/// of the headers and waits for more, while an HTTP/0.9 client waits for its answer: both
/// would hold the connection until the deadline. This looks at a connection's first request
/// line as the bytes go by to the decoder, answers 400 and closes when it has no HTTP/1.x
/// version, and then leaves the pipeline. Later requests of a keep-alive connection come
/// from a client that has spoken HTTP/1.1 already.
final class RequestLineCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var line: [UInt8] = []
    private let maxLineBytes: Int

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var rest = Self.unwrapInboundIn(data).readableBytesView[...]
        while let lf = rest.firstIndex(of: UInt8(ascii: "\n")) {
            line += rest[..<lf]
            rest = rest[(lf + 1)...]
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty { continue }   // empty lines before a request are allowed (RFC 9112 2.2)
            guard Self.hasVersion(line) else { return refuse(context) }
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        line += rest
        context.fireChannelRead(data)
        // Too long for a request line: the decoder refuses it as oversized.
        if line.count > maxLineBytes { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }

    /// "METHOD target HTTP/x.y": the decoder judges the rest.
    static func hasVersion(_ line: [UInt8]) -> Bool {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        return parts.count >= 3 && parts.last!.starts(with: "HTTP/".utf8)
    }

    private func refuse(_ context: ChannelHandlerContext) {
        let body = "400 bad request: the request line has no HTTP/1.x version\n"
        let head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(channel.allocator.buffer(string: head + body)))
            .whenComplete { _ in channel.close(promise: nil) }
    }
}
