/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seeded generator of 64-bit values.
///
/// Every random choice of the simulation comes from one of these, so the same seed always gives
/// the same history, on every platform and Swift version. It is public so that tests and tools can
/// make repeatable random inputs too; it is not for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state: advanced by the golden-ratio increment on every call.
    private var state: UInt64

    /// Makes a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
