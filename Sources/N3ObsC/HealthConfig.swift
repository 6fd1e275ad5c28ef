import CN3Obs
import N3Obs

/// The health fields of n3obs_config; zero or NULL leaves a setting to the environment
/// and the default.
func healthConfiguration(_ c: n3obs_config) throws(N3ObsError) -> HealthConfiguration {
    var h = HealthConfiguration()
    if c.health_builtins_off != 0 {
        guard c.health_builtins_off & ~HealthBuiltins.all.rawValue == 0 else {
            throw N3ObsError(.config, "config->health_builtins_off has unknown bits 0x"
                + String(c.health_builtins_off & ~HealthBuiltins.all.rawValue, radix: 16))
        }
        h.builtinsOff = HealthBuiltins(rawValue: c.health_builtins_off)
    }
    if c.health_monitor_interval_ms != 0 { h.monitorIntervalMilliseconds = c.health_monitor_interval_ms }
    if let path = c.health_disk_path {
        h.diskPath = try CString.read(path, what: "config->health_disk_path", limit: Limits.maxLabelValueLength)
    }
    if c.health_builtins_critical != 0 { h.builtinsCritical = true }
    let thresholds: [(Double, HealthThreshold)] = [
        (c.health_memory_degraded_percent, .memoryDegraded), (c.health_memory_unhealthy_percent, .memoryUnhealthy),
        (c.health_process_memory_degraded_percent, .processMemoryDegraded),
        (c.health_process_memory_unhealthy_percent, .processMemoryUnhealthy),
        (c.health_cpu_degraded_percent, .cpuDegraded), (c.health_cpu_unhealthy_percent, .cpuUnhealthy),
        (c.health_disk_degraded_percent, .diskDegraded), (c.health_disk_unhealthy_percent, .diskUnhealthy),
        (c.health_pipeline_degraded_percent, .pipelineDegraded),
        (c.health_pipeline_unhealthy_percent, .pipelineUnhealthy),
    ]
    for (value, key) in thresholds where value != 0 { h.thresholds[key] = value }
    return h
}
