import N3ObsSupport
import Testing
@testable import N3Obs

/// The one JSON escaper (health reports, OTLP/JSON, the stdout exporter, PluginKit's
/// writer); its byte rules are in N3ObsPluginKitTests/JSONWriterTests.
@Suite struct JSONEscapeTests {
    @Test func plainRunsAreCopiedAndWhatFollowsIsEscaped() {
        #expect(JSONEscape.quoted("GET /users/{id}") == "\"GET /users/{id}\"")
        #expect(JSONEscape.quoted("") == "\"\"")
        #expect(JSONEscape.quoted("ok \"x\"\n") == #""ok \"x\"\n""#)
    }

    @Test func lineAndParagraphSeparatorsAreEscapedOtherTextKept() {
        #expect(JSONEscape.quoted("a\u{2028}b\u{2029}c é😀") == #""a\u2028b\u2029c é😀""#)
    }

    @Test func healthReportsUseIt() {
        let detail = "line1\nline2\t\u{1}\u{2028}\"q\""
        #expect(ReportJSON.quote(detail) == JSONEscape.quoted(detail))
    }
}
