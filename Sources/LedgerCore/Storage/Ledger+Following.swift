/// Following a ledger's head from a process that stays up (`caseledger serve`): the lines
/// appended since a head it knows, and the validator's state brought forward by them, without
/// reading the ledger again.
extension Ledger {
    /// The acknowledged events after `from` up to and including `to`, in order, each checked to
    /// continue the one before it (seq and prev); nil when `to` does not extend `from` (the head
    /// went back, or another ledger was put in its place), so the caller loads afresh.
    public func events(after from: HeadRecord, through to: HeadRecord) throws(LedgerError) -> [RecordedEvent]? {
        guard to.seq >= from.seq else { return nil }
        guard to.seq > from.seq else { return to == from ? [] : nil }
        guard to.segment >= from.segment, to.segment > from.segment || to.offset > from.offset else { return nil }
        var events: [RecordedEvent] = []
        var seq = from.seq
        var prev = from.hash
        for index in from.segment...to.segment {
            let start = index == from.segment ? from.offset : 0
            let end = index == to.segment ? to.offset : try segmentSize(index)
            guard end > start else { continue }
            try forEachLine(segment: index, from: start, to: end, firstLineNumber: start == 0 ? 1 : 0) { (location, line) throws(LedgerError) in
                let recorded = try Ledger.decode(line, at: location)
                guard recorded.seq == seq + 1, recorded.prev == prev else {
                    throw LedgerError.corrupt(file: location.fileName, line: location.line,
                                              reason: "sequence number \(recorded.seq) does not continue seq \(seq); run caseledger verify")
                }
                seq = recorded.seq
                prev = recorded.hash
                events.append(recorded)
            }
        }
        guard seq == to.seq, prev == to.hash else { return nil }
        return events
    }

    /// `loaded` brought forward by `events` (which continue its head, as ``events(after:through:)``
    /// gives them) to `head`: what ``loadState(head:)`` would load at `head`, without reading the
    /// lines before.
    public func advance(_ loaded: LoadedLedgerState, by events: [RecordedEvent], to head: HeadRecord) -> LoadedLedgerState {
        var state = loaded.state
        for recorded in events { state.apply(recorded) }
        precondition(state.headSeq == head.seq && state.headHash == head.hash, "the events end at the head")
        return LoadedLedgerState(head: head, state: state, checkpointSeq: loaded.checkpointSeq)
    }
}

extension LoadedLedgerState {
    /// The sequence number of the validator's index the state was loaded from (0: none, the state
    /// is in memory whole). Bringing the state forward (``Ledger/advance(_:by:to:)``) keeps it, so an
    /// append reusing the state rewrites the index once ``ValidatorIndex/rewriteAfterLines`` lines
    /// follow it, and again at every later append until the state is loaded again.
    public var indexSeq: Int64 { checkpointSeq }
}
