// Tests for SHA-256 and HMAC-SHA-256. Every vector runs through both
// compression functions (the SHA extensions when this CPU has them, and the
// portable Swift one). Expected digests were cross-checked on the build machine
// with `sha256sum` and `openssl dgst -sha256` (and `-hmac` for RFC 4231).

import Foundation
import Testing

@testable import LedgerCore

@Suite struct SHA256Tests {
    /// Runs every compression function this CPU supports through the same checks.
    static let availableEngines: [SHA256Engine] =
        SHA256Engine.isSHAExtensionsAvailable ? [.shaExtensions, .portable] : [.portable]

    /// A repeatable test message: byte `index` is `(index * 31 + 7) mod 256`.
    static func patternBytes(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    /// `hex` parsed into bytes; the text must be valid hexadecimal.
    static func bytes(fromHex hex: String) -> [UInt8] {
        precondition(hex.utf8.count % 2 == 0)
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16)!
        }
    }

    /// The one-shot SHA-256 hex digest of `bytes` with `engine`.
    static func hexDigest(_ bytes: [UInt8], engine: SHA256Engine) -> String {
        bytes.withUnsafeBytes { SHA256.hash($0, engine: engine) }.hex
    }

    // MARK: FIPS 180-4 / NIST vectors

    /// A NIST example message and its digest.
    struct Vector: Sendable, CustomTestStringConvertible {
        /// A short label for test output.
        let label: String
        /// The message.
        let message: String
        /// The expected digest, lowercase hexadecimal.
        let digest: String
        var testDescription: String { label }
    }

    static let nistVectors: [Vector] = [
        Vector(
            label: "empty", message: "",
            digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(
            label: "abc", message: "abc",
            digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(
            label: "448 bits", message: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Vector(
            label: "896 bits",
            message: "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            digest: "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ]

    @Test(arguments: availableEngines, nistVectors)
    func nistVector(engine: SHA256Engine, vector: Vector) {
        #expect(Self.hexDigest(Array(vector.message.utf8), engine: engine) == vector.digest)

        var hasher = SHA256(engine: engine)
        hasher.update(vector.message)
        #expect(hasher.finalize().hex == vector.digest)
    }

    @Test(arguments: availableEngines)
    func oneMillionLetterA(engine: SHA256Engine) {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Self.hexDigest(message, engine: engine) == expected)

        // The same message fed in uneven pieces (1000 updates of 1000 bytes
        // each would align with the block size; 999 does not).
        var hasher = SHA256(engine: engine)
        var offset = 0
        while offset < message.count {
            let end = min(offset + 999, message.count)
            message[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
        }
        #expect(hasher.finalize().hex == expected)
    }

    @Test func publicEntryPointsAgree() {
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(SHA256.hash("abc").hex == abc)
        #expect(SHA256.hash(Array("abc".utf8)).hex == abc)
        #expect(Array("abc".utf8).withUnsafeBytes { SHA256.hash($0) }.hex == abc)
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        hasher.update("c")
        #expect(hasher.finalize().hex == abc)
    }

    @Test func implementationNameMatchesSelection() {
        #expect(["sha-ni", "portable"].contains(SHA256.implementation))
        let forcedPortable = ProcessInfo.processInfo.environment["CASELEDGER_SHA256"] == "portable"
        let expected = SHA256Engine.isSHAExtensionsAvailable && !forcedPortable ? "sha-ni" : "portable"
        #expect(SHA256.implementation == expected)
    }

    @Test(arguments: availableEngines)
    func nonASCIIStringHashesItsUTF8(engine: SHA256Engine) {
        // "æøå" in UTF-8: c3 a6 c3 b8 c3 a5.
        let text = "æøå"
        var hasher = SHA256(engine: engine)
        hasher.update(text)
        let utf8: [UInt8] = [0xc3, 0xa6, 0xc3, 0xb8, 0xc3, 0xa5]
        #expect(hasher.finalize().hex == Self.hexDigest(utf8, engine: engine))
    }

    // MARK: Incremental updates and padding boundaries

    @Test(arguments: availableEngines)
    func incrementalSplitAtEveryOffsetMatchesOneShot(engine: SHA256Engine) {
        let message = Self.patternBytes(count: 131)
        let oneShot = Self.hexDigest(message, engine: engine)
        #expect(oneShot == "18769e5eba4eee253e84312bf5b108061fb60c21fa952447245a577eae6795fd")
        for split in 0...message.count {
            var hasher = SHA256(engine: engine)
            hasher.update(Array(message[..<split]))
            hasher.update(Array(message[split...]))
            #expect(hasher.finalize().hex == oneShot, "split at \(split)")
        }
    }

    @Test(arguments: availableEngines)
    func byteByByteUpdatesMatchOneShot(engine: SHA256Engine) {
        let message = Self.patternBytes(count: 200)
        var hasher = SHA256(engine: engine)
        for byte in message {
            hasher.update([byte])
        }
        #expect(hasher.finalize().hex == Self.hexDigest(message, engine: engine))
    }

    @Test(arguments: availableEngines)
    func finalizeResetsTheHasher(engine: SHA256Engine) {
        var hasher = SHA256(engine: engine)
        hasher.update("something else first")
        _ = hasher.finalize()
        hasher.update("abc")
        #expect(hasher.finalize().hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Digests of `patternBytes(count:)` around the padding boundaries, from
    /// `openssl dgst -sha256`.
    static let patternDigests: [(count: Int, digest: String)] = [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (1, "ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879"),
        (55, "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b"),
        (56, "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63"),
        (63, "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076"),
        (64, "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd"),
        (65, "788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0"),
        (119, "3d610547d68216dedf7435a4fb6260353911f6b3fd3f18805ddb8be285d726fe"),
        (120, "1f80156a804cb7862ad113e8200e9d74499723e7c7854d5f48776d3148e09656"),
        (127, "192409cd280e14b743642ad1343fbd3e82d9305de72c078117745a679210cc3d"),
        (128, "cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356"),
        (200, "44cae5223d431caed4a9e32271d6abf17c3f2f4abac45fcdb48a99fcc6072a09"),
    ]

    @Test(arguments: availableEngines)
    func paddingBoundariesMatchOpenSSL(engine: SHA256Engine) {
        let pattern = Self.patternBytes(count: 200)
        for (count, digest) in Self.patternDigests {
            #expect(Self.hexDigest(Array(pattern[..<count]), engine: engine) == digest, "length \(count)")
        }
    }

    @Test func everyLengthUpTo200AgreesBetweenEngines() throws {
        try #require(
            SHA256Engine.isSHAExtensionsAvailable,
            "this CPU has no SHA extensions; only the portable path exists")
        let pattern = Self.patternBytes(count: 200)
        for count in 0...200 {
            let message = Array(pattern[..<count])
            #expect(
                Self.hexDigest(message, engine: .shaExtensions) == Self.hexDigest(message, engine: .portable),
                "length \(count)")
        }
    }

    @Test func manyBlocksInOneCallAgreeBetweenEngines() throws {
        try #require(SHA256Engine.isSHAExtensionsAvailable)
        // 4096 + 17 bytes with a varied pattern, so one compress call sees 64 blocks.
        var generator = SplitMix64(seed: 0x5EED_0256)
        let message = (0..<(4096 + 17)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        #expect(Self.hexDigest(message, engine: .shaExtensions) == Self.hexDigest(message, engine: .portable))
    }

    // MARK: HMAC-SHA-256, RFC 4231

    /// An RFC 4231 test case.
    struct HMACCase: Sendable, CustomTestStringConvertible {
        /// The RFC's test case number.
        let number: Int
        /// The key bytes.
        let key: [UInt8]
        /// The message bytes.
        let message: [UInt8]
        /// The expected HMAC-SHA-256, lowercase hexadecimal.
        let code: String
        var testDescription: String { "RFC 4231 case \(number)" }
    }

    static let rfc4231Cases: [HMACCase] = [
        HMACCase(
            number: 1, key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8),
            code: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        HMACCase(
            number: 2, key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8),
            code: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        HMACCase(
            number: 3, key: [UInt8](repeating: 0xaa, count: 20), message: [UInt8](repeating: 0xdd, count: 50),
            code: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        HMACCase(
            number: 4, key: Array(1...25), message: [UInt8](repeating: 0xcd, count: 50),
            code: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        HMACCase(
            number: 6, key: [UInt8](repeating: 0xaa, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            code: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        HMACCase(
            number: 7, key: [UInt8](repeating: 0xaa, count: 131),
            message: Array(
                ("This is a test using a larger than block-size key and a larger than block-size data."
                    + " The key needs to be hashed before being used by the HMAC algorithm.").utf8),
            code: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: availableEngines, rfc4231Cases)
    func hmacRFC4231(engine: SHA256Engine, testCase: HMACCase) {
        let code = HMACSHA256.authenticationCode(key: testCase.key, message: testCase.message, engine: engine)
        #expect(code.hex == testCase.code)
    }

    @Test(arguments: availableEngines)
    func hmacRFC4231TruncatedCase5(engine: SHA256Engine) {
        // Case 5 publishes only the first 128 bits of the code.
        let code = HMACSHA256.authenticationCode(
            key: [UInt8](repeating: 0x0c, count: 20), message: Array("Test With Truncation".utf8),
            engine: engine)
        #expect(code.hex.hasPrefix("a3b6167473100ee06e0c796c2955552b"))
    }

    @Test func hmacPublicEntryPoint() {
        let code = HMACSHA256.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(code.hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hmacKeyOfExactlyOneBlockIsNotHashed() {
        // A 64-byte key is used as is; a 65-byte key is hashed first. The two
        // codes differ, and each matches `openssl dgst -sha256 -mac HMAC`.
        let message = Array("ledger".utf8)
        let blockKey = HMACSHA256.authenticationCode(key: Self.patternBytes(count: 64), message: message)
        let longKey = HMACSHA256.authenticationCode(key: Self.patternBytes(count: 65), message: message)
        #expect(blockKey.hex == "e9bd852744081a1a54d8714ce9a2fcf782c30b9df9674bfcadab9635d411ec35")
        #expect(longKey.hex == "916731b71c96405be6873aba63ff94939825e62fea082dda6c9d7c10dad2fdbc")
    }

    // MARK: Digest text form

    @Test func hexRoundTrip() throws {
        let digest = SHA256.hash("abc")
        let hex = digest.hex
        #expect(hex.utf8.count == 64)
        #expect(digest.description == hex)
        #expect(SHA256Digest(hex: hex) == digest)
        #expect(SHA256Digest(hex: Substring(hex)) == digest)
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
        #expect(digest.bytes == Self.bytes(fromHex: hex))

        var written = [UInt8](repeating: 0, count: 64)
        written.withUnsafeMutableBytes { digest.writeHex(to: $0.baseAddress!) }
        #expect(written == Array(hex.utf8))
        #expect(written.withUnsafeBytes { SHA256Digest(hexBytes: $0) } == digest)

        var generator = SplitMix64(seed: 42)
        for _ in 0..<100 {
            let randomBytes = (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let random = SHA256Digest(bytes: randomBytes)
            #expect(random.bytes == randomBytes)
            let parsed = try #require(SHA256Digest(hex: random.hex))
            #expect(parsed == random)
        }
    }

    @Test func zeroDigest() {
        #expect(SHA256Digest.zero.bytes == [UInt8](repeating: 0, count: 32))
        #expect(SHA256Digest.zero.hex == String(repeating: "0", count: 64))
        #expect(SHA256Digest(hex: String(repeating: "0", count: 64)) == .zero)
    }

    @Test func hexRejectsMalformedText() {
        let valid = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(SHA256Digest(hex: valid) != nil)
        #expect(SHA256Digest(hex: valid.uppercased()) == nil)
        #expect(SHA256Digest(hex: "B" + valid.dropFirst()) == nil)
        #expect(SHA256Digest(hex: "") == nil)
        #expect(SHA256Digest(hex: valid.dropLast()) == nil)
        #expect(SHA256Digest(hex: valid + "0") == nil)
        #expect(SHA256Digest(hex: "g" + valid.dropFirst()) == nil)
        #expect(SHA256Digest(hex: valid.dropLast() + " ") == nil)
        #expect(SHA256Digest(hex: valid.dropLast() + "/") == nil)
        #expect(SHA256Digest(hex: valid.dropLast() + ":") == nil)
        #expect(SHA256Digest(hex: valid.dropLast() + "`") == nil)
        // 63 characters plus a two-byte character: 65 UTF-8 bytes.
        #expect(SHA256Digest(hex: valid.dropLast() + "æ") == nil)
        #expect(Array(valid.uppercased().utf8).withUnsafeBytes { SHA256Digest(hexBytes: $0) } == nil)
        #expect(SHA256Digest(hexBytes: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test func equalsHexComparesWithoutParsingToString() {
        let digest = SHA256.hash("abc")
        let valid = Array("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".utf8)
        #expect(valid.withUnsafeBytes { digest.equalsHex($0) })
        #expect(!valid.withUnsafeBytes { SHA256Digest.zero.equalsHex($0) })

        var lastDigitChanged = valid
        lastDigitChanged[63] = UInt8(ascii: "e")
        #expect(!lastDigitChanged.withUnsafeBytes { digest.equalsHex($0) })
        #expect(!Array(valid.prefix(63)).withUnsafeBytes { digest.equalsHex($0) })
        let uppercase = Array(String(decoding: valid, as: UTF8.self).uppercased().utf8)
        #expect(!uppercase.withUnsafeBytes { digest.equalsHex($0) })
        // A slice in the middle of a longer line, as the verifier sees it.
        let line = Array("{\"prev\":\"".utf8) + valid + Array("\"}".utf8)
        #expect(line.withUnsafeBytes { digest.equalsHex(UnsafeRawBufferPointer(rebasing: $0[9..<73])) })
    }

    /// The word-at-a-time hex parse and write agree with a byte-by-byte reference on every byte
    /// value at every position, and on random digests.
    @Test func hexParseAcceptsExactlyLowercaseHexAtEveryPosition() throws {
        func referenceNibble(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 97...102: return b - 87
            default: return nil
            }
        }
        var generator = SplitMix64(seed: 7)
        for round in 0..<64 {
            let digest = SHA256Digest(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            let text = Array(digest.hex.utf8)
            #expect(text.allSatisfy { referenceNibble($0) != nil })
            // The text decodes back to the digest's bytes, nibble by nibble.
            let reference = (0..<32).map { referenceNibble(text[2 * $0])! << 4 | referenceNibble(text[2 * $0 + 1])! }
            #expect(reference == digest.bytes)
            #expect(text.withUnsafeBytes { SHA256Digest(hexBytes: $0) } == digest)
            #expect(text.withUnsafeBytes { digest.equalsHex($0) })
            // Every byte value at one position (each position in turn over the rounds).
            let position = round
            for value in 0...255 {
                var altered = text
                altered[position] = UInt8(value)
                let parsed = altered.withUnsafeBytes { SHA256Digest(hexBytes: $0) }
                if let nibble = referenceNibble(UInt8(value)) {
                    var bytes = digest.bytes
                    bytes[position / 2] = position % 2 == 0 ? (bytes[position / 2] & 0x0F) | nibble << 4 : (bytes[position / 2] & 0xF0) | nibble
                    #expect(parsed == SHA256Digest(bytes: bytes))
                    #expect(altered.withUnsafeBytes { digest.equalsHex($0) } == (UInt8(value) == text[position]))
                } else {
                    #expect(parsed == nil, "byte \(value) at \(position)")
                    #expect(!altered.withUnsafeBytes { digest.equalsHex($0) })
                }
            }
        }
    }

    // MARK: Throughput (printed on request, never asserted)

    /// Prints MB/s of both compression functions when the environment has
    /// `CASELEDGER_PRINT_SPEED=1`. Run it in a release build for real numbers:
    /// `swift test -c release -Xswiftc -enable-testing --filter SHA256Tests/throughput`.
    @Test func throughput() {
        guard ProcessInfo.processInfo.environment["CASELEDGER_PRINT_SPEED"] == "1" else { return }
        var generator = SplitMix64(seed: 7)
        let totalBytes = 512 * 1024 * 1024
        for (label, chunkBytes) in [("8 KiB buffers", 8192), ("300-byte lines", 300)] {
            let chunk = (0..<chunkBytes).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            for engine in Self.availableEngines {
                let repetitions = (engine == .portable ? totalBytes / 4 : totalBytes) / chunkBytes
                var sink: UInt8 = 0
                let clock = ContinuousClock()
                let elapsed = clock.measure {
                    chunk.withUnsafeBytes { buffer in
                        for _ in 0..<repetitions {
                            // Read one byte of the digest in place: `bytes` would allocate.
                            let digest = SHA256.hash(buffer, engine: engine)
                            sink ^= withUnsafeBytes(of: digest) { $0[0] }
                        }
                    }
                }
                let seconds =
                    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let megabytesPerSecond = Double(repetitions * chunkBytes) / seconds / 1e6
                print(
                    "SHA-256 \(engine.name), \(label): "
                        + String(format: "%.0f MB/s", megabytesPerSecond) + " (sink \(sink))")
            }
        }
    }

    /// SplitMix64 (Steele, Lea and Flood 2014): a small seeded generator, so random
    /// test inputs are the same on every run.
    struct SplitMix64 {
        /// The generator's whole state.
        private var state: UInt64

        /// Creates a generator that starts from `seed`.
        init(seed: UInt64) {
            state = seed
        }

        /// The next 64 pseudo-random bits.
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }
}
