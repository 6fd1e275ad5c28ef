import Glibc
import N3Obs

// n3obsctl: the SDK's command-line tool. Later releases add `plugin check`, `health` and
// `demo`; this one reports what it is.
let usage = """
usage: n3obsctl <command>

commands:
  version    print the SDK version and ABI number
  help       print this text
"""

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "version":
    print("n3obs \(N3ObsVersion.string) (abi \(N3ObsVersion.abi))")
case "help", "--help", "-h":
    print(usage)
case nil:
    print(usage)
    exit(2)
case let other?:
    print("n3obsctl: unknown command '\(other)'\n\n\(usage)")
    exit(2)
}
