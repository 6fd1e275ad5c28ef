import Glibc

/// Where a plugin writes lines: stdout, stderr or a file opened for appending.
///
/// Lines go out whole: ``LineWriter`` gathers them into writes of at most PIPE_BUF bytes
/// cut at line ends (one write(2) per line when a line is longer), so that processes
/// sharing a pipe or an O_APPEND file never interleave in the middle of a line.
public final class FileOutput {
    public let fd: Int32
    public let description: String
    private let owned: Bool

    private init(fd: Int32, description: String, owned: Bool) {
        self.fd = fd
        self.description = description
        self.owned = owned
    }

    /// "stdout", "stderr", or a path opened with O_APPEND | O_CREAT (mode 0644).
    public static func open(_ target: String) throws(PluginError) -> FileOutput {
        switch target {
        case "stdout", "-": return FileOutput(fd: 1, description: "stdout", owned: false)
        case "stderr": return FileOutput(fd: 2, description: "stderr", owned: false)
        case "": throw PluginError("output is empty (use \"stdout\", \"stderr\" or a file path)")
        default:
            let fd = Glibc.open(target, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            if fd < 0 {
                let e = errno
                throw PluginError("cannot open output file \(target): \(String(cString: strerror(e)))")
            }
            return FileOutput(fd: fd, description: target, owned: true)
        }
    }

    /// Closes a file the plugin opened (never stdout or stderr). Idempotent via ``closed``.
    public private(set) var closed = false
    public func close() {
        guard !closed else { return }
        closed = true
        if owned { _ = Glibc.close(fd) }
    }

    deinit { close() }

    /// Writes all bytes, resuming after EINTR and short writes. A closed pipe gives EPIPE
    /// instead of killing the process: SIGPIPE is blocked on this thread for the call
    /// and a pending one is consumed. Returns 0 or the errno.
    public static func writeAll(fd: Int32, _ bytes: [UInt8]) -> Int32 {
        var block = sigset_t(), old = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &block, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return bytes.withUnsafeBytes { buf -> Int32 in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    if e == EPIPE && sigismember(&old, SIGPIPE) == 0 {
                        // Take the SIGPIPE our write raised before the mask is restored.
                        var zero = timespec(tv_sec: 0, tv_nsec: 0)
                        _ = sigtimedwait(&block, nil, &zero)
                    }
                    return e
                }
                off += n
            }
            return 0
        }
    }
}

/// Gathers whole lines and writes them in PIPE_BUF-sized groups (see ``FileOutput``).
public struct LineWriter {
    public static let atomicSize = 4096   // PIPE_BUF on Linux
    public let output: FileOutput
    private var pending: [UInt8] = []
    /// The first write error (an errno) since the last ``flush()``; 0 when none.
    public private(set) var firstError: Int32 = 0

    public init(output: FileOutput) {
        self.output = output
        pending.reserveCapacity(LineWriter.atomicSize)
    }

    /// Adds a record: one or more complete lines, each ending in "\n", kept together
    /// in one write when they fit.
    public mutating func emit(_ record: [UInt8]) {
        if pending.count + record.count > LineWriter.atomicSize { writePending() }
        if record.count > LineWriter.atomicSize {
            // Too long to be atomic anyway: one write per line, so at least lines stay whole.
            var start = 0
            for i in record.indices where record[i] == 0x0a {
                write(Array(record[start...i]))
                start = i + 1
            }
            if start < record.count { write(Array(record[start...])) }
        } else {
            pending.append(contentsOf: record)
        }
    }

    /// Writes what is pending; returns 0 or the first errno since the last flush.
    public mutating func flush() -> Int32 {
        writePending()
        let e = firstError
        firstError = 0
        return e
    }

    private mutating func writePending() {
        guard !pending.isEmpty else { return }
        write(pending)
        pending.removeAll(keepingCapacity: true)
    }

    private mutating func write(_ bytes: [UInt8]) {
        let e = FileOutput.writeAll(fd: output.fd, bytes)
        if e != 0 && firstError == 0 { firstError = e }
    }
}
