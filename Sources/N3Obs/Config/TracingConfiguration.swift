/// The tracing settings of `Configuration`: caller value, then OpenTelemetry's environment
/// variable, then OpenTelemetry's default.
extension Configuration {
    func resolveTracing(into r: inout Resolved, _ env: (String) -> String?) throws(N3ObsError) {
        let samplerName = tracesSampler ?? env("OTEL_TRACES_SAMPLER").flatMap { $0.isEmpty ? nil : $0 }
        let samplerArg = tracesSamplerArg ?? env("OTEL_TRACES_SAMPLER_ARG")
        if let samplerName {
            do throws(N3ObsError) { r.sampler = try Sampler.named(samplerName, argument: samplerArg) } catch {
                let source = tracesSampler != nil ? "traces_sampler" : "OTEL_TRACES_SAMPLER"
                throw N3ObsError(.config, "\(source): \(error.message)")
            }
        }

        func count(_ value: Int?, _ variable: String, fallback: String? = nil, min: Int,
                   default d: Int, max: Int = 100_000_000) throws(N3ObsError) -> Int {
            if let value {
                guard value >= min, value <= max else {
                    throw N3ObsError(.config, "\(variable) \(value) is not in \(min)...\(max)")
                }
                return value
            }
            for name in [variable, fallback].compactMap({ $0 }) {
                guard let text = env(name), !text.trimmingSpaces().isEmpty else { continue }
                guard let n = Int(text.trimmingSpaces()), n >= min, n <= max else {
                    throw N3ObsError(.config, "\(name)='\(text)' is not a whole number in \(min)...\(max)")
                }
                return n
            }
            return d
        }
        r.batch.maxQueueSize = try count(bspMaxQueueSize, "OTEL_BSP_MAX_QUEUE_SIZE", min: 1,
                                         default: BatchSettings.defaultMaxQueueSize)
        r.batch.maxQueueBytes = try count(nil, "N3OBS_BSP_MAX_QUEUE_BYTES", min: 0,
                                          default: BatchSettings.defaultMaxQueueBytes, max: 1 << 40)
        let batchSize = try count(bspMaxExportBatchSize, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", min: 1, default: 0)
        // OpenTelemetry: the batch may not exceed the queue. A batch size the caller chose is
        // refused when it does (as OpenTelemetry's SDKs do); the default shrinks to fit a
        // smaller queue.
        if batchSize == 0 {
            r.batch.maxExportBatchSize = Swift.min(512, r.batch.maxQueueSize)
        } else {
            guard batchSize <= r.batch.maxQueueSize else {
                let source = bspMaxExportBatchSize != nil ? "bsp_max_export_batch_size" : "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"
                throw N3ObsError(.config, "\(source) \(batchSize) is larger than the span queue " +
                                 "(\(r.batch.maxQueueSize), OTEL_BSP_MAX_QUEUE_SIZE): a batch is at most the queue size")
            }
            r.batch.maxExportBatchSize = batchSize
        }
        r.batch.scheduleDelayMilliseconds = try count(bspScheduleDelayMilliseconds, "OTEL_BSP_SCHEDULE_DELAY", min: 0, default: 5000)
        r.batch.exportTimeoutMilliseconds = try count(bspExportTimeoutMilliseconds, "OTEL_BSP_EXPORT_TIMEOUT", min: 0, default: 30000)
        r.spanLimits.attributeCount = try count(spanAttributeCountLimit, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
                                                fallback: "OTEL_ATTRIBUTE_COUNT_LIMIT", min: 0, default: 128)
        r.spanLimits.eventCount = try count(spanEventCountLimit, "OTEL_SPAN_EVENT_COUNT_LIMIT", min: 0, default: 128)
        r.spanLimits.linkCount = try count(spanLinkCountLimit, "OTEL_SPAN_LINK_COUNT_LIMIT", min: 0, default: 128)
    }
}
