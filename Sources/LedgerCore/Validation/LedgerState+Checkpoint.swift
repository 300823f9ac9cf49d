extension LedgerState: CheckpointedState, CheckpointFold {
    /// The kind name of the validator's checkpoint (`cache/ledger-state.bin`).
    public static let checkpointKind = "ledger-state"

    /// The state as checkpoint payload bytes.
    public func checkpointPayload() -> [UInt8] {
        var w = BinaryWriter()
        foldHeader.write(to: &w)
        w.array(Array(citizens)) { $0.uint64($1.value) }
        // Sorted by key, as the table loads them without hashing.
        w.array(periods.sortedEntries) { w, entry in
            Self.write(entry.key, to: &w)
            w.int32(entry.period.start.ordinal)
            w.int64(entry.period.startSeq)
            w.optional(entry.period.end) { $0.int32($1.ordinal) }
            w.optional(entry.period.endSeq) { $0.int64($1) }
        }
        w.array(Array(jobOrders)) { $0.string($1) }
        w.array(Array(goals)) { $0.string($1) }
        w.array(Array(publications)) { $0.string($1) }
        w.array(Array(retracted)) { $0.int64($1) }
        w.array(Array(corrections)) { $0.int64($1) }
        w.array(Array(orderBySeq)) { w, entry in w.int64(entry.key); w.string(entry.value) }
        w.array(Array(goalBySeq)) { w, entry in w.int64(entry.key); w.string(entry.value) }
        return w.bytes
    }

    /// The state a checkpoint payload holds.
    public init(checkpointPayload reader: BinaryReader) throws(BinaryReadError) {
        var r = reader
        self.init()
        foldHeader = try CheckpointFoldHeader(reading: &r)
        citizens = Set(try r.array { (r) throws(BinaryReadError) in Pseudonym(value: try r.uint64()) })
        let periodEntries = try r.array { (r) throws(BinaryReadError) -> (key: PeriodKey, period: PeriodState) in
            let key = try Self.readKey(&r)
            let start = Day(ordinal: try r.int32())
            let startSeq = try r.int64()
            let end = try r.optional { (r) throws(BinaryReadError) in Day(ordinal: try r.int32()) }
            let endSeq = try r.optional { (r) throws(BinaryReadError) in try r.int64() }
            return (key: key, period: PeriodState(start: start, startSeq: startSeq, end: end, endSeq: endSeq))
        }
        guard let table = PeriodTable(sorted: periodEntries) else {
            throw BinaryReadError(offset: r.position, message: "periods not in key order")
        }
        periods = table
        jobOrders = Set(try r.array { (r) throws(BinaryReadError) in try r.string() })
        goals = Set(try r.array { (r) throws(BinaryReadError) in try r.string() })
        publications = Set(try r.array { (r) throws(BinaryReadError) in try r.string() })
        retracted = Set(try r.array { (r) throws(BinaryReadError) in try r.int64() })
        corrections = Set(try r.array { (r) throws(BinaryReadError) in try r.int64() })
        orderBySeq = Dictionary(try r.array { (r) throws(BinaryReadError) -> (Int64, String) in (try r.int64(), try r.string()) },
                                uniquingKeysWith: { a, _ in a })
        goalBySeq = Dictionary(try r.array { (r) throws(BinaryReadError) -> (Int64, String) in (try r.int64(), try r.string()) },
                               uniquingKeysWith: { a, _ in a })
        guard r.atEnd else { throw BinaryReadError(offset: r.position, message: "bytes after the state") }
    }

    private static func write(_ key: PeriodKey, to w: inout BinaryWriter) {
        w.uint64(key.citizen.value)
        w.string(key.kind)
        w.string(key.key)
    }

    private static func readKey(_ r: inout BinaryReader) throws(BinaryReadError) -> PeriodKey {
        PeriodKey(citizen: Pseudonym(value: try r.uint64()), kind: try r.string(), key: try r.string())
    }
}
