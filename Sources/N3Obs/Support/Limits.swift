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
