#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcess

/// The one place where CaseLedger talks to the operating system.
///
/// Every open, read, write, fsync, ftruncate, flock, rename, mkdir and unlink of the
/// product goes through this file, so that tests and the reliability campaigns can
/// make the N-th call of a kind fail (see ``FaultInjection``). Calls retry on `EINTR`,
/// writes loop on partial writes, and `errno` is saved the moment a call fails.
package enum SystemCalls {
    /// Opens `path`; returns the descriptor or throws with the saved errno.
    package static func open(_ path: String, flags: Int32, mode: UInt32 = 0o644) throws(SystemError) -> Int32 {
        try FaultInjection.check(.open, path: path)
        let traced = FileSystemTrace.enabled && flags & (O_CREAT | O_TRUNC) != 0
        let existed = traced && exists(path)
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode_t(mode))
            if fd >= 0 {
                if traced { FileSystemTrace.open(path, flags: flags, existed: existed) }
                return fd
            }
            let saved = errno
            if saved == EINTR { continue }
            throw SystemError(call: "open", path: path, errno: saved)
        }
    }

    /// Closes a descriptor. Errors from close are reported but the descriptor is gone either way.
    package static func close(_ fd: Int32, path: String) throws(SystemError) {
        if Glibc.close(fd) != 0 {
            let saved = errno
            // EINTR on close on Linux means the descriptor is closed already: never retry.
            if saved != EINTR { throw SystemError(call: "close", path: path, errno: saved) }
        }
    }

    /// Reads up to `count` bytes at `offset`; returns how many were read (0 at end of file).
    package static func pread(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int64, path: String) throws(SystemError) -> Int {
        try FaultInjection.check(.read, path: path)
        while true {
            let n = Glibc.pread(fd, buffer, count, off_t(offset))
            if n >= 0 { return n }
            let saved = errno
            if saved == EINTR { continue }
            throw SystemError(call: "read", path: path, errno: saved)
        }
    }

    /// Reads exactly `count` bytes at `offset` unless the file ends first; returns the bytes read.
    package static func preadFully(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int64, path: String) throws(SystemError) -> Int {
        var done = 0
        while done < count {
            let n = try pread(fd, into: buffer + done, count: count - done, offset: offset + Int64(done), path: path)
            if n == 0 { break }
            done += n
        }
        assert(done <= count)
        return done
    }

    /// Writes all `count` bytes at `offset`, looping on partial writes.
    package static func pwriteAll(_ fd: Int32, from buffer: UnsafeRawPointer, count: Int, offset: Int64, path: String) throws(SystemError) {
        var done = 0
        while done < count {
            try FaultInjection.check(.write, path: path)
            let n = Glibc.pwrite(fd, buffer + done, count - done, off_t(offset + Int64(done)))
            if n < 0 {
                let saved = errno
                if saved == EINTR { continue }
                throw SystemError(call: "write", path: path, errno: saved)
            }
            if n == 0 { throw SystemError(call: "write", path: path, errno: EIO) }
            done += n
        }
        assert(done == count, "a write must end exactly at the requested count")
        if FileSystemTrace.enabled { FileSystemTrace.write(path, offset: offset, bytes: UnsafeRawBufferPointer(start: buffer, count: count)) }
    }

    /// Writes all of `bytes` at `offset` (no copy of the array).
    package static func pwriteAll(_ fd: Int32, bytes: [UInt8], offset: Int64, path: String) throws(SystemError) {
        guard !bytes.isEmpty else { return }
        var result: Result<Void, SystemError> = .success(())
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(SystemError) in try pwriteAll(fd, from: buffer.baseAddress!, count: buffer.count, offset: offset, path: path) }
        }
        try result.get()
    }

    /// Flushes a file's data and metadata to the disk.
    package static func fsync(_ fd: Int32, path: String) throws(SystemError) {
        try fsync(fd, path: path, traceAs: "fsync")
    }

    private static func fsync(_ fd: Int32, path: String, traceAs operation: String) throws(SystemError) {
        try FaultInjection.check(.fsync, path: path)
        while Glibc.fsync(fd) != 0 {
            let saved = errno
            if saved == EINTR { continue }
            throw SystemError(call: "fsync", path: path, errno: saved)
        }
        if FileSystemTrace.enabled { FileSystemTrace.record([operation, path]) }
    }

    /// Flushes a directory, so that files created or renamed in it survive a crash.
    package static func fsyncDirectory(_ path: String) throws(SystemError) {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { try? close(fd, path: path) }
        try fsync(fd, path: path, traceAs: "fsyncdir")
    }

    /// Cuts a file to `length` bytes.
    package static func ftruncate(_ fd: Int32, length: Int64, path: String) throws(SystemError) {
        try FaultInjection.check(.truncate, path: path)
        while Glibc.ftruncate(fd, off_t(length)) != 0 {
            let saved = errno
            if saved == EINTR { continue }
            throw SystemError(call: "ftruncate", path: path, errno: saved)
        }
        if FileSystemTrace.enabled { FileSystemTrace.record(["truncate", path, String(length)]) }
    }

    /// Takes an exclusive advisory lock on the whole file, waiting for other holders.
    package static func lockExclusive(_ fd: Int32, path: String) throws(SystemError) {
        while flock(fd, LOCK_EX) != 0 {
            let saved = errno
            if saved == EINTR { continue }
            throw SystemError(call: "flock", path: path, errno: saved)
        }
    }

    /// Takes a shared advisory lock on the whole file, waiting for writers.
    package static func lockShared(_ fd: Int32, path: String) throws(SystemError) {
        while flock(fd, LOCK_SH) != 0 {
            let saved = errno
            if saved == EINTR { continue }
            throw SystemError(call: "flock", path: path, errno: saved)
        }
    }

    /// The size of an open file in bytes.
    package static func fileSize(_ fd: Int32, path: String) throws(SystemError) -> Int64 {
        var info = stat()
        if fstat(fd, &info) != 0 { throw SystemError(call: "fstat", path: path, errno: errno) }
        return Int64(info.st_size)
    }

    /// Whether something exists at `path`.
    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether two paths name the same file or directory (same device and inode); false when
    /// either cannot be looked at.
    package static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat()
        var second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// Whether `path` is a directory.
    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Makes a directory; an existing one is an error unless `allowExisting`.
    package static func mkdir(_ path: String, mode: UInt32 = 0o755, allowExisting: Bool = false) throws(SystemError) {
        try FaultInjection.check(.mkdir, path: path)
        if Glibc.mkdir(path, mode_t(mode)) != 0 {
            let saved = errno
            if saved == EEXIST && allowExisting && isDirectory(path) { return }
            throw SystemError(call: "mkdir", path: path, errno: saved)
        }
        if FileSystemTrace.enabled { FileSystemTrace.record(["mkdir", path]) }
    }

    /// Makes a directory if it is absent, then fsyncs its parent, so that the directory's entry is
    /// on disk before anything written in it is acknowledged. The parent is fsynced also when the
    /// directory exists already: an earlier process may have made it and been cut off before its
    /// fsync, and a directory fsync with nothing to write is cheap.
    package static func makeDirectoryDurably(_ path: String, mode: UInt32 = 0o755) throws(SystemError) {
        try mkdir(path, mode: mode, allowExisting: true)
        try fsyncDirectory(PathNames.parent(of: path))
    }

    /// Renames a file atomically within one file system.
    package static func rename(_ from: String, to: String) throws(SystemError) {
        try FaultInjection.check(.rename, path: to)
        if Glibc.rename(from, to) != 0 { throw SystemError(call: "rename", path: to, errno: errno) }
        if FileSystemTrace.enabled { FileSystemTrace.record(["rename", from, to]) }
    }

    /// Removes a file.
    package static func unlink(_ path: String) throws(SystemError) {
        if Glibc.unlink(path) != 0 { throw SystemError(call: "unlink", path: path, errno: errno) }
        if FileSystemTrace.enabled { FileSystemTrace.record(["unlink", path]) }
    }

    /// The names in a directory, without `.` and `..`, sorted bytewise.
    package static func listDirectory(_ path: String) throws(SystemError) -> [String] {
        guard let dir = opendir(path) else { throw SystemError(call: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Reads a whole (small) file; throws if it is larger than `bytesMax`.
    package static func readFile(_ path: String, bytesMax: Int) throws(SystemError) -> [UInt8] {
        let fd = try open(path, flags: O_RDONLY)
        defer { try? close(fd, path: path) }
        let size = try fileSize(fd, path: path)
        guard size <= Int64(bytesMax) else { throw SystemError(call: "read", path: path, errno: EFBIG) }
        // An empty file (a power cut may leave one where a write had not landed) reads as no bytes.
        guard size > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let count = bytes.count
        let n = try withBuffer(&bytes) { (base) throws(SystemError) -> Int in
            try preadFully(fd, into: base, count: count, offset: 0, path: path)
        }
        if n < count { bytes.removeLast(count - n) }
        return bytes
    }

    /// Writes a small file durably and atomically: a temporary file, fsync, rename, fsync of the directory.
    package static func writeFileAtomically(_ path: String, bytes: [UInt8], mode: UInt32 = 0o644, directory: String) throws(SystemError) {
        let temporary = path + ".tmp"
        let fd = try open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        do {
            var copy = bytes
            if !copy.isEmpty {
                let count = copy.count
                try withBuffer(&copy) { (base) throws(SystemError) in
                    try pwriteAll(fd, from: base, count: count, offset: 0, path: temporary)
                }
            }
            try fsync(fd, path: temporary)
            try close(fd, path: temporary)
        } catch {
            try? close(fd, path: temporary)
            throw error
        }
        try rename(temporary, to: path)
        try fsyncDirectory(directory)
    }

    /// Writes a cache file (a checkpoint): to a temporary name of this process, then renamed over
    /// `path`. Not fsynced: a cache file checks itself when read and is rebuilt when it does not.
    package static func writeCacheFile(_ path: String, bytes: [UInt8]) throws(SystemError) {
        let temporary = path + ".tmp-" + String(getpid())
        let fd = try open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
        do {
            var copy = bytes
            let count = copy.count
            if count > 0 {
                try withBuffer(&copy) { (base) throws(SystemError) in
                    try pwriteAll(fd, from: base, count: count, offset: 0, path: temporary)
                }
            }
            try close(fd, path: temporary)
        } catch {
            try? close(fd, path: temporary)
            try? unlink(temporary)
            throw error
        }
        do { try rename(temporary, to: path) } catch {
            try? unlink(temporary)
            throw error
        }
    }

    /// The current time in milliseconds since the epoch (UTC).
    package static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// An environment variable, or nil.
    package static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Fills `count` bytes from the kernel's random source.
    package static func randomBytes(_ count: Int) throws(SystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let fd = try open("/dev/urandom", flags: O_RDONLY)
        defer { try? close(fd, path: "/dev/urandom") }
        let n = try withBuffer(&bytes) { (base) throws(SystemError) -> Int in
            try preadFully(fd, into: base, count: count, offset: 0, path: "/dev/urandom")
        }
        guard n == count else { throw SystemError(call: "read", path: "/dev/urandom", errno: EIO) }
        return bytes
    }

    /// Runs `body` with the base address of a non-empty byte array, keeping the typed error.
    package static func withBuffer<T>(_ bytes: inout [UInt8], _ body: (UnsafeMutableRawPointer) throws(SystemError) -> T) throws(SystemError) -> T {
        precondition(!bytes.isEmpty, "a buffer for a system call is not empty")
        var result: Result<T, SystemError>!
        bytes.withUnsafeMutableBytes { buffer in
            result = Result { () throws(SystemError) -> T in try body(buffer.baseAddress!) }
        }
        return try result.get()
    }

    /// The number of processors this process may run on: those in its affinity mask (`taskset`, a
    /// container's cpuset), or, when the mask cannot be read, those online.
    package static func processorCount() -> Int {
        let allowed = Int(cprocess_allowed_processors())
        return allowed > 0 ? allowed : Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// Sets glibc's allocator for a process that folds large ledgers on several threads: memory
    /// below 32 MiB comes from the heaps, a heap keeps what is freed at its top (up to 1 GiB), and
    /// it grows 64 MiB at a time.
    ///
    /// The fold allocates on several threads, so in glibc's per-thread heaps, which by default
    /// give freed memory at their top back to the kernel as soon as it passes about a megabyte;
    /// the next wave of decoded events then faults it in again, zeroed. These settings keep it, at
    /// the price of a somewhat higher peak resident memory (the figures are in the bench notes).
    ///
    /// Returns how many of the three settings glibc accepted (0 without glibc); one it refuses
    /// stays at its default, and the process is only slower.
    @discardableResult
    package static func tuneAllocator() -> Int {
        Int(cprocess_tune_allocator(32 << 20, 1 << 30, 64 << 20))
    }

    /// Sets a file's permission bits.
    package static func chmod(_ path: String, mode: UInt32) throws(SystemError) {
        if Glibc.chmod(path, mode_t(mode)) != 0 { throw SystemError(call: "chmod", path: path, errno: errno) }
    }
}

/// A record of every operation that changes what is on disk, for the power-loss campaign
/// (Tools/stress_lib/powerloss.py), which builds from it the states a power cut may leave.
///
/// Off unless `CASELEDGER_TRACE_FS` names a file; then each successful open that creates or
/// truncates, write, fsync, directory fsync, ftruncate, mkdir, rename and unlink of this file's
/// calls appends one line to it, tab-separated, in the order the calls returned:
/// `open PATH FLAGS new|existing` (FLAGS among creat, trunc, excl), `write PATH OFFSET HEX`,
/// `fsync PATH`, `fsyncdir PATH`, `truncate PATH LENGTH`, `mkdir PATH`, `rename FROM TO`,
/// `unlink PATH`. The trace is appended with O_APPEND and one write(2) per line, so several
/// processes may share one file. Never set it in production: it copies every byte written.
package enum FileSystemTrace {
    /// Whether tracing is on (the variable is set and its file could be opened).
    package static let enabled: Bool = descriptor >= 0

    private static let descriptor: Int32 = {
        guard let path = SystemCalls.environment("CASELEDGER_TRACE_FS"), !path.isEmpty else { return -1 }
        return Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    }()

    private static let lock = Mutex()

    /// Records an open that created or truncated `path`.
    static func open(_ path: String, flags: Int32, existed: Bool) {
        var names: [String] = []
        if flags & O_CREAT != 0 { names.append("creat") }
        if flags & O_TRUNC != 0 { names.append("trunc") }
        if flags & O_EXCL != 0 { names.append("excl") }
        record(["open", path, names.joined(separator: ","), existed ? "existing" : "new"])
    }

    /// Records a whole write of `bytes` at `offset` (the bytes as hexadecimal).
    static func write(_ path: String, offset: Int64, bytes: UnsafeRawBufferPointer) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 15)])
        }
        record(["write", path, String(offset), String(decoding: hex, as: UTF8.self)])
    }

    /// Appends one line of tab-separated fields (a path never holds a tab or a newline here).
    static func record(_ fields: [String]) {
        guard enabled else { return }
        var line = Array(fields.joined(separator: "\t").utf8)
        line.append(0x0A)
        lock.locked {
            line.withUnsafeBytes { buffer in
                var done = 0
                while done < buffer.count {
                    let n = Glibc.write(descriptor, buffer.baseAddress! + done, buffer.count - done)
                    if n < 0 && errno == EINTR { continue }
                    precondition(n > 0, "the file-system trace could not be written")
                    done += n
                }
            }
        }
    }
}

/// A failed system call: which call, on which path, and the saved errno.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    /// The system call that failed, e.g. "fsync".
    public var call: String
    /// The path it was called on.
    public var path: String
    /// The errno saved right after the failure.
    public var errno: Int32

    /// Whether the failure means the disk or quota is full.
    public var isOutOfSpace: Bool { errno == ENOSPC || errno == EDQUOT }

    /// Whether the failure means the file or file system may not be written (permissions, read-only).
    public var isNotWritable: Bool { errno == EACCES || errno == EPERM || errno == EROFS }

    /// A message for a person, naming the path and the meaning of the error.
    public var description: String {
        let meaning: String
        switch errno {
        case ENOSPC, EDQUOT: meaning = "out of disk space"
        case EIO: meaning = "input/output error (disk fault)"
        case EACCES, EPERM: meaning = "permission denied"
        case ENOENT: meaning = "no such file or directory"
        case EEXIST: meaning = "already exists"
        case EFBIG: meaning = "file too large"
        case EROFS: meaning = "read-only file system"
        default: meaning = String(cString: strerror(errno))
        }
        return "\(call) failed on \(path): \(meaning)"
    }
}

/// Fault injection for tests and the reliability campaigns: makes the N-th system call of a kind fail.
///
/// Set from the environment variable `CASELEDGER_TEST_FAULTS`, a comma-separated list of
/// `KIND#N=ERRNO` items, for example `fsync#2=EIO,write#5=ENOSPC`: the second fsync and the
/// fifth write of the process fail with that errno. Kinds: open, read, write, fsync, truncate,
/// mkdir, rename. `KIND#N+=ERRNO` fails the N-th call and every later one. Never set it in production.
package enum FaultInjection {
    /// The kinds of system call that can be made to fail.
    package enum Kind: String, CaseIterable, Sendable { case open, read, write, fsync, truncate, mkdir, rename }

    struct Rule { var kind: Kind; var ordinal: Int; var andLater: Bool; var errno: Int32 }

    final class State: @unchecked Sendable {
        let lock = Mutex()
        var rules: [Rule] = []
        var counts: [Kind: Int] = [:]
        var enabled = false
    }

    static let state: State = {
        let s = State()
        if let spec = SystemCalls.environment("CASELEDGER_TEST_FAULTS"), !spec.isEmpty {
            s.rules = parse(spec)
            s.enabled = !s.rules.isEmpty
        }
        return s
    }()

    static func parse(_ spec: String) -> [Rule] {
        var rules: [Rule] = []
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: "=")
            guard parts.count == 2 else { continue }
            let left = parts[0].split(separator: "#")
            guard left.count == 2, let kind = Kind(rawValue: String(left[0])) else { continue }
            var ordinalText = String(left[1])
            let andLater = ordinalText.hasSuffix("+")
            if andLater { ordinalText.removeLast() }
            guard let ordinal = Int(ordinalText) else { continue }
            let code: Int32
            switch parts[1] {
            case "EIO": code = EIO
            case "ENOSPC": code = ENOSPC
            case "EDQUOT": code = EDQUOT
            case "EACCES": code = EACCES
            default: code = Int32(parts[1]) ?? EIO
            }
            rules.append(Rule(kind: kind, ordinal: ordinal, andLater: andLater, errno: code))
        }
        return rules
    }

    /// Installs rules programmatically (tests) and resets the counters.
    package static func install(_ spec: String) {
        let s = state
        s.lock.locked {
            s.rules = parse(spec)
            s.counts = [:]
            s.enabled = !s.rules.isEmpty
        }
    }

    @inline(__always)
    static func check(_ kind: Kind, path: String) throws(SystemError) {
        let s = state
        guard s.enabled else { return }
        let failure: Int32? = s.lock.locked {
            let n = (s.counts[kind] ?? 0) + 1
            s.counts[kind] = n
            for rule in s.rules where rule.kind == kind {
                if n == rule.ordinal || (rule.andLater && n >= rule.ordinal) { return rule.errno }
            }
            return nil
        }
        if let code = failure {
            throw SystemError(call: kind.rawValue, path: path, errno: code)
        }
    }
}

/// A small mutual-exclusion lock around pthread_mutex.
package final class Mutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    /// Makes an unlocked mutex.
    package init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    /// Runs `body` while holding the lock.
    package func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

/// The wall clock, for recorded-at times.
public enum Clock {
    /// The current instant (UTC, millisecond precision).
    public static func now() -> Timestamp { SystemCalls.now() }
}

/// Read access to the process environment for the command-line front.
public enum SystemEnvironment {
    /// An environment variable's value, or nil when unset or empty.
    public static func value(_ name: String) -> String? {
        guard let v = SystemCalls.environment(name), !v.isEmpty else { return nil }
        return v
    }
}

/// Whole-file reads and writes for the command-line front (through the same system-call seam).
public enum FileAccess {
    /// Reads a whole file of at most `bytesMax` bytes.
    public static func read(_ path: String, bytesMax: Int) throws(SystemError) -> [UInt8] {
        try SystemCalls.readFile(path, bytesMax: bytesMax)
    }

    /// Writes a whole file durably and atomically (temporary file, fsync, rename, fsync directory).
    public static func write(_ path: String, bytes: [UInt8]) throws(SystemError) {
        try SystemCalls.writeFileAtomically(path, bytes: bytes, directory: PathNames.parent(of: path))
    }
}

extension FileAccess {
    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool { SystemCalls.exists(path) }
    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool { SystemCalls.isDirectory(path) }
}
