// swift-tools-version:6.0
import PackageDescription

// Only n3obs_* symbols may leave libn3obs.so; the version script hides the Swift
// runtime's view of our internals and the C shims. It needs an absolute path because
// the linker runs from a directory SwiftPM chooses.
let packageRoot = Context.packageDirectory
let versionScript = "\(packageRoot)/Sources/N3ObsC/n3obs.map"
// The same for the stdout plugin: only its entry points leave libn3obs_stdout.so.
let stdoutVersionScript = "\(packageRoot)/Sources/N3ObsStdout/n3obs_stdout.map"
let otlpVersionScript = "\(packageRoot)/Sources/N3ObsOTLP/n3obs_otlp.map"
// And for the Prometheus plugin, which carries SwiftNIO inside it: none of NIO's symbols
// may leak into the process that loads it.
let prometheusVersionScript = "\(packageRoot)/Sources/N3ObsPrometheusPlugin/n3obs_prometheus.map"

let package = Package(
    name: "n3obs",
    products: [
        .library(name: "n3obs", type: .dynamic, targets: ["N3ObsC"]),
        .library(name: "N3Obs", targets: ["N3Obs"]),
        .executable(name: "n3obsctl", targets: ["n3obsctl"]),
        .library(name: "n3obs_stdout", type: .dynamic, targets: ["N3ObsStdout"]),
        .library(name: "n3obs_otlp", type: .dynamic, targets: ["N3ObsOTLP"]),
        .library(name: "n3obs_prometheus", type: .dynamic, targets: ["N3ObsPrometheusPlugin"]),
    ],
    // Only the Prometheus plugin uses these: libn3obs.so itself depends on no package.
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // The published C API: include/n3obs.h, imported by Swift through include/module.modulemap.
        .systemLibrary(name: "CN3Obs", path: "include"),
        // C11 atomics, single-writer cells, thread ids, span slots and the per-thread error buffer:
        // the few things Swift cannot express as cheaply.
        // DWARF 4: valgrind 3.19 (Debian 12) gives up on clang's default DWARF 5 line
        // tables, which left the memcheck runs of Tests/C/run.sh checking nothing.
        // context.c reads the published header (n3obs_context_storage).
        // Every function defined is declared in a header first (missing-prototypes).
        .target(name: "CN3ObsShims",
                cSettings: [.headerSearchPath("../../include"),
                            .unsafeFlags(["-gdwarf-4", "-Werror=missing-prototypes"])]),
        // The published record functions on bound series, in C so the fast path inlines
        // (see record.c). Only libn3obs.so links it: its failures go to N3ObsC. Leaf
        // functions get no frame pointer: the fast paths call nothing, so pushing %rbp
        // would be their only stack work.
        .target(
            name: "CN3ObsRecord",
            dependencies: ["CN3ObsShims"],
            cSettings: [
                // n3obs.h: span_start.c reads its structs, and every file defining a published
                // function includes it (missing-prototypes fails the build otherwise).
                .headerSearchPath("../../include"),
                .unsafeFlags(["-momit-leaf-frame-pointer", "-gdwarf-4", "-Werror=missing-prototypes"]),
            ]
        ),
        .target(
            name: "N3Obs",
            dependencies: ["CN3Obs", "CN3ObsShims", "N3ObsSupport"]
        ),
        .target(
            name: "N3ObsC",
            dependencies: ["N3Obs", "CN3Obs", "CN3ObsShims", "CN3ObsRecord"],
            exclude: ["n3obs.map"],
            linkerSettings: [.unsafeFlags([
                "-Xlinker", "--version-script=\(versionScript)",
                // An installed copy finds the Swift runtime and the plugins in lib/n3obs/.
                "-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/n3obs",
            ])]
        ),
        // The Prometheus exporter plugin: exposition formats and the scrape endpoint.
        .target(name: "N3ObsPrometheus", dependencies: ["CN3Obs"]),
        // The scrape endpoint: SwiftNIO's HTTP/1 server around the exposition formats.
        .target(
            name: "N3ObsPrometheusPlugin",
            dependencies: [
                "N3ObsPrometheus", "N3ObsPluginKit", "N3ObsSupport", "CN3Obs",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ],
            exclude: ["n3obs_prometheus.map"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(prometheusVersionScript)"])]
        ),
        // `make bench`: the serializer on a real snapshot of 10,000 series (benchmarks/).
        .executableTarget(name: "n3obs-bench-exposition", dependencies: ["N3Obs", "N3ObsPrometheus"],
                          path: "benchmarks/exposition"),
        // An installed n3obsctl (PREFIX/bin) finds the Swift runtime that make install puts
        // in PREFIX/lib/n3obs, where the toolchain is absent.
        .executableTarget(name: "n3obsctl", dependencies: ["N3Obs", "CN3Obs"],
                          linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../lib/n3obs"])]),
        .testTarget(name: "N3ObsTests", dependencies: ["N3Obs", "N3ObsSupport"]),
        .testTarget(name: "N3ObsPrometheusTests", dependencies: ["N3ObsPrometheus", "N3Obs"]),
        .testTarget(name: "N3ObsPrometheusPluginTests",
                    dependencies: ["N3ObsPrometheusPlugin", "N3ObsPrometheus", "N3ObsPluginKit"]),
        .testTarget(name: "N3ObsPluginKitTests", dependencies: ["N3ObsPluginKit", "N3ObsSupport", "CN3Obs"]),
        // What every Swift exporter plugin needs. Only the C headers: a plugin must not
        // carry a second copy of the SDK, everything it needs comes in the host table.
        .target(name: "N3ObsPluginKit", dependencies: ["CN3Obs", "N3ObsSupport"]),
        // What both the SDK and the plugins use, which a plugin cannot take from the SDK
        // (it does not link it): the environment, JSON escaping, UTF-8 validation, threads,
        // backoff and a condition on the monotonic clock.
        .target(name: "N3ObsSupport"),
        .target(
            name: "N3ObsStdout",
            dependencies: ["N3ObsPluginKit", "N3ObsSupport", "CN3Obs"],
            exclude: ["n3obs_stdout.map"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(stdoutVersionScript)"])]
        ),
        // libcurl and zlib behind plain C functions, for the OTLP plugin only: nothing
        // else in n3obs links them.
        .target(
            name: "CN3ObsHTTP",
            linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("z")]
        ),
        // The OTLP exporter plugin: OTLP/JSON to a file and/or OTLP/HTTP.
        .target(
            name: "N3ObsOTLP",
            dependencies: ["N3ObsPluginKit", "N3ObsSupport", "CN3Obs", "CN3ObsHTTP"],
            exclude: ["n3obs_otlp.map"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(otlpVersionScript)"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
