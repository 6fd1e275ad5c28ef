/// The built-in health checks, as bits; the same values as N3OBS_HEALTH_BUILTIN_* in n3obs.h.
public struct HealthBuiltins: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let systemMemory = HealthBuiltins(rawValue: 0x1)
    public static let processMemory = HealthBuiltins(rawValue: 0x2)
    public static let cpu = HealthBuiltins(rawValue: 0x4)
    public static let disk = HealthBuiltins(rawValue: 0x8)
    public static let pipeline = HealthBuiltins(rawValue: 0x10)
    public static let all: HealthBuiltins = [.systemMemory, .processMemory, .cpu, .disk, .pipeline]

    /// The check names, which N3OBS_HEALTH_BUILTINS lists.
    public static let names: [(String, HealthBuiltins)] = [
        ("system_memory", .systemMemory), ("process_memory", .processMemory), ("cpu", .cpu),
        ("disk", .disk), ("pipeline", .pipeline),
    ]
}

/// The built-in checks' thresholds, in percent. The raw value is the environment variable.
/// "Below" thresholds fail when the measure falls under them (available memory, free
/// disk); "above" thresholds fail when it reaches them (resident memory, CPU, queue fill).
public enum HealthThreshold: String, CaseIterable, Sendable, Hashable {
    case memoryDegraded = "N3OBS_HEALTH_MEMORY_DEGRADED_PERCENT"
    case memoryUnhealthy = "N3OBS_HEALTH_MEMORY_UNHEALTHY_PERCENT"
    case processMemoryDegraded = "N3OBS_HEALTH_PROCESS_MEMORY_DEGRADED_PERCENT"
    case processMemoryUnhealthy = "N3OBS_HEALTH_PROCESS_MEMORY_UNHEALTHY_PERCENT"
    case cpuDegraded = "N3OBS_HEALTH_CPU_DEGRADED_PERCENT"
    case cpuUnhealthy = "N3OBS_HEALTH_CPU_UNHEALTHY_PERCENT"
    case diskDegraded = "N3OBS_HEALTH_DISK_DEGRADED_PERCENT"
    case diskUnhealthy = "N3OBS_HEALTH_DISK_UNHEALTHY_PERCENT"
    case pipelineDegraded = "N3OBS_HEALTH_PIPELINE_DEGRADED_PERCENT"
    case pipelineUnhealthy = "N3OBS_HEALTH_PIPELINE_UNHEALTHY_PERCENT"

    public var defaultValue: Double {
        switch self {
        case .memoryDegraded: 10        // available memory below 10 %
        case .memoryUnhealthy: 5
        case .processMemoryDegraded: 80 // resident set at 80 % of the memory limit
        case .processMemoryUnhealthy: 90
        case .cpuDegraded: 90           // machine CPU busy 90 % of the last second
        case .cpuUnhealthy: 98
        case .diskDegraded: 10          // free disk below 10 %
        case .diskUnhealthy: 5
        case .pipelineDegraded: 80      // span queue 80 % full
        case .pipelineUnhealthy: 100
        }
    }
}

/// The health settings a caller may set; nil (or absent) takes the environment, then the default.
public struct HealthConfiguration: Sendable, Equatable {
    /// Built-in checks to turn off. Env: N3OBS_HEALTH_BUILTINS lists the ones to keep
    /// ("system_memory,cpu", "all", "none"). Default: all on.
    public var builtinsOff: HealthBuiltins?
    /// Whether the built-in checks are critical. Env: N3OBS_HEALTH_BUILTINS_CRITICAL. Default false.
    public var builtinsCritical: Bool?
    /// The path whose file system the disk check watches. Env: N3OBS_HEALTH_DISK_PATH. Default "/".
    public var diskPath: String?
    /// The monitor's period; 0 or unset is off. Env: N3OBS_HEALTH_MONITOR_INTERVAL_MS.
    public var monitorIntervalMilliseconds: UInt32?
    public var thresholds: [HealthThreshold: Double] = [:]

    public init() {}

    func resolved(_ env: (String) -> String?) throws(N3ObsError) -> HealthSettings {
        var s = HealthSettings()
        if let off = builtinsOff {
            s.builtins = HealthBuiltins.all.subtracting(off)
        } else if let list = env("N3OBS_HEALTH_BUILTINS") {
            s.builtins = try Self.parseBuiltins(list)
        }
        if let critical = builtinsCritical {
            s.builtinsCritical = critical
        } else if let text = env("N3OBS_HEALTH_BUILTINS_CRITICAL") {
            guard let b = Self.parseBool(text) else {
                throw N3ObsError(.config, "N3OBS_HEALTH_BUILTINS_CRITICAL='\(text)' is not true or false")
            }
            s.builtinsCritical = b
        }
        if let path = diskPath ?? env("N3OBS_HEALTH_DISK_PATH"), !path.isEmpty { s.diskPath = path }
        if let ms = monitorIntervalMilliseconds {
            s.monitorIntervalMilliseconds = ms
        } else if let text = env("N3OBS_HEALTH_MONITOR_INTERVAL_MS") {
            guard let ms = UInt32(text.trimmingSpaces()) else {
                throw N3ObsError(.config, "N3OBS_HEALTH_MONITOR_INTERVAL_MS='\(text)' is not a whole number of milliseconds")
            }
            s.monitorIntervalMilliseconds = ms
        }
        for t in HealthThreshold.allCases {
            if let v = thresholds[t] {
                guard v.isFinite else { throw N3ObsError(.config, "health threshold \(t.rawValue) is not finite") }
                s.thresholds[t] = v
            } else if let text = env(t.rawValue) {
                guard let v = Double(text.trimmingSpaces()), v.isFinite else {
                    throw N3ObsError(.config, "\(t.rawValue)='\(text)' is not a number")
                }
                s.thresholds[t] = v
            }
        }
        return s
    }

    static func parseBuiltins(_ list: String) throws(N3ObsError) -> HealthBuiltins {
        var set: HealthBuiltins = []
        for item in list.split(separator: ",") {
            let name = String(item).trimmingSpaces().lowercased()
            switch name {
            case "all": set.formUnion(.all)
            case "none", "": break
            default:
                guard let bit = HealthBuiltins.names.first(where: { $0.0 == name })?.1 else {
                    throw N3ObsError(.config, "N3OBS_HEALTH_BUILTINS names '\(name)'; known: all, none, "
                        + HealthBuiltins.names.map(\.0).joined(separator: ", "))
                }
                set.insert(bit)
            }
        }
        return set
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.trimmingSpaces().lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off", "": false
        default: nil
        }
    }
}

/// The health settings after the environment and the defaults have filled every gap.
public struct HealthSettings: Sendable, Equatable {
    public var builtins: HealthBuiltins = .all
    public var builtinsCritical = false
    public var diskPath = "/"
    /// 0: the monitor is off.
    public var monitorIntervalMilliseconds: UInt32 = 0
    /// Only the thresholds that differ from their defaults; read them with `threshold(_:)`.
    public var thresholds: [HealthThreshold: Double] = [:]

    public init() {}

    public func threshold(_ t: HealthThreshold) -> Double { thresholds[t] ?? t.defaultValue }
}
