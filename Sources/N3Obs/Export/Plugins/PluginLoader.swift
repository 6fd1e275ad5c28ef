import CN3Obs
import CN3ObsShims
import Glibc
import N3ObsSupport

/// Finds, checks and starts exporter plugins. Every failure has its own status and a
/// message that names the file, so a wrong N3OBS_EXPORTERS entry is easy to fix.
public enum PluginLoader {
    /// Where a plugin named `name` may live: each N3OBS_PLUGIN_PATH folder, then the n3obs/
    /// folder beside libn3obs.so, then that folder itself.
    public static func searchFolders(environment: (String) -> String? = Environment.get) -> [String] {
        var folders = (environment("N3OBS_PLUGIN_PATH") ?? "").split(separator: ":").map(String.init)
        if let own = folderOfThisImage() {
            // An installed libn3obs.so keeps its plugins in lib/n3obs/ (make install); that
            // folder is searched (and named in messages) only where it exists.
            var info = stat()
            if stat(own + "/n3obs", &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                folders.append(own + "/n3obs")
            }
            folders.append(own)
        }
        return folders
    }

    /// The file a name or path stands for: a path (it has a '/' or ends in ".so") as given,
    /// else libn3obs_<name>.so in the search folders.
    public static func resolve(_ nameOrPath: String, folders: [String]) throws(N3ObsError) -> String {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".so") {
            guard access(nameOrPath, F_OK) == 0 else {
                throw N3ObsError(.pluginNotFound, "plugin '\(nameOrPath)': no such file")
            }
            return nameOrPath
        }
        guard !nameOrPath.isEmpty, nameOrPath.utf8.allSatisfy({ isNameByte($0) }) else {
            throw N3ObsError(.pluginNotFound,
                             "plugin name '\(nameOrPath)' must be letters, digits, '_' or '-' (or a path)")
        }
        let file = "libn3obs_\(nameOrPath).so"
        for folder in folders {
            let candidate = folder.hasSuffix("/") ? folder + file : folder + "/" + file
            if access(candidate, F_OK) == 0 { return candidate }
        }
        throw N3ObsError(.pluginNotFound,
                         "plugin '\(nameOrPath)': no \(file) in \(folders.isEmpty ? "(no folders)" : folders.joined(separator: ", "))")
    }

    /// A plugin whose entry point has run and whose table has been checked.
    public struct Loaded {
        public let path: String
        public let table: UnsafeMutablePointer<n3obs_exporter>
        public let name: String
        public let abiVersion: UInt32
        public let capabilities: UInt32
    }

    /// Loads the file and starts the plugin with `configJSON`.
    /// - Parameter allowInsecure: load even if other users may write the file or its folder.
    public static func load(path: String, configJSON: String, host: UnsafePointer<n3obs_host>,
                            allowInsecure: Bool) throws(N3ObsError) -> Loaded {
        if !allowInsecure { try checkOwnership(path) }
        try checkIsSharedObject(path)
        // RTLD_NODELETE: a Swift image cannot be unloaded safely, and nothing of a plugin's
        // may be unmapped while a thread could still be inside it.
        guard let image = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw N3ObsError(.pluginNotLoadable, "plugin '\(path)': \(dlerrorText())")
        }
        let entryNames = [N3OBS_EXPORTER_ENTRY_POINT, "n3obs_\(baseName(path))_init"]
        guard let symbol = entryNames.lazy.compactMap({ dlsym(image, $0) }).first else {
            throw N3ObsError(.pluginNoEntryPoint,
                             "plugin '\(path)' exports neither \(entryNames.joined(separator: " nor "))")
        }
        let entry = unsafeBitCast(symbol, to: n3obs_exporter_init_fn.self)
        var table: UnsafeMutablePointer<n3obs_exporter>?
        var error = [CChar](repeating: 0, count: 1024)
        let rc = error.withUnsafeMutableBufferPointer { buffer in
            configJSON.withCString { entry(host, $0, &table, buffer.baseAddress, buffer.count - 1) }
        }
        guard rc == 0 else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw N3ObsError(.pluginRefused,
                             "plugin '\(path)' refused to start (\(rc))\(reason.isEmpty ? "" : ": \(reason)")")
        }
        return try validate(table, path: path)
    }

    /// Checks the table the entry point returned, as far as its size says it goes.
    static func validate(_ table: UnsafeMutablePointer<n3obs_exporter>?, path: String) throws(N3ObsError) -> Loaded {
        guard let table else {
            throw N3ObsError(.pluginTable, "plugin '\(path)' returned success but no table")
        }
        let version = table.pointee.version
        guard version >= N3OBS_EXPORTER_ABI_MIN_VERSION else {
            throw N3ObsError(.pluginABI, "plugin '\(path)' was built for exporter ABI \(version); this library " +
                             "supports \(N3OBS_EXPORTER_ABI_MIN_VERSION)...\(N3OBS_EXPORTER_ABI_VERSION)")
        }
        guard version <= N3OBS_EXPORTER_ABI_VERSION else {
            throw N3ObsError(.pluginABI, "plugin '\(path)' was built for exporter ABI \(version), newer than " +
                             "this library's \(N3OBS_EXPORTER_ABI_VERSION): update n3obs")
        }
        // Version 1's table ends after `free`.
        let needed = MemoryLayout<n3obs_exporter>.offset(of: \n3obs_exporter.free)! + MemoryLayout<UnsafeRawPointer>.size
        guard Int(table.pointee.size) >= needed else {
            throw N3ObsError(.pluginTable, "plugin '\(path)' returned a table of \(table.pointee.size) bytes; " +
                             "ABI \(version) needs \(needed)")
        }
        let t = table.pointee
        let caps = t.capabilities
        var missing: [String] = []
        if caps & N3OBS_EXPORTER_CAP_SPANS != 0 && t.export_spans == nil { missing.append("export_spans") }
        if caps & N3OBS_EXPORTER_CAP_METRICS != 0 && t.export_metrics == nil { missing.append("export_metrics") }
        if caps & N3OBS_EXPORTER_CAP_HEALTH != 0 && t.export_health == nil { missing.append("export_health") }
        if t.free == nil { missing.append("free") }
        guard missing.isEmpty else {
            if let free = t.free { free(t.state) }
            throw N3ObsError(.pluginTable, "plugin '\(path)' lacks \(missing.joined(separator: ", ")) for what it claims")
        }
        var name = baseName(path)
        if let p = t.name, let length = CString.boundedLength(p, limit: Limits.maxNameLength), length > 0 {
            name = String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self)
        }
        return Loaded(path: path, table: table, name: name, abiVersion: version, capabilities: caps)
    }

    /// Refuses a file or folder that users other than its owner (or root) may write: loading
    /// it would run their code inside this process. Both the path as given (a symlink and
    /// the folder it sits in) and the file it resolves to, with its folder, are checked: a
    /// symlink in a safe folder may point into an unsafe one. A sticky folder that anyone
    /// may write (/tmp) is accepted, because its sticky bit stops others from replacing a
    /// file they do not own; the file itself must still be the caller's or root's.
    static func checkOwnership(_ path: String) throws(N3ObsError) {
        var targets = [("file", path), ("folder", folderOf(path))]
        if let resolved = realpath(path, nil) {
            let real = String(cString: resolved)
            free(resolved)
            if real != path { targets += [("file", real), ("folder", folderOf(real))] }
        }
        for (what, target) in targets {
            var info = stat()
            guard stat(target, &info) == 0 else {
                throw N3ObsError(.pluginNotFound, "plugin '\(path)': cannot stat \(what) '\(target)'")
            }
            let otherWritable = info.st_mode & S_IWOTH != 0
            let stickyFolder = what == "folder" && info.st_mode & S_ISVTX != 0
            let foreignOwner = info.st_uid != 0 && info.st_uid != geteuid()
            if (otherWritable && !stickyFolder) || foreignOwner {
                throw N3ObsError(.pluginUnsafe,
                                 "plugin '\(path)': the \(what) '\(target)' is writable by other users or owned by " +
                                 "another user; fix its permissions or set N3OBS_PLUGIN_ALLOW_INSECURE=1")
            }
        }
    }

    private static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// dlopen's own message for a text file is obscure; say plainly what it is.
    static func checkIsSharedObject(_ path: String) throws(N3ObsError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw N3ObsError(.pluginNotLoadable, "plugin '\(path)': cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var magic = [UInt8](repeating: 0, count: 4)
        let n = read(fd, &magic, 4)
        guard n == 4, magic == [0x7F, 0x45, 0x4C, 0x46] else {
            throw N3ObsError(.pluginNotLoadable, "plugin '\(path)' is not a shared object (no ELF header)")
        }
    }

    /// "libn3obs_stdout.so" → "stdout", as SQLite derives an extension's entry point.
    static func baseName(_ path: String) -> String {
        var name = Substring(path.split(separator: "/").last ?? Substring(path))
        if let dot = name.firstIndex(of: ".") { name = name[..<dot] }
        for prefix in ["lib", "n3obs_"] where name.hasPrefix(prefix) { name = name.dropFirst(prefix.count) }
        return String(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    private static func dlerrorText() -> String {
        guard let e = dlerror() else { return "dlopen failed" }
        return String(cString: e)
    }

    /// The folder of the image this code is in (libn3obs.so, or n3obsctl).
    private static func folderOfThisImage() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard n3o_image_path(&buffer, buffer.count) == 0 else { return nil }
        let path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
