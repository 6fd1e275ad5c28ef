import CN3Obs
import Glibc

/// Converts reports to and from `n3obs_health_report`, laid out in one allocation so that
/// freeing it is one `free`:
///
///     [report][result pointers][results][tag pointer arrays][strings, NUL-terminated]
public enum ReportCStruct {
    /// The reports `make` handed out and `free` has not freed: a struct that is not one of
    /// them (zeroed, copied, freed) is not a report of this library, whatever its fields say.
    private static let live = LiveSet()

    public static func make(_ report: HealthReport) -> UnsafeMutablePointer<n3obs_health_report>? {
        let n = report.checks.count
        let ptr = MemoryLayout<UnsafeRawPointer?>.stride
        var tagCount = 0, stringBytes = 0
        for c in report.checks {
            tagCount += c.tags.count
            stringBytes += c.name.utf8.count + c.description.utf8.count + c.detail.utf8.count + 3
            for t in c.tags { stringBytes += t.utf8.count + 1 }
        }
        let pointersOffset = round8(MemoryLayout<n3obs_health_report>.stride)
        let resultsOffset = pointersOffset + n * ptr
        let tagsOffset = resultsOffset + n * MemoryLayout<n3obs_health_check_result>.stride
        let stringsOffset = tagsOffset + tagCount * ptr
        guard let base = calloc(1, stringsOffset + stringBytes) else { return nil }
        let pointers = (base + pointersOffset).assumingMemoryBound(to: UnsafePointer<n3obs_health_check_result>?.self)
        let results = (base + resultsOffset).assumingMemoryBound(to: n3obs_health_check_result.self)
        var tags = (base + tagsOffset).assumingMemoryBound(to: UnsafePointer<CChar>?.self)
        var strings = (base + stringsOffset).assumingMemoryBound(to: CChar.self)

        func copy(_ s: String) -> UnsafePointer<CChar> {
            let start = strings
            var s = s
            s.withUTF8 { b in
                if let src = b.baseAddress { memcpy(start, src, b.count) }
                start[b.count] = 0
                strings += b.count + 1
            }
            return UnsafePointer(start)
        }

        for (i, c) in report.checks.enumerated() {
            let tagArray = tags
            for (k, t) in c.tags.enumerated() { tagArray[k] = copy(t) }
            tags += c.tags.count
            results[i] = n3obs_health_check_result(
                size: UInt32(MemoryLayout<n3obs_health_check_result>.stride),
                status: n3obs_health_status(rawValue: UInt32(c.status.rawValue)),
                name: copy(c.name), description: copy(c.description), detail: copy(c.detail),
                duration_ns: c.durationNanos, timestamp_unix_nano: c.timestampUnixNano,
                tags: UnsafePointer(tagArray), tag_count: c.tags.count,
                critical: c.critical ? 1 : 0, timed_out: c.timedOut ? 1 : 0,
                stuck: c.stuck ? 1 : 0, cached: c.cached ? 1 : 0)
            pointers[i] = UnsafePointer(results + i)
        }
        let r = base.assumingMemoryBound(to: n3obs_health_report.self)
        r.pointee = n3obs_health_report(
            size: UInt32(MemoryLayout<n3obs_health_report>.stride),
            status: n3obs_health_status(rawValue: UInt32(report.status.rawValue)),
            time_unix_nano: report.timeUnixNano, duration_ns: report.durationNanos,
            checks: UnsafePointer(pointers), check_count: n)
        live.insert(UnsafeRawPointer(r))
        return r
    }

    /// Frees a report of `make`; anything else (NULL, freed twice, not ours) is ignored.
    public static func free(_ p: UnsafeMutablePointer<n3obs_health_report>?) {
        guard let p, live.remove(UnsafeRawPointer(p)) else { return }
        Glibc.free(p)
    }

    /// Reads a report back (as the JSON function does), trusting nothing but its shape:
    /// - Throws: `.invalidArgument` if it does not look like a report of this library.
    public static func read(_ p: UnsafePointer<n3obs_health_report>) throws(N3ObsError) -> HealthReport {
        guard live.contains(UnsafeRawPointer(p)) else {
            throw N3ObsError(.invalidArgument,
                             "report is not an n3obs_health_report of this library (or was freed): " +
                             "get one from n3obs_health_run or n3obs_health_last_report")
        }
        let r = p.pointee
        guard r.size == MemoryLayout<n3obs_health_report>.stride,
              let status = HealthStatus(rawValue: Int32(r.status.rawValue)),
              r.check_count == 0 || r.checks != nil else {
            throw N3ObsError(.invalidArgument, "report is not an n3obs_health_report of this library")
        }
        var checks: [CheckResult] = []
        for i in 0..<r.check_count {
            guard let cp = r.checks?[i], cp.pointee.size == MemoryLayout<n3obs_health_check_result>.stride,
                  let s = HealthStatus(rawValue: Int32(cp.pointee.status.rawValue)) else {
                throw N3ObsError(.invalidArgument, "check \(i) of the report is not a result of this library")
            }
            let c = cp.pointee
            func str(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
            let tags = (0..<(c.tags == nil ? 0 : c.tag_count)).map { str(c.tags?[$0]) }
            checks.append(CheckResult(
                name: str(c.name), description: str(c.description), status: s, critical: c.critical != 0,
                detail: str(c.detail), durationNanos: c.duration_ns, timestampUnixNano: c.timestamp_unix_nano,
                tags: tags, timedOut: c.timed_out != 0, stuck: c.stuck != 0, cached: c.cached != 0))
        }
        var report = HealthReport(checks: checks, timeUnixNano: r.time_unix_nano, durationNanos: r.duration_ns)
        report.status = status // as made, even if a caller edited its checks
        return report
    }

    private final class LiveSet: @unchecked Sendable {
        private let lock = Lock()
        private var addresses = Set<UInt>()
        func insert(_ p: UnsafeRawPointer) { lock.withLock { _ = addresses.insert(UInt(bitPattern: p)) } }
        func remove(_ p: UnsafeRawPointer) -> Bool { lock.withLock { addresses.remove(UInt(bitPattern: p)) != nil } }
        func contains(_ p: UnsafeRawPointer) -> Bool { lock.withLock { addresses.contains(UInt(bitPattern: p)) } }
    }

    private static func round8(_ n: Int) -> Int { (n + 7) & ~7 }
}
