/// The latest period of every key, for the validator: the periods loaded from a checkpoint as a
/// sorted array, and the changes made since in a dictionary.
///
/// A checkpoint of a large ledger holds about a million periods; building a hashed dictionary of
/// them was most of the time a single-event append took. Kept sorted instead, they load as they
/// were saved and are found by binary search, and only what the new lines change is hashed.
public struct PeriodTable: Sendable, Equatable {
    /// Periods as loaded, sorted by key (``LedgerState/PeriodKey/precedes(_:)``), keys unique.
    private var base: [(key: LedgerState.PeriodKey, period: LedgerState.PeriodState)] = []
    /// Changes since: a new or changed period, or nil where one of `base` was removed.
    private var changes: [LedgerState.PeriodKey: LedgerState.PeriodState?] = [:]

    /// An empty table.
    public init() {}

    /// A table of `entries`, which must be sorted by key without repeats (as ``sortedEntries``
    /// gives them); nil when they are not.
    init?(sorted entries: [(key: LedgerState.PeriodKey, period: LedgerState.PeriodState)]) {
        for i in entries.indices.dropFirst() where !entries[i - 1].key.precedes(entries[i].key) { return nil }
        base = entries
    }

    /// The latest period of `key`, if any; setting nil removes it.
    public subscript(key: LedgerState.PeriodKey) -> LedgerState.PeriodState? {
        get {
            if let changed = changes[key] { return changed }
            return baseIndex(of: key).map { base[$0].period }
        }
        set {
            changes[key] = .some(newValue)
        }
    }

    /// What the table says of `key`: `.some(period)` or `.some(nil)` (removed) when it holds the
    /// key, nil when it does not know it (a state over an index then asks the index).
    func change(for key: LedgerState.PeriodKey) -> LedgerState.PeriodState?? {
        if let changed = changes[key] { return changed }
        return baseIndex(of: key).map { .some(base[$0].period) }
    }

    /// The changes since the table was made, in no particular order (nil: removed).
    var changedEntries: [(key: LedgerState.PeriodKey, period: LedgerState.PeriodState?)] {
        changes.map { (key: $0.key, period: $0.value) }
    }

    /// The position of `key` in `base`, if it is there.
    private func baseIndex(of key: LedgerState.PeriodKey) -> Int? {
        var low = 0
        var high = base.count
        while low < high {
            let middle = (low + high) / 2
            if base[middle].key.precedes(key) { low = middle + 1 } else { high = middle }
        }
        return low < base.count && base[low].key == key ? low : nil
    }

    /// Every period, sorted by key.
    public var sortedEntries: [(key: LedgerState.PeriodKey, period: LedgerState.PeriodState)] {
        guard !changes.isEmpty else { return base }
        var merged: [(key: LedgerState.PeriodKey, period: LedgerState.PeriodState)] = []
        merged.reserveCapacity(base.count + changes.count)
        var i = 0
        for (key, change) in changes.sorted(by: { $0.key.precedes($1.key) }) {
            while i < base.count && base[i].key.precedes(key) {
                merged.append(base[i])
                i += 1
            }
            if i < base.count && base[i].key == key { i += 1 }
            if let period = change { merged.append((key, period)) }
        }
        merged.append(contentsOf: base[i...])
        return merged
    }

    /// Equal when they hold the same periods, however they got them.
    public static func == (a: PeriodTable, b: PeriodTable) -> Bool {
        let x = a.sortedEntries, y = b.sortedEntries
        return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.period == $1.period }
    }
}

extension LedgerState.PeriodKey {
    /// The table's order: by citizen, then kind, then key.
    func precedes(_ other: LedgerState.PeriodKey) -> Bool {
        if citizen.value != other.citizen.value { return citizen.value < other.citizen.value }
        if kind != other.kind { return kind < other.kind }
        return key < other.key
    }
}
