extension LedgerState {
    /// The state as the index's sections in memory (to compare states); nil when a page of the
    /// index read on the way is damaged.
    func indexSections() -> [ValidatorIndex.SectionBuilder]? {
        var sink = ValidatorIndex.MemorySink()
        return writeSections(to: &sink) ? sink.sections : nil
    }

    /// Gives `sink` the state as the index's sections (``ValidatorIndex/Section``), each sorted by
    /// key: the index's records with the changes since merged in, or everything held in memory.
    /// False when a page of the index read on the way is damaged (the sink then holds a part).
    func writeSections<Sink: SectionSink>(to sink: inout Sink) -> Bool {
        typealias Key = ValidatorIndex.Key
        for section in ValidatorIndex.Section.allCases {
            // The changes since the index (or everything, without one), by key: nil removes.
            var changes: [(key: [UInt8], value: [UInt8]?)] = []
            switch section {
            case .citizens: changes = citizens.map { (Key.citizen($0), []) }
            case .periods:
                let entries = index == nil ? periods.sortedEntries.map { (key: $0.key, period: Optional($0.period)) } : periods.changedEntries
                changes = entries.map { (Key.period($0.key), $0.period.map(Key.periodValue)) }
            case .jobOrders: changes = jobOrders.map { (Key.text($0), []) } + removedJobOrders.map { (Key.text($0), nil) }
            case .goals: changes = goals.map { (Key.text($0), []) } + removedGoals.map { (Key.text($0), nil) }
            case .publications: changes = publications.map { (Key.text($0), []) }
            case .retracted: changes = retracted.map { (Key.seq($0), []) }
            case .corrections: changes = corrections.map { (Key.seq($0), []) }
            case .orderBySeq: changes = orderBySeq.map { (Key.seq($0.key), Key.text($0.value)) } + removedOrderSeqs.map { (Key.seq($0), nil) }
            case .goalBySeq: changes = goalBySeq.map { (Key.seq($0.key), Key.text($0.value)) } + removedGoalSeqs.map { (Key.seq($0), nil) }
            }
            // An id both removed and added again is added: the addition sorts after the removal.
            changes.sort { a, b in
                if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
                return a.value == nil && b.value != nil
            }
            sink.beginSection()
            var next = 0
            /// Adds the changes whose keys come before `key` (all, when nil); returns the change of `key` itself.
            func addChanges(before key: UnsafeRawBufferPointer?) -> [UInt8]?? {
                while next < changes.count {
                    let change = changes[next]
                    if let key {
                        let order = ValidatorIndex.compare(key, change.key)
                        if order == .less { return nil }
                        if order == .equal {
                            // The last change of the key decides.
                            while next + 1 < changes.count && changes[next + 1].key == change.key { next += 1 }
                            let decided = changes[next].value
                            next += 1
                            return .some(decided)
                        }
                    }
                    while next + 1 < changes.count && changes[next + 1].key == change.key { next += 1 }
                    if let value = changes[next].value { change.key.withUnsafeBytes { k in value.withUnsafeBytes { v in sink.add(k, v) } } }
                    next += 1
                }
                return nil
            }
            if let index {
                let whole = index.forEachRecord(section) { key, value in
                    switch addChanges(before: key) {
                    case .none: sink.add(key, value)
                    case .some(.some(let changed)): changed.withUnsafeBytes { sink.add(key, $0) }
                    case .some(.none): break
                    }
                }
                guard whole else { return false }
            }
            _ = addChanges(before: nil)
            sink.endSection()
        }
        return true
    }
}
