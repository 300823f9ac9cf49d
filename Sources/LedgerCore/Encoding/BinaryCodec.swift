/// A plain binary encoding for checkpoints: little-endian fixed-width integers, length-prefixed
/// UTF-8 strings and counts. No reflection and no framing beyond what the caller writes, so that a
/// checkpoint's layout is visible in the code that writes it.
@frozen
public struct BinaryWriter {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    /// An empty writer.
    @inlinable public init() {}

    /// Appends a 64-bit integer, little-endian.
    @inlinable public mutating func int64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a 64-bit unsigned integer, little-endian.
    @inlinable public mutating func uint64(_ value: UInt64) { int64(Int64(bitPattern: value)) }

    /// Appends an Int as 64 bits.
    @inlinable public mutating func int(_ value: Int) { int64(Int64(value)) }

    /// Appends a 32-bit integer, little-endian (days, small numbers).
    @inlinable public mutating func int32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends one byte.
    @inlinable public mutating func uint8(_ value: UInt8) { bytes.append(value) }

    /// Appends a Boolean as one byte.
    @inlinable public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Appends a string: its UTF-8 length (32 bits) and bytes.
    @inlinable public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int32(Int32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends raw bytes (fixed length, known to the reader).
    @inlinable public mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    /// Appends a presence byte and, when present, the value.
    @inlinable public mutating func optional<T>(_ value: T?, _ write: (inout BinaryWriter, T) -> Void) {
        if let value {
            bytes.append(1)
            write(&self, value)
        } else {
            bytes.append(0)
        }
    }

    /// Appends a count and each element.
    @inlinable public mutating func array<T>(_ values: [T], _ write: (inout BinaryWriter, T) -> Void) {
        int32(Int32(values.count))
        for value in values { write(&self, value) }
    }
}

/// The reason a checkpoint could not be read: it is then ignored and the state rebuilt.
public struct BinaryReadError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the failure.
    public var offset: Int
    /// What was wrong.
    public var message: String
    /// Offset and message.
    public var description: String { "byte \(offset): \(message)" }

    /// Makes an error at a byte offset.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }
}

/// Reads what ``BinaryWriter`` wrote, checking every length against the bytes left.
@frozen
public struct BinaryReader {
    @usableFromInline let bytes: [UInt8]
    /// The end of the bytes read (exclusive).
    public let end: Int
    /// The read position.
    public var position: Int

    /// A reader over `bytes` from `position`.
    @inlinable public init(_ bytes: [UInt8], position: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.end = min(end ?? bytes.count, bytes.count)
    }

    /// Whether every byte has been read.
    @inlinable public var atEnd: Bool { position == end }

    @usableFromInline func fail(_ message: String) -> BinaryReadError { BinaryReadError(offset: position, message: message) }

    @inlinable mutating func need(_ count: Int) throws(BinaryReadError) {
        guard count >= 0, end - position >= count else { throw fail("ends early") }
    }

    /// Reads a 64-bit integer.
    @inlinable public mutating func int64() throws(BinaryReadError) -> Int64 {
        try need(8)
        let v = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: Int64.self) }
        position += 8
        return Int64(littleEndian: v)
    }

    /// Reads a 64-bit unsigned integer.
    @inlinable public mutating func uint64() throws(BinaryReadError) -> UInt64 { UInt64(bitPattern: try int64()) }

    /// Reads an Int written with ``BinaryWriter/int(_:)``.
    @inlinable public mutating func int() throws(BinaryReadError) -> Int { Int(try int64()) }

    /// Reads a 32-bit integer.
    @inlinable public mutating func int32() throws(BinaryReadError) -> Int32 {
        try need(4)
        let v = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: Int32.self) }
        position += 4
        return Int32(littleEndian: v)
    }

    /// Reads one byte.
    @inlinable public mutating func uint8() throws(BinaryReadError) -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads a Boolean.
    @inlinable public mutating func bool() throws(BinaryReadError) -> Bool {
        switch try uint8() {
        case 0: return false
        case 1: return true
        default: throw fail("not a Boolean")
        }
    }

    /// Reads a string.
    @inlinable public mutating func string() throws(BinaryReadError) -> String {
        let count = Int(try int32())
        try need(count)
        defer { position += count }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[position..<(position + count)]), as: UTF8.self) }
    }

    /// Reads `count` raw bytes.
    @inlinable public mutating func raw(_ count: Int) throws(BinaryReadError) -> [UInt8] {
        try need(count)
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// Reads an optional value.
    @inlinable public mutating func optional<T>(_ read: (inout BinaryReader) throws(BinaryReadError) -> T) throws(BinaryReadError) -> T? {
        switch try uint8() {
        case 0: return nil
        case 1: return try read(&self)
        default: throw fail("not a presence byte")
        }
    }

    /// Reads a count and that many elements. Each element takes at least one byte, so a count
    /// beyond the bytes left is refused before anything is allocated.
    @inlinable public mutating func array<T>(_ read: (inout BinaryReader) throws(BinaryReadError) -> T) throws(BinaryReadError) -> [T] {
        let count = Int(try int32())
        guard count >= 0, count <= end - position else { throw fail("count \(count) beyond the bytes left") }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }
}
