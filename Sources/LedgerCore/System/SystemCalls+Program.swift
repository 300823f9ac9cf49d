import CProcess

// The running program's identity, for caches tied to the build that wrote them (``ValidatorIndex``).
// Kept beside SystemCalls.swift, which routes every other call to the operating system.
extension SystemCalls {
    /// The running program's build id as hexadecimal (the linker's GNU build-id note), or nil when
    /// it has none. Read from the loaded program's headers: nothing is read from the disk.
    package static func programBuildID() -> String? {
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = Int(bytes.withUnsafeMutableBufferPointer { cprocess_build_id($0.baseAddress, Int32($0.count)) })
        guard count > 0, count <= bytes.count else { return nil }
        return bytes.prefix(count).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
