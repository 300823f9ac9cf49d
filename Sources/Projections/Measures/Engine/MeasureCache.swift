public import LedgerCore

/// The parts of measures computed on a whole fold, per partition, saved with the checkpoint.
///
/// They are what a partial fold (a report after a few new events) takes for the partitions it does
/// not hold. Keyed by request (``MeasureEngine``'s cache key).
public struct MeasureCache: Sendable {
    /// One request's parts.
    public struct Entry: Sendable {
        /// The ledger's number of municipalities when computed.
        var municipalityCount: Int
        /// Tallies of the partition slots: slot-major, then municipality.
        var tallies: [MeasureEngine.Tally]
        /// Breakdown entries with their partition slots' tallies.
        var breakdowns: [(name: String, label: String, tallies: [MeasureEngine.Tally])]
        /// Per partition, the keys its citizens marked (``MeasureEngine/Context/marks``; empty for most measures).
        var marks: [[String]]
        /// The request, resolved (its day or period explicit), so that the parts can be computed
        /// again on a later fold (see ``ProjectionCheckpoint/saveCarryingEarlier(_:to:head:current:)``).
        var request: MeasureRequest
        /// The marks by company number, where ``KeptMeasureParts`` keeps the entry (not saved).
        var numberedMarks: NumberedMarks? = nil
    }

    /// Entries by request key.
    public internal(set) var entries: [String: Entry] = [:]
    /// Keys in the order they were added (the oldest are dropped beyond ``entriesMax``).
    var order: [String] = []
    /// Most entries kept (a committee's HTML report asks for a few hundred).
    public static let entriesMax = 2_000

    /// An empty cache.
    public init() {}

    /// Adds (or replaces) an entry.
    mutating func insert(_ key: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: key) == nil { order.append(key) }
        while order.count > Self.entriesMax { entries[order.removeFirst()] = nil }
        assert(entries.count == order.count)
    }

    /// Removes an entry (nothing when there is none).
    mutating func remove(_ key: String) {
        if entries.removeValue(forKey: key) != nil { order.removeAll { $0 == key } }
        assert(entries.count == order.count)
    }

    /// This cache with another's entries added (the other's replace this one's of the same key).
    public func merging(_ other: MeasureCache) -> MeasureCache {
        var merged = self
        for key in other.order { merged.insert(key, other.entries[key]!) }
        return merged
    }

    /// The cache as a checkpoint section.
    ///
    /// Tallies are written sparsely (most slots of most measures are zero in a small ledger; none
    /// are in a large one, where this costs 2 bytes a slot).
    public func sectionBytes() -> [UInt8] {
        var w = BinaryWriter()
        func tallies(_ t: [MeasureEngine.Tally], into w: inout BinaryWriter) {
            let nonzero = t.indices.filter { t[$0] != MeasureEngine.Tally() }
            w.array(nonzero) { w, i in
                w.int32(Int32(i)); w.uint64(t[i].numerator.bitPattern); w.uint64(t[i].denominator.bitPattern)
            }
        }
        w.array(order) { w, key in
            let e = entries[key]!
            w.string(key)
            Self.write(e.request, to: &w)
            w.int(e.municipalityCount)
            tallies(e.tallies, into: &w)
            w.array(e.breakdowns) { w, b in w.string(b.name); w.string(b.label); tallies(b.tallies, into: &w) }
            w.array(e.marks) { w, cvrs in w.array(cvrs) { $0.string($1) } }
        }
        return w.bytes
    }

    /// The cache a section holds.
    public init(section: BinaryReader) throws(BinaryReadError) {
        typealias E = BinaryReadError
        var r = section
        func tallies(_ r: inout BinaryReader, count: Int) throws(E) -> [MeasureEngine.Tally] {
            var t = [MeasureEngine.Tally](repeating: MeasureEngine.Tally(), count: count)
            let items = try r.array { (r) throws(E) in (Int(try r.int32()), Double(bitPattern: try r.uint64()), Double(bitPattern: try r.uint64())) }
            for (i, numerator, denominator) in items {
                guard i >= 0, i < count else { throw E(offset: r.position, message: "a tally out of range") }
                t[i] = MeasureEngine.Tally(numerator: numerator, denominator: denominator)
            }
            return t
        }
        let list = try r.array { (r) throws(E) -> (String, Entry) in
            let key = try r.string()
            let request = try Self.readRequest(&r)
            let municipalityCount = try r.int()
            guard municipalityCount >= 0, municipalityCount <= 1_000 else { throw E(offset: r.position, message: "municipality count out of range") }
            let count = ProjectionPartition.count * municipalityCount
            let main = try tallies(&r, count: count)
            let breakdowns = try r.array { (r) throws(E) in (name: try r.string(), label: try r.string(), tallies: try tallies(&r, count: count)) }
            let marks = try r.array { (r) throws(E) in try r.array { (r) throws(E) in try r.string() } }
            guard marks.isEmpty || marks.count == ProjectionPartition.count else { throw E(offset: r.position, message: "marks of the wrong number of partitions") }
            return (key, Entry(municipalityCount: municipalityCount, tallies: main, breakdowns: breakdowns, marks: marks, request: request))
        }
        guard r.atEnd else { throw E(offset: r.position, message: "bytes after the measure cache") }
        for (key, entry) in list { insert(key, entry) }
    }

    private static func write(_ request: MeasureRequest, to w: inout BinaryWriter) {
        w.string(request.measure)
        w.optional(request.variant) { $0.string($1) }
        w.optional(request.at) { $0.int32($1.ordinal) }
        w.optional(request.period) { w, period in w.int32(period.first.ordinal); w.int32(period.last.ordinal); w.string(period.text) }
        w.optional(request.benefits) { $0.string($1) }
        w.array(request.filter.sorted { $0.key < $1.key }) { w, entry in w.string(entry.key); w.string(entry.value) }
    }

    private static func readRequest(_ r: inout BinaryReader) throws(BinaryReadError) -> MeasureRequest {
        typealias E = BinaryReadError
        let measure = try r.string()
        let variant = try r.optional { (r) throws(E) in try r.string() }
        let at = try r.optional { (r) throws(E) in Day(ordinal: try r.int32()) }
        let period = try r.optional { (r) throws(E) -> Period in
            let first = Day(ordinal: try r.int32()), last = Day(ordinal: try r.int32())
            let text = try r.string()
            guard first <= last else { throw E(offset: r.position, message: "a period that ends before it starts") }
            return Period(first: first, last: last, text: text)
        }
        let benefits = try r.optional { (r) throws(E) in try r.string() }
        let filter = try r.array { (r) throws(E) in (try r.string(), try r.string()) }
        return MeasureRequest(measure: measure, variant: variant, at: at, period: period, benefits: benefits,
                              filter: Dictionary(filter, uniquingKeysWith: { a, _ in a }))
    }
}

/// Notes a report's measure parts: those a whole fold computed, and whether a partial fold lacked any.
///
/// The parts a whole fold computed are saved with the checkpoint; when a partial fold lacked any,
/// the report is computed on a whole fold.
public final class MeasureRecorder: Sendable {
    private let state = Locked<(cache: MeasureCache, missed: Bool)>((MeasureCache(), false))
    /// Whether a partial fold's parts are noted too, completed from the cache it was given: the
    /// parts at the partial fold's head, for ``KeptMeasureParts`` (a report's recorder notes only a
    /// whole fold's, which the checkpoint saves).
    public let notesCompleted: Bool

    /// A recorder with nothing noted; `notesCompleted` as ``notesCompleted`` says.
    public init(notesCompleted: Bool = false) { self.notesCompleted = notesCompleted }

    /// Notes a whole fold's parts of a request.
    func record(_ key: String, _ entry: MeasureCache.Entry) { state.withLock { $0.cache.insert(key, entry) } }

    /// Notes that a partial fold lacked a request's parts.
    func noteMiss() { state.withLock { $0.missed = true } }

    /// Notes what `other` noted, in its order, after what this one noted.
    func absorb(_ other: MeasureRecorder) {
        let (cache, missed) = other.state.withLock { ($0.cache, $0.missed) }
        state.withLock {
            for key in cache.order { $0.cache.insert(key, cache.entries[key]!) }
            if missed { $0.missed = true }
        }
    }

    /// The parts noted.
    public var cache: MeasureCache { state.withLock { $0.cache } }

    /// Whether a partial fold lacked parts.
    public var missed: Bool { state.withLock { $0.missed } }
}
