import Testing
@testable import N3ObsPluginKit
import N3ObsSupport

private func text(_ w: JSONWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }

private func escaped(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    bytes.withUnsafeBufferPointer { JSONEscape.append($0, to: &out) }
    return String(decoding: out, as: UTF8.self)
}

@Suite struct JSONWriterTests {
    @Test func placesCommas() {
        var w = JSONWriter()
        w.beginObject()
        w.key("a"); w.int(1)
        w.key("b"); w.beginArray(); w.bool(true); w.null(); w.beginObject(); w.endObject(); w.string("x"); w.endArray()
        w.key("c"); w.beginObject(); w.key("d"); w.uint(UInt64.max); w.endObject()
        w.key("e"); w.int(Int64.min)
        w.endObject()
        #expect(text(w) == #"{"a":1,"b":[true,null,{},"x"],"c":{"d":18446744073709551615},"e":-9223372036854775808}"#)
        w.reset()
        w.beginArray(); w.endArray()
        #expect(text(w) == "[]")
    }

    @Test func numbers() {
        var w = JSONWriter()
        w.beginArray()
        for d in [0.0, -0.0, 42.0, 0.1, 1e-7, 1e21, 9_007_199_254_740_993.0, -2.5] { w.number(d) }
        w.endArray()
        #expect(text(w) == "[0,-0,42,0.1,1e-07,1e+21,9007199254740992,-2.5]")
    }

    @Test func nonFiniteAsTheCallerDecides() {
        var s = JSONWriter(nonFinite: .strings)
        s.beginArray(); s.number(.nan); s.number(.infinity); s.number(-.infinity); s.endArray()
        #expect(text(s) == #"["NaN","+Inf","-Inf"]"#)
        var n = JSONWriter(nonFinite: .null)
        n.beginArray(); n.number(.nan); n.number(.infinity); n.endArray()
        #expect(text(n) == "[null,null]")
    }

    @Test func escapesPerRFC8259() {
        #expect(escaped(Array("a\"b\\c/\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f}é😀".utf8))
                == "a\\\"b\\\\c/\\u0001\\b\\f\\n\\r\\t\\u001f\u{7f}é😀")
    }

    @Test func repairsInvalidUTF8() {
        let r = "\u{FFFD}"
        #expect(escaped([0x61, 0xff, 0x62]) == "a\(r)b")
        #expect(escaped([0xc3]) == r)                         // truncated
        #expect(escaped([0xc0, 0x80]) == r + r)               // overlong
        #expect(escaped([0xed, 0xa0, 0x80]) == r + r + r)     // surrogate
        #expect(escaped([0xf4, 0x90, 0x80, 0x80]) == r + r + r + r)  // above U+10FFFF
        #expect(escaped([0xf0, 0x9f, 0x98, 0x80]) == "😀")
    }

    @Test func roundTripsThroughTheReader() throws {
        let source = #"{"a":[1,2.5,"x\n",true,null],"b":{"c":"é"}}"#
        var w = JSONWriter()
        w.value(try JSONReader.parse(source))
        #expect(text(w) == source)
    }
}
