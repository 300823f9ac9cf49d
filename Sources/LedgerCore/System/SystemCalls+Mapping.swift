#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcess

// Memory mappings and the program's build id: the calls a cache read in place needs
// (``ValidatorIndex``). Kept beside SystemCalls.swift, through the same fault injection.
extension SystemCalls {
    /// Maps the first `count` bytes of an open file read-only and shared; returns the address.
    /// A mapping counts as a read for fault injection (its pages are read when first touched).
    package static func mapReadOnly(_ fd: Int32, count: Int, path: String) throws(SystemError) -> UnsafeRawPointer {
        precondition(count > 0, "a mapping is not empty")
        try FaultInjection.check(.read, path: path)
        guard let address = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            throw SystemError(call: "mmap", path: path, errno: errno)
        }
        return UnsafeRawPointer(address)
    }

    /// Removes a mapping made by ``mapReadOnly(_:count:path:)``.
    package static func unmap(_ address: UnsafeRawPointer, count: Int) {
        let result = munmap(UnsafeMutableRawPointer(mutating: address), count)
        assert(result == 0, "a mapping made here is removed whole")
    }

    /// The running program's build id as hexadecimal (the linker's GNU build-id note), or nil when
    /// it has none. Read from the loaded program's headers: nothing is read from the disk.
    package static func programBuildID() -> String? {
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = Int(bytes.withUnsafeMutableBufferPointer { cprocess_build_id($0.baseAddress, Int32($0.count)) })
        guard count > 0, count <= bytes.count else { return nil }
        return bytes.prefix(count).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
