/// The one retry policy of the SDK's export pipeline and of the plugins (the OTLP sender):
/// capped exponential backoff with jitter. The n-th delay is drawn in [d/2, d] with
/// d = min(initial * 2^n, max), so clients that failed together do not retry together.
public struct Backoff: Sendable {
    public static let defaultInitialMilliseconds = 100
    public static let defaultMaxMilliseconds = 5000
    public let initialMilliseconds: Int
    public let maxMilliseconds: Int
    private var current: Int

    public init(initialMilliseconds: Int = defaultInitialMilliseconds, maxMilliseconds: Int = defaultMaxMilliseconds) {
        self.initialMilliseconds = max(1, initialMilliseconds)
        self.maxMilliseconds = max(self.initialMilliseconds, maxMilliseconds)
        current = self.initialMilliseconds
    }

    /// The delay before the next attempt; the one after it doubles, up to the cap.
    public mutating func next() -> Int {
        let delay = Int.random(in: (current / 2)...max(current / 2, current))
        current = min(current * 2, maxMilliseconds)
        return delay
    }

    /// After a success: the next failure starts from the initial delay again.
    public mutating func reset() { current = initialMilliseconds }
}
