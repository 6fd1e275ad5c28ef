import N3ObsPluginKit
import N3ObsSupport

/// The stdout plugin's configuration: a key of the JSON config wins over its environment
/// variable, which wins over the default.
///
///     {"format": "text" | "json", "output": "stdout" | "stderr" | "/path/to/file"}
///     N3OBS_STDOUT_FORMAT, N3OBS_STDOUT_OUTPUT
struct StdoutSettings {
    enum Format: String { case text, json }

    static let keys: Set<String> = ["format", "output"]

    var format: Format = .text
    var output = "stdout"

    init(format: Format = .text, output: String = "stdout") {
        self.format = format
        self.output = output
    }

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        let unknown = config.unknownKeys(allowed: Self.keys)
        if !unknown.isEmpty {
            host.warn("ignoring unknown config keys: \(unknown.joined(separator: ", ")) (known: format, output)")
        }
        if let f = try config.string("format") ?? Environment.nonEmpty("N3OBS_STDOUT_FORMAT") {
            guard let parsed = Format(rawValue: f.lowercased()) else {
                throw PluginError("format \"\(f)\" is not \"text\" or \"json\"")
            }
            format = parsed
        }
        if let o = try config.string("output") ?? Environment.nonEmpty("N3OBS_STDOUT_OUTPUT") {
            output = o
        }
    }
}
