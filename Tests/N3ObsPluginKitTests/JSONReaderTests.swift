import Testing
@testable import N3ObsPluginKit

@Suite struct JSONReaderTests {
    @Test func readsEveryKindOfValue() throws {
        let v = try JSONReader.parse(#" {"s": "a\"b\\c\/\n\u00e9\ud83d\ude00", "n": -12.5e1, "i": 0, "t": true, "f": false, "z": null, "a": [1, [], {}], "o": {"x": {"y": [true]}}} "#)
        #expect(v["s"] == .string("a\"b\\c/\né😀"))
        #expect(v["n"] == .number(-125))
        #expect(v["i"] == .number(0))
        #expect(v["t"] == .bool(true))
        #expect(v["f"] == .bool(false))
        #expect(v["z"] == .null)
        #expect(v["a"] == .array([.number(1), .array([]), .object([])]))
        #expect(v["o"]?["x"]?["y"] == .array([.bool(true)]))
        #expect(v["missing"] == nil)
    }

    @Test func keepsOrderAndLastDuplicateWins() throws {
        let v = try JSONReader.parse(#"{"b": 1, "a": 2, "b": 3}"#)
        guard case let .object(members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(v["b"] == .number(3))
    }

    @Test(arguments: [
        ("", "line 1, column 1: expected a value, got end of input"),
        ("{", "line 1, column 2: expected a string key in object, got end of input"),
        ("{\"a\" 1}", "line 1, column 6: expected ':' after object key \"a\", got '1'"),
        ("{\"a\": 1,}", "line 1, column 9: expected a string key in object, got '}'"),
        ("[1 2]", "line 1, column 4: expected ',' or ']' in array, got '2'"),
        ("{\n  \"a\": tru\n}", "line 2, column 8: invalid literal (expected 'true')"),
        ("01", "line 1, column 1: invalid number: leading zero"),
        ("1.", "line 1, column 3: invalid number: expected a digit after '.'"),
        ("-", "line 1, column 2: invalid number: expected a digit"),
        ("1e999", "line 1, column 1: number 1e999 is out of range"),
        ("\"abc", "line 1, column 1: unterminated string"),
        ("\"a\tb\"", "line 1, column 3: control character 0x9 in string (escape it)"),
        ("\"\\ud800\"", "line 1, column 8: unpaired surrogate in \\u escape"),
        ("\"\\x\"", "line 1, column 3: invalid escape \\'x'"),
        ("{} x", "line 1, column 4: unexpected 'x' after the JSON value"),
        ("NaN", "line 1, column 1: expected a value, got 'N'"),
    ])
    func reportsWhereAndWhy(input: String, message: String) {
        #expect(throws: JSONError.self) { try JSONReader.parse(input) }
        do {
            _ = try JSONReader.parse(input)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONError.self) { try JSONReader.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSONReader.parse(ok)) != nil)
    }
}

@Suite struct PluginConfigTests {
    @Test func typedAccess() throws {
        let c = try PluginConfig(json: #"{"format": "json", "port": 9464, "ratio": 0.5, "on": true, "sub": {"k": "v"}, "list": [1], "nothing": null}"#)
        #expect(try c.string("format") == "json")
        #expect(try c.int("port") == 9464)
        #expect(try c.number("ratio") == 0.5)
        #expect(try c.bool("on") == true)
        #expect(try c.object("sub")?.string("k") == "v")
        #expect(try c.array("list") == [.number(1)])
        #expect(try c.string("nothing") == nil)
        #expect(try c.string("absent") == nil)
        #expect(c.unknownKeys(allowed: ["format", "port"]) == ["ratio", "on", "sub", "list", "nothing"])
    }

    @Test func errorsNameTheKey() throws {
        let c = try PluginConfig(json: #"{"format": 3, "port": 1.5}"#)
        #expect(throws: PluginError(#"config key "format" must be a string, got number"#)) { try c.string("format") }
        #expect(throws: PluginError(#"config key "port" must be a whole number, got 1.5"#)) { try c.int("port") }
        #expect(throws: PluginError(#"config key "format" must be true or false, got number"#)) { try c.bool("format") }
    }

    @Test func emptyTextIsAnEmptyObject() throws {
        #expect(try PluginConfig(json: "").members.isEmpty)
        #expect(try PluginConfig(json: " \n").members.isEmpty)
        #expect(try PluginConfig(cString: nil).members.isEmpty)
        #expect(throws: PluginError("config must be a JSON object, got array")) { try PluginConfig(json: "[]") }
        #expect(throws: PluginError("config is not valid JSON: line 1, column 2: expected a string key in object, got end of input")) {
            try PluginConfig(json: "{")
        }
    }
}
