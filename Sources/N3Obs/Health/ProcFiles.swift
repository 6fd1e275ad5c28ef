import Glibc

/// Reads the small kernel files the built-in checks use, without Foundation, and parses
/// them. Parsers take the bytes so tests can feed them fixed text.
enum ProcFiles {
    /// The file's bytes (at most `limit`), or nil if it cannot be opened or read.
    static func read(_ path: String, limit: Int = 16 * 1024) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: limit)
        var used = 0
        while used < limit {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Glibc.read(fd, base + used, limit - used)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            used += n
        }
        return Array(buffer[0..<used])
    }

    /// The meminfo keys the checks use.
    static let meminfoKeys = ["MemTotal", "MemAvailable", "MemFree", "Buffers", "Cached"]

    /// /proc/meminfo as bytes per key ("MemTotal", "MemAvailable", ...; values are in kB).
    /// Works on bytes and keeps only `keys`: reports may run thousands of times.
    static func parseMeminfo(_ bytes: [UInt8], keys: [String] = meminfoKeys) -> [String: UInt64] {
        let wanted = keys.map { Array($0.utf8) }
        var out: [String: UInt64] = [:]
        var i = 0
        let n = bytes.count
        while i < n {
            var end = i
            while end < n && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var colon = i
            while colon < end && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            if colon < end, let k = wanted.firstIndex(where: { $0.elementsEqual(bytes[i..<colon]) }) {
                var j = colon + 1
                while j < end && bytes[j] == UInt8(ascii: " ") { j += 1 }
                var value: UInt64 = 0
                var digits = 0
                while j < end, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") {
                    value = value &* 10 &+ UInt64(bytes[j] - UInt8(ascii: "0"))
                    j += 1
                    digits += 1
                }
                while j < end && bytes[j] == UInt8(ascii: " ") { j += 1 }
                let kiB = j + 1 < end && bytes[j] == UInt8(ascii: "k") && bytes[j + 1] == UInt8(ascii: "B")
                if digits > 0 { out[keys[k]] = kiB ? value &* 1024 : value }
            }
            i = end + 1
        }
        return out
    }

    /// (total, available) bytes of system memory. MemAvailable exists since Linux 3.14;
    /// before it, free + buffers + cached is the usual estimate.
    static func systemMemory(_ info: [String: UInt64]) -> (total: UInt64, available: UInt64)? {
        guard let total = info["MemTotal"], total > 0 else { return nil }
        if let available = info["MemAvailable"] { return (total, available) }
        guard let free = info["MemFree"] else { return nil }
        return (total, free &+ (info["Buffers"] ?? 0) &+ (info["Cached"] ?? 0))
    }

    /// Resident pages from /proc/self/statm ("size resident shared text lib data dt").
    static func parseStatmResidentPages(_ bytes: [UInt8]) -> UInt64? {
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2 else { return nil }
        return UInt64(fields[1].filter { $0 != "\n" })
    }

    /// The process' resident bytes now.
    static func residentBytes() -> UInt64? {
        guard let bytes = read("/proc/self/statm", limit: 256), let pages = parseStatmResidentPages(bytes) else { return nil }
        return pages &* UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))
    }

    /// The cgroup v2 memory limit of this process, if one is set ("max" means none).
    static func cgroupMemoryLimit() -> UInt64? {
        guard let file = cgroupMemoryMaxPath, let limit = read(file, limit: 64) else { return nil }
        return UInt64(String(decoding: limit, as: UTF8.self).filter { $0 != "\n" })
    }

    /// Where this process' memory.max lives; looked up once (a process rarely changes
    /// cgroup, and /proc/self/cgroup costs a read per report otherwise).
    static let cgroupMemoryMaxPath: String? = {
        guard let bytes = read("/proc/self/cgroup", limit: 4096) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("0::") {
            let path = String(line.dropFirst(3))
            return "/sys/fs/cgroup\(path == "/" ? "" : path)/memory.max"
        }
        return nil
    }()
}
