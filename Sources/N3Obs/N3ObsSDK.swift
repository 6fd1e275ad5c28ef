import CN3ObsShims

/// The process-wide SDK: one registry (and, in later releases, one tracer and one export
/// pipeline) shared by every component of the process that links libn3obs.so.
///
/// Its lifecycle is a one-way state machine, uninitialized → running → shut down, kept in a
/// word the hot path reads with one load.
public final class N3ObsSDK: @unchecked Sendable {
    public static let shared = N3ObsSDK()

    private let lock = Lock()
    private var _registry: Registry?
    private var _catalog: StandardCatalog?
    private var _settings: Configuration.Resolved?
    private var _health: HealthRegistry?
    private var _tracer: Tracer?

    public enum State: UInt32, Sendable {
        case uninitialized = 0
        case running = 1
        case shutDown = 2
    }

    /// The current state; a single atomic load.
    @inline(__always)
    public var state: State { State(rawValue: n3o_sdk_state()) ?? .shutDown }

    /// Starts the SDK once; later calls return without changing anything.
    /// - Throws: `.config` for an invalid setting, `.shutDown` after `shutdown`.
    public func start(_ configuration: Configuration) throws(N3ObsError) {
        try lock.withLock { () throws(N3ObsError) in
            switch state {
            case .running: return
            case .shutDown: throw N3ObsError(.shutDown, "n3obs was shut down; it cannot start again in this process")
            case .uninitialized: break
            }
            let settings = try configuration.resolved()
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
            n3o_tracer_set(Unmanaged.passRetained(tracer).toOpaque())
            _registry = registry
            _settings = settings
            _health = Self.startHealth(settings.health, registry: registry)
            n3o_set_sdk_state(State.running.rawValue)
        }
    }

    /// Stops the SDK for the rest of the process. Handles stay valid; recording stops.
    public func shutdown(timeoutMilliseconds: UInt32) throws(N3ObsError) {
        let health = try lock.withLock { () throws(N3ObsError) -> HealthRegistry? in
            switch state {
            case .uninitialized: throw N3ObsError(.notInitialized, "n3obs_init has not been called")
            case .shutDown: throw N3ObsError(.shutDown, "n3obs is already shut down")
            case .running:
                // The state first, so series created from now on are born marked.
                n3o_set_sdk_state(State.shutDown.rawValue)
                _registry?.markShutDown()
            }
            return _health
        }
        // Outside the lock: closing calls the callers' user_data_free functions.
        health?.close()
    }

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
