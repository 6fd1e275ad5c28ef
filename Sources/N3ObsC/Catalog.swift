import CN3Obs
import CN3ObsShims
import N3Obs

/// What `n3obs_execution.opaque[0]` holds: a begun or an ended execution. Anything else
/// (a zeroed or garbage struct) was never begun.
private let executionBegun: UInt64 = 0x6e33_e8ec_0000_0001
private let executionEnded: UInt64 = 0x6e33_e8ec_0000_0002

@_cdecl("n3obs_execution_begin")
public func cExecutionBegin(_ execution: UnsafeMutablePointer<n3obs_execution>?,
                            _ component: UnsafePointer<CChar>?, _ strategy: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_execution_begin"
    guard let execution else { return fail(fn, .invalidArgument, "execution is NULL") }
    execution.pointee.opaque = (0, 0, 0, 0)
    guard let component else { return fail(fn, .invalidArgument, "component is NULL") }
    guard let strategy else { return fail(fn, .invalidArgument, "strategy is NULL") }
    do throws(N3ObsError) {
        let begun = try N3ObsSDK.shared.runningCatalog().begin(component: component, strategy: strategy)
        let w = begun.words
        execution.pointee.opaque = (executionBegun, w.0, w.1, w.2)
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_execution_end")
public func cExecutionEnd(_ execution: UnsafeMutablePointer<n3obs_execution>?, _ status: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return endExecution("n3obs_execution_end", execution, status, durationSeconds: nil)
}

@_cdecl("n3obs_execution_end_with_duration")
public func cExecutionEndWithDuration(_ execution: UnsafeMutablePointer<n3obs_execution>?,
                                      _ status: UnsafePointer<CChar>?, _ durationSeconds: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_execution_end_with_duration"
    guard durationSeconds.isFinite, durationSeconds >= 0 else {
        return fail(fn, .invalidValue, "duration_seconds must be a finite number >= 0, not \(durationSeconds)")
    }
    return endExecution(fn, execution, status, durationSeconds: durationSeconds)
}

/// Ends a begun execution once; nil duration: the time since it began.
private func endExecution(_ fn: StaticString, _ execution: UnsafeMutablePointer<n3obs_execution>?,
                          _ status: UnsafePointer<CChar>?, durationSeconds: Double?) -> Int32 {
    guard let execution else { return fail(fn, .invalidArgument, "execution is NULL") }
    let o = execution.pointee.opaque
    switch o.0 {
    case executionBegun: break
    case executionEnded: return fail(fn, .misuse, "the execution has already ended")
    default: return fail(fn, .misuse, "the execution was never begun")
    }
    guard let status else { return fail(fn, .invalidArgument, "status is NULL") }
    guard let begun = StandardCatalog.Execution(words: (o.1, o.2, o.3)) else {
        return fail(fn, .misuse, "the execution was never begun")
    }
    do throws(N3ObsError) {
        try N3ObsSDK.shared.runningCatalog().end(begun, status: status, durationSeconds: durationSeconds)
        execution.pointee.opaque.0 = executionEnded
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

/// Adds to a catalogue counter or sets a catalogue gauge by label values.
private func record(_ fn: StaticString, _ values: [UnsafePointer<CChar>?],
                    _ pick: (StandardCatalog) -> MetricFamily,
                    _ apply: (UnsafeMutableRawPointer) -> Void) -> Int32 {
    for (i, v) in values.enumerated() where v == nil {
        return fail(fn, .invalidArgument, "argument \(i + 1) is NULL")
    }
    do throws(N3ObsError) {
        let family = pick(try N3ObsSDK.shared.runningCatalog())
        let cell = try values.withUnsafeBufferPointer { b throws(N3ObsError) in
            try family.cell(for: b.baseAddress, count: b.count)
        }
        apply(cell)
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_catalog_record_error")
public func cCatalogRecordError(_ component: UnsafePointer<CChar>?, _ errorType: UnsafePointer<CChar>?,
                                _ severity: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return record("n3obs_catalog_record_error", [component, errorType, severity], { $0.errors }) {
        Recording.counterAdd($0, 1)
    }
}

@_cdecl("n3obs_catalog_record_security_validation")
public func cCatalogRecordSecurityValidation(_ validationType: UnsafePointer<CChar>?,
                                             _ result: UnsafePointer<CChar>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return record("n3obs_catalog_record_security_validation", [validationType, result], { $0.securityValidations }) {
        Recording.counterAdd($0, 1)
    }
}

@_cdecl("n3obs_catalog_set_worker_pool_size")
public func cCatalogSetWorkerPoolSize(_ pool: UnsafePointer<CChar>?, _ node: UnsafePointer<CChar>?,
                                      _ size: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return record("n3obs_catalog_set_worker_pool_size", [pool, node], { $0.workerPoolSize }) {
        Recording.gaugeSet($0, size)
    }
}

@_cdecl("n3obs_catalog_set_task_queue_length")
public func cCatalogSetTaskQueueLength(_ queue: UnsafePointer<CChar>?, _ priority: UnsafePointer<CChar>?,
                                       _ length: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return record("n3obs_catalog_set_task_queue_length", [queue, priority], { $0.taskQueueLength }) {
        Recording.gaugeSet($0, length)
    }
}
