import Glibc
import N3ObsPluginKit

/// One OTLP/JSON request per line, appended to a file that is rotated by size: when a
/// line would take the file past maxBytes, path.1 becomes path.2 and so on up to
/// path.<keep>, path becomes path.1, and a new path is started. keep 0 truncates instead;
/// maxBytes 0 never rotates. A line is always written whole with one write(2).
final class FileSink {
    let path: String
    private let maxBytes: Int
    private let keep: Int
    private var output: FileOutput
    private var size: Int

    init(path: String, maxBytes: Int, keep: Int) throws(PluginError) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
        output = try FileOutput.open(path)
        size = FileSink.currentSize(output.fd)
    }

    private static func currentSize(_ fd: Int32) -> Int {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Writes line (which ends in "\n"); returns 0 or an errno.
    func write(_ line: [UInt8]) -> Int32 {
        if maxBytes > 0 && size > 0 && size + line.count > maxBytes {
            if let e = rotate() { return e }
        }
        let e = FileOutput.writeAll(fd: output.fd, line)
        if e == 0 { size += line.count }
        return e
    }

    private func rotate() -> Int32? {
        output.close()
        if keep == 0 {
            unlink(path)
        } else {
            unlink("\(path).\(keep)")
            var k = keep - 1
            while k >= 1 {
                rename("\(path).\(k)", "\(path).\(k + 1)")
                k -= 1
            }
            rename(path, "\(path).1")
        }
        do {
            output = try FileOutput.open(path)
        } catch {
            return errno == 0 ? EIO : errno
        }
        size = FileSink.currentSize(output.fd)
        return nil
    }

    func close() { output.close() }
}
