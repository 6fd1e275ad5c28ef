import CN3Obs
import CN3ObsHTTP
import Glibc
import N3ObsPluginKit
import N3ObsSupport

/// Delivers encoded requests to the OTLP/HTTP endpoint on a thread of its own, so that the
/// host's export thread never waits on the network.
///
/// Requests wait in a FIFO bounded in bytes; one that does not fit is dropped and counted
/// (the host's count_dropped, reason "buffer_full"). The head request is retried on
/// connection failures and on 429, 502, 503 and 504 with capped exponential backoff and
/// jitter, or after the receiver's Retry-After; the requests behind it wait, so delivery
/// stays in order. Any other status drops the request (reason "rejected") and logs the
/// receiver's message; a 2xx with partialSuccess counts the rejected items.
final class Sender: @unchecked Sendable {
    struct Item {
        /// Index into targets.
        let target: Int
        let body: [UInt8]
        /// What count_dropped reports if it is lost: "spans", "metrics" or "health".
        let signal: String
        /// Spans or data points in it.
        let items: Int
    }

    enum Outcome {
        case delivered
        case retry(afterMs: Int)
        case dropped(reason: String)
        case aborted
    }

    let targets: [OTLPSettings.Target]
    private let host: PluginHost
    private let maxBytes: Int
    private let initialBackoffMs: Int
    private let maxBackoffMs: Int
    private let monitor = MonotonicCondition()
    /// `n3obs-otlp-send`; set once in init, joined by shutdown.
    private var thread: NamedThread?
    private let http: OpaquePointer
    /// Set when the sender must give up at once (shutdown past its deadline); read by
    /// the transfer loop in C.
    private let abortFlag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private var headerLines: [[UnsafeMutablePointer<CChar>?]] = []

    // Guarded by monitor.
    private var queue: [Item] = []
    private var head = 0
    private var queuedBytes = 0
    private var inFlight = false
    private var stopping = false
    private var wakeups: UInt64 = 0
    private var failing = false
    private var rejections = 0

    init(targets: [OTLPSettings.Target], host: PluginHost, maxBytes: Int, initialBackoffMs: Int,
         maxBackoffMs: Int) throws(PluginError) {
        self.targets = targets
        self.host = host
        self.maxBytes = maxBytes
        self.initialBackoffMs = initialBackoffMs
        self.maxBackoffMs = maxBackoffMs
        abortFlag.initialize(to: 0)
        guard n3o_http_global_init() == 0, let h = n3o_http_new() else {
            abortFlag.deallocate()
            throw PluginError("libcurl could not be initialised")
        }
        http = h
        for t in targets {
            var lines = ["Content-Type: application/json"]
            if t.gzip { lines.append("Content-Encoding: gzip") }
            for (k, v) in t.headers { lines.append("\(k): \(v)") }
            headerLines.append(lines.map { strdup($0) })
        }
        switch NamedThread.start(name: "n3obs-otlp-send", { [self] in run() }) {
        case let .success(t): thread = t
        case let .failure(failure): throw PluginError("no thread for the OTLP sender: \(failure)")
        }
    }

    deinit {
        n3o_http_free(http)
        for lines in headerLines { for p in lines { free(p) } }
        abortFlag.deallocate()
    }

    /// Queues a request; false when it does not fit (the caller counts the drop) or the
    /// sender has stopped.
    func enqueue(_ item: Item) -> Bool {
        monitor.withLock {
            guard !stopping, queuedBytes + item.body.count <= maxBytes else { return false }
            queue.append(item)
            queuedBytes += item.body.count
            monitor.broadcast()
            return true
        }
    }

    var bufferedBytes: Int { monitor.withLock { queuedBytes } }

    /// Waits until everything queued is delivered (or given up), at most timeoutMs. A
    /// backoff in progress is cut short so that a receiver that is back is tried now.
    func flush(timeoutMs: UInt32) -> Bool {
        let deadline = MonotonicCondition.now() &+ UInt64(timeoutMs) * 1_000_000
        return monitor.withLock {
            wakeups &+= 1
            monitor.broadcast()
            while head < queue.count || inFlight {
                if MonotonicCondition.now() >= deadline { return false }
                monitor.wait(untilMonotonic: deadline)
            }
            return true
        }
    }

    /// Delivers what it can within timeoutMs, then stops the thread; what is left is
    /// dropped and counted (reason "shutdown").
    func shutdown(timeoutMs: UInt32) {
        // Keep a little of the host's time for stopping the thread itself.
        let budget = UInt64(timeoutMs) * 1_000_000
        let deadline = MonotonicCondition.now() &+ (budget > 100_000_000 ? budget - 50_000_000 : budget * 3 / 4)
        monitor.withLock {
            stopping = true
            wakeups &+= 1
            monitor.broadcast()
            while head < queue.count || inFlight {
                if MonotonicCondition.now() >= deadline { break }
                monitor.wait(untilMonotonic: deadline)
            }
            if head < queue.count || inFlight {
                n3o_flag_set(abortFlag, 1)
                monitor.broadcast()
            }
        }
        // Unbounded, but the abort flag above makes a transfer in progress give up at once.
        thread?.join()
        let left: [Item] = monitor.withLock {
            let rest = Array(queue[head...])
            queue.removeAll()
            head = 0
            queuedBytes = 0
            return rest
        }
        for item in left {
            host.countDropped(signal: item.signal, count: UInt64(item.items), reason: "shutdown")
        }
        if !left.isEmpty {
            host.warn("dropped \(left.count) request(s) not delivered to \(targets.map(\.url).joined(separator: ", ")) before shutdown")
        }
    }

    private var aborted: Bool { n3o_flag_get(abortFlag) != 0 }

    private func run() {
        var backoff = Backoff(initialMilliseconds: initialBackoffMs, maxMilliseconds: maxBackoffMs)
        monitor.withLock {
            while true {
                while head >= queue.count && !stopping { monitor.wait() }
                if head >= queue.count || aborted { break }
                let item = queue[head]
                inFlight = true
                // The POST runs without the lock: enqueue and flush go on meanwhile.
                monitor.unlock()
                let outcome = post(item)
                monitor.lock()
                inFlight = false
                switch outcome {
                case .delivered, .dropped:
                    pop()
                    backoff.reset()
                    if case let .dropped(reason) = outcome {
                        host.countDropped(signal: item.signal, count: UInt64(item.items), reason: reason)
                    }
                    monitor.broadcast()
                case .aborted:
                    monitor.broadcast()
                case let .retry(afterMs):
                    monitor.broadcast()
                    let delay: Int
                    if afterMs >= 0 {
                        delay = afterMs
                    } else {
                        delay = backoff.next()
                    }
                    let until = MonotonicCondition.now() &+ UInt64(delay) * 1_000_000
                    // A flush or shutdown cuts our own backoff short (the receiver may be
                    // back), never a wait the receiver asked for with Retry-After.
                    let seen = wakeups
                    let interruptible = afterMs < 0
                    while !aborted && (!interruptible || wakeups == seen) && MonotonicCondition.now() < until {
                        monitor.wait(untilMonotonic: until)
                    }
                }
                if aborted { break }
            }
            monitor.broadcast()
        }
    }

    private func pop() {
        queuedBytes -= queue[head].body.count
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// One POST of item and what to do next.
    private func post(_ item: Item) -> Outcome {
        let target = targets[item.target]
        var result = n3o_http_result()
        let rc = headerLines[item.target].withUnsafeBufferPointer { lines in
            item.body.withUnsafeBytes { body in
                lines.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: lines.count) { h in
                    n3o_http_post(http, target.url, h, lines.count, body.baseAddress, body.count,
                                  target.timeoutMs, abortFlag, &result)
                }
            }
        }
        defer { n3o_http_result_clear(&result) }
        if result.aborted != 0 { return .aborted }
        if rc != 0 {
            let why = withUnsafeBytes(of: &result.error) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            noteFailure("cannot reach \(target.url): \(why); retrying")
            return .retry(afterMs: -1)
        }
        let status = result.status
        let body = result.body.map { String(cString: $0) } ?? ""
        switch status {
        case 200..<300:
            noteRecovery(target.url)
            partialSuccess(body, item: item)
            return .delivered
        case 429, 502, 503, 504:
            noteFailure("\(target.url) answered \(status); retrying")
            let after = result.retry_after_seconds
            return .retry(afterMs: after > 0 ? Int(min(after, 300)) * 1000 : -1)
        default:
            noteRecovery(target.url)
            rejections += 1
            if rejections <= 5 || rejections % 100 == 0 {
                host.error("\(target.url) rejected a request of \(item.items) \(item.signal == "spans" ? "spans" : "data points") " +
                           "with \(status): \(Self.message(from: body)) (not retried; \(rejections) rejected so far)")
            }
            return .dropped(reason: "rejected")
        }
    }

    private func noteFailure(_ message: String) {
        if !failing {
            failing = true
            host.warn(message)
        }
    }

    private func noteRecovery(_ url: String) {
        if failing {
            failing = false
            host.log(N3OBS_LOG_INFO, "\(url) answers again")
        }
    }

    /// The message of a google.rpc.Status body, else the body itself (cut short).
    static func message(from body: String) -> String {
        if let v = try? JSONReader.parse(body), case let .string(m)? = v["message"] { return m }
        let trimmed = body.trimmingSpaces
        if trimmed.isEmpty { return "(no message)" }
        return trimmed.count > 300 ? String(trimmed.prefix(300)) + "..." : trimmed
    }

    private func partialSuccess(_ body: String, item: Item) {
        guard body.contains("partialSuccess"), let v = try? JSONReader.parse(body),
              let ps = v["partialSuccess"] else { return }
        let rejected: Double? = {
            let field = ps["rejectedSpans"] ?? ps["rejectedDataPoints"] ?? ps["rejectedLogRecords"]
            switch field {
            case let .number(n)?: return n
            case let .string(s)?: return Double(s)
            default: return nil
            }
        }()
        var message = ""
        if case let .string(m)? = ps["errorMessage"] { message = m }
        let n = UInt64(max(0, rejected ?? 0))
        if n > 0 {
            host.countDropped(signal: item.signal, count: n, reason: "partial_success")
            host.warn("the receiver rejected \(n) of \(item.items) \(item.signal == "spans" ? "spans" : "data points"): \(message.isEmpty ? "(no message)" : message)")
        } else if !message.isEmpty {
            host.warn("the receiver accepted the request with a warning: \(message)")
        }
    }
}
