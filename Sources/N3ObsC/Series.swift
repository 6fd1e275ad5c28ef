import CN3Obs
import CN3ObsShims
import N3Obs

public typealias LabelValues = UnsafePointer<UnsafePointer<CChar>?>?

/// Finds (or creates) the series of a family handle: the common body of bind and of every
/// record-by-labels function. Returns the cell, or the failed status in `status`.
@inline(__always)
private func resolve(_ fn: StaticString, _ handle: OpaquePointer?, _ type: MetricType,
                     _ values: LabelValues, _ count: Int, _ status: inout Int32) -> UnsafeMutableRawPointer? {
    guard let handle else { status = fail(fn, .invalidArgument, "family is NULL"); return nil }
    // CCount.checked's rule, spelled out: this is the record-by-labels path, and the
    // throwing helper costs it 30 instructions more (callgrind) than this compare.
    guard UInt(bitPattern: count) <= UInt(Limits.maxLabels) else { // a size_t of 2^63 or more is negative here
        status = fail(fn, .labelCount, "label_count is \(UInt(bitPattern: count)); at most \(Limits.maxLabels)")
        return nil
    }
    guard n3o_sdk_state() == N3ObsSDK.State.running.rawValue else {
        status = notRunning(fn); return nil
    }
    guard let family = MetricFamily.unmanaged(handle: UnsafeRawPointer(handle), type: type) else {
        status = fail(fn, .misuse, "the handle is not a \(type) family"); return nil
    }
    var failure: N3ObsError?
    let cell = family._withUnsafeGuaranteedRef { family -> UnsafeMutableRawPointer? in
        do throws(N3ObsError) {
            return try family.cell(for: values, count: count)
        } catch {
            failure = error
            return nil
        }
    }
    if let failure { status = fail(fn, failure) }
    return cell
}

private func bind(_ fn: StaticString, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ handle: OpaquePointer?,
                  _ type: MetricType, _ values: LabelValues, _ count: Int) -> Int32 {
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = nil
    var status = N3OBS_OK
    guard let cell = resolve(fn, handle, type, values, count, &status) else { return status }
    out.pointee = OpaquePointer(cell)
    return N3OBS_OK
}

@_cdecl("n3obs_counter_bind")
public func cCounterBind(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ family: OpaquePointer?,
                         _ values: LabelValues, _ count: Int) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return bind("n3obs_counter_bind", out, family, .counter, values, count)
}

@_cdecl("n3obs_gauge_bind")
public func cGaugeBind(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ family: OpaquePointer?,
                       _ values: LabelValues, _ count: Int) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return bind("n3obs_gauge_bind", out, family, .gauge, values, count)
}

@_cdecl("n3obs_histogram_bind")
public func cHistogramBind(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ family: OpaquePointer?,
                           _ values: LabelValues, _ count: Int) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return bind("n3obs_histogram_bind", out, family, .histogram, values, count)
}

@_cdecl("n3obs_summary_bind")
public func cSummaryBind(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ family: OpaquePointer?,
                         _ values: LabelValues, _ count: Int) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return bind("n3obs_summary_bind", out, family, .summary, values, count)
}

// MARK: - Recording into bound series (the hot path)

/// Turns a failed check of an `n3o_record_*` fast path into a status and a message.
@inline(never)
private func recordFailure(_ fn: StaticString, _ code: Int32, _ handle: OpaquePointer?, expecting tag: UInt32,
                           _ value: Double, rule: String) -> Int32 {
    switch code {
    case Int32(N3O_REC_NULL): return fail(fn, .invalidArgument, "series is NULL")
    case Int32(N3O_REC_WRONG_TYPE):
        // n3obs_shutdown marks every cell; a marked cell of the right type is not misuse.
        if let cell = UnsafeMutableRawPointer(handle), Recording.tag(cell) == tag | N3O_TAG_SHUT_DOWN {
            return notRunning(fn)
        }
        return fail(fn, .misuse, "the handle is not a series of this metric type")
    case Int32(N3O_REC_NOT_RUNNING): return notRunning(fn)
    default: return badValue(fn, value, rule)
    }
}

@inline(never)
private func badValue(_ fn: StaticString, _ value: Double, _ rule: String) -> Int32 {
    fail(fn, .invalidValue, "\(value) is not allowed: \(rule)")
}

private let counterRule = "a counter only goes up by finite, non-negative amounts"
private let gaugeRule = "a gauge moves by finite amounts"
private let histogramRule = "NaN would poison the sum"
private let summaryRule = "observations must be finite"

// n3obs_counter_add, _inc, n3obs_gauge_set, _add and n3obs_histogram_observe are defined
// in C (Sources/CN3ObsRecord/record.c): a @_cdecl thunk's calls are emitted `noinline`, so
// the C fast path would not inline into it. Their failures come back here.

/// The record functions of record.c, in the order of its N3O_FN_* constants.
private enum RecordFunction: Int32 {
    case counterAdd, counterInc, gaugeSet, gaugeAdd, histogramObserve

    var name: StaticString {
        switch self {
        case .counterAdd: "n3obs_counter_add"
        case .counterInc: "n3obs_counter_inc"
        case .gaugeSet: "n3obs_gauge_set"
        case .gaugeAdd: "n3obs_gauge_add"
        case .histogramObserve: "n3obs_histogram_observe"
        }
    }
    var tag: UInt32 {
        switch self {
        case .counterAdd, .counterInc: N3O_TAG_COUNTER
        case .gaugeSet, .gaugeAdd: N3O_TAG_GAUGE
        case .histogramObserve: N3O_TAG_HISTOGRAM
        }
    }
    var rule: String {
        switch self {
        case .counterAdd, .counterInc: counterRule
        case .gaugeSet, .gaugeAdd: gaugeRule
        case .histogramObserve: histogramRule
        }
    }
}

/// Called by record.c's slow paths with the N3O_REC_* code of a failed check. Not
/// published: the version script keeps it inside libn3obs.so.
@_cdecl("n3o_record_failed")
public func cRecordFailed(_ function: Int32, _ code: Int32, _ cell: UnsafeMutableRawPointer?,
                          _ value: Double) -> Int32 {
    guard let fn = RecordFunction(rawValue: function) else {
        return fail("n3obs record", .misuse, "unknown record function \(function)")
    }
    return recordFailure(fn.name, code, OpaquePointer(cell), expecting: fn.tag, value, rule: fn.rule)
}

@_cdecl("n3obs_summary_observe")
public func cSummaryObserve(_ handle: OpaquePointer?, _ value: Double) -> Int32 {
    let fn: StaticString = "n3obs_summary_observe"
    guard let cell = UnsafeMutableRawPointer(handle) else {
        return recordFailure(fn, Int32(N3O_REC_NULL), handle, expecting: N3O_TAG_SUMMARY, value, rule: summaryRule)
    }
    guard Recording.tag(cell) == N3O_TAG_SUMMARY else {
        return recordFailure(fn, Int32(N3O_REC_WRONG_TYPE), handle, expecting: N3O_TAG_SUMMARY, value,
                             rule: summaryRule)
    }
    guard value.isFinite else { return badValue(fn, value, summaryRule) }
    Recording.summaryObserve(cell, value)
    return N3OBS_OK
}

// MARK: - Recording by label values

@_cdecl("n3obs_counter_add_labels")
public func cCounterAddLabels(_ family: OpaquePointer?, _ values: LabelValues, _ count: Int, _ value: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_counter_add_labels"
    guard n3o_counter_accepts(value) != 0 else {
        return badValue(fn, value, counterRule)
    }
    var status = N3OBS_OK
    guard let cell = resolve(fn, family, .counter, values, count, &status) else { return status }
    Recording.counterAdd(cell, value)
    return N3OBS_OK
}

@_cdecl("n3obs_gauge_set_labels")
public func cGaugeSetLabels(_ family: OpaquePointer?, _ values: LabelValues, _ count: Int, _ value: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    var status = N3OBS_OK
    guard let cell = resolve("n3obs_gauge_set_labels", family, .gauge, values, count, &status) else { return status }
    Recording.gaugeSet(cell, value)
    return N3OBS_OK
}

@_cdecl("n3obs_gauge_add_labels")
public func cGaugeAddLabels(_ family: OpaquePointer?, _ values: LabelValues, _ count: Int, _ delta: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_gauge_add_labels"
    guard delta.isFinite else { return badValue(fn, delta, gaugeRule) }
    var status = N3OBS_OK
    guard let cell = resolve(fn, family, .gauge, values, count, &status) else { return status }
    Recording.gaugeAdd(cell, delta)
    return N3OBS_OK
}

@_cdecl("n3obs_histogram_observe_labels")
public func cHistogramObserveLabels(_ family: OpaquePointer?, _ values: LabelValues, _ count: Int,
                                    _ value: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_histogram_observe_labels"
    guard !value.isNaN else { return badValue(fn, value, histogramRule) }
    var status = N3OBS_OK
    guard let cell = resolve(fn, family, .histogram, values, count, &status) else { return status }
    Recording.histogramObserve(cell, value)
    return N3OBS_OK
}

@_cdecl("n3obs_summary_observe_labels")
public func cSummaryObserveLabels(_ family: OpaquePointer?, _ values: LabelValues, _ count: Int,
                                  _ value: Double) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    let fn: StaticString = "n3obs_summary_observe_labels"
    guard value.isFinite else { return badValue(fn, value, summaryRule) }
    var status = N3OBS_OK
    guard let cell = resolve(fn, family, .summary, values, count, &status) else { return status }
    Recording.summaryObserve(cell, value)
    return N3OBS_OK
}

@_cdecl("n3obs_info_set")
public func cInfoSet(_ family: OpaquePointer?, _ values: LabelValues, _ count: Int) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    var status = N3OBS_OK
    guard resolve("n3obs_info_set", family, .info, values, count, &status) != nil else { return status }
    return N3OBS_OK
}
