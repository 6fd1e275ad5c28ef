import CN3Obs
import Glibc
import N3Obs
import Testing

/// include/n3obs.h is the one list of status codes: the Swift enum must hold exactly its
/// codes, and N3OBS_E_LAST (which bounds n3obs_errstr's table) must be the lowest of them.
@Suite struct StatusListTests {
    /// `N3OBS_OK` and every `N3OBS_E_*` code of the header with its number, parsed from the text.
    private func headerCodes() throws -> [String: Int32] {
        let path = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        let file = try #require(fopen("/" + path + "/include/n3obs.h", "r"))
        defer { fclose(file) }
        var codes: [String: Int32] = [:]
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, 4096, file) != nil {
            let words = String(cString: line).split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard words.count >= 3, words[0] == "#define",
                  words[1] == "N3OBS_OK" || words[1].hasPrefix("N3OBS_E_") else { continue }
            let number = words[2].filter { $0 != "(" && $0 != ")" }
            if let n = Int32(number) { codes[String(words[1])] = n }
        }
        return codes
    }

    @Test func theSwiftEnumHoldsExactlyTheHeaderCodes() throws {
        let header = try headerCodes()
        #expect(header.count >= 21)
        #expect(Set(header.values).count == header.count, "two names share a number")
        #expect(Set(N3ObsStatus.allCases.map(\.rawValue)) == Set(header.values))
    }

    @Test func lastIsTheLowestCode() throws {
        let header = try headerCodes()
        #expect(N3OBS_E_LAST == header.values.min())
        #expect(N3ObsStatus(rawValue: N3OBS_E_LAST) != nil)
        #expect(N3ObsStatus(rawValue: N3OBS_E_LAST - 1) == nil)
    }
}
