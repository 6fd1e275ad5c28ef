import Glibc

/// Reads the small kernel files the built-in checks use, without Foundation, and parses
/// them. Parsers take the bytes so tests can feed them fixed text.
enum ProcFiles {
    /// The file's bytes (at most `limit`), or nil if it cannot be opened or read.
    static func read(_ path: String, limit: Int = 64 * 1024) -> [UInt8]? {
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

    /// /proc/meminfo as bytes per key ("MemTotal", "MemAvailable", ...; values are in kB).
    static func parseMeminfo(_ bytes: [UInt8]) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let fields = parts[1].split(separator: " ")
            guard let first = fields.first, let value = UInt64(first) else { continue }
            let kiB = fields.count > 1 && fields[1] == "kB"
            out[String(parts[0])] = kiB ? value &* 1024 : value
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
        guard let bytes = read("/proc/self/statm"), let pages = parseStatmResidentPages(bytes) else { return nil }
        return pages &* UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))
    }

    /// The cgroup v2 memory limit of this process, if one is set ("max" means none).
    static func cgroupMemoryLimit() -> UInt64? {
        guard let bytes = read("/proc/self/cgroup") else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("0::") {
            let path = String(line.dropFirst(3))
            guard let limit = read("/sys/fs/cgroup\(path == "/" ? "" : path)/memory.max") else { return nil }
            let text = String(decoding: limit, as: UTF8.self).filter { $0 != "\n" }
            return UInt64(text)
        }
        return nil
    }
}
