// HMAC-SHA-256 (RFC 2104), checked against the RFC 4231 test vectors.

/// HMAC-SHA-256 (RFC 2104, tested with RFC 4231).
///
/// `HMAC(K, m) = SHA256((K' ^ opad) || SHA256((K' ^ ipad) || m))`, where `K'`
/// is the key padded with zeros to the 64-byte block size, or first hashed to
/// 32 bytes when it is longer than a block.
public enum HMACSHA256 {
    /// The byte XORed into every key byte for the inner hash (RFC 2104 "ipad").
    static let innerPadByte: UInt8 = 0x36
    /// The byte XORed into every key byte for the outer hash (RFC 2104 "opad").
    static let outerPadByte: UInt8 = 0x5c

    /// The 32-byte HMAC-SHA-256 of `message` under `key`, which may have any
    /// length (a key longer than 64 bytes is hashed first, as RFC 2104 says).
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> SHA256Digest {
        authenticationCode(key: key, message: message, engine: SHA256Engine.selected)
    }

    /// HMAC-SHA-256 computed with `engine`; tests use this to run both
    /// compression functions.
    static func authenticationCode(key: [UInt8], message: [UInt8], engine: SHA256Engine) -> SHA256Digest {
        let blockByteCount = SHA256.blockByteCount
        var blockKey = key
        if blockKey.count > blockByteCount {
            blockKey = blockKey.withUnsafeBytes { SHA256.hash($0, engine: engine) }.bytes
        }
        blockKey += [UInt8](repeating: 0, count: blockByteCount - blockKey.count)
        assert(blockKey.count == blockByteCount)

        var inner = SHA256(engine: engine)
        inner.update(blockKey.map { $0 ^ innerPadByte })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = SHA256(engine: engine)
        outer.update(blockKey.map { $0 ^ outerPadByte })
        outer.update(innerDigest.bytes)
        return outer.finalize()
    }
}
