import Glibc
import Testing
import N3ObsSupport

@Suite struct NamedThreadTests {
    /// The names of this process' threads, from /proc/self/task/*/comm.
    private func threadNames() -> [String] {
        guard let dir = opendir("/proc/self/task") else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let tid = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard !tid.hasPrefix("."), let f = fopen("/proc/self/task/\(tid)/comm", "r") else { continue }
            var buf = [CChar](repeating: 0, count: 64)
            if fgets(&buf, 64, f) != nil {
                names.append(String(String(cString: buf).prefix { $0 != "\n" }))
            }
            fclose(f)
        }
        return names
    }

    @Test func isNamedWhileItRunsAndJoined() throws {
        let gate = Gate()
        let thread = try NamedThread.start(name: "n3obs-t-named") { gate.pass() }.get()
        #expect(threadNames().contains("n3obs-t-named"))
        gate.release()
        #expect(thread.join(untilMonotonic: MonotonicCondition.now() + 5_000_000_000))
        #expect(!threadNames().contains("n3obs-t-named"))
    }

    @Test func aBodyThatDoesNotReturnIsDetachedAtTheDeadline() throws {
        let gate = Gate()
        let thread = try NamedThread.start(name: "n3obs-t-hung") { gate.pass() }.get()
        #expect(gate.eventually { gate.entered == 1 })
        #expect(!thread.join(untilMonotonic: MonotonicCondition.now() + 20_000_000))
        gate.release()
        #expect(gate.eventually { !threadNames().contains("n3obs-t-hung") }, "ends on its own")
    }

    @Test func namesAreCutTo15Bytes() throws {
        final class Seen: @unchecked Sendable { var names: [String] = [] }
        let seen = Seen()
        let thread = try NamedThread.start(name: "n3obs-a-very-long-name") { [self] in
            seen.names = threadNames()
        }.get()
        thread.join() // orders the write before the read
        #expect(seen.names.contains("n3obs-a-very-lo"))
    }
}
