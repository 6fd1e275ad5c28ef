import NIOConcurrencyHelpers
import NIOCore

/// Runs the health checks for /readyz on a thread of its own, one report at a time:
/// requests that arrive while a report is being made share it, so a check that takes
/// seconds costs one thread however many probes wait for it.
final class ReadinessRunner: Sendable {
    private let source: ScrapeSource
    private let pool: WorkPool
    private let waiting = NIOLockedValueBox<[EventLoopPromise<(Int, [UInt8])>]>([])

    init(source: ScrapeSource, pool: WorkPool) {
        self.source = source
        self.pool = pool
    }

    func run(on loop: EventLoop) -> EventLoopFuture<(Int, [UInt8])> {
        let promise = loop.makePromise(of: (Int, [UInt8]).self)
        let first = waiting.withLockedValue { w in
            w.append(promise)
            return w.count == 1
        }
        guard first else { return promise.futureResult }
        let source = self.source, waiting = self.waiting
        pool.run(on: loop) { () -> (Int, [UInt8]) in source.readiness() }.whenComplete { result in
            let promises = waiting.withLockedValue { w in
                let all = w
                w.removeAll()
                return all
            }
            for p in promises { p.completeWith(result) }
        }
        return promise.futureResult
    }
}
