import Dispatch
import NIOCore
import NIOPosix
import N3ObsSupport

/// The server's one event loop, on a thread of ours (`n3obs-prom-loop`) rather than a
/// MultiThreadedEventLoopGroup's: NIO's group shutdown joins its threads from a libdispatch
/// queue, which leaves libdispatch worker threads (and their manager) running after the
/// plugin has gone. Here the thread becomes the event loop (withCurrentThreadAsEventLoop),
/// and `stop` closes the loop and joins the thread itself.
final class LoopThread: @unchecked Sendable {
    let loop: EventLoop
    private let thread: NamedThread

    /// NIO reports a closed loop through a DispatchQueue; any queue that runs would start a
    /// libdispatch thread. The report is not needed (the thread's end is), so it goes to a
    /// queue that is never activated: the closure stays there, a few bytes per plugin stop.
    /// An inactive queue must never be released, hence one for the process.
    private static let inert = DispatchQueue(label: "n3obs.prometheus.loop-closed", attributes: .initiallyInactive)

    private init(loop: EventLoop, thread: NamedThread) {
        self.loop = loop
        self.thread = thread
    }

    /// Starts the thread and waits until its loop runs.
    static func start(name: String) throws(WorkPool.PluginStartError) -> LoopThread {
        let ready = MonotonicCondition()
        nonisolated(unsafe) var loop: EventLoop?
        let started = NamedThread.start(name: name) {
            MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { l in
                ready.withLock {
                    loop = l
                    ready.broadcast()
                }
            }
        }
        switch started {
        case let .failure(f): throw WorkPool.PluginStartError(reason: "no thread for \(name): \(f)")
        case let .success(thread):
            let l = ready.withLock { () -> EventLoop in
                while loop == nil { ready.wait() }
                return loop!
            }
            return LoopThread(loop: l, thread: thread)
        }
    }

    /// Closes the loop (and every channel still on it) and joins the thread until
    /// `deadline` (monotonic ns); false if the thread had not ended by then.
    @discardableResult
    func stop(untilMonotonic deadline: UInt64) -> Bool {
        loop.shutdownGracefully(queue: Self.inert) { _ in }
        return thread.join(untilMonotonic: deadline)
    }
}
