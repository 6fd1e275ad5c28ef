import CN3Obs
import CN3ObsShims
import Glibc

/// The process-wide SDK: one registry (and, in later releases, one tracer and one export
/// pipeline) shared by every component of the process that links libn3obs.so.
///
/// Its lifecycle is a one-way state machine, uninitialized → running → shut down, kept in a
/// word the hot path reads with one load.
///
/// The methods that wait or call plugins (start, loadExporter, forceFlush, shutdown) enter
/// the fork gate themselves (`ForkGate.entry`), so a Swift program that uses the core alone
/// keeps the gate's rules as the C API's callers do.
public final class N3ObsSDK: @unchecked Sendable {
    public static let shared = N3ObsSDK()

    private let lock = Lock()
    private var _registry: Registry?
    private var _catalog: StandardCatalog?
    private var _settings: Configuration.Resolved?
    private var _health: HealthRegistry?
    private var _tracer: Tracer?
    private var _pipeline: ExportPipeline?
    /// What loadExporter loaded, to load again in a forked child.
    private var loadedExporters: [(path: String, configJSON: String)] = []
    private var shuttingDown = false

    public enum State: UInt32, Sendable {
        case uninitialized = 0
        case running = 1
        case shutDown = 2
    }

    /// The current state; a single atomic load.
    @inline(__always)
    public var state: State { State(rawValue: n3o_sdk_state()) ?? .shutDown }

    /// Starts the SDK once and loads the exporters the configuration names (`exporters`,
    /// else N3OBS_EXPORTERS, then `exporterPlugins`); later calls return without changing
    /// anything.
    /// - Throws: `.config` for an invalid setting, `.shutDown` after `shutdown`; and, as
    ///   n3obs_init does, the first exporter that could not be loaded: the SDK then runs
    ///   without it (`state` is `.running`), and the others are loaded.
    /// - Returns: true if this call started it.
    @discardableResult
    public func start(_ configuration: Configuration) throws(N3ObsError) -> Bool {
        try SDKLog.refuseInSink()
        return try ForkGate.entry { () throws(N3ObsError) -> Bool in
            guard try startOnce(configuration) else { return false }
            if let failure = loadConfiguredExporters() { throw failure }
            return true
        }
    }

    private func startOnce(_ configuration: Configuration) throws(N3ObsError) -> Bool {
        try lock.withLock { () throws(N3ObsError) -> Bool in
            switch state {
            case .running: return false
            case .shutDown: throw N3ObsError(.shutDown, "n3obs was shut down; it cannot start again in this process")
            case .uninitialized: break
            }
            let settings = try configuration.resolved()
            SDKLog.install(configuration.logSink)
            let registry = Registry(cardinalityLimit: settings.cardinalityLimit)
            if settings.registerCatalog {
                do throws(N3ObsError) {
                    _catalog = try StandardCatalog(registry: registry, namespace: settings.metricNamespace)
                } catch {
                    throw N3ObsError(.config, "the standard catalogue cannot be registered: \(error.message)")
                }
            }
            let tracer = try Tracer(sampler: settings.sampler, limits: settings.spanLimits, batch: settings.batch)
            _tracer = tracer
            // Published for the span hot path, which must not take this lock; never freed.
            n3o_fast_start_publish(tracer.fastStartSettings)
            n3o_tracer_set(Unmanaged.passRetained(tracer).toOpaque())
            _registry = registry
            _settings = settings
            _health = Self.startHealth(settings.health, registry: registry)
            n3o_set_sdk_state(State.running.rawValue)
            n3o_register_atfork_child(forkedChildHook)
            n3o_register_exit_hook(exitHook)
            if settings.export.flushOnSignals, n3o_flush_signals_install(signalHook) != 0 {
                SDKLog.log(.warn, "signals", "N3OBS_FLUSH_ON_SIGNALS: the SIGTERM and SIGINT handlers could not be "
                           + "installed (\(String(cString: strerror(errno)))); spans queued at a signal may be lost")
            }
            return true
        }
    }

    /// Stops the SDK for the rest of the process: delivers what the exporters have not got
    /// yet (within the timeout), then stops recording. Handles stay valid.
    /// - Returns: false if exporters did not finish in time (what they missed is counted).
    @discardableResult
    public func shutdown(timeoutMilliseconds: UInt32) throws(N3ObsError) -> Bool {
        try SDKLog.refuseInSink()
        return try ForkGate.entry { () throws(N3ObsError) -> Bool in try shutdownInsideGate(timeoutMilliseconds) }
    }

    private func shutdownInsideGate(_ timeoutMilliseconds: UInt32) throws(N3ObsError) -> Bool {
        let pipeline = try lock.withLock { () throws(N3ObsError) -> ExportPipeline? in
            switch state {
            case .uninitialized: throw N3ObsError(.notInitialized, "n3obs_init has not been called")
            case .shutDown: throw N3ObsError(.shutDown, "n3obs is already shut down")
            case .running:
                guard !shuttingDown else { throw N3ObsError(.shutDown, "n3obs is already shutting down") }
                shuttingDown = true
                return _pipeline
            }
        }
        let deadline = n3o_monotonic_ns() &+ UInt64(timeoutMilliseconds) * 1_000_000
        // Still running: the final metrics snapshot can be collected.
        let delivered = pipeline?.shutdown(timeoutMilliseconds: timeoutMilliseconds) ?? true
        let health = lock.withLock { () -> HealthRegistry? in
            // The state first, so series created from now on are born marked.
            n3o_set_sdk_state(State.shutDown.rawValue)
            _registry?.markShutDown()
            return _health
        }
        // Outside the lock: closing calls the callers' user_data_free functions.
        // Joining idle threads takes microseconds: even when the exporters used the whole
        // timeout they get a moment, so only a hung check body can keep its thread.
        let grace = n3o_monotonic_ns() &+ 100_000_000
        if let left = health?.close(untilMonotonic: max(deadline, grace)), left > 0 {
            SDKLog.log(.warn, "health", "\(left) health check thread(s) were still running a check at the "
                       + "shutdown deadline; they end when the check returns")
        }
        n3o_flush_signals_stop() // nothing left to flush on a signal
        return delivered
    }

    /// What exit() does when the program did not call shutdown (and a fatal SIGTERM or
    /// SIGINT, when flushing on signals is on): shut down within the export timeout, so
    /// that what is queued is delivered. If another thread is shutting down already
    /// (exit() beside n3obs_shutdown), waits for it as long.
    func shutdownAtExit() {
        guard state == .running, let timeout = settings?.batch.exportTimeoutMilliseconds else { return }
        let milliseconds = UInt32(clamping: timeout)
        do throws(N3ObsError) {
            try shutdown(timeoutMilliseconds: milliseconds)
        } catch {
            let deadline = n3o_monotonic_ns() &+ UInt64(milliseconds) * 1_000_000
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            while state == .running && n3o_monotonic_ns() < deadline { nanosleep(&pause, nil) }
        }
    }

    /// Makes the SDK work in a child made by fork(). It runs on the child's first entry into
    /// the SDK (the fork gate's child hook), not in the atfork handler: nothing runs Swift
    /// code in a child until it needs the SDK. The gate let fork() happen only while no
    /// thread ran SDK code, so every lock is free and every structure whole; what did not
    /// come along are the SDK's threads. So the health checks lose their workers and runs
    /// in flight, the spans the parent had queued are left to the parent, and each exporter
    /// is started again (its entry point runs anew with the configuration it was loaded
    /// with). Metrics carry over as the child's copy.
    func afterForkInChild() {
        if n3o_fork_last_was_busy() != 0 {
            SDKLog.log(.warn, "fork", "fork() went ahead after 5 s while a thread was still inside n3obs; " +
                       "this child may find a lock held")
        }
        guard state == .running, !lock.withLock({ shuttingDown }) else { return }
        if n3o_flush_signals_after_fork() != 0 {
            SDKLog.log(.warn, "fork", "the child's n3obs-signals thread did not start; a signal will not flush here")
        }
        // The parent exports the spans it had queued; the child must not send them again.
        _tracer?.discardQueuedAfterFork()
        _health?.resetAfterFork()
        Resource.refreshAfterFork() // a new process: a new service.instance.id and process.pid
        let exporters = lock.withLock { () -> [(path: String, configJSON: String)] in
            _pipeline?.forgetThreadsAfterFork()
            defer { loadedExporters = []; _pipeline = nil } // the parent's: its threads stayed there
            return loadedExporters
        }
        for exporter in exporters {
            do throws(N3ObsError) {
                try loadExporter(exporter.path, configJSON: exporter.configJSON)
            } catch {
                SDKLog.log(.error, "fork", "exporter \(exporter.path) did not start in the child: \(error.message)")
            }
        }
    }

    /// Loads an exporter plugin (a name or a path, see `ExporterPlugin`), starts it with its
    /// JSON configuration and starts sending it data.
    /// - Returns: the plugin's name.
    @discardableResult
    public func loadExporter(_ nameOrPath: String, configJSON: String = "{}") throws(N3ObsError) -> String {
        try ForkGate.entry { () throws(N3ObsError) -> String in try loadExporterInsideGate(nameOrPath, configJSON) }
    }

    private func loadExporterInsideGate(_ nameOrPath: String, _ configJSON: String) throws(N3ObsError) -> String {
        try requireRunning()
        guard let settings, let (tracer, registry, health) = lock.withLock({ () -> (Tracer, Registry, HealthRegistry)? in
            guard let _tracer, let _registry, let _health else { return nil }
            return (_tracer, _registry, _health)
        }) else {
            throw N3ObsError(.notInitialized, "n3obs_init has not been called")
        }
        let path = try PluginLoader.resolve(nameOrPath, folders: PluginLoader.searchFolders())
        let plugin = try PluginLoader.load(path: path, configJSON: configJSON, host: PluginHost.table,
                                           allowInsecure: settings.export.allowInsecurePlugins)
        let pipeline = lock.withLock { () -> ExportPipeline in
            if let existing = _pipeline { return existing }
            let created = ExportPipeline(tracer: tracer, registry: registry, health: health,
                                         metricIntervalMilliseconds: settings.export.metricExportIntervalMilliseconds)
            _pipeline = created
            _health?.pipeline.setProvider { created.stats() }
            return created
        }
        try pipeline.add(plugin)
        lock.withLock { loadedExporters.append((path, configJSON)) }
        SDKLog.log(.info, plugin.name, "exporter loaded from \(path)")
        return plugin.name
    }

    /// Loads what the settings name. One that fails is logged and skipped, so that
    /// instrumentation never stops a program from starting, and the first failure is
    /// returned for start to report: a named exporter that is missing is a mistake the
    /// caller must be able to see, not only a log line.
    private func loadConfiguredExporters() -> N3ObsError? {
        var first: N3ObsError?
        for exporter in settings?.export.exporters ?? [] {
            do throws(N3ObsError) {
                try loadExporter(exporter.nameOrPath, configJSON: exporter.configJSON)
            } catch {
                SDKLog.log(.error, "exporters", "\(error.message) (\(error.status.summary))")
                first = first ?? N3ObsError(error.status, "exporter '\(exporter.nameOrPath)' was not loaded: "
                                            + "\(error.message); n3obs is running without it")
            }
        }
        return first
    }

    /// Delivers every span ended so far to every exporter and asks them to flush.
    public func forceFlush(timeoutMilliseconds: UInt32) throws(N3ObsError) -> Bool {
        try SDKLog.refuseInSink()
        return try ForkGate.entry { () throws(N3ObsError) -> Bool in
            try requireRunning()
            return lock.withLock { _pipeline }?.forceFlush(timeoutMilliseconds: timeoutMilliseconds) ?? true
        }
    }

    /// The exporter pipeline, once an exporter is loaded.
    public var pipeline: ExportPipeline? { lock.withLock { _pipeline } }

    /// The health checks with the built-ins the settings turn on, and the monitor if it has
    /// an interval.
    private static func startHealth(_ settings: HealthSettings, registry: Registry) -> HealthRegistry {
        let health = HealthRegistry(metricsRegistry: registry)
        for definition in BuiltinChecks.definitions(settings, pipeline: health.pipeline) {
            try? health.register(definition) // fresh registry: the names cannot clash
        }
        health.startMonitor(intervalMilliseconds: settings.monitorIntervalMilliseconds)
        return health
    }

    /// The health checks, if the SDK is running.
    public func runningHealth() throws(N3ObsError) -> HealthRegistry {
        try requireRunning()
        guard let health = lock.withLock({ _health }) else {
            throw N3ObsError(.notInitialized, "n3obs_init has not been called")
        }
        return health
    }

    /// The registry, if the SDK is running.
    public func runningRegistry() throws(N3ObsError) -> Registry {
        try requireRunning()
        guard let registry = lock.withLock({ _registry }) else {
            throw N3ObsError(.notInitialized, "n3obs_init has not been called")
        }
        return registry
    }

    /// The standard catalogue, if the SDK is running with it.
    public func runningCatalog() throws(N3ObsError) -> StandardCatalog {
        try requireRunning()
        guard let catalog = lock.withLock({ _catalog }) else {
            throw N3ObsError(.config, "the standard catalogue was turned off at init (N3OBS_INIT_NO_CATALOG)")
        }
        return catalog
    }

    public var settings: Configuration.Resolved? { lock.withLock { _settings } }

    /// The tracer, if the SDK is running: one atomic load and no lock (spans start often).
    @inline(__always)
    public func runningTracer() throws(N3ObsError) -> Tracer {
        try requireRunning()
        guard let raw = n3o_tracer_get() else {
            throw N3ObsError(.notInitialized, "n3obs_init has not been called")
        }
        return Unmanaged<Tracer>.fromOpaque(raw).takeUnretainedValue()
    }

    @inline(__always)
    public func requireRunning() throws(N3ObsError) {
        switch state {
        case .running: return
        case .uninitialized: throw N3ObsError(.notInitialized, "n3obs_init has not been called")
        case .shutDown: throw N3ObsError(.shutDown, "n3obs has been shut down")
        }
    }
}

/// Run by the fork gate on a forked child's first entry into the SDK (registered once, at start).
private let forkedChildHook: @convention(c) () -> Void = {
    N3ObsSDK.shared.afterForkInChild()
}

/// Registered with atexit at start: a program that returns from main without shutdown
/// still delivers what it queued.
private let exitHook: @convention(c) () -> Void = {
    n3o_gate_enter(); defer { n3o_gate_leave() } // fork waits while SDK code runs
    N3ObsSDK.shared.shutdownAtExit()
}

/// Run on the n3obs-signals thread: before a fatal SIGTERM or SIGINT (final), or beside
/// a handler the program had installed, which decides whether the process ends.
private let signalHook: @convention(c) (Int32) -> Void = { final in
    n3o_gate_enter(); defer { n3o_gate_leave() }
    if final != 0 {
        N3ObsSDK.shared.shutdownAtExit()
    } else if let timeout = N3ObsSDK.shared.settings?.batch.exportTimeoutMilliseconds {
        _ = try? N3ObsSDK.shared.forceFlush(timeoutMilliseconds: UInt32(clamping: timeout))
    }
}
