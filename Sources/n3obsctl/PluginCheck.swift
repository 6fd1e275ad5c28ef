import CN3Obs
import Glibc
import N3Obs

/// `n3obsctl plugin check PATH [--config JSON]`: loads a plugin on its own, with a host
/// table that offers no data, and says what it is or exactly why it cannot be loaded.
/// The exit status tells which: 0 loads; 3 not found; 4 not loadable; 5 no entry point;
/// 6 ABI; 7 refused; 8 bad table; 9 unsafe file; 2 usage.
enum PluginCheck {
    static func run(_ arguments: [String]) -> Int32 {
        var rest = arguments[...]
        guard let target = rest.popFirst() else {
            printError("usage: n3obsctl plugin check PATH|NAME [--config JSON] [--allow-insecure]")
            return 2
        }
        var config = "{}"
        var allowInsecure = false
        while let flag = rest.popFirst() {
            switch flag {
            case "--config":
                guard let value = rest.popFirst() else { printError("--config needs a JSON object"); return 2 }
                config = value
            case "--allow-insecure": allowInsecure = true
            default: printError("unknown option '\(flag)'"); return 2
            }
        }
        do throws(N3ObsError) {
            let path = try PluginLoader.resolve(target, folders: PluginLoader.searchFolders())
            let plugin = try PluginLoader.load(path: path, configJSON: config, host: isolatedHost,
                                               allowInsecure: allowInsecure)
            print("plugin:       \(plugin.path)")
            print("name:         \(plugin.name)")
            print("ABI version:  \(plugin.abiVersion) (this n3obs: \(N3OBS_EXPORTER_ABI_MIN_VERSION)...\(N3OBS_EXPORTER_ABI_VERSION))")
            print("capabilities: \(describe(plugin.capabilities))")
            let t = plugin.table.pointee
            t.shutdown?(t.state, 1000)
            t.free?(t.state)
            return 0
        } catch {
            printError("n3obsctl: \(error.message)")
            return exitCode(error.status)
        }
    }

    static func describe(_ caps: UInt32) -> String {
        var names: [String] = []
        if caps & N3OBS_EXPORTER_CAP_SPANS != 0 { names.append("spans") }
        if caps & N3OBS_EXPORTER_CAP_METRICS != 0 { names.append("metrics") }
        if caps & N3OBS_EXPORTER_CAP_HEALTH != 0 { names.append("health") }
        if caps & N3OBS_EXPORTER_CAP_PULL != 0 { names.append("pull") }
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    static func exitCode(_ status: N3ObsStatus) -> Int32 {
        switch status {
        case .pluginNotFound: 3
        case .pluginNotLoadable: 4
        case .pluginNoEntryPoint: 5
        case .pluginABI: 6
        case .pluginRefused: 7
        case .pluginTable: 8
        case .pluginUnsafe: 9
        default: 1
        }
    }

    private static func printError(_ s: String) {
        "\(s)\n".withCString { _ = write(2, $0, strlen($0)) }
    }

    /// A host with nothing to give: the plugin is only started and stopped.
    nonisolated(unsafe) static let isolatedHost: UnsafePointer<n3obs_host> = {
        let (attributes, count) = Resource.cAttributesForPlugins(serviceName: "n3obsctl", language: "swift")
        let table = UnsafeMutablePointer<n3obs_host>.allocate(capacity: 1)
        table.initialize(to: n3obs_host(
            version: UInt32(N3OBS_EXPORTER_ABI_VERSION), size: UInt32(MemoryLayout<n3obs_host>.size),
            collect_metrics: { out in out?.pointee = nil; return N3OBS_E_NOT_INITIALIZED },
            metrics_snapshot_free: { _ in },
            health_run: { out in out?.pointee = nil; return N3OBS_E_NOT_INITIALIZED },
            health_last_report: { out in out?.pointee = nil; return N3OBS_E_NOT_INITIALIZED },
            health_report_free: { _ in },
            health_report_json: { out, _ in out?.pointee = nil; return N3OBS_E_NOT_INITIALIZED },
            health_json_free: { _ in },
            log: { level, plugin, message in
                let source = plugin.map { String(cString: $0) } ?? "plugin"
                SDKLog.log(SDKLog.Level(rawValue: level) ?? .info, source, message.map { String(cString: $0) } ?? "")
            },
            count_dropped: { _, _, _, _ in },
            resource_attributes: attributes, resource_attribute_count: count,
            sdk_version: UnsafePointer(strdup(N3ObsVersion.string))))
        return UnsafePointer(table)
    }()
}
