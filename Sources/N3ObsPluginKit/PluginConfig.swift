import Glibc

/// Why a plugin refuses to start; its description goes to the host's error buffer.
public struct PluginError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A plugin's configuration object with typed access and messages that name the key.
///
///     let config = try PluginConfig(json: #"{"format":"json"}"#)
///     let format = try config.string("format") ?? "text"
public struct PluginConfig {
    public let members: [(key: String, value: JSONValue)]

    public init(members: [(key: String, value: JSONValue)] = []) { self.members = members }

    /// Parses the config text; NULL, "" and whitespace mean an empty object.
    public init(cString: UnsafePointer<CChar>?) throws(PluginError) {
        guard let cString else { self.init(); return }
        let bytes = CStringRef(cString).utf8
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }) { self.init(); return }
        do {
            try self.init(value: try JSONReader.parse(bytes: bytes))
        } catch let e as JSONError {
            throw PluginError("config is not valid JSON: \(e)")
        } catch let e as PluginError {
            throw e
        } catch {
            throw PluginError("config: \(error)")
        }
    }

    public init(json: String) throws(PluginError) {
        let result = json.utf8CString.withUnsafeBufferPointer { p in
            Result { () throws(PluginError) -> PluginConfig in try PluginConfig(cString: p.baseAddress) }
        }
        self = try result.get()
    }

    public init(value: JSONValue) throws(PluginError) {
        guard case let .object(members) = value else {
            throw PluginError("config must be a JSON object, got \(value.typeName)")
        }
        self.members = members
    }

    public subscript(key: String) -> JSONValue? { members.last(where: { $0.key == key })?.value }

    /// Keys present that the plugin does not know, in document order.
    public func unknownKeys(allowed: Set<String>) -> [String] {
        members.map(\.key).filter { !allowed.contains($0) }
    }

    private func typed<T>(_ key: String, _ want: String, _ get: (JSONValue) -> T?) throws(PluginError) -> T? {
        guard let v = self[key], v != .null else { return nil }
        guard let t = get(v) else { throw PluginError("config key \"\(key)\" must be \(want), got \(v.typeName)") }
        return t
    }

    public func string(_ key: String) throws(PluginError) -> String? {
        try typed(key, "a string") { if case let .string(s) = $0 { return s } else { return nil } }
    }

    public func bool(_ key: String) throws(PluginError) -> Bool? {
        try typed(key, "true or false") { if case let .bool(b) = $0 { return b } else { return nil } }
    }

    public func number(_ key: String) throws(PluginError) -> Double? {
        try typed(key, "a number") { if case let .number(d) = $0 { return d } else { return nil } }
    }

    /// A whole number within Int's range (5 and 5.0 both count).
    public func int(_ key: String) throws(PluginError) -> Int? {
        guard let d = try number(key) else { return nil }
        guard d.rounded() == d, let i = Int(exactly: d) else {
            throw PluginError("config key \"\(key)\" must be a whole number, got \(d)")
        }
        return i
    }

    public func object(_ key: String) throws(PluginError) -> PluginConfig? {
        guard let v = try typed(key, "an object", { v -> JSONValue? in if case .object = v { return v } else { return nil } }) else {
            return nil
        }
        return try PluginConfig(value: v)
    }

    public func array(_ key: String) throws(PluginError) -> [JSONValue]? {
        try typed(key, "an array") { if case let .array(a) = $0 { return a } else { return nil } }
    }
}
