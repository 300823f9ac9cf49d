// Random choices built on SplitMix64 alone, so that their results do not depend on how the
// standard library's `random(in:using:)` happens to be implemented in a given Swift version.

extension SplitMix64 {
    /// A whole number in `0 ..< count` (multiply-high reduction; the bias is below 2^-32 for the
    /// small counts the simulation uses).
    mutating func below(_ count: Int) -> Int {
        precondition(count > 0, "a choice needs at least one option")
        let product = next().multipliedFullWidth(by: UInt64(count))
        return Int(product.high)
    }

    /// A whole number in `range`, both ends included.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A number in `[0, 1)` with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// An index into `weights`, chosen with probability proportional to its weight.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        assert(total > 0, "at least one weight is positive")
        var remaining = unit() * total
        for (index, weight) in weights.enumerated() {
            remaining -= weight
            if remaining < 0 { return index }
        }
        return weights.count - 1
    }

    /// One of `cases`, chosen with probability proportional to its weight.
    mutating func pick<Value>(_ cases: [(Value, Double)]) -> Value {
        cases[weighted(cases.map(\.1))].0
    }

    /// A whole number of days with an exponential distribution of mean `mean`, at least 1.
    mutating func exponentialDays(mean: Double) -> Int {
        // 1 - u lies in (0, 1], so its logarithm is finite and not positive.
        let draw = -mean * naturalLog(1 - unit())
        return max(1, Int(draw.rounded()))
    }
}

/// Natural logarithm of a positive number, by range reduction to [1, 2) and the atanh series;
/// written here (not taken from the C library) so that results are the same on every platform.
private func naturalLog(_ value: Double) -> Double {
    precondition(value > 0)
    var mantissa = value
    var exponent = 0.0
    while mantissa >= 2 {
        mantissa /= 2
        exponent += 1
    }
    while mantissa < 1 {
        mantissa *= 2
        exponent -= 1
    }
    // ln(m) = 2 atanh((m - 1) / (m + 1)), with (m - 1) / (m + 1) in [0, 1/3).
    let y = (mantissa - 1) / (mantissa + 1)
    let y2 = y * y
    var term = y
    var sum = 0.0
    var k = 1.0
    while true {
        let next = sum + term / k
        if next == sum { break }
        sum = next
        term *= y2
        k += 2
    }
    return 2 * sum + exponent * 0.693_147_180_559_945_3
}
