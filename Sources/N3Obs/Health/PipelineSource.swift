/// The export pipeline's figures, as the pipeline check reads them.
public struct PipelineStats: Sendable, Equatable {
    /// Spans waiting in the queue, and its capacity.
    public var queueLength: Int
    public var queueCapacity: Int
    /// Spans dropped because the queue was full, since the process started.
    public var droppedTotal: UInt64
    /// Failed exports, since the process started, and how many of the latest failed in a row.
    public var exportFailuresTotal: UInt64
    public var consecutiveExportFailures: Int

    public init(queueLength: Int = 0, queueCapacity: Int = 0, droppedTotal: UInt64 = 0,
                exportFailuresTotal: UInt64 = 0, consecutiveExportFailures: Int = 0) {
        self.queueLength = queueLength
        self.queueCapacity = queueCapacity
        self.droppedTotal = droppedTotal
        self.exportFailuresTotal = exportFailuresTotal
        self.consecutiveExportFailures = consecutiveExportFailures
    }
}

/// Where the pipeline check gets `PipelineStats`: a closure the tracing pipeline installs
/// when it starts. Until then there is no pipeline, and the check says so (healthy).
public final class PipelineSource: @unchecked Sendable {
    public typealias Provider = @Sendable () -> PipelineStats
    private let lock = Lock()
    private var provider: Provider?

    public init() {}

    /// Installs (or, with nil, removes) the provider.
    public func setProvider(_ provider: Provider?) { lock.withLock { self.provider = provider } }


    /// The pipeline's figures now, or nil when no pipeline is connected.
    public func read() -> PipelineStats? {
        // Called outside the lock: the provider may take locks of its own.
        let p = lock.withLock { provider }
        return p?()
    }
}
