import LedgerCore

extension MeasureEngine {
    /// A numerator and denominator.
    public struct Tally: Sendable, Equatable { public var numerator = 0.0; public var denominator = 0.0 }

    /// A computation's parts: tallies per slot and municipality (slot-major), breakdowns likewise,
    /// and the marks a rule keeps per partition.
    struct Context {
        /// Partition slots, then the whole-jobcenter slot.
        static let slotCount = ProjectionPartition.count + 1
        let municipalities: [Int]
        let record: Bool
        var tallies: [Tally]
        var breakdowns: [(name: String, entries: [(label: String, tallies: [Tally])])] = []
        /// Per partition, the keys of the items not about a person (such as companies) that its
        /// citizens touched, for a rule whose part over those items is computed whole; nil for the others.
        var marks: [Set<String>]?
        var contributions: [Contribution] = []
        /// For a partial fold: the cached parts, and which partitions the fold holds.
        var reuse: (entry: MeasureCache.Entry, loaded: [Bool])?
        /// The share of a computation split over threads (``MeasureEngine/computeSplit``): the
        /// citizens walked are those whose partition modulo `count` is `index`.
        var share: (index: Int, count: Int) = (0, 1)

        /// Whether this share computes a partition's parts (every one, unless split over threads).
        @inline(__always) func owns(partition: Int) -> Bool {
            share.count == 1 || partition % share.count == share.index
        }

        /// Whether the computation walks this citizen: its partition is the share's.
        @inline(__always) func walks(_ citizen: Pseudonym) -> Bool { owns(partition: ProjectionPartition.of(citizen)) }

        init(municipalities: [Int], record: Bool) {
            self.municipalities = municipalities
            self.record = record
            tallies = [Tally](repeating: Tally(), count: Self.slotCount * municipalities.count)
        }

        /// The index of a municipality of the ledger; parts in another are not counted.
        @inline(__always) func municipalityIndex(_ m: Int) -> Int? {
            for (k, code) in municipalities.enumerated() where code == m { return k }
            return nil
        }

        /// Adds a part: in the citizen's partition's slot, or `slot` for parts not about a person.
        mutating func add(_ m: Int, numerator: Double = 0, denominator: Double = 0, citizen: Pseudonym?, slot: Int? = nil,
                          seqs: @autoclosure () -> [Int64], reason: @autoclosure () -> String) {
            let s = slot ?? citizen.map(ProjectionPartition.of) ?? ProjectionPartition.wholeSlot
            assert(s >= 0 && s < Self.slotCount)
            if let k = municipalityIndex(m) {
                tallies[s * municipalities.count + k].numerator += numerator
                tallies[s * municipalities.count + k].denominator += denominator
            }
            if record {
                var seen: Set<Int64> = []
                let unique = seqs().filter { $0 > 0 && seen.insert($0).inserted }
                contributions.append(Contribution(citizen: citizen, municipality: m, numerator: numerator, denominator: denominator, seqs: unique, reason: reason()))
            }
        }

        /// The index of a breakdown entry, added empty if new.
        mutating func breakdownEntry(_ name: String, _ label: String) -> (group: Int, entry: Int) {
            var g = breakdowns.firstIndex { $0.name == name }
            if g == nil { breakdowns.append((name, [])); g = breakdowns.count - 1 }
            var e = breakdowns[g!].entries.firstIndex { $0.label == label }
            if e == nil {
                breakdowns[g!].entries.append((label, [Tally](repeating: Tally(), count: tallies.count)))
                e = breakdowns[g!].entries.count - 1
            }
            return (g!, e!)
        }

        /// Adds to a breakdown entry, in a citizen's partition's slot.
        mutating func addBreakdown(_ name: String, _ label: String, _ m: Int, numerator: Double, denominator: Double, slot: Int) {
            guard let k = municipalityIndex(m) else { return }
            let (g, e) = breakdownEntry(name, label)
            breakdowns[g].entries[e].tallies[slot * municipalities.count + k].numerator += numerator
            breakdowns[g].entries[e].tallies[slot * municipalities.count + k].denominator += denominator
        }

        /// A partial fold's computation completed: the slots of the partitions it does not hold are
        /// replaced by the cached parts (whatever was computed there from the whole-jobcenter facts
        /// alone, such as a company without its visits, is overwritten).
        mutating func completeFromCache() {
            guard let (entry, loaded) = reuse else { return }
            let n = municipalities.count
            assert(entry.tallies.count == ProjectionPartition.count * n)
            for slot in 0..<ProjectionPartition.count where !loaded[slot] {
                for k in 0..<n { tallies[slot * n + k] = entry.tallies[slot * n + k] }
            }
            for cached in entry.breakdowns {
                let (g, e) = breakdownEntry(cached.name, cached.label)
                for slot in 0..<ProjectionPartition.count where !loaded[slot] {
                    for k in 0..<n { breakdowns[g].entries[e].tallies[slot * n + k] = cached.tallies[slot * n + k] }
                }
            }
            // A label that only the replaced slots counted (and no longer do) is dropped, as a whole
            // fold would not have made it. Every breakdown part is nonzero (each rule that keeps
            // breakdowns adds 1 to a numerator or a denominator with every part), so in a whole fold
            // no entry is all zero.
            for g in breakdowns.indices {
                breakdowns[g].entries.removeAll { entry in entry.tallies.allSatisfy { $0 == Tally() } }
            }
        }

        /// The parts of a whole fold's computation, for the cache: the partition slots' tallies,
        /// breakdowns and marks (the whole-jobcenter slot is always computed again).
        func cacheEntry(request: MeasureRequest) -> MeasureCache.Entry {
            let n = municipalities.count
            return MeasureCache.Entry(
                municipalityCount: n,
                tallies: Array(tallies[0..<(ProjectionPartition.count * n)]),
                breakdowns: breakdowns.flatMap { group in
                    group.entries.map { (name: group.name, label: $0.label, tallies: Array($0.tallies[0..<(ProjectionPartition.count * n)])) }
                },
                marks: marks.map { $0.map { $0.sorted() } } ?? [],
                request: request)
        }
    }
}
