/// The status codes of the C API. include/n3obs.h is the one list (`N3OBS_E_*`, down to
/// `N3OBS_E_LAST`); Tests/N3ObsTests/StatusListTests.swift fails when this enum differs.
public enum N3ObsStatus: Int32, Sendable, CaseIterable {
    case ok = 0
    case invalidArgument = -1
    case invalidName = -2
    case labelCount = -3
    case conflict = -4
    case notInitialized = -5
    case shutDown = -6
    case misuse = -7
    case noMemory = -8
    case invalidUTF8 = -9
    case tooLong = -10
    case invalidValue = -11
    case config = -12
    case pluginNotFound = -13
    case pluginNotLoadable = -14
    case pluginNoEntryPoint = -15
    case pluginABI = -16
    case pluginRefused = -17
    case pluginTable = -18
    case pluginUnsafe = -19
    case timeout = -20

    /// The short text `n3obs_errstr` returns.
    public var summary: String {
        switch self {
        case .ok: "ok"
        case .invalidArgument: "invalid argument"
        case .invalidName: "invalid name"
        case .labelCount: "wrong number of label values"
        case .conflict: "conflicting registration"
        case .notInitialized: "not initialized"
        case .shutDown: "shut down"
        case .misuse: "API misuse"
        case .noMemory: "out of memory"
        case .invalidUTF8: "invalid UTF-8"
        case .tooLong: "too long"
        case .invalidValue: "invalid value"
        case .config: "invalid configuration"
        case .pluginNotFound: "plugin not found"
        case .pluginNotLoadable: "plugin not loadable"
        case .pluginNoEntryPoint: "plugin has no entry point"
        case .pluginABI: "plugin ABI not supported"
        case .pluginRefused: "plugin refused to start"
        case .pluginTable: "plugin table invalid"
        case .pluginUnsafe: "plugin file unsafe"
        case .timeout: "timed out"
        }
    }
}

/// An error of the core: a status for C callers and a message that says what was wrong.
public struct N3ObsError: Error, Sendable, CustomStringConvertible {
    public let status: N3ObsStatus
    public let message: String

    public init(_ status: N3ObsStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.summary): \(message)" }
}
