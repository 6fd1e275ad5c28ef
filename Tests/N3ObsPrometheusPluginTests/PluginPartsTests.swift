import N3ObsPluginKit
import N3ObsPrometheus
import Testing
@testable import N3ObsPrometheusPlugin

@Suite struct NegotiationTests {
    @Test func prometheusServersGetOpenMetrics() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        #expect(Negotiation.format(accept: [prometheus]) == .openMetrics)
        #expect(Negotiation.format(accept: ["application/openmetrics-text"]) == .openMetrics)
    }

    @Test func everythingElseGetsText() {
        #expect(Negotiation.format(accept: []) == .text)
        #expect(Negotiation.format(accept: ["*/*"]) == .text)
        #expect(Negotiation.format(accept: ["text/plain;version=0.0.4"]) == .text)
        #expect(Negotiation.format(accept: ["application/openmetrics-text;q=0.3, text/plain"]) == .text)
        #expect(Negotiation.format(accept: ["application/openmetrics-text;q=0"]) == .text)
        #expect(Negotiation.format(accept: ["application/openmetrics-text;version=2.0.0"]) == .text)
    }
}

@Suite struct SettingsTests {
    @Test func listenAddresses() throws {
        #expect(try PrometheusSettings.parseListen("127.0.0.1:9464") == ("127.0.0.1", 9464))
        #expect(try PrometheusSettings.parseListen("[::1]:80") == ("::1", 80))
        #expect(try PrometheusSettings.parseListen(":9000") == ("0.0.0.0", 9000))
        for bad in ["9464", "host:", "host:70000", "::1:80", "[]:80", "[::1:80"] {
            #expect(throws: PluginError.self) { try PrometheusSettings.parseListen(bad) }
        }
    }

    @Test func prefixes() {
        #expect(PrometheusSettings.isValidPrefix("app_"))
        #expect(PrometheusSettings.isValidPrefix("a:b_1"))
        #expect(!PrometheusSettings.isValidPrefix("1app"))
        #expect(!PrometheusSettings.isValidPrefix("__x"))
        #expect(!PrometheusSettings.isValidPrefix("a-b"))
    }

    @Test func configKeys() throws {
        let host = PluginHost(nil, pluginName: "prometheus")
        let s = try PrometheusSettings(config: PluginConfig(json: #"{"listen":"0.0.0.0:1234","prefix":"x_","bearer_token":"t"}"#), host: host)
        #expect(s.host == "0.0.0.0" && s.port == 1234 && s.prefix == "x_")
        guard case .bearer("t") = s.credentials else { Issue.record("no bearer token"); return }
        #expect(throws: PluginError.self) {
            try PrometheusSettings(config: PluginConfig(json: #"{"bearer_token":"t","basic_auth":{"username":"u","password":"p"}}"#), host: host)
        }
        #expect(throws: PluginError.self) {
            try PrometheusSettings(config: PluginConfig(json: #"{"basic_auth":{"username":"u"}}"#), host: host)
        }
        #expect(throws: PluginError.self) {
            try PrometheusSettings(config: PluginConfig(json: #"{"header_timeout_ms":0}"#), host: host)
        }
    }

    @Test func connectionLimits() throws {
        let host = PluginHost(nil, pluginName: "prometheus")
        let d = try PrometheusSettings(config: PluginConfig(json: "{}"), host: host)
        #expect(d.maxConnections == 100 && d.maxConnectionsPerPeer == 50 && d.firstRequestTimeoutMs == 2000)
        let s = try PrometheusSettings(config: PluginConfig(json: #"{"max_connections":7}"#), host: host)
        #expect(s.maxConnectionsPerPeer == 4)
        let p = try PrometheusSettings(config: PluginConfig(json: #"{"max_connections_per_peer":9}"#), host: host)
        #expect(p.maxConnectionsPerPeer == 9)
        for bad in [#"{"max_connections_per_peer":0}"#, #"{"first_request_timeout_ms":0}"#] {
            #expect(throws: PluginError.self) { try PrometheusSettings(config: PluginConfig(json: bad), host: host) }
        }
    }
}

@Suite struct RequestTargetTests {
    @Test func absoluteFormBecomesOriginForm() {
        #expect(ScrapeHandler.originForm("/metrics") == "/metrics")
        #expect(ScrapeHandler.originForm("http://h:9464/metrics") == "/metrics")
        #expect(ScrapeHandler.originForm("HTTPS://h/metrics?x=1") == "/metrics?x=1")
        #expect(ScrapeHandler.originForm("http://h") == "/")
        #expect(ScrapeHandler.originForm("http://h?x") == "/?x")
        #expect(ScrapeHandler.originForm("*") == "*")
    }

    @Test func requestLineVersion() {
        #expect(RequestLineCheck.hasVersion(Array("GET /metrics HTTP/1.1".utf8)))
        #expect(!RequestLineCheck.hasVersion(Array("GET /metrics".utf8)))
        #expect(!RequestLineCheck.hasVersion(Array("GET /metrics FTP/1.0".utf8)))
        #expect(!RequestLineCheck.hasVersion(Array("GARBAGE".utf8)))
    }
}

@Suite struct AuthorizerTests {
    @Test func bearer() {
        let a = Authorizer(.bearer("s3cret"))
        #expect(a.allows("Bearer s3cret"))
        #expect(a.allows("bearer s3cret"))
        #expect(!a.allows(nil))
        #expect(!a.allows("Bearer s3cre"))
        #expect(!a.allows("Bearer s3crett"))
        #expect(!a.allows("Basic s3cret"))
        #expect(!a.allows("Bearer"))
    }

    @Test func basic() {
        // RFC 7617's example: Aladdin / open sesame.
        let a = Authorizer(.basic(username: "Aladdin", password: "open sesame"))
        #expect(a.allows("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))
        #expect(!a.allows("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ="))
        #expect(a.challenge.hasPrefix("Basic realm="))
    }

    @Test func base64Padding() {
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
    }
}
