public import LedgerCore
import CPrefetch

/// Citizen indexes by pseudonym: an open-addressing hash table of 64-bit keys.
///
/// The replay looks a citizen up for almost every event. A pseudonym is already a 64-bit number
/// (the first bits of an HMAC), so one multiply spreads it over the slots; the standard
/// `Dictionary` would run SipHash over it for every lookup.
public struct CitizenIndex: Sendable {
    /// The pseudonym of each used slot.
    private var keys: [UInt64]
    /// Index + 1 of each slot's citizen; 0 marks an empty slot.
    private var values: [Int32]
    /// Citizens held.
    public private(set) var count = 0

    /// Slots are kept at most half full.
    private static let minimumSlots = 16

    /// An empty table with room for `capacity` citizens before it grows.
    public init(capacity: Int = 0) {
        var slots = Self.minimumSlots
        while slots < capacity * 2 { slots *= 2 }
        keys = [UInt64](repeating: 0, count: slots)
        values = [Int32](repeating: 0, count: slots)
    }

    /// The first slot to probe for a key (Fibonacci hashing: the high bits of key × 2^64/φ).
    @inline(__always)
    private static func home(_ key: UInt64, slots: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slots.trailingZeroBitCount))
    }

    /// The citizen index of `pseudonym`, or nil; setting stores a new or replaced index (nil is not stored).
    public subscript(pseudonym: Pseudonym) -> Int? {
        get {
            let key = pseudonym.value
            let mask = keys.count - 1
            var slot = Self.home(key, slots: keys.count)
            while true {
                let value = values[slot]
                if value == 0 { return nil }
                if keys[slot] == key { return Int(value) - 1 }
                slot = (slot + 1) & mask
            }
        }
        set {
            guard let newValue else { preconditionFailure("citizens are never removed from the index") }
            precondition(newValue >= 0 && newValue < Int(Int32.max), "citizen index out of range")
            if (count + 1) * 2 > keys.count { grow() }
            insert(pseudonym.value, Int32(newValue + 1))
        }
    }

    /// Asks for the slot a lookup of `pseudonym` reads first to be brought into the cache (see
    /// ``ProjectionState/prefetch(_:for:)``).
    @inline(__always)
    func prefetch(_ pseudonym: Pseudonym) {
        let slot = Self.home(pseudonym.value, slots: keys.count)
        keys.withUnsafeBufferPointer { cprefetch_read($0.baseAddress! + slot) }
        values.withUnsafeBufferPointer { cprefetch_read($0.baseAddress! + slot) }
    }

    /// Makes room for `capacity` citizens.
    public mutating func reserveCapacity(_ capacity: Int) {
        while capacity * 2 > keys.count { grow() }
    }

    private mutating func insert(_ key: UInt64, _ value: Int32) {
        let mask = keys.count - 1
        var slot = Self.home(key, slots: keys.count)
        while values[slot] != 0 {
            if keys[slot] == key { values[slot] = value; return }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = value
        count += 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Int32](repeating: 0, count: oldKeys.count * 2)
        count = 0
        for slot in 0..<oldKeys.count where oldValues[slot] != 0 { insert(oldKeys[slot], oldValues[slot]) }
        assert(count * 2 <= keys.count)
    }
}
