import CN3ObsShims

extension N3ObsError {
    /// What a C function returns for this error: its status, with "function: message" kept
    /// for n3obs_error_last. The C API and the plugin host table report alike through it.
    @inline(never)
    public func cStatus(_ function: StaticString) -> Int32 {
        var text = "\(function): \(message)"
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { n3o_error_set($0.baseAddress, $0.count) }
        }
        return status.rawValue
    }
}
