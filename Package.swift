// swift-tools-version:6.0
import PackageDescription

// Only n3obs_* symbols may leave libn3obs.so; the version script hides the Swift
// runtime's view of our internals and the C shims. It needs an absolute path because
// the linker runs from a directory SwiftPM chooses.
let packageRoot = Context.packageDirectory
let versionScript = "\(packageRoot)/Sources/N3ObsC/n3obs.map"

let package = Package(
    name: "n3obs",
    products: [
        .library(name: "n3obs", type: .dynamic, targets: ["N3ObsC"]),
        .library(name: "N3Obs", targets: ["N3Obs"]),
        .executable(name: "n3obsctl", targets: ["n3obsctl"]),
    ],
    targets: [
        // The published C API: include/n3obs.h, imported by Swift through include/module.modulemap.
        .systemLibrary(name: "CN3Obs", path: "include"),
        // C11 atomics, thread-local stripe indexes and the per-thread error buffer:
        // the few things Swift cannot express as cheaply.
        // DWARF 4: valgrind 3.19 (Debian 12) gives up on clang's default DWARF 5 line
        // tables, which left the memcheck runs of Tests/C/run.sh checking nothing.
        .target(name: "CN3ObsShims", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        // The published record functions on bound series, in C so the fast path inlines
        // (see record.c). Only libn3obs.so links it: its failures go to N3ObsC. Leaf
        // functions get no frame pointer: the fast paths call nothing, so pushing %rbp
        // would be their only stack work.
        .target(
            name: "CN3ObsRecord",
            dependencies: ["CN3ObsShims"],
            cSettings: [.unsafeFlags(["-momit-leaf-frame-pointer", "-gdwarf-4"])]
        ),
        .target(
            name: "N3Obs",
            dependencies: ["CN3Obs", "CN3ObsShims"]
        ),
        .target(
            name: "N3ObsC",
            dependencies: ["N3Obs", "CN3Obs", "CN3ObsShims", "CN3ObsRecord"],
            exclude: ["n3obs.map"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(versionScript)"])]
        ),
        .executableTarget(name: "n3obsctl", dependencies: ["N3Obs"]),
        .testTarget(name: "N3ObsTests", dependencies: ["N3Obs"]),
    ],
    swiftLanguageModes: [.v6]
)
