import CN3ObsShims

/// The Namel3ss runtime's standard metrics, under a namespace, with the helpers that keep
/// them consistent: an execution raises `active_executions` when it begins; its end lowers
/// it, counts it once in `execution_total` and observes `execution_duration_seconds`.
public final class StandardCatalog: @unchecked Sendable {
    public let namespace: String
    public let executions: MetricFamily
    public let executionDuration: MetricFamily
    public let activeExecutions: MetricFamily
    public let workerPoolSize: MetricFamily
    public let taskQueueLength: MetricFamily
    public let securityValidations: MetricFamily
    public let errors: MetricFamily

    public init(registry: Registry, namespace: String) throws(N3ObsError) {
        self.namespace = namespace
        func name(_ base: String) -> String { namespace.isEmpty ? base : "\(namespace)_\(base)" }
        executions = try registry.register(MetricShape(
            name: name("execution_total"), help: "Executions that ended, by final status.",
            type: .counter, labelNames: ["component", "strategy", "status"]))
        executionDuration = try registry.register(MetricShape(
            name: name("execution_duration_seconds"), help: "How long executions took.", unit: "seconds",
            type: .histogram, labelNames: ["component", "strategy"]))
        activeExecutions = try registry.register(MetricShape(
            name: name("active_executions"), help: "Executions that have begun and not ended.",
            type: .gauge, labelNames: ["component"]))
        workerPoolSize = try registry.register(MetricShape(
            name: name("worker_pool_size"), help: "Workers in each pool.",
            type: .gauge, labelNames: ["pool_name", "node"]))
        taskQueueLength = try registry.register(MetricShape(
            name: name("task_queue_length"), help: "Tasks waiting in each queue.",
            type: .gauge, labelNames: ["queue_name", "priority"]))
        securityValidations = try registry.register(MetricShape(
            name: name("security_validations_total"), help: "Security validations, by type and result.",
            type: .counter, labelNames: ["validation_type", "result"]))
        errors = try registry.register(MetricShape(
            name: name("error_total"), help: "Errors, by component, type and severity.",
            type: .counter, labelNames: ["component", "error_type", "severity"]))
    }

    /// An execution in flight: the two series it touches and when it began.
    public struct Execution: Sendable {
        public let startMonotonicNanos: UInt64
        nonisolated(unsafe) let active: UnsafeMutableRawPointer
        nonisolated(unsafe) let duration: UnsafeMutableRawPointer

        /// Rebuilds an execution from the words the C API keeps in `n3obs_execution`.
        public init?(words: (UInt64, UInt64, UInt64)) {
            guard let active = UnsafeMutableRawPointer(bitPattern: UInt(words.1)),
                  let duration = UnsafeMutableRawPointer(bitPattern: UInt(words.2)) else { return nil }
            self.startMonotonicNanos = words.0
            self.active = active
            self.duration = duration
        }

        init(start: UInt64, active: UnsafeMutableRawPointer, duration: UnsafeMutableRawPointer) {
            self.startMonotonicNanos = start
            self.active = active
            self.duration = duration
        }

        public var words: (UInt64, UInt64, UInt64) {
            (startMonotonicNanos, UInt64(UInt(bitPattern: active)), UInt64(UInt(bitPattern: duration)))
        }
    }

    /// Raises `active_executions{component}` and notes the start.
    public func begin(component: UnsafePointer<CChar>?, strategy: UnsafePointer<CChar>?) throws(N3ObsError) -> Execution {
        var c = [component]
        let active = try c.withUnsafeBufferPointer { b throws(N3ObsError) in
            try activeExecutions.cell(for: b.baseAddress, count: 1)
        }
        c.append(strategy)
        let duration = try c.withUnsafeBufferPointer { b throws(N3ObsError) in
            try executionDuration.cell(for: b.baseAddress, count: 2)
        }
        Recording.gaugeAdd(active, 1)
        return Execution(start: n3o_monotonic_ns(), active: active, duration: duration)
    }

    /// Ends an execution: finds `execution_total{component,strategy,status}` first, so a bad
    /// status leaves the execution open and changes nothing. `durationSeconds`: the caller's
    /// own measure; nil, the time since begin.
    public func end(_ execution: Execution, status: UnsafePointer<CChar>?,
                    durationSeconds: Double? = nil) throws(N3ObsError) {
        guard Recording.tag(execution.duration) == N3O_TAG_HISTOGRAM,
              Recording.tag(execution.active) == N3O_TAG_GAUGE else {
            throw N3ObsError(.misuse, "the execution was not begun by n3obs_execution_begin")
        }
        // component and strategy are the duration series' own label values.
        var values = [UnsafePointer<CChar>?](repeating: nil, count: 3)
        values.withUnsafeMutableBufferPointer { b in
            if let base = b.baseAddress {
                SeriesRecord.labelValues(of: SeriesRecord.of(cell: execution.duration),
                                         cellSize: executionDuration.cellSize, count: 2, into: base)
            }
        }
        values[2] = status
        let total = try values.withUnsafeBufferPointer { b throws(N3ObsError) in
            try executions.cell(for: b.baseAddress, count: 3)
        }
        let elapsed = durationSeconds ?? Double(n3o_monotonic_ns() &- execution.startMonotonicNanos) / 1e9
        Recording.gaugeAdd(execution.active, -1)
        Recording.counterAdd(total, 1)
        Recording.histogramObserve(execution.duration, elapsed)
    }
}
