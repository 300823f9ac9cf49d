public import LedgerCore
import CPrefetch

/// Citizen indexes by pseudonym: an open-addressing hash table of 64-bit keys.
///
/// The replay looks a citizen up for almost every event. A pseudonym is already a 64-bit number
/// (the first bits of an HMAC), so one multiply spreads it over the slots; the standard
/// `Dictionary` would run SipHash over it for every lookup.
public struct CitizenIndex: Sendable {
    /// One slot: a pseudonym and its citizen's index + 1 (0 marks an empty slot). Key and value
    /// share a slot, so a lookup reads one cache line, not one in each of two arrays.
    private struct Slot {
        var key: UInt64 = 0
        var value: Int64 = 0
    }

    /// The slots, a power of two of them.
    private var slots: [Slot]
    /// Citizens held.
    public private(set) var count = 0

    /// Slots are kept at most half full.
    private static let minimumSlots = 16

    /// An empty table with room for `capacity` citizens before it grows.
    public init(capacity: Int = 0) {
        var n = Self.minimumSlots
        while n < capacity * 2 { n *= 2 }
        slots = [Slot](repeating: Slot(), count: n)
    }

    /// The index of `histories`: each history's pseudonym to its position.
    ///
    /// A pseudonym that comes twice keeps its last position, so ``count`` is then less than
    /// `histories.count`.
    ///
    /// Each insert lands in a random slot, a cache miss once the table outgrows the cache (16 MiB
    /// for 267k citizens): the slot of the pseudonym ``indexingPrefetchDistance`` ahead is asked
    /// for first, so that the misses overlap instead of being waited for one at a time.
    public init(indexing histories: UnsafeBufferPointer<CitizenHistory>) {
        self.init(capacity: histories.count)
        let ahead = Self.indexingPrefetchDistance
        for i in histories.indices {
            if i + ahead < histories.count { prefetch(histories[i + ahead].pseudonym) }
            self[histories[i].pseudonym] = i
        }
    }

    /// How many histories ahead ``init(indexing:)`` asks for a slot.
    static let indexingPrefetchDistance = 16

    /// The first slot to probe for a key (Fibonacci hashing: the high bits of key × 2^64/φ).
    @inline(__always)
    private static func home(_ key: UInt64, slots: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slots.trailingZeroBitCount))
    }

    /// The citizen index of `pseudonym`, or nil; setting stores a new or replaced index (nil is not stored).
    public subscript(pseudonym: Pseudonym) -> Int? {
        get {
            let key = pseudonym.value
            return slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var slot = Self.home(key, slots: slots.count)
                while true {
                    let found = slots[slot]
                    if found.value == 0 { return nil }
                    if found.key == key { return Int(found.value) - 1 }
                    slot = (slot + 1) & mask
                }
            }
        }
        set {
            guard let newValue else { preconditionFailure("citizens are never removed from the index") }
            precondition(newValue >= 0 && newValue < Int(Int32.max), "citizen index out of range")
            if (count + 1) * 2 > slots.count { grow() }
            insert(pseudonym.value, Int64(newValue + 1))
        }
    }

    /// Asks for the slot a lookup of `pseudonym` reads first to be brought into the cache (see
    /// ``ProjectionState/prefetch(_:citizen:type:)``).
    @inline(__always)
    func prefetch(_ pseudonym: Pseudonym) {
        let slot = Self.home(pseudonym.value, slots: slots.count)
        slots.withUnsafeBufferPointer { cprefetch_read($0.baseAddress! + slot) }
    }

    /// Makes room for `capacity` citizens.
    public mutating func reserveCapacity(_ capacity: Int) {
        while capacity * 2 > slots.count { grow() }
    }

    private mutating func insert(_ key: UInt64, _ value: Int64) {
        let mask = slots.count - 1
        var slot = Self.home(key, slots: slots.count)
        while slots[slot].value != 0 {
            if slots[slot].key == key { slots[slot].value = value; return }
            slot = (slot + 1) & mask
        }
        slots[slot] = Slot(key: key, value: value)
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        count = 0
        for slot in old where slot.value != 0 { insert(slot.key, slot.value) }
        assert(count * 2 <= slots.count)
    }
}
