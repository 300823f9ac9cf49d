// SHA-256 (FIPS 180-4) and its digest type.
//
// Two compression functions exist: the x86 SHA extensions in the C target
// `CSHA256`, and a portable one written in Swift below. The choice is made once
// per process (`SHA256Engine.selected`); both produce identical digests, and the
// tests run every vector through both.

import CSHA256

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Digest

/// A SHA-256 digest: 32 bytes.
///
/// Stored as four big-endian 64-bit words, so copying, comparing and hashing a
/// digest never allocates. Only `bytes` and `hex` build heap values.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    /// Number of bytes in a digest.
    static let byteCount = 32
    /// Number of ASCII characters in a digest's hexadecimal form.
    static let hexCount = 64

    /// Bytes 0...7 of the digest, byte 0 in the most significant position.
    private var word0: UInt64
    /// Bytes 8...15 of the digest.
    private var word1: UInt64
    /// Bytes 16...23 of the digest.
    private var word2: UInt64
    /// Bytes 24...31 of the digest.
    private var word3: UInt64

    /// The digest of 32 zero bytes' worth: every byte 0. The `prev` hash of the
    /// first line of a ledger, which has no line before it.
    public static let zero = SHA256Digest(word0: 0, word1: 0, word2: 0, word3: 0)

    /// Creates a digest from its four big-endian 64-bit words.
    init(word0: UInt64, word1: UInt64, word2: UInt64, word3: UInt64) {
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.word3 = word3
    }

    /// Creates a digest from the final SHA-256 working words H0...H7.
    init(state: SHA256.StateWords) {
        self.init(
            word0: UInt64(state.0) << 32 | UInt64(state.1),
            word1: UInt64(state.2) << 32 | UInt64(state.3),
            word2: UInt64(state.4) << 32 | UInt64(state.5),
            word3: UInt64(state.6) << 32 | UInt64(state.7))
    }

    /// Creates a digest from exactly 32 bytes, in digest order.
    ///
    /// - Precondition: `bytes.count == 32`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a SHA-256 digest has 32 bytes, not \(bytes.count)")
        func word(at offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in offset..<(offset + 8) {
                value = value << 8 | UInt64(bytes[index])
            }
            return value
        }
        self.init(word0: word(at: 0), word1: word(at: 8), word2: word(at: 16), word3: word(at: 24))
    }

    /// Parses exactly 64 lowercase hexadecimal characters (`0-9`, `a-f`).
    ///
    /// Returns nil for any other length, for uppercase letters and for any
    /// other character, so each digest has exactly one accepted spelling.
    public init?(hex: some StringProtocol) {
        let utf8 = hex.utf8
        guard utf8.count == Self.hexCount else { return nil }
        // Native strings are contiguous UTF-8, so this normally parses in place;
        // other string kinds are copied once (the outer optional is nil then).
        let parsedInPlace: SHA256Digest?? = utf8.withContiguousStorageIfAvailable { buffer in
            SHA256Digest(hexBytes: UnsafeRawBufferPointer(buffer))
        }
        let parsed = parsedInPlace ?? Array(utf8).withUnsafeBytes { SHA256Digest(hexBytes: $0) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Parses exactly 64 lowercase hexadecimal ASCII bytes (`0-9`, `a-f`),
    /// without building a `String`.
    ///
    /// Returns nil for any other length, for uppercase letters and for any
    /// other byte.
    public init?(hexBytes: UnsafeRawBufferPointer) {
        guard hexBytes.count == Self.hexCount else { return nil }
        guard let base = hexBytes.baseAddress else { return nil }
        // Eight characters at a time; a word of eight ASCII bytes is parsed in registers.
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for i in 0..<4 {
            let high = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 16 * i, as: UInt64.self))
            let low = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 16 * i + 8, as: UInt64.self))
            guard let h = Self.parseEightHex(high), let l = Self.parseEightHex(low) else { return nil }
            let word = UInt64(h) << 32 | UInt64(l)
            switch i {
            case 0: words.0 = word
            case 1: words.1 = word
            case 2: words.2 = word
            default: words.3 = word
            }
        }
        self.init(word0: words.0, word1: words.1, word2: words.2, word3: words.3)
    }

    /// Per-byte constants for the eight-characters-at-a-time parse and write.
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The bytes of `x` (all below 0x80) that lie in `low...high`, as 0x80 in their high bit.
    @inline(__always)
    private static func bytesInRange(_ x: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
        // With every byte below 0x80, adding 0x80 - k sets a byte's high bit exactly when it is >= k,
        // and no carry crosses into the next byte.
        let atLeastLow = x &+ ones &* UInt64(0x80 &- low)
        let aboveHigh = x &+ ones &* UInt64(0x80 &- (high &+ 1))
        return atLeastLow & ~aboveHigh & highBits
    }

    /// Parses eight lowercase hexadecimal ASCII characters (the first in the lowest byte of
    /// `x`) into their 32-bit value, or nil when any byte is not `0-9` or `a-f`.
    @inline(__always)
    static func parseEightHex(_ x: UInt64) -> UInt32? {
        guard isEightHex(x) else { return nil }
        // "0"..."9" are 0x30...0x39 and "a"..."f" 0x61...0x66: the low nibble, plus 9 for letters.
        let nibbles = (x & (ones &* 0x0F)) &+ ((x >> 6) & ones) &* 9
        // Most significant character first: byte-swap, then merge neighbours 4, 8 and 16 bits apart.
        var m = nibbles.byteSwapped
        m = ((m >> 4) | m) & 0x00FF_00FF_00FF_00FF
        m = ((m >> 8) | m) & 0x0000_FFFF_0000_FFFF
        m = ((m >> 16) | m) & 0x0000_0000_FFFF_FFFF
        return UInt32(truncatingIfNeeded: m)
    }

    /// Whether each byte of `x` is `0-9` or `a-f`.
    @inline(__always)
    static func isEightHex(_ x: UInt64) -> Bool {
        guard x & highBits == 0 else { return false }
        let valid = bytesInRange(x, UInt8(ascii: "0"), UInt8(ascii: "9")) | bytesInRange(x, UInt8(ascii: "a"), UInt8(ascii: "f"))
        return valid == highBits
    }

    /// Whether `hexBytes` is a digest's text: exactly what ``init(hexBytes:)`` accepts, checked
    /// without building the digest.
    @inline(__always)
    public static func isHex(_ hexBytes: UnsafeRawBufferPointer) -> Bool {
        guard hexBytes.count == hexCount, let base = hexBytes.baseAddress else { return false }
        var all = true
        for i in 0..<8 {
            all = all && isEightHex(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        }
        return all
    }

    /// Eight lowercase hexadecimal ASCII characters of `value`, the first in the lowest byte.
    @inline(__always)
    static func eightHex(_ value: UInt32) -> UInt64 {
        // Spread the eight nibbles to one byte each, most significant first in the highest byte.
        var m = UInt64(value)
        m = ((m << 16) | m) & 0x0000_FFFF_0000_FFFF
        m = ((m << 8) | m) & 0x00FF_00FF_00FF_00FF
        m = ((m << 4) | m) & 0x0F0F_0F0F_0F0F_0F0F
        // 0...9 become "0"..."9"; 10...15 get 39 more, to "a"..."f".
        let letters = ((m &+ ones &* 6) >> 4) & ones
        let ascii = m &+ ones &* 0x30 &+ letters &* 39
        return ascii.byteSwapped
    }

    /// The 32 bytes of the digest, in digest order.
    public var bytes: [UInt8] {
        let result = [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, initializedCount in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            base.storeBytes(of: word0.bigEndian, toByteOffset: 0, as: UInt64.self)
            base.storeBytes(of: word1.bigEndian, toByteOffset: 8, as: UInt64.self)
            base.storeBytes(of: word2.bigEndian, toByteOffset: 16, as: UInt64.self)
            base.storeBytes(of: word3.bigEndian, toByteOffset: 24, as: UInt64.self)
            initializedCount = Self.byteCount
        }
        assert(result.count == Self.byteCount)
        return result
    }

    /// Writes the 32 bytes of the digest, in digest order, to `destination`, which must have room
    /// for 32 bytes (a Merkle node's children are hashed from a buffer on the stack).
    public func writeBytes(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: word0.bigEndian, toByteOffset: 0, as: UInt64.self)
        destination.storeBytes(of: word1.bigEndian, toByteOffset: 8, as: UInt64.self)
        destination.storeBytes(of: word2.bigEndian, toByteOffset: 16, as: UInt64.self)
        destination.storeBytes(of: word3.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Creates a digest from the first 32 bytes at `source`, in digest order (any alignment).
    public init(rawBytes source: UnsafeRawPointer) {
        self.init(
            word0: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            word1: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            word2: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            word3: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// The digest as 64 lowercase hexadecimal characters.
    public var hex: String {
        String(unsafeUninitializedCapacity: Self.hexCount) { buffer in
            writeHex(to: UnsafeMutableRawPointer(buffer.baseAddress!))
            return Self.hexCount
        }
    }

    /// Writes the digest as 64 lowercase hexadecimal ASCII bytes to
    /// `destination`, which must have room for 64 bytes. Writes no terminator.
    public func writeHex(to destination: UnsafeMutableRawPointer) {
        func writeWord(_ word: UInt64, at offset: Int) {
            destination.storeBytes(of: Self.eightHex(UInt32(truncatingIfNeeded: word >> 32)).littleEndian, toByteOffset: offset, as: UInt64.self)
            destination.storeBytes(of: Self.eightHex(UInt32(truncatingIfNeeded: word)).littleEndian, toByteOffset: offset + 8, as: UInt64.self)
        }
        writeWord(word0, at: 0)
        writeWord(word1, at: 16)
        writeWord(word2, at: 32)
        writeWord(word3, at: 48)
    }

    /// Whether `ascii` is exactly this digest's 64 lowercase hexadecimal ASCII
    /// bytes. Allocates nothing; uppercase or malformed text never matches.
    public func equalsHex(_ ascii: UnsafeRawBufferPointer) -> Bool {
        guard ascii.count == Self.hexCount, let base = ascii.baseAddress else { return false }
        // Writing this digest's text and comparing words is cheaper than parsing the text.
        func difference(_ word: UInt64, at offset: Int) -> UInt64 {
            (base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ Self.eightHex(UInt32(truncatingIfNeeded: word >> 32)).littleEndian)
                | (base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self) ^ Self.eightHex(UInt32(truncatingIfNeeded: word)).littleEndian)
        }
        return difference(word0, at: 0) | difference(word1, at: 16) | difference(word2, at: 32) | difference(word3, at: 48) == 0
    }

    /// The digest as 64 lowercase hexadecimal characters.
    public var description: String { hex }
}

// MARK: - Engine selection

/// The compression function a hasher uses.
enum SHA256Engine: Sendable {
    /// The x86 SHA extensions, in `CSHA256`.
    case shaExtensions
    /// The portable Swift compression in this file.
    case portable

    /// The engine chosen for this process: the SHA extensions when the CPU has
    /// them, unless the environment variable `CASELEDGER_SHA256` is `portable`.
    static let selected: SHA256Engine = {
        if let requested = getenv("CASELEDGER_SHA256"), String(cString: requested) == "portable" {
            return .portable
        }
        return isSHAExtensionsAvailable ? .shaExtensions : .portable
    }()

    /// Whether this CPU can run the SHA-extensions compression.
    static let isSHAExtensionsAvailable: Bool = csha256_cpu_has_shani() == 1

    /// The name reported by `SHA256.implementation`.
    var name: String {
        switch self {
        case .shaExtensions: return "sha-ni"
        case .portable: return "portable"
        }
    }
}

// MARK: - Hasher

/// Incremental SHA-256 (FIPS 180-4).
///
/// Feed the message with any number of `update` calls, then call `finalize()`.
/// A hasher lives on the stack and allocates nothing; the one-shot `hash`
/// functions are the fastest way to hash a message that is in memory whole.
///
/// The compression function is chosen once per process: the x86 SHA extensions
/// (SHA-NI) when the CPU has them, otherwise portable Swift. Setting the
/// environment variable `CASELEDGER_SHA256=portable` before the first hash
/// forces the portable path, so benchmarks can compare the two; see
/// `implementation` for the one in use.
public struct SHA256: Sendable {
    /// The eight 32-bit working words H0...H7; a homogeneous tuple, laid out
    /// like a C `uint32_t[8]`.
    typealias StateWords = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    /// 64 bytes of storage for one message block.
    typealias BlockStorage = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// 128 bytes of storage for the last one or two padded blocks.
    typealias TwoBlockStorage = (BlockStorage, BlockStorage)

    /// Bytes in one message block.
    static let blockByteCount = 64
    /// The initial hash value H(0), FIPS 180-4 section 5.3.3.
    static let initialState: StateWords = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )

    /// The working words after every block compressed so far.
    private var state: StateWords
    /// Bytes received but not yet compressed; the first `bufferedByteCount` are valid.
    private var buffer: BlockStorage
    /// Number of valid bytes in `buffer`, 0...63.
    private var bufferedByteCount: Int
    /// Total message bytes received so far.
    private var messageByteCount: UInt64
    /// The compression function this hasher uses.
    let engine: SHA256Engine

    /// Creates a hasher for a new message, using the compression function
    /// chosen for this process.
    public init() {
        self.init(engine: SHA256Engine.selected)
    }

    /// Creates a hasher that uses `engine`; tests use this to run both
    /// compression functions on the same input.
    ///
    /// - Precondition: `engine` is `.portable` or the CPU has the SHA extensions.
    init(engine: SHA256Engine) {
        precondition(
            engine == .portable || SHA256Engine.isSHAExtensionsAvailable,
            "the SHA extensions are not available on this CPU")
        self.state = Self.initialState
        self.buffer = (0, 0, 0, 0, 0, 0, 0, 0)
        self.bufferedByteCount = 0
        self.messageByteCount = 0
        self.engine = engine
    }

    /// Which compression function is in use: "sha-ni" or "portable".
    ///
    /// "portable" when the CPU lacks the SHA extensions or the environment
    /// variable `CASELEDGER_SHA256` was `portable` at the first use.
    public static var implementation: String { SHA256Engine.selected.name }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        messageByteCount &+= UInt64(remaining)

        // Top up a partly filled block first.
        if bufferedByteCount > 0 {
            let taken = min(Self.blockByteCount - bufferedByteCount, remaining)
            let offset = bufferedByteCount
            withUnsafeMutableBytes(of: &buffer) { block in
                (block.baseAddress! + offset).copyMemory(from: input, byteCount: taken)
            }
            bufferedByteCount += taken
            input += taken
            remaining -= taken
            if bufferedByteCount < Self.blockByteCount {
                assert(remaining == 0)
                return
            }
            let block = buffer
            withUnsafeBytes(of: block) { blockBytes in
                Self.compress(&state, blocks: blockBytes.baseAddress!, blockCount: 1, engine: engine)
            }
            bufferedByteCount = 0
        }

        // Whole blocks straight from the caller's memory.
        let wholeBlockCount = remaining / Self.blockByteCount
        if wholeBlockCount > 0 {
            Self.compress(&state, blocks: input, blockCount: wholeBlockCount, engine: engine)
            input += wholeBlockCount * Self.blockByteCount
            remaining -= wholeBlockCount * Self.blockByteCount
        }

        // Keep the tail for later.
        assert(bufferedByteCount == 0)
        assert(remaining < Self.blockByteCount)
        if remaining > 0 {
            let tailCount = remaining
            withUnsafeMutableBytes(of: &buffer) { block in
                block.baseAddress!.copyMemory(from: input, byteCount: tailCount)
            }
            bufferedByteCount = remaining
        }
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Appends the UTF-8 encoding of `string` to the message.
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Pads the message, returns its digest and resets the hasher, which can
    /// then hash a new message with the same compression function.
    public mutating func finalize() -> SHA256Digest {
        let block = buffer
        let digest = withUnsafeBytes(of: block) { blockBytes in
            Self.finish(
                state: state, tail: blockBytes.baseAddress!, tailByteCount: bufferedByteCount,
                messageByteCount: messageByteCount, engine: engine)
        }
        self = SHA256(engine: engine)
        return digest
    }

    /// The SHA-256 digest of `bytes`.
    ///
    /// Whole blocks are compressed straight from `bytes`; nothing is allocated.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        hash(bytes, engine: SHA256Engine.selected)
    }

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The SHA-256 digest of the UTF-8 encoding of `string`.
    public static func hash(_ string: String) -> SHA256Digest {
        var string = string
        return string.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// The SHA-256 digest of `bytes`, computed with `engine`; tests use this to
    /// run both compression functions on the same input.
    static func hash(_ bytes: UnsafeRawBufferPointer, engine: SHA256Engine) -> SHA256Digest {
        assert(engine == .portable || SHA256Engine.isSHAExtensionsAvailable)
        var state = initialState
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else {
            return finish(state: state, tail: nil, tailByteCount: 0, messageByteCount: 0, engine: engine)
        }
        let wholeBlockCount = count / blockByteCount
        if wholeBlockCount > 0 {
            compress(&state, blocks: base, blockCount: wholeBlockCount, engine: engine)
        }
        let tailOffset = wholeBlockCount * blockByteCount
        return finish(
            state: state, tail: base + tailOffset, tailByteCount: count - tailOffset,
            messageByteCount: UInt64(count), engine: engine)
    }

    /// Pads the last `tailByteCount` (0...63) message bytes at `tail` (which may
    /// be nil when there are none), appends
    /// the message length in bits, compresses the one or two final blocks into
    /// `state` and returns the digest (FIPS 180-4 section 5.1.1).
    private static func finish(
        state: StateWords, tail: UnsafeRawPointer?, tailByteCount: Int, messageByteCount: UInt64,
        engine: SHA256Engine
    ) -> SHA256Digest {
        assert(tailByteCount >= 0)
        assert(tailByteCount < blockByteCount)
        assert(messageByteCount % UInt64(blockByteCount) == UInt64(tailByteCount))
        assert(tail != nil || tailByteCount == 0)
        var state = state
        let zeroBlock: BlockStorage = (0, 0, 0, 0, 0, 0, 0, 0)
        var padded: TwoBlockStorage = (zeroBlock, zeroBlock)
        // The 0x80 byte and the 8-byte length must fit after the tail: one block
        // if the tail is at most 55 bytes, else two.
        let paddedBlockCount = tailByteCount + 1 + 8 <= blockByteCount ? 1 : 2
        let paddedByteCount = paddedBlockCount * blockByteCount
        withUnsafeMutableBytes(of: &padded) { blocks in
            let base = blocks.baseAddress!
            if let tail, tailByteCount > 0 {
                base.copyMemory(from: tail, byteCount: tailByteCount)
            }
            base.storeBytes(of: 0x80, toByteOffset: tailByteCount, as: UInt8.self)
            // SHA-256 is defined for messages under 2^64 bits; wrapping here is the
            // standard's "length modulo 2^64" and cannot happen for real input.
            let bitCount = messageByteCount &* 8
            base.storeBytes(of: bitCount.bigEndian, toByteOffset: paddedByteCount - 8, as: UInt64.self)
            compress(&state, blocks: UnsafeRawPointer(base), blockCount: paddedBlockCount, engine: engine)
        }
        return SHA256Digest(state: state)
    }

    /// Compresses `blockCount` 64-byte blocks at `blocks` into `state` with `engine`.
    @inline(__always)
    private static func compress(
        _ state: inout StateWords, blocks: UnsafeRawPointer, blockCount: Int, engine: SHA256Engine
    ) {
        assert(blockCount > 0)
        withUnsafeMutablePointer(to: &state) { tuple in
            tuple.withMemoryRebound(to: UInt32.self, capacity: 8) { words in
                switch engine {
                case .shaExtensions:
                    csha256_compress_shani(words, blocks.assumingMemoryBound(to: UInt8.self), blockCount)
                case .portable:
                    compressPortable(words, blocks: blocks, blockCount: blockCount)
                }
            }
        }
    }
}

// MARK: - Portable compression

/// The 64 round constants K of FIPS 180-4, section 4.2.2.
private let sha256RoundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
]

/// `value` rotated right by `count` bits, 0 < count < 32.
@inline(__always)
private func rotateRight(_ value: UInt32, _ count: UInt32) -> UInt32 {
    (value &>> count) | (value &<< (32 &- count))
}

/// One SHA-256 round (FIPS 180-4 section 6.2.2, step 3), written so that the
/// caller rotates the roles of the eight variables instead of moving values:
/// only `d` and `h` change. `constantPlusWord` is K[t] + W[t].
@inline(__always)
private func sha256Round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
    _ constantPlusWord: UInt32
) {
    let sigma1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
    let choose = g ^ (e & (f ^ g))
    let temporary1 = h &+ sigma1 &+ choose &+ constantPlusWord
    let sigma0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
    let majority = (a & b) | (c & (a | b))
    d = d &+ temporary1
    h = temporary1 &+ sigma0 &+ majority
}

/// Compresses `blockCount` 64-byte blocks at `blocks` (any alignment) into the
/// eight working words at `state`, in portable Swift.
private func compressPortable(
    _ state: UnsafeMutablePointer<UInt32>, blocks: UnsafeRawPointer, blockCount: Int
) {
    sha256RoundConstants.withUnsafeBufferPointer { constantsBuffer in
        let constants = constantsBuffer.baseAddress!
        assert(constantsBuffer.count == 64)
        // The message schedule W[0...63]; a temporary allocation of this size
        // lives on the stack.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { scheduleBuffer in
            let schedule = scheduleBuffer.baseAddress!
            var h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3]
            var h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7]
            for blockIndex in 0..<blockCount {
                let block = blocks + blockIndex &* 64
                for index in 0..<16 {
                    let word = block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
                    schedule[index] = UInt32(bigEndian: word)
                }
                for index in 16..<64 {
                    let word15 = schedule[index &- 15]
                    let word2 = schedule[index &- 2]
                    let smallSigma0 = rotateRight(word15, 7) ^ rotateRight(word15, 18) ^ (word15 &>> 3)
                    let smallSigma1 = rotateRight(word2, 17) ^ rotateRight(word2, 19) ^ (word2 &>> 10)
                    schedule[index] =
                        smallSigma1 &+ schedule[index &- 7] &+ smallSigma0 &+ schedule[index &- 16]
                }

                var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                var round = 0
                while round < 64 {
                    // Eight rounds per pass, so the variables return to their roles.
                    sha256Round(a, b, c, &d, e, f, g, &h, constants[round] &+ schedule[round])
                    sha256Round(h, a, b, &c, d, e, f, &g, constants[round &+ 1] &+ schedule[round &+ 1])
                    sha256Round(g, h, a, &b, c, d, e, &f, constants[round &+ 2] &+ schedule[round &+ 2])
                    sha256Round(f, g, h, &a, b, c, d, &e, constants[round &+ 3] &+ schedule[round &+ 3])
                    sha256Round(e, f, g, &h, a, b, c, &d, constants[round &+ 4] &+ schedule[round &+ 4])
                    sha256Round(d, e, f, &g, h, a, b, &c, constants[round &+ 5] &+ schedule[round &+ 5])
                    sha256Round(c, d, e, &f, g, h, a, &b, constants[round &+ 6] &+ schedule[round &+ 6])
                    sha256Round(b, c, d, &e, f, g, h, &a, constants[round &+ 7] &+ schedule[round &+ 7])
                    round &+= 8
                }
                h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            }
            state[0] = h0; state[1] = h1; state[2] = h2; state[3] = h3
            state[4] = h4; state[5] = h5; state[6] = h6; state[7] = h7
        }
    }
}
