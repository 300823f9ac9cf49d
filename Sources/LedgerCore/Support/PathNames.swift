/// Small helpers for path strings (no Foundation in the storage layer).
public enum PathNames {
    /// The directory part of a path ("." when there is none).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of a path.
    public static func base(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Joins two path parts with one slash.
    public static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// Makes a directory and its missing parents, each made durable (its parent fsynced), so that
    /// what is later written and fsynced in it is not lost with the directory in a power cut.
    public static func makeDirectories(_ path: String, mode: UInt32 = 0o755) throws(SystemError) {
        if SystemCalls.isDirectory(path) { return }
        let parentPath = parent(of: path)
        if parentPath != path && parentPath != "." && parentPath != "/" { try makeDirectories(parentPath, mode: mode) }
        try SystemCalls.makeDirectoryDurably(path, mode: mode)
    }
}
