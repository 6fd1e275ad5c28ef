import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

@_cdecl("n3obs_version")
public func cVersion() -> UnsafePointer<CChar> { StaticCString.version }

@_cdecl("n3obs_version_number")
public func cVersionNumber() -> Int32 { Int32(N3ObsVersion.number) }

@_cdecl("n3obs_abi_version")
public func cAbiVersion() -> Int32 { Int32(N3ObsVersion.abi) }

@_cdecl("n3obs_init")
public func cInit(_ config: UnsafePointer<n3obs_config>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_init"
    var configuration = Configuration()
    configuration.sdkLanguage = "c"
    if let config {
        // Read only the bytes the caller's version of the struct has.
        let callerSize = Int(config.pointee.size)
        guard callerSize >= MemoryLayout<n3obs_config>.offset(of: \.service_name)! else {
            return fail(fn, .invalidArgument, "config->size \(callerSize) is too small; start from N3OBS_CONFIG_INIT")
        }
        var c = n3obs_config()
        memcpy(&c, config, min(callerSize, MemoryLayout<n3obs_config>.size))
        do throws(N3ObsError) {
            configuration.serviceName = try c.service_name.map { p throws(N3ObsError) in
                try CString.read(p, what: "config->service_name", limit: Limits.maxHelpLength)
            }
            configuration.metricNamespace = try c.metric_namespace.map { p throws(N3ObsError) in
                try CString.read(p, what: "config->metric_namespace", limit: Limits.maxNameLength)
            }
            configuration.health = try healthConfiguration(c)
            configuration.exporters = try c.exporters.map { p throws(N3ObsError) in
                try CString.read(p, what: "config->exporters", limit: Limits.maxHelpLength)
            }
            if c.metric_export_interval_ms > 0 {
                configuration.metricExportIntervalMilliseconds = Int(c.metric_export_interval_ms)
            }
            try readTracingConfig(c, callerSize: callerSize, into: &configuration)
            if callerSize >= MemoryLayout<n3obs_config>.offset(of: \.telemetry_sdk_language)! + MemoryLayout<UnsafeRawPointer>.size,
               let p = c.telemetry_sdk_language {
                let language = try CString.read(p, what: "config->telemetry_sdk_language", limit: 32)
                guard !language.isEmpty, language.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
                    throw N3ObsError(.config, "config->telemetry_sdk_language '\(language)' must be lowercase letters, digits or '_'")
                }
                configuration.sdkLanguage = language
            }
            if callerSize >= MemoryLayout<n3obs_config>.offset(of: \.reserved_exit)! {
                switch c.flush_on_signals {
                case 0: break
                case 1: configuration.flushOnSignals = true
                case 2: configuration.flushOnSignals = false
                default: throw N3ObsError(.config, "config->flush_on_signals \(c.flush_on_signals) must be 0 (env), 1 (on) or 2 (off)")
                }
            }
            if callerSize >= MemoryLayout<n3obs_config>.offset(of: \.log_user_data)! + MemoryLayout<UnsafeRawPointer>.size {
                configuration.logSink = try logSink(c.log_sink, c.log_user_data)
            }
        } catch {
            return fail(fn, N3ObsError(.config, error.message))
        }
        if c.cardinality_limit > 0 { configuration.cardinalityLimit = Int(c.cardinality_limit) }
        configuration.readEnvironment = c.flags & N3OBS_INIT_IGNORE_ENV == 0
        configuration.registerCatalog = c.flags & N3OBS_INIT_NO_CATALOG == 0
    }
    do throws(N3ObsError) {
        try N3ObsSDK.shared.start(configuration)
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

/// The caller's log function as the core's sink: the strings live for the call only.
private func logSink(_ function: n3obs_log_sink?, _ userData: UnsafeMutableRawPointer?) throws(N3ObsError) -> SDKLog.Sink? {
    guard let function else {
        guard userData == nil else { throw N3ObsError(.config, "config->log_user_data is set but config->log_sink is NULL") }
        return nil
    }
    let data = UInt(bitPattern: userData) // a plain number: the closure must be Sendable
    return SDKLog.Sink { level, component, message in
        component.withCString { c in
            message.withCString { m in function(level.rawValue, c, m, UnsafeMutableRawPointer(bitPattern: data)) }
        }
    }
}

@_cdecl("n3obs_shutdown")
public func cShutdown(_ timeoutMilliseconds: UInt32) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    do throws(N3ObsError) {
        guard try N3ObsSDK.shared.shutdown(timeoutMilliseconds: timeoutMilliseconds) else {
            return fail("n3obs_shutdown", .timeout,
                        "exporters did not finish within \(timeoutMilliseconds) ms; n3obs is shut down all the same")
        }
        return N3OBS_OK
    } catch {
        return fail("n3obs_shutdown", error)
    }
}

@_cdecl("n3obs_is_running")
public func cIsRunning() -> Int32 {
    N3ObsSDK.shared.state == .running ? 1 : 0
}
