/// The SDK's version; kept equal to N3OBS_VERSION* in include/n3obs.h (a C test checks).
public enum N3ObsVersion {
    public static let major = 0
    public static let minor = 1
    public static let patch = 0
    public static let string = "0.1.0"
    public static let number = major * 1_000_000 + minor * 1000 + patch
    public static let abi = 1
}
