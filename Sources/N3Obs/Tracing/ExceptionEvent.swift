import Glibc

/// OpenTelemetry's rules for recording an exception (semantic conventions, "Exceptions"):
/// an event named "exception" with exception.type, exception.message and
/// exception.stacktrace, each left out when unknown, type and message not both unknown;
/// recording one leaves the span's status alone (the caller sets ERROR if it means it).
extension Tracer {
    /// Records the exception event on a live span (as `addEvent`, at the current time).
    /// - Throws: `.invalidArgument` when type and message are both nil; what `addEvent`
    ///   and `PreparedAttribute.string` throw (UTF-8, length, a stale handle).
    public func recordException(_ handle: UInt64, type: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?,
                                stacktrace: UnsafePointer<CChar>?) throws(N3ObsError) {
        guard type != nil || message != nil else {
            throw N3ObsError(.invalidArgument, "type and message are both NULL")
        }
        var list: [PreparedAttribute] = []
        if let type { list.append(try .string(key: ExceptionKeys.type, type)) }
        if let message { list.append(try .string(key: ExceptionKeys.message, message)) }
        if let stacktrace { list.append(try .string(key: ExceptionKeys.stacktrace, stacktrace)) }
        try list.withUnsafeBufferPointer { (l) throws(N3ObsError) in
            try addEvent(handle, name: UnsafeRawBufferPointer(start: ExceptionKeys.event, count: strlen(ExceptionKeys.event)),
                         time: 0, l)
        }
    }
}

/// The event and attribute names, as C strings made once.
enum ExceptionKeys {
    nonisolated(unsafe) static let event: UnsafePointer<CChar> = UnsafePointer(strdup("exception")!)
    nonisolated(unsafe) static let type: UnsafePointer<CChar> = UnsafePointer(strdup("exception.type")!)
    nonisolated(unsafe) static let message: UnsafePointer<CChar> = UnsafePointer(strdup("exception.message")!)
    nonisolated(unsafe) static let stacktrace: UnsafePointer<CChar> = UnsafePointer(strdup("exception.stacktrace")!)
}
