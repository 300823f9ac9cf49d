/// Values by sequence number, in two arrays sorted by sequence number.
///
/// A fold adds in sequence order, so adding is appending (a `Dictionary` hashed every key and grew
/// by copying); a lookup is a binary search. Removing leaves the sequence number in place with no
/// value (a retraction must not shift a million entries). Adding out of order inserts in place
/// (an index of entries in any order is made at once by ``init(sorting:)``).
struct SeqIndex<Value: Sendable>: Sendable {
    private var seqs: [Int64] = []
    /// Each sequence number's value, nil where it was removed.
    private var values: [Value?] = []
    /// The number of values (sequence numbers without one do not count).
    private(set) var count = 0

    /// An empty index.
    init() {}

    /// The index of `entries` in any order; of two with one sequence number, the later is kept
    /// (as setting them one by one would).
    init(sorting entries: [(seq: Int64, value: Value)]) {
        let order = entries.indices.sorted { (entries[$0].seq, $0) < (entries[$1].seq, $1) }
        seqs.reserveCapacity(order.count)
        values.reserveCapacity(order.count)
        for i in order {
            if seqs.last == entries[i].seq {
                values[values.count - 1] = entries[i].value
            } else {
                seqs.append(entries[i].seq)
                values.append(entries[i].value)
            }
        }
        count = seqs.count
    }

    /// The position of `seq`, or where it would be inserted.
    @inline(__always)
    private func position(_ seq: Int64) -> Int {
        var low = 0, high = seqs.count
        while low < high {
            let mid = (low + high) / 2
            if seqs[mid] < seq { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The value for `seq`, or nil; setting adds or replaces it (setting nil removes it).
    subscript(seq: Int64) -> Value? {
        get {
            let k = position(seq)
            return k < seqs.count && seqs[k] == seq ? values[k] : nil
        }
        set {
            guard let newValue else { _ = removeValue(forKey: seq); return }
            if seqs.last.map({ $0 < seq }) ?? true {
                seqs.append(seq)
                values.append(newValue)
                count += 1
                return
            }
            let k = position(seq)
            if k < seqs.count && seqs[k] == seq {
                if values[k] == nil { count += 1 }
                values[k] = newValue
            } else {
                seqs.insert(seq, at: k)
                values.insert(newValue, at: k)
                count += 1
            }
            assert(k == 0 || seqs[k - 1] < seqs[k])
        }
    }

    /// Removes the value for `seq` and returns it, or nil when there is none.
    mutating func removeValue(forKey seq: Int64) -> Value? {
        let k = position(seq)
        guard k < seqs.count && seqs[k] == seq, let value = values[k] else { return nil }
        values[k] = nil
        count -= 1
        return value
    }
}
