import NIOConcurrencyHelpers
import NIOCore

/// Caps the connections open at once, so that a flood of clients cannot use up the file
/// descriptors of the process the plugin lives in, without letting slow clients starve a
/// scraper. A connection is *waiting* while it has not sent a whole request (just
/// accepted, or idle between keep-alive requests) and *busy* while a request is served.
/// When the cap (or the per-peer limit) is reached, a new connection evicts the connection
/// that has waited longest (of the same peer, for the per-peer limit): a scraper sends its
/// request at once and so is never the oldest waiter, while clients that dribble bytes are.
/// Only when every counted connection is busy is the new one refused, before any byte is
/// read; a scraper then sees its scrape fail (`up` is 0) rather than the program fail.
final class ConnectionGate: Sendable {
    private struct Connection {
        let channel: Channel
        let peer: String
        /// When it began waiting (a sequence number); nil while busy.
        var waitingSince: UInt64?
    }

    private struct State {
        var open: [ObjectIdentifier: Connection] = [:]
        var perPeer: [String: Int] = [:]
        var sequence: UInt64 = 0
        var refused: UInt64 = 0
        var evicted: UInt64 = 0

        mutating func remove(_ id: ObjectIdentifier) {
            guard let c = open.removeValue(forKey: id) else { return }
            let left = perPeer[c.peer, default: 1] - 1
            perPeer[c.peer] = left > 0 ? left : nil
        }
    }

    struct Refused: Error {}

    enum Event { case refused, evicted }

    let limit: Int
    let perPeerLimit: Int
    private let state = NIOLockedValueBox(State())
    private let onEvent: @Sendable (_ event: Event, _ soFar: UInt64) -> Void

    init(limit: Int, perPeerLimit: Int, onEvent: @escaping @Sendable (_ event: Event, _ soFar: UInt64) -> Void) {
        self.limit = limit
        self.perPeerLimit = perPeerLimit
        self.onEvent = onEvent
    }

    /// Admits the channel as waiting, counting it until it closes, and evicting the oldest
    /// waiter if a limit is reached; false when no connection can make room.
    func admit(_ channel: Channel) -> Bool {
        let peer = channel.remoteAddress?.ipAddress ?? "?"
        let id = ObjectIdentifier(channel)
        let (admitted, victim, event, count) = state.withLockedValue { s -> (Bool, Channel?, Event?, UInt64) in
            // Over the per-peer limit only this peer's waiters may go; over the cap anyone's.
            let overPeer = s.perPeer[peer, default: 0] >= perPeerLimit
            var victim: Channel?
            if overPeer || s.open.count >= limit {
                guard let oldest = Self.oldestWaiter(s.open, peer: overPeer ? peer : nil) else {
                    s.refused += 1
                    return (false, nil, .refused, s.refused)
                }
                victim = s.open[oldest]!.channel
                s.remove(oldest)   // counted out now, not when its close completes
                s.evicted += 1
            }
            s.sequence += 1
            s.open[id] = Connection(channel: channel, peer: peer, waitingSince: s.sequence)
            s.perPeer[peer, default: 0] += 1
            return (true, victim, victim == nil ? nil : .evicted, s.evicted)
        }
        victim?.close(promise: nil)
        if let event { onEvent(event, count) }
        guard admitted else { return false }
        channel.closeFuture.whenComplete { _ in self.state.withLockedValue { $0.remove(id) } }
        return true
    }

    /// The channel has sent a whole request: it is served, not evicted.
    func busy(_ channel: Channel) {
        state.withLockedValue { $0.open[ObjectIdentifier(channel)]?.waitingSince = nil }
    }

    /// The channel waits for its next request (keep-alive): it may be evicted again.
    func waiting(_ channel: Channel) {
        state.withLockedValue { s in
            guard s.open[ObjectIdentifier(channel)] != nil else { return }
            s.sequence += 1
            s.open[ObjectIdentifier(channel)]!.waitingSince = s.sequence
        }
    }

    /// A linear scan: at most max_connections entries, and only when a limit is reached.
    private static func oldestWaiter(_ open: [ObjectIdentifier: Connection], peer: String?) -> ObjectIdentifier? {
        var best: (ObjectIdentifier, UInt64)?
        for (id, c) in open {
            guard let since = c.waitingSince, peer == nil || c.peer == peer else { continue }
            if best == nil || since < best!.1 { best = (id, since) }
        }
        return best?.0
    }
}
