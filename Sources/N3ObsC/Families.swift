import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

/// Reads the parts of n3obs_metric_opts every type shares into a shape.
private func readShape(_ opts: UnsafePointer<n3obs_metric_opts>?, type: MetricType) throws(N3ObsError) -> MetricShape {
    guard let opts else { throw N3ObsError(.invalidArgument, "opts is NULL") }
    let callerSize = Int(opts.pointee.size)
    guard callerSize >= MemoryLayout<n3obs_metric_opts>.size else {
        throw N3ObsError(.invalidArgument,
                         "opts->size \(callerSize) is too small; start from N3OBS_METRIC_OPTS_INIT")
    }
    let o = opts.pointee
    let name = try CString.read(o.name, what: "name", limit: Limits.maxNameLength)
    let help = try CString.read(o.help, what: "help of '\(name)'", limit: Limits.maxHelpLength, nullIsEmpty: true)
    let unit = try CString.read(o.unit, what: "unit of '\(name)'", limit: Limits.maxNameLength, nullIsEmpty: true)
    let labelCount = try CCount.checked(o.label_count, max: Limits.maxLabels, "label_count of '\(name)'")
    var labels: [String] = []
    if labelCount > 0 {
        guard let names = o.label_names else {
            throw N3ObsError(.invalidArgument, "label_names is NULL but label_count is \(labelCount)")
        }
        for i in 0..<labelCount {
            labels.append(try CString.read(names[i], what: "label name \(i) of '\(name)'", limit: Limits.maxNameLength))
        }
    }
    return MetricShape(name: name, help: help, unit: unit, type: type, labelNames: labels)
}

/// Registers a family and writes its handle; the common body of every constructor.
private func register(_ fn: StaticString, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                      _ makeShape: () throws(N3ObsError) -> MetricShape) -> Int32 {
    guard let out else { return fail(fn, .invalidArgument, "out is NULL") }
    out.pointee = nil
    do throws(N3ObsError) {
        let registry = try N3ObsSDK.shared.runningRegistry()
        let family = try registry.register(try makeShape())
        out.pointee = OpaquePointer(family.handle)
        return N3OBS_OK
    } catch {
        return fail(fn, error)
    }
}

@_cdecl("n3obs_counter_new")
public func cCounterNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opts: UnsafePointer<n3obs_metric_opts>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return register("n3obs_counter_new", out) { () throws(N3ObsError) in try readShape(opts, type: .counter) }
}

@_cdecl("n3obs_gauge_new")
public func cGaugeNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opts: UnsafePointer<n3obs_metric_opts>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return register("n3obs_gauge_new", out) { () throws(N3ObsError) in try readShape(opts, type: .gauge) }
}

@_cdecl("n3obs_info_new")
public func cInfoNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opts: UnsafePointer<n3obs_metric_opts>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return register("n3obs_info_new", out) { () throws(N3ObsError) in try readShape(opts, type: .info) }
}

@_cdecl("n3obs_histogram_new")
public func cHistogramNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opts: UnsafePointer<n3obs_metric_opts>?,
                          _ bounds: UnsafePointer<Double>?, _ rawBoundCount: Int) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return register("n3obs_histogram_new", out) { () throws(N3ObsError) in
        var shape = try readShape(opts, type: .histogram)
        let boundCount = try CCount.checked(rawBoundCount, max: Limits.maxBuckets + 1, "bound_count")
        switch (bounds, boundCount) {
        case (nil, 0): break // Prometheus' default buckets
        case (nil, _): throw N3ObsError(.invalidArgument, "bounds is NULL but bound_count is \(boundCount)")
        case (_, 0): throw N3ObsError(.invalidArgument, "bound_count is 0; pass bounds = NULL for the default buckets")
        case (let bounds?, _): shape.buckets = Array(UnsafeBufferPointer(start: bounds, count: boundCount))
        }
        return shape
    }
}

@_cdecl("n3obs_summary_new")
public func cSummaryNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opts: UnsafePointer<n3obs_metric_opts>?,
                        _ summaryOpts: UnsafePointer<n3obs_summary_opts>?) -> Int32 {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    return register("n3obs_summary_new", out) { () throws(N3ObsError) in
        var shape = try readShape(opts, type: .summary)
        var options = SummaryOptions.default
        if let summaryOpts {
            guard Int(summaryOpts.pointee.size) >= MemoryLayout<n3obs_summary_opts>.size else {
                throw N3ObsError(.invalidArgument, "summary_opts->size is too small; start from N3OBS_SUMMARY_OPTS_INIT")
            }
            let s = summaryOpts.pointee
            let quantileCount = try CCount.checked(s.quantile_count, max: Limits.maxQuantiles, "quantile_count")
            if quantileCount > 0 {
                guard let qs = s.quantiles else {
                    throw N3ObsError(.invalidArgument, "quantiles is NULL but quantile_count is \(quantileCount)")
                }
                options.quantiles = Array(UnsafeBufferPointer(start: qs, count: quantileCount))
            }
            if s.max_age_seconds != 0 { options.maxAgeSeconds = s.max_age_seconds }
            if s.age_buckets != 0 { options.ageBuckets = Int(s.age_buckets) }
        }
        shape.summary = options
        return shape
    }
}
