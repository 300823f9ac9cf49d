#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output and standard error, buffered, written with plain `write(2)`.
///
/// Data goes to standard output; diagnostics and progress to standard error.
public final class Console {
    private var outBuffer: [UInt8] = []
    private let outFD: Int32
    private let errFD: Int32

    /// A console on the process's standard output and error.
    public init(outFD: Int32 = 1, errFD: Int32 = 2) {
        self.outFD = outFD
        self.errFD = errFD
        outBuffer.reserveCapacity(1 << 16)
    }

    /// Writes text to standard output (buffered).
    public func out(_ text: String) {
        outBuffer.append(contentsOf: text.utf8)
        if outBuffer.count >= 1 << 16 { flush() }
    }

    /// Writes a line to standard output.
    public func line(_ text: String = "") { out(text + "\n") }

    /// Writes raw bytes to standard output.
    public func outBytes(_ bytes: UnsafeRawBufferPointer) {
        outBuffer.append(contentsOf: bytes)
        if outBuffer.count >= 1 << 16 { flush() }
    }

    /// Writes a line to standard error at once (after flushing standard output).
    public func error(_ text: String) {
        flush()
        Console.writeAll(errFD, Array((text + "\n").utf8))
    }

    /// Writes pending standard output.
    public func flush() {
        guard !outBuffer.isEmpty else { return }
        Console.writeAll(outFD, outBuffer)
        outBuffer.removeAll(keepingCapacity: true)
    }

    /// Whether standard error is a terminal (progress is shown only then).
    public var errorIsTerminal: Bool { isatty(errFD) == 1 }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // A closed pipe: nothing more can be said.
                }
                done += n
            }
        }
    }

    /// Reads all of standard input, up to `bytesMax`.
    public static func readStandardInput(bytesMax: Int) throws(UsageError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw UsageError("cannot read standard input")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= bytesMax else { throw UsageError("standard input is larger than \(bytesMax) bytes") }
        }
        return bytes
    }
}
