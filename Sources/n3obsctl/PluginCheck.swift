import CN3Obs
import Glibc
import N3Obs

/// `n3obsctl plugin check PATH|NAME [--config JSON] [--allow-insecure]`: loads a plugin on
/// its own, with a host table that offers no data, and says what it is or exactly why it
/// cannot be loaded. The exit status tells which (`outcomes`).
enum PluginCheck {
    static let arguments = "PATH|NAME [--config JSON] [--allow-insecure]"
    static let details = """
        PATH is a plugin file; NAME finds libn3obs_NAME.so in N3OBS_PLUGIN_PATH, then beside
        libn3obs.so. The plugin is started with the configuration and stopped at once.

        options:
          --config JSON       the plugin's configuration, a JSON object (default {})
          --allow-insecure    load it even if others can write it or its folder (as N3OBS_PLUGIN_ALLOW_INSECURE=1)
        """

    /// The exit status of each way a plugin fails to load, and what the help says of it.
    static let outcomes: [(status: N3ObsStatus, code: Int32, meaning: String)] = [
        (.pluginNotFound, 3, "no such plugin file"),
        (.pluginNotLoadable, 4, "not a loadable shared object"),
        (.pluginNoEntryPoint, 5, "no n3obs_exporter_init entry point"),
        (.pluginABI, 6, "an exporter ABI version this n3obs does not support"),
        (.pluginRefused, 7, "the plugin refused its configuration"),
        (.pluginTable, 8, "the plugin returned a bad exporter table"),
        (.pluginUnsafe, 9, "the file or its folder is writable by others or owned by another user"),
    ]

    static let statuses: [ExitStatus] = outcomes.map { ($0.code, $0.meaning) }

    static func run(_ arguments: [String]) -> Int32 {
        var rest = arguments[...]
        guard let target = rest.popFirst(), !target.hasPrefix("-") else {
            return CLI.usageError("plugin check needs a PATH or NAME\nusage: n3obsctl plugin check \(Self.arguments)")
        }
        var config = "{}"
        var allowInsecure = false
        while let flag = rest.popFirst() {
            switch flag {
            case "--config":
                guard let value = rest.popFirst() else { return CLI.usageError("--config needs a JSON object") }
                config = value
            case "--allow-insecure": allowInsecure = true
            default: return CLI.usageError("plugin check: unknown option '\(flag)'")
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
        outcomes.first { $0.status == status }?.code ?? 1
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
