import NIOCore
import N3ObsSupport

/// A few named threads that run blocking work (collecting and rendering a scrape, running
/// the health checks) off the event loop. NIOThreadPool would do, but its threads are
/// named "TP-#n" and its shutdown hands the joining to a libdispatch thread that outlives
/// the plugin; these are named (`n3obs-scrape`, `n3obs-readyz`) and `stop` joins them itself.
final class WorkPool: @unchecked Sendable {
    private let sync = MonotonicCondition()
    private struct Job {
        let run: () -> Void
        let cancel: () -> Void
    }
    private var jobs: [Job] = []
    private var stopping = false
    private var threads: [NamedThread] = []

    /// Starts `count` threads named `name`.
    init(name: String, count: Int) throws(PluginStartError) {
        for _ in 0..<max(1, count) {
            switch NamedThread.start(name: name, { [self] in work() }) {
            case let .success(t): threads.append(t)
            case let .failure(f):
                stop(untilMonotonic: 0)
                throw PluginStartError(reason: "no thread for \(name): \(f)")
            }
        }
    }

    struct PluginStartError: Error { let reason: String }

    /// Runs `body` on a pool thread and completes the future on `loop` with its value; fails
    /// with `ChannelError.ioOnClosedChannel` once the pool has stopped.
    func run<T: Sendable>(on loop: EventLoop, _ body: @escaping @Sendable () -> T) -> EventLoopFuture<T> {
        let promise = loop.makePromise(of: T.self)
        let accepted = sync.withLock { () -> Bool in
            guard !stopping else { return false }
            jobs.append(Job(run: { promise.succeed(body()) },
                            cancel: { promise.fail(ChannelError.ioOnClosedChannel) }))
            sync.signal()
            return true
        }
        if !accepted { promise.fail(ChannelError.ioOnClosedChannel) }
        return promise.futureResult
    }

    /// Lets the threads finish the job in hand, fails the queued ones, and joins the threads
    /// until `deadline` (monotonic ns).
    /// - Returns: how many threads were still busy at the deadline (left to end on their own).
    @discardableResult
    func stop(untilMonotonic deadline: UInt64) -> Int {
        let (all, dropped) = sync.withLock { () -> ([NamedThread], [Job]) in
            stopping = true
            sync.broadcast()
            defer { threads.removeAll(); jobs.removeAll() }
            return (threads, jobs)
        }
        dropped.forEach { $0.cancel() }
        return all.filter { !$0.join(untilMonotonic: deadline) }.count
    }

    private func work() {
        while let job = next() { job.run() }
    }

    private func next() -> Job? {
        sync.withLock { () -> Job? in
            while jobs.isEmpty && !stopping { sync.wait() }
            return stopping ? nil : jobs.removeFirst()
        }
    }
}
