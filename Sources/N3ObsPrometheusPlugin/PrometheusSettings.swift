import N3ObsPluginKit
import N3ObsSupport

/// The Prometheus plugin's configuration. A key of the JSON config wins over its
/// environment variable, which wins over the default.
///
///     {"listen": "127.0.0.1:9464",            N3OBS_PROMETHEUS_ADDR
///      "bearer_token": "s3cret",              N3OBS_PROMETHEUS_BEARER_TOKEN
///      "basic_auth": {"username": "prom",     N3OBS_PROMETHEUS_BASIC_AUTH_USERNAME
///                     "password": "pw"},      N3OBS_PROMETHEUS_BASIC_AUTH_PASSWORD
///      "prefix": "myapp_",                    N3OBS_PROMETHEUS_PREFIX
///      "first_request_timeout_ms": 2000,      N3OBS_PROMETHEUS_FIRST_REQUEST_TIMEOUT_MS
///      "header_timeout_ms": 10000,            N3OBS_PROMETHEUS_HEADER_TIMEOUT_MS
///      "max_header_bytes": 16384,             N3OBS_PROMETHEUS_MAX_HEADER_BYTES
///      "max_connections": 100,                N3OBS_PROMETHEUS_MAX_CONNECTIONS
///      "max_connections_per_peer": 50}        N3OBS_PROMETHEUS_MAX_CONNECTIONS_PER_PEER
struct PrometheusSettings: Sendable {
    static let keys: Set<String> = ["listen", "bearer_token", "basic_auth", "prefix", "first_request_timeout_ms",
                                    "header_timeout_ms", "max_header_bytes", "max_connections",
                                    "max_connections_per_peer"]

    var host = "127.0.0.1"
    var port = 9464
    var credentials: Credentials?
    var prefix = ""
    /// A new connection must send its first request within this time (or headerTimeoutMs
    /// if shorter): a scraper sends it at once, so the slot of a client that dribbles
    /// bytes is soon free again.
    var firstRequestTimeoutMs = 2_000
    /// A keep-alive client must send its next request within this time of the previous
    /// response, and must take a response within it; else it is disconnected.
    var headerTimeoutMs = 10_000
    /// Request line plus headers; more is answered 400 and the connection closed.
    var maxHeaderBytes = 16 * 1024
    /// Connections open at once. One more evicts the one that has waited longest for a
    /// request; when every one is being served, the new one is closed at once.
    var maxConnections = 100
    /// Connections open at once from one IP address, with the same eviction within it;
    /// nil: half of maxConnections (rounded up), so no one host takes every slot.
    var maxConnectionsPerPeerSetting: Int?
    var maxConnectionsPerPeer: Int { maxConnectionsPerPeerSetting ?? (maxConnections + 1) / 2 }

    init() {}

    init(config: PluginConfig, host pluginHost: PluginHost) throws(PluginError) {
        let unknown = config.unknownKeys(allowed: Self.keys)
        if !unknown.isEmpty {
            pluginHost.warn("ignoring unknown config keys: \(unknown.joined(separator: ", ")) "
                + "(known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        if let listen = try config.string("listen") ?? Environment.nonEmpty("N3OBS_PROMETHEUS_ADDR") {
            (host, port) = try Self.parseListen(listen)
        }
        if let p = try config.string("prefix") ?? Environment.nonEmpty("N3OBS_PROMETHEUS_PREFIX") {
            guard Self.isValidPrefix(p) else {
                throw PluginError("prefix \"\(p)\" is not the start of a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, not \"__\")")
            }
            prefix = p
        }
        let token = try config.string("bearer_token") ?? Environment.nonEmpty("N3OBS_PROMETHEUS_BEARER_TOKEN")
        var user: String?, password: String?
        if let basic = try config.object("basic_auth") {
            user = try basic.string("username")
            password = try basic.string("password")
            guard user != nil, password != nil else {
                throw PluginError("basic_auth needs both \"username\" and \"password\"")
            }
        } else {
            user = Environment.nonEmpty("N3OBS_PROMETHEUS_BASIC_AUTH_USERNAME")
            password = Environment.nonEmpty("N3OBS_PROMETHEUS_BASIC_AUTH_PASSWORD")
            if (user == nil) != (password == nil) {
                throw PluginError("N3OBS_PROMETHEUS_BASIC_AUTH_USERNAME and _PASSWORD go together")
            }
        }
        switch (token, user, password) {
        case (nil, nil, _): credentials = nil
        case let (token?, nil, _): credentials = .bearer(token)
        case let (nil, user?, password?): credentials = .basic(username: user, password: password)
        default: throw PluginError("give either a bearer token or basic_auth, not both")
        }
        if let t = try Self.int(config, "first_request_timeout_ms", env: "N3OBS_PROMETHEUS_FIRST_REQUEST_TIMEOUT_MS") {
            guard t > 0 else { throw PluginError("first_request_timeout_ms must be above 0") }
            firstRequestTimeoutMs = t
        }
        if let t = try Self.int(config, "header_timeout_ms", env: "N3OBS_PROMETHEUS_HEADER_TIMEOUT_MS") {
            guard t > 0 else { throw PluginError("header_timeout_ms must be above 0") }
            headerTimeoutMs = t
        }
        if let m = try Self.int(config, "max_header_bytes", env: "N3OBS_PROMETHEUS_MAX_HEADER_BYTES") {
            guard m >= 256 else { throw PluginError("max_header_bytes must be at least 256") }
            maxHeaderBytes = m
        }
        if let c = try Self.int(config, "max_connections", env: "N3OBS_PROMETHEUS_MAX_CONNECTIONS") {
            guard c >= 1 else { throw PluginError("max_connections must be at least 1") }
            maxConnections = c
        }
        if let c = try Self.int(config, "max_connections_per_peer", env: "N3OBS_PROMETHEUS_MAX_CONNECTIONS_PER_PEER") {
            guard c >= 1 else { throw PluginError("max_connections_per_peer must be at least 1") }
            maxConnectionsPerPeerSetting = c
        }
    }

    private static func int(_ config: PluginConfig, _ key: String, env name: String) throws(PluginError) -> Int? {
        if let i = try config.int(key) { return i }
        guard let s = Environment.nonEmpty(name) else { return nil }
        guard let i = Int(s) else { throw PluginError("\(name)=\(s) is not a whole number") }
        return i
    }

    /// "host:port", "[v6]:port" or ":port" (all IPv4 interfaces, as Go's net.Listen).
    static func parseListen(_ s: String) throws(PluginError) -> (String, Int) {
        let bad = PluginError("listen address \"\(s)\" is not host:port (e.g. 127.0.0.1:9464, [::1]:9464, :9464)")
        guard let colon = s.lastIndex(of: ":") else { throw bad }
        var host = String(s[..<colon])
        guard let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { throw bad }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw bad }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw bad   // a bare IPv6 address needs brackets
        }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    static func isValidPrefix(_ p: String) -> Bool {
        if p.isEmpty { return true }
        if p.hasPrefix("__") { return false }
        for (i, c) in p.utf8.enumerated() {
            let alpha = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x3A
            let digit = c >= 0x30 && c <= 0x39
            if !(alpha || (i > 0 && digit)) { return false }
        }
        return true
    }
}

/// What a scraper must present, if anything.
enum Credentials: Sendable {
    case bearer(String)
    case basic(username: String, password: String)
}
