import CN3Obs
import N3Obs

/// The tracing fields of n3obs_config, when the caller's struct has them (0 or NULL:
/// not set, so the environment or the default applies).
func readTracingConfig(_ c: n3obs_config, callerSize: Int, into configuration: inout Configuration) throws(N3ObsError) {
    guard callerSize >= MemoryLayout<n3obs_config>.offset(of: \.reserved_tracing)! else { return }
    configuration.tracesSampler = try c.traces_sampler.map { p throws(N3ObsError) in
        try CString.read(p, what: "config->traces_sampler", limit: Limits.maxNameLength)
    }
    configuration.tracesSamplerArg = try c.traces_sampler_arg.map { p throws(N3ObsError) in
        try CString.read(p, what: "config->traces_sampler_arg", limit: Limits.maxNameLength)
    }
    func set(_ v: UInt32) -> Int? { v == 0 ? nil : Int(v) }
    configuration.bspMaxQueueSize = set(c.bsp_max_queue_size)
    configuration.bspMaxExportBatchSize = set(c.bsp_max_export_batch_size)
    configuration.bspScheduleDelayMilliseconds = set(c.bsp_schedule_delay_ms)
    configuration.bspExportTimeoutMilliseconds = set(c.bsp_export_timeout_ms)
    configuration.spanAttributeCountLimit = set(c.span_attribute_count_limit)
    configuration.spanEventCountLimit = set(c.span_event_count_limit)
    configuration.spanLinkCountLimit = set(c.span_link_count_limit)
}
