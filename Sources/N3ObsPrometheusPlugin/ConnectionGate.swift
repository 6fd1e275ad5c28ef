import NIOConcurrencyHelpers
import NIOCore

/// Caps the connections open at once, so that a flood of clients cannot use up the file
/// descriptors of the process the plugin lives in. A connection past the cap is closed as
/// soon as it is accepted, before any byte is read; a scraper sees its scrape fail (`up`
/// is 0) rather than the program fail.
final class ConnectionGate: Sendable {
    private struct State {
        var open = 0
        var refused: UInt64 = 0
    }

    struct Refused: Error {}

    let limit: Int
    private let state = NIOLockedValueBox(State())
    private let onRefused: @Sendable (_ refusedSoFar: UInt64) -> Void

    init(limit: Int, onRefused: @escaping @Sendable (_ refusedSoFar: UInt64) -> Void) {
        self.limit = limit
        self.onRefused = onRefused
    }

    /// Admits the channel, counting it until it closes; false when the cap is reached.
    func admit(_ channel: Channel) -> Bool {
        let refused: UInt64? = state.withLockedValue { s in
            guard s.open < limit else {
                s.refused += 1
                return s.refused
            }
            s.open += 1
            return nil
        }
        if let refused {
            onRefused(refused)
            return false
        }
        channel.closeFuture.whenComplete { _ in self.state.withLockedValue { $0.open -= 1 } }
        return true
    }
}
