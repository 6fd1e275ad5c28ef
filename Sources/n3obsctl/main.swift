import Glibc
import N3Obs

// n3obsctl: the SDK's command-line tool. Every command and the `plugin` group answer
// --help and -h (exit 0); `n3obsctl help COMMAND...` prints the same text.

typealias ExitStatus = (code: Int32, meaning: String)

/// A command: the words that name it, its synopsis, what it does, its exit statuses, how it runs.
struct Command: Sendable {
    let words: [String]
    let arguments: String
    let summary: String
    var details = ""
    var statuses = CLI.commonStatuses
    let run: @Sendable ([String]) -> Int32

    var synopsis: String { (words + (arguments.isEmpty ? [] : [arguments])).joined(separator: " ") }
    var help: String {
        "usage: n3obsctl \(synopsis)\n\n\(summary)\n\(details.isEmpty ? "" : "\n\(details)\n")\n"
            + CLI.describe(statuses)
    }
}

enum CLI {
    static let commands: [Command] = [
        Command(words: ["version"], arguments: "", summary: "Print the SDK version and its ABI number.") { arguments in
            guard arguments.isEmpty else { return usageError("version takes no arguments") }
            print("n3obs \(N3ObsVersion.string) (abi \(N3ObsVersion.abi))")
            return 0
        },
        Command(words: ["plugin", "check"], arguments: PluginCheck.arguments,
                summary: "Load an exporter plugin on its own and say what it is, or exactly why it cannot be loaded.",
                details: PluginCheck.details,
                statuses: [(0, "the plugin loads")] + commonStatuses.dropFirst() + PluginCheck.statuses,
                run: PluginCheck.run),
        Command(words: ["help"], arguments: "[COMMAND...]", summary: "Print the help of n3obsctl or of a command.") {
            help(for: $0)
        },
    ]

    /// What every command's exit status means; plugin check adds its own (PluginCheck.outcomes).
    static let commonStatuses: [ExitStatus] = [
        (0, "success"),
        (1, "any other failure"),
        (2, "usage error: unknown command or option, missing or extra argument"),
    ]

    static func describe(_ statuses: [ExitStatus]) -> String {
        "exit status:\n" + statuses.map { "  \($0.code)  \($0.meaning)" }.joined(separator: "\n")
    }

    static func list(_ commands: [Command]) -> String {
        commands.map { "  \($0.synopsis)\n      \($0.summary)" }.joined(separator: "\n")
    }

    static let topHelp = """
        usage: n3obsctl COMMAND [ARGUMENTS]    (n3obsctl COMMAND --help: the help of one command)

        commands:
        \(list(commands))

        \(describe(commonStatuses + PluginCheck.statuses.map { ($0.code, "plugin check: \($0.meaning)") }))
        """

    /// The help of the group or command named by `words` ([] is the whole tool), or a usage error.
    static func help(for words: [String]) -> Int32 {
        if words.isEmpty { print(topHelp); return 0 }
        if let command = commands.first(where: { $0.words == words }) { print(command.help); return 0 }
        let group = commands.filter { $0.words.count > words.count && $0.words.starts(with: words) }
        if group.isEmpty { return usageError("unknown command '\(words.joined(separator: " "))'") }
        print("usage: n3obsctl \(words.joined(separator: " ")) SUBCOMMAND\n\nsubcommands:\n\(list(group))\n")
        print(describe(commonStatuses))
        return 0
    }

    static func usageError(_ message: String) -> Int32 {
        "n3obsctl: \(message)\n(n3obsctl --help lists every command)\n".withCString { _ = write(2, $0, strlen($0)) }
        return 2
    }

    /// Runs the command the arguments name; a bare group prints its help, with exit 2.
    static func main(_ arguments: [String]) -> Int32 {
        let isHelp = { (a: String) in a == "--help" || a == "-h" }
        guard let first = arguments.first else { print(topHelp); return 2 }
        if isHelp(first) { return help(for: []) }
        for command in commands where arguments.starts(with: command.words) {
            let rest = Array(arguments.dropFirst(command.words.count))
            return rest.contains(where: isHelp) ? help(for: command.words) : command.run(rest)
        }
        if commands.contains(where: { $0.words.count > 1 && $0.words[0] == first }) {
            guard let next = arguments.dropFirst().first else { _ = help(for: [first]); return 2 }
            return isHelp(next) ? help(for: [first]) : usageError("unknown command '\(first) \(next)'")
        }
        return usageError("unknown command '\(first)'")
    }
}

exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
