import LedgerCore

/// A chunk of stored lines as the replay folds them: the person events (most lines) and the other
/// events, each in sequence order, and what the chain check and the head need of the lines.
/// Together the two arrays are the chunk's lines up to the cut; ``forEachLine(person:other:)``
/// walks them merged back into sequence order.
///
/// Two arrays rather than one array of an enum: the fold reads a line's sequence number and
/// citizen in place, where binding an enum's payload would copy the whole line.
///
/// The chain is checked as the lines are read: each line's `seq` must follow the line before it,
/// and its `prev` must be that line's hash. What is left for the replay to check is the chunk's
/// first line against the chunk before it (``first``), and whether a line broke the chain
/// (``chainBreak``). So a person event keeps no hashes, and no one walks the lines again to
/// check them or to move the head.
struct DecodedChunk: Sendable {
    /// Person events, read straight from their bytes or made from their full decoding, by the
    /// fold lane their citizen falls to (``FoldLanes/lane(of:count:)``; one lane for a serial fold),
    /// so that each lane walks only its own.
    var persons: [[PersonEvent]]
    /// Every other event.
    var others: [RecordedEvent] = []

    /// Where a replay stops: after the line with `stopSeq`, or before the first line recorded
    /// after `knownAt`.
    struct Cut: Sendable {
        var knownAt: Timestamp?
        var stopSeq: Int64
    }

    /// The first line that does not follow the line before it in the chunk.
    enum ChainBreak: Sendable, Equatable {
        /// Its sequence number is not the next one.
        case sequence(found: Int64, expected: Int64)
        /// Its `prev` is not the hash of the line before it.
        case prev(seq: Int64)
    }

    /// The first line kept: its sequence number and `prev`; nil when no line is kept.
    private(set) var first: (seq: Int64, prev: SHA256Digest)?
    /// The last line kept: its sequence number and recording time (its hash is ``lastHash``).
    private(set) var lastSeq: Int64 = 0
    private(set) var lastRecordedAt = Timestamp(milliseconds: 0)
    private var lastHashText = StoredPersonLine.HexText()
    /// The first break of the chain among the lines kept, if any.
    private(set) var chainBreak: ChainBreak?
    /// Whether the cut was reached: a line recorded after the knowledge time was read (and not
    /// kept), or the last line wanted was kept. Lines after it are not read.
    private(set) var reachedCut = false
    /// The latest effective date of the person events kept (nil for none).
    private(set) var personsLatestEffective: Day?

    private let cut: Cut
    /// The fast readers' memo of repeating fields, and of the line read last.
    private var memo = StoredPersonLine.Memo()

    /// An empty chunk with room for the person events of `bytes` of lines (a person line takes
    /// well over 256 bytes), so that the array is not copied as it grows.
    init(bytes: Int64, cut: Cut, lanes: Int) {
        precondition(lanes >= 1)
        self.cut = cut
        self.laneCount = lanes
        // A lane's share, and an eighth more for the spread between lanes.
        let share = Int(min(bytes, 1 << 30) / 256) / lanes
        persons = (0..<lanes).map { _ in
            var events: [PersonEvent] = []
            events.reserveCapacity(share + share / 8)
            return events
        }
    }

    /// The number of lanes the person events are split over.
    let laneCount: Int

    /// Keeps a person event in its lane.
    @inline(__always)
    private mutating func keepPerson(_ person: consuming PersonEvent) {
        if personsLatestEffective.map({ person.effective > $0 }) ?? true { personsLatestEffective = person.effective }
        let lane = laneCount == 1 ? 0 : FoldLanes.lane(of: person.citizen, count: laneCount)
        // Moved in, not copied (a copy retains its texts).
        persons[lane].append(consume person)
    }

    /// The hash of the last line kept (``lastSeq``), read from its text, which was checked to be
    /// a digest's when the line was read.
    var lastHash: SHA256Digest {
        guard let digest = lastHashText.digest else { preconditionFailure("a line's hash text was checked when it was read") }
        return digest
    }

    /// Decodes a stored line into the chunk: through ``StoredPersonLine`` or ``StoredOtherLine``
    /// when one takes the line, else through the full decoder (which words any defect). A line
    /// beyond the cut is not kept, and lines after the cut are not read.
    mutating func append(_ line: UnsafeRawBufferPointer, at location: LineLocation) throws(LedgerError) {
        if reachedCut { return }
        if let person = StoredPersonLine.decode(line, memo: &memo) {
            guard keep(seq: person.seq) else { return }
            keepPerson(person)
            return
        }
        let recorded: RecordedEvent
        if let other = StoredOtherLine.decode(line, memo: &memo) {
            recorded = other
        } else {
            recorded = try Ledger.decode(line, at: location)
            memo.noteLine(recordedAt: recorded.recordedAt, prev: recorded.prev, hash: recorded.hash)
        }
        guard keep(seq: recorded.seq) else { return }
        if let person = PersonEvent(recorded) {
            keepPerson(person)
        } else {
            others.append(recorded)
        }
    }

    /// A line skipped unread (its sequence number is at or before a carried-over state's head).
    /// After a line kept, that is a line out of order.
    mutating func skip(seq: Int64) {
        if first != nil && chainBreak == nil { chainBreak = .sequence(found: seq, expected: lastSeq + 1) }
    }

    /// Whether the line the memo describes (sequence number `seq`) is kept: not when it was
    /// recorded after the knowledge time. Checks it against the line kept before it.
    private mutating func keep(seq: Int64) -> Bool {
        guard let recordedAt = memo.lineRecordedAt else { preconditionFailure("the memo describes the line read") }
        if let knownAt = cut.knownAt, recordedAt > knownAt {
            reachedCut = true
            return false
        }
        if first == nil {
            // The memo held no line before this one, so its prev was read.
            guard let prev = memo.linePrev else { preconditionFailure("a chunk's first line has its prev read") }
            first = (seq, prev)
        } else if chainBreak == nil {
            if seq != lastSeq + 1 {
                chainBreak = .sequence(found: seq, expected: lastSeq + 1)
            } else if memo.linePrev != nil {
                chainBreak = .prev(seq: seq)
            }
        }
        lastSeq = seq
        lastRecordedAt = recordedAt
        lastHashText = memo.lineHashText
        if seq >= cut.stopSeq { reachedCut = true }
        return true
    }

    /// Calls `person(i)` for each person event of `lane` and `other(i)` for each other event, in
    /// sequence order (`i` indexes ``persons``[lane] or ``others``).
    @inline(__always)
    func forEachLine<E: Error>(lane: Int, person: (Int) throws(E) -> Void, other: (Int) throws(E) -> Void) throws(E) {
        // The sequence numbers are read in place, through pointers, so that no event is copied to
        // read its `seq` (the fold's other copies of other events were of this kind).
        let persons = self.persons[lane]
        try persons.withUnsafeBufferPointer { (persons) throws(E) in
            try others.withUnsafeBufferPointer { (others) throws(E) in
                var p = 0
                var o = 0
                while true {
                    let personSeq = p < persons.count ? (persons.baseAddress! + p).pointee.seq : Int64.max
                    let otherSeq = o < others.count ? (others.baseAddress! + o).pointee.seq : Int64.max
                    if personSeq < otherSeq {
                        try person(p)
                        p += 1
                    } else {
                        guard otherSeq != Int64.max else { return }
                        try other(o)
                        o += 1
                    }
                }
            }
        }
    }
}

extension DecodedChunk {
    /// Applies lane `lane`'s person events to the state at `state` and calls `other(i)` for each of
    /// the chunk's other events, in sequence order; `applied(seq, citizensBefore)` follows each
    /// person event. The serial fold and each fold lane run this loop.
    ///
    /// What the person events ahead will touch is asked for now, in three stages
    /// (``ProjectionState/PrefetchStage``), so that their memory waits overlap with applying the
    /// events before them. The citizen index found at the history stage is kept in a ring until the
    /// event is applied, so an event looks its citizen up once, not three times. (A citizen not yet
    /// in the index then is looked up again: an event in between may add it.)
    @inline(__always)
    func fold(lane: Int, into state: UnsafeMutablePointer<ProjectionState>,
              applied: (_ seq: Int64, _ citizensBefore: Int) -> Void, other: (Int) -> Void) {
        let distance = Replayer.prefetchDistance
        let ringMask = Self.foundRingSize - 1
        persons[lane].withUnsafeBufferPointer { events in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.foundRingSize) { found in
                found.initialize(repeating: -1)
                forEachLine(lane: lane, person: { p in
                    if p + 3 * distance < events.count {
                        state.pointee.prefetch(.indexSlot, citizen: events[p + 3 * distance].citizen, type: .paidHoursRegistered)
                    }
                    if p + 2 * distance < events.count {
                        let ahead = events.baseAddress! + p + 2 * distance
                        found[(p + 2 * distance) & ringMask] = state.pointee.prefetchHistory(citizen: ahead.pointee.citizen, type: ahead.pointee.type)
                    }
                    if p + distance < events.count {
                        let i = found[(p + distance) & ringMask]
                        if i >= 0 { state.pointee.prefetchHistoryArray(index: i, type: events[p + distance].type) }
                    }
                    let before = state.pointee.citizens.count
                    state.pointee.applyPerson(at: events.baseAddress! + p, knownIndex: found[p & ringMask])
                    found[p & ringMask] = -1
                    applied(events[p].seq, before)
                }, other: other)
            }
        }
    }

    /// Entries in the ring of citizen indexes found ahead (a power of two above twice the
    /// ``Replayer/prefetchDistance``).
    static let foundRingSize = 32
}

extension ProjectionState {
    /// Moves the head past person events applied to the histories (by a fold in lanes, or just
    /// before): to the line before `seq`, whose jobcenter part comes next.
    @inline(__always)
    mutating func advancePastPersonEvents(to seq: Int64) {
        precondition(seq >= headSeq, "the head moves forward")
        headSeq = seq
    }

    /// The jobcenter's part of a chunk's lines once its other events are applied: the person
    /// events' latest effective date, and the head at the chunk's last line.
    mutating func finish(_ chunk: DecodedChunk) {
        if let effective = chunk.personsLatestEffective, effective > latestEffective { latestEffective = effective }
        advancePastPersonEvents(to: chunk.lastSeq)
        headHash = chunk.lastHash
        headRecordedAt = chunk.lastRecordedAt
    }

    /// The jobcenter's part of a chunk's other event `o`: the head moved past the person events
    /// before it, then the event applied.
    @inline(__always)
    mutating func applyToJobcenter(_ chunk: DecodedChunk, other o: Int) {
        // Read in place: through the array's subscript the event was copied (in the lanes' fold).
        chunk.others.withUnsafeBufferPointer { others in
            let event = others.baseAddress! + o
            advancePastPersonEvents(to: event.pointee.seq - 1)
            applyToJobcenter(event)
        }
    }
}
