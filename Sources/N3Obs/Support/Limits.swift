/// Input limits, the same numbers as the N3OBS_MAX_* macros of n3obs.h.
public enum Limits {
    public static let maxNameLength = 255
    public static let maxLabelValueLength = 4096
    public static let maxHelpLength = 16384
    public static let maxLabels = 32
    public static let maxBuckets = 256
    public static let maxQuantiles = 32
    public static let maxAgeBuckets = 64
    public static let defaultCardinalityLimit = 2000
}

/// A `size_t` count from C. Swift imports size_t as Int, so 2^63 and above arrive negative
/// and would pass a `count <= max` check; every count of the C API goes through here once,
/// at the boundary, and is refused above the documented maximum with its real value.
public enum CCount {
    public static func checked(_ raw: Int, max: Int, _ what: @autoclosure () -> String,
                               status: N3ObsStatus = .tooLong) throws(N3ObsError) -> Int {
        let n = UInt(bitPattern: raw)
        guard n <= UInt(max) else { throw N3ObsError(status, "\(what()) is \(n); at most \(max)") }
        return Int(n)
    }
}
