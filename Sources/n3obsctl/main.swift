import Glibc
import N3Obs

// n3obsctl: the SDK's command-line tool.
let usage = """
usage: n3obsctl <command>

commands:
  version                          print the SDK version and ABI numbers
  plugin check PATH|NAME [--config JSON] [--allow-insecure]
                                   load an exporter plugin on its own and say what it is,
                                   or exactly why it cannot be loaded (exit status says which)
  help                             print this text
"""

let arguments = Array(CommandLine.arguments.dropFirst())
switch (arguments.first, arguments.dropFirst().first) {
case ("version"?, _):
    print("n3obs \(N3ObsVersion.string) (abi \(N3ObsVersion.abi))")
case ("plugin"?, "check"?):
    exit(PluginCheck.run(Array(arguments.dropFirst(2))))
case ("help"?, _), ("--help"?, _), ("-h"?, _):
    print(usage)
case (nil, _):
    print(usage)
    exit(2)
case (_?, _):
    print("n3obsctl: unknown command '\(arguments.joined(separator: " "))'\n\n\(usage)")
    exit(2)
}
