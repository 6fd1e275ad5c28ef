// swift-tools-version:6.0
import PackageDescription

// A Swift program that uses n3obs through the `N3Obs` product alone: no libn3obs.so, no C
// API. It depends on this repository by path; SwiftPM names a path dependency after its
// folder, so the name is read from the path rather than written here.
let repository = "../.."
let repositoryFolder = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "n3obs"

let package = Package(
    name: "swift-host",
    dependencies: [.package(path: repository)],
    targets: [
        .executableTarget(name: "swift-host",
                          dependencies: [.product(name: "N3Obs", package: repositoryFolder)]),
    ],
    swiftLanguageModes: [.v6]
)
