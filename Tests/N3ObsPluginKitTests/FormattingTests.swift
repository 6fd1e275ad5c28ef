import CN3Obs
import Testing
@testable import N3ObsPluginKit

private func bytesText(_ f: (inout [UInt8]) -> Void) -> String {
    var out: [UInt8] = []
    f(&out)
    return String(decoding: out, as: UTF8.self)
}

@Suite struct FormattingTests {
    @Test func hexIDs() {
        let trace: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36)
        #expect(HexID.string(traceID: trace) == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(HexID.string(spanID: (0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7)) == "00f067aa0ba902b7")
        #expect(CTuple.withBytes((0, 0, 0) as (UInt8, UInt8, UInt8)) { HexID.isZero($0) })
    }

    @Test func rfc3339() {
        #expect(RFC3339.string(unixNano: 0) == "1970-01-01T00:00:00.000000000Z")
        #expect(RFC3339.string(unixNano: 1_735_787_045_678_901_234) == "2025-01-02T03:04:05.678901234Z")
        #expect(RFC3339.string(unixNano: 1_735_787_045_678_901_234, fractionDigits: 3) == "2025-01-02T03:04:05.678Z")
        #expect(RFC3339.string(unixNano: 1_735_787_045_678_901_234, fractionDigits: 0) == "2025-01-02T03:04:05Z")
        #expect(RFC3339.string(unixNano: 951_782_400_000_000_000, fractionDigits: 0) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.string(unixNano: 4_107_542_399_000_000_000, fractionDigits: 0) == "2100-02-28T23:59:59Z")
        #expect(RFC3339.string(unixNano: -1, fractionDigits: 9) == "1969-12-31T23:59:59.999999999Z")
        #expect(RFC3339.string(unixNano: Int64.max) == "2262-04-11T23:47:16.854775807Z")
        #expect(RFC3339.string(unixNano: Int64.min) == "1677-09-21T00:12:43.145224192Z")
    }

    @Test func numbersAndDurations() {
        #expect(bytesText { $0.append(double: 3) } == "3")
        #expect(bytesText { $0.append(double: 0.005) } == "0.005")
        #expect(bytesText { $0.append(double: .nan) } == "NaN")
        #expect(bytesText { $0.append(double: -.infinity) } == "-Inf")
        #expect(bytesText { $0.append(int: Int64.min) } == "-9223372036854775808")
        #expect(bytesText { $0.append(uint: 7, width: 3) } == "007")
        #expect(bytesText { DurationText.append(nanoseconds: 850, to: &$0) } == "850ns")
        #expect(bytesText { DurationText.append(nanoseconds: 12_345, to: &$0) } == "12.345us")
        #expect(bytesText { DurationText.append(nanoseconds: 4_560_000, to: &$0) } == "4.56ms")
        #expect(bytesText { DurationText.append(nanoseconds: 61_000_000_000, to: &$0) } == "61s")
    }

    @Test func errorBufferIsCutAtACharacter() {
        var buf = [CChar](repeating: 0x7f, count: 5)
        buf.withUnsafeMutableBufferPointer { PluginEntry.writeError("abéé", to: $0.baseAddress, capacity: 5) }
        #expect(buf.prefix(while: { $0 != 0 }).count == 4)   // "abé" is 4 bytes, the next é does not fit
        buf.withUnsafeMutableBufferPointer { PluginEntry.writeError("abcdéf", to: $0.baseAddress, capacity: 5) }
        #expect(String(cString: buf) == "abcd")
    }
}
