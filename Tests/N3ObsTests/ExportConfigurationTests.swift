import Testing
@testable import N3Obs

@Suite struct ExportConfigurationTests {
    /// What N3ObsSDK.start loads, in order: N3OBS_EXPORTERS' names (configured "{}"), then
    /// the Swift configuration's plugins with their JSON.
    @Test func namedExportersThenPluginsWithTheirConfiguration() throws {
        var configuration = Configuration()
        configuration.exporterPlugins = [ExporterPlugin("/opt/p/libn3obs_otlp.so", configJSON: #"{"file": "/tmp/o"}"#)]
        let env: (String) -> String? = { $0 == "N3OBS_EXPORTERS" ? " stdout , none,," : nil }
        let resolved = try configuration.resolved(environment: env)
        #expect(resolved.export.exporters == [
            ExporterPlugin("stdout"),
            ExporterPlugin("/opt/p/libn3obs_otlp.so", configJSON: #"{"file": "/tmp/o"}"#),
        ])
        // Set in code, `exporters` wins over the environment; the plugins still follow.
        configuration.exporters = "prometheus"
        #expect(try configuration.resolved(environment: env).export.exporters.map(\.nameOrPath)
                == ["prometheus", "/opt/p/libn3obs_otlp.so"])
    }
}
