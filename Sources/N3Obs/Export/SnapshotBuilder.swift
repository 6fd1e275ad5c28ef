import CN3Obs
import CN3ObsShims
import Glibc

/// Builds an `n3obs_metrics_snapshot` in one allocation:
///
///     [snapshot][families][series][buckets][quantiles][label value pointers]
///
/// Names, help texts and label values are not copied: they point into families and series,
/// which live as long as the process. Freeing the snapshot is one `free`.
public enum SnapshotBuilder {
    public static func collect(_ registry: Registry, now: Int64 = n3o_realtime_ns())
        -> UnsafeMutablePointer<n3obs_metrics_snapshot>?
    {
        let families = registry.families()
        let recordsByFamily = families.map { $0.snapshotRecords() }
        var seriesCount = 0, bucketCount = 0, quantileCount = 0, labelCount = 0
        for (family, records) in zip(families, recordsByFamily) {
            seriesCount += records.count
            labelCount += records.count * family.labelCount
            bucketCount += records.count * (family.type == .histogram ? family.shape.buckets.count + 1 : 0)
            quantileCount += records.count * (family.shape.summary?.quantiles.count ?? 0)
        }
        let layout = Layout(families: families.count, series: seriesCount,
                            buckets: bucketCount, quantiles: quantileCount, labels: labelCount)
        guard let base = n3o_aligned_zalloc(64, layout.total) else { return nil }
        let snapshot = base.assumingMemoryBound(to: n3obs_metrics_snapshot.self)
        let familyData = (base + layout.familiesOffset).assumingMemoryBound(to: n3obs_family_data.self)
        var series = (base + layout.seriesOffset).assumingMemoryBound(to: n3obs_series_data.self)
        var buckets = (base + layout.bucketsOffset).assumingMemoryBound(to: n3obs_bucket_data.self)
        var quantiles = (base + layout.quantilesOffset).assumingMemoryBound(to: n3obs_quantile_data.self)
        var labels = (base + layout.labelsOffset).assumingMemoryBound(to: UnsafePointer<CChar>?.self)
        let monotonicNow = n3o_monotonic_ns()

        for (f, (family, records)) in zip(families, recordsByFamily).enumerated() {
            familyData[f] = n3obs_family_data(
                name: family.cName, help: family.cHelp, unit: family.cUnit,
                type: n3obs_metric_type(rawValue: UInt32(family.type.rawValue)), reserved: 0,
                label_names: UnsafePointer(family.cLabelNames), label_count: family.labelCount,
                series: series, series_count: records.count)
            for record in records {
                SeriesRecord.labelValues(of: record, cellSize: family.cellSize, count: family.labelCount,
                                         into: labels)
                series.pointee.label_values = UnsafePointer(labels)
                labels += family.labelCount
                series.pointee.is_overflow = record.pointee.isOverflow ? 1 : 0
                series.pointee.created_unix_nano = record.pointee.createdUnixNano
                let cell = SeriesRecord.cell(of: record)
                switch family.type {
                case .counter:
                    series.pointee.value = n3o_counter_value(cell.assumingMemoryBound(to: n3o_counter_cell.self))
                case .gauge:
                    series.pointee.value = n3o_load_f64(&cell.assumingMemoryBound(to: n3o_gauge_cell.self).pointee.bits)
                case .info:
                    series.pointee.value = 1
                case .histogram:
                    let n = readHistogram(cell.assumingMemoryBound(to: n3o_histogram_cell.self),
                                          into: series, buckets: buckets)
                    buckets += n
                case .summary:
                    let n = readSummary(cell.assumingMemoryBound(to: n3o_summary_cell.self),
                                        options: family.shape.summary ?? .default, now: monotonicNow,
                                        into: series, quantiles: quantiles)
                    quantiles += n
                }
                series += 1
            }
        }
        snapshot.pointee = n3obs_metrics_snapshot(
            size: UInt32(MemoryLayout<n3obs_metrics_snapshot>.stride), reserved: 0,
            time_unix_nano: now, families: UnsafePointer(familyData), family_count: families.count)
        return snapshot
    }

    /// Reads each bucket once and derives the count from them, so the +Inf bucket always
    /// equals `count` even while other threads observe.
    private static func readHistogram(_ cell: UnsafeMutablePointer<n3o_histogram_cell>,
                                      into series: UnsafeMutablePointer<n3obs_series_data>,
                                      buckets: UnsafeMutablePointer<n3obs_bucket_data>) -> Int {
        let n = Int(cell.pointee.bound_count) + 1
        let shared = n3o_histogram_shared(cell)
        var cumulative: UInt64 = 0
        for i in 0..<n {
            cumulative &+= n3o_load_u64(cell.pointee.counts + i)
            if let shared { cumulative &+= n3o_histogram_shard_count(shared, UInt32(i)) }
            buckets[i].upper_bound = i < n - 1 ? cell.pointee.bounds[i] : .infinity
            buckets[i].cumulative_count = cumulative
            var e = n3o_exemplar()
            if n3o_histogram_read_exemplar(cell, UInt32(i), &e) != 0 {
                buckets[i].has_exemplar = 1
                withUnsafeMutableBytes(of: &buckets[i].exemplar.trace_id) {
                    IdBytes.store(e.trace_hi, $0.baseAddress!)
                    IdBytes.store(e.trace_lo, $0.baseAddress! + 8)
                }
                withUnsafeMutableBytes(of: &buckets[i].exemplar.span_id) { IdBytes.store(e.span_id, $0.baseAddress!) }
                buckets[i].exemplar.value = Double(bitPattern: e.value_bits)
                buckets[i].exemplar.time_unix_nano = e.time_unix_nano
            }
        }
        series.pointee.count = cumulative
        series.pointee.sum = n3o_load_f64(&cell.pointee.sum_bits)
            + (shared.map { n3o_load_f64(&$0.pointee.sum_bits) } ?? 0)
        series.pointee.buckets = UnsafePointer(buckets)
        series.pointee.bucket_count = n
        return n
    }

    private static func readSummary(_ cell: UnsafeMutablePointer<n3o_summary_cell>, options: SummaryOptions,
                                     now: UInt64, into series: UnsafeMutablePointer<n3obs_series_data>,
                                     quantiles: UnsafeMutablePointer<n3obs_quantile_data>) -> Int {
        series.pointee.count = n3o_load_u64(&cell.pointee.count)
        series.pointee.sum = n3o_load_f64(&cell.pointee.sum_bits)
        let values: [Double]
        if let raw = cell.pointee.sketch {
            values = Unmanaged<WindowedQuantileSketch>.fromOpaque(raw).takeUnretainedValue()
                .quantiles(options.quantiles, now: now)
        } else {
            values = options.quantiles.map { _ in .nan }
        }
        for (i, q) in options.quantiles.enumerated() {
            quantiles[i] = n3obs_quantile_data(quantile: q, value: i < values.count ? values[i] : .nan)
        }
        series.pointee.quantiles = UnsafePointer(quantiles)
        series.pointee.quantile_count = options.quantiles.count
        return options.quantiles.count
    }

    private struct Layout {
        let familiesOffset: Int, seriesOffset: Int, bucketsOffset: Int, quantilesOffset: Int
        let labelsOffset: Int, total: Int

        init(families: Int, series: Int, buckets: Int, quantiles: Int, labels: Int) {
            func align(_ n: Int) -> Int { (n + 63) & ~63 }
            familiesOffset = align(MemoryLayout<n3obs_metrics_snapshot>.stride)
            seriesOffset = align(familiesOffset + families * MemoryLayout<n3obs_family_data>.stride)
            bucketsOffset = align(seriesOffset + series * MemoryLayout<n3obs_series_data>.stride)
            quantilesOffset = align(bucketsOffset + buckets * MemoryLayout<n3obs_bucket_data>.stride)
            labelsOffset = align(quantilesOffset + quantiles * MemoryLayout<n3obs_quantile_data>.stride)
            total = labelsOffset + labels * MemoryLayout<UnsafePointer<CChar>?>.stride
        }
    }
}
