import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

/// A C callback and its user data; the caller promises they may be used from any thread.
private struct CHealthCallback: @unchecked Sendable {
    let callback: n3obs_health_fn
    let userData: UnsafeMutableRawPointer?

    /// Runs the callback with a zeroed detail buffer and reads back what it wrote, forcing
    /// a terminating NUL and repairing invalid UTF-8, so a careless callback cannot make
    /// the SDK read past the buffer.
    func run() -> HealthOutcome {
        let capacity = HealthLimits.detailCapacity
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: capacity)
        let raw = ForkGate.outside { callback(userData, buffer, capacity) } // the caller's code
        buffer[capacity - 1] = 0
        let detail = String(decoding: UnsafeRawBufferPointer(start: buffer, count: strlen(buffer)), as: UTF8.self)
        return HealthOutcome(rawStatus: raw, detail: detail)
    }
}

private struct CUserDataFree: @unchecked Sendable {
    let free: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let userData: UnsafeMutableRawPointer?
    func callAsFunction() { free(userData) }
}

/// Reads a caller's registration into a definition.
private func readCheck(_ opts: UnsafePointer<n3obs_health_check_opts>) throws(N3ObsError) -> HealthCheckDefinition {
    let callerSize = Int(opts.pointee.size)
    guard callerSize >= MemoryLayout<n3obs_health_check_opts>.size else {
        throw N3ObsError(.invalidArgument,
                         "opts->size \(callerSize) is too small; start from N3OBS_HEALTH_CHECK_OPTS_INIT")
    }
    let o = opts.pointee
    let name = try CString.read(o.name, what: "name", limit: Limits.maxNameLength)
    guard let callback = o.callback else { throw N3ObsError(.invalidArgument, "callback of '\(name)' is NULL") }
    let description = try CString.read(o.description, what: "description of '\(name)'",
                                       limit: Limits.maxHelpLength, nullIsEmpty: true)
    let tagCount = try CCount.checked(o.tag_count, max: HealthLimits.maxTags, "tag_count of '\(name)'")
    var tags: [String] = []
    if tagCount > 0 {
        guard let list = o.tags else {
            throw N3ObsError(.invalidArgument, "tags is NULL but tag_count is \(tagCount)")
        }
        for i in 0..<tagCount {
            tags.append(try CString.read(list[i], what: "tag \(i) of '\(name)'", limit: Limits.maxNameLength))
        }
    }
    let body = CHealthCallback(callback: callback, userData: o.user_data)
    var onRelease: (@Sendable () -> Void)?
    if let free = o.user_data_free {
        let release = CUserDataFree(free: free, userData: o.user_data)
        onRelease = { release() }
    }
    let run: @Sendable () -> HealthOutcome = { body.run() }
    return HealthCheckDefinition(
        name: name, description: description, timeoutMilliseconds: o.timeout_ms, critical: o.critical != 0,
        tags: tags, intervalMilliseconds: o.interval_ms, onRelease: onRelease, body: run)
}

@_cdecl("n3obs_health_register")
public func cHealthRegister(_ opts: UnsafePointer<n3obs_health_check_opts>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_health_register"
    guard let opts else { return fail(fn, .invalidArgument, "opts is NULL") }
    do throws(N3ObsError) {
        let health = try N3ObsSDK.shared.runningHealth()
        try health.register(try readCheck(opts))
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_health_unregister")
public func cHealthUnregister(_ name: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_health_unregister"
    do throws(N3ObsError) {
        let health = try N3ObsSDK.shared.runningHealth()
        try health.unregister(try CString.read(name, what: "name", limit: Limits.maxNameLength))
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_health_run")
public func cHealthRun(_ out: HostFunctions.ReportOut) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return HostFunctions.healthRun(out)
}

@_cdecl("n3obs_health_run_check")
public func cHealthRunCheck(_ out: HostFunctions.ReportOut, _ name: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return HostFunctions.deliverReport("n3obs_health_run_check", out) { health throws(N3ObsError) in
        try health.run(checkNamed: try CString.read(name, what: "name", limit: Limits.maxNameLength))
    }
}

@_cdecl("n3obs_health_last_report")
public func cHealthLastReport(_ out: HostFunctions.ReportOut) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return HostFunctions.healthLastReport(out)
}
