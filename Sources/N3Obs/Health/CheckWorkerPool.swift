import Glibc
import N3ObsSupport

/// The threads that run check bodies: created on demand, kept while idle (so 10,000
/// reports do not create 10,000 threads), and never more than `maxThreads`.
///
/// A hung body holds its thread until it returns; there is no safe way to stop it. At
/// most one run per check is in flight (the registry sees to that), so hung checks hold
/// at most one thread each, and once `maxThreads` are busy further work is refused with a
/// reason instead of queued behind them. `stop` joins every thread by its deadline; one
/// still held by a hung body then is detached and ends when the body returns.
final class CheckWorkerPool: @unchecked Sendable {
    /// Work that returns its completion. The thread counts itself available before running
    /// the completion (which publishes the result), so a report made right after it sees
    /// the thread as free instead of starting another one.
    typealias Job = @Sendable () -> (@Sendable () -> Void)

    let maxThreads: Int
    private let sync = MonotonicCondition.sdk()
    private var jobs: [Job] = []
    private var idle = 0
    private var starting = 0
    /// Threads whose work is done and that are only publishing its result.
    private var finishing = 0
    private var threads = 0
    private var stopping = false
    /// Every thread started and not yet joined.
    private var workers: [NamedThread] = []

    init(maxThreads: Int = HealthLimits.defaultMaxThreads) {
        self.maxThreads = max(1, maxThreads)
    }

    /// Threads alive now (busy, idle or starting).
    var threadCount: Int { sync.withLock { threads } }

    /// In a forked child: the workers did not come along; start from none.
    func resetAfterFork() {
        sync.resetWaitersAfterFork()
        jobs.removeAll()
        idle = 0
        starting = 0
        finishing = 0
        threads = 0
        for w in workers { w.forgetAfterFork() }
        workers.removeAll()
    }

    /// Hands `job` to an idle thread, or to a new one while fewer than `maxThreads` exist.
    /// - Returns: nil when the job will run; otherwise why it will not.
    func submit(_ job: @escaping Job) -> String? {
        sync.withLock { () -> String? in
            if stopping { return "the SDK is shutting down" }
            // Idle and starting threads not yet claimed by queued jobs.
            if idle + starting + finishing - jobs.count <= 0 {
                guard threads < maxThreads else {
                    return "all \(maxThreads) health check threads are busy (hung checks hold them)"
                }
                if let failure = spawn() { return failure }
            }
            jobs.append(job)
            sync.signal()
            return nil
        }
    }

    /// Lets idle threads exit and busy ones exit after their job, and joins them until
    /// `deadline` (monotonic ns); later submits are refused.
    /// - Returns: how many threads were still busy at the deadline (hung bodies), left to
    ///   end on their own.
    @discardableResult
    func stop(untilMonotonic deadline: UInt64) -> Int {
        let all = sync.withLock { () -> [NamedThread] in
            stopping = true
            jobs.removeAll()
            sync.broadcast()
            defer { workers.removeAll() }
            return workers
        }
        return all.filter { !$0.isCurrent && !$0.join(untilMonotonic: deadline) }.count
    }

    /// Called with the lock held.
    private func spawn() -> String? {
        switch SDKThread.start(name: "n3obs-health", { [self] in work() }) {
        case let .failure(failure): return "no thread could be started for the check (\(failure))"
        case let .success(thread): workers.append(thread)
        }
        threads += 1
        starting += 1
        return nil
    }

    private func work() {
        sync.withLock { starting -= 1 }
        var finished = false
        while let job = next(afterFinishing: finished) {
            let complete = job()
            sync.withLock { finishing += 1 }
            complete()
            finished = true
        }
    }

    /// The next job, or nil when the pool stops (the thread then ends).
    private func next(afterFinishing: Bool) -> Job? {
        sync.withLock { () -> Job? in
            if afterFinishing { finishing -= 1 }
            while jobs.isEmpty && !stopping {
                idle += 1
                sync.wait()
                idle -= 1
            }
            guard !jobs.isEmpty else {
                threads -= 1
                return nil
            }
            return jobs.removeFirst()
        }
    }
}
