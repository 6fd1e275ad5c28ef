import CN3Obs
import CN3ObsShims
import Glibc
import N3Obs

/// Records the message for `n3obs_error_last` and returns the status code.
@inline(never)
func fail(_ function: StaticString, _ error: N3ObsError) -> Int32 {
    error.cStatus(function)
}

@inline(never)
func fail(_ function: StaticString, _ status: N3ObsStatus, _ message: String) -> Int32 {
    fail(function, N3ObsError(status, message))
}

/// Why a record call cannot proceed when the SDK is not running.
@inline(never)
func notRunning(_ function: StaticString) -> Int32 {
    do throws(N3ObsError) {
        try N3ObsSDK.shared.requireRunning()
        return N3ObsStatus.ok.rawValue
    } catch {
        return fail(function, error)
    }
}

@_cdecl("n3obs_error_last")
public func cErrorLast() -> UnsafePointer<CChar> {
    n3o_error_get()
}

@_cdecl("n3obs_errstr")
public func cErrstr(_ status: Int32) -> UnsafePointer<CChar> {
    guard let known = N3ObsStatus(rawValue: status) else { return StaticCString.unknown }
    return StaticCString.summaries[Int(-known.rawValue)]
}

/// C strings that must outlive every call: made once, never freed.
enum StaticCString {
    nonisolated(unsafe) static let unknown: UnsafePointer<CChar> = make("unknown status")
    /// One per status of the header, N3OBS_OK down to N3OBS_E_LAST.
    nonisolated(unsafe) static let summaries: [UnsafePointer<CChar>] = (0...Int(-N3OBS_E_LAST)).map { i in
        make(N3ObsStatus(rawValue: Int32(-i))?.summary ?? "unknown status")
    }
    nonisolated(unsafe) static let version: UnsafePointer<CChar> = make(N3ObsVersion.string)

    private static func make(_ s: String) -> UnsafePointer<CChar> {
        UnsafePointer(strdup(s)!)
    }
}
