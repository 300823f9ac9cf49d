public import LedgerCore

/// Reads a ledger's acknowledged lines into a ``ProjectionState``, as known at a moment.
///
/// The only part of the projections that does I/O. Lines are read in order up to the head; since
/// recorded-at never decreases along a ledger, the replay stops at the first line recorded after
/// the knowledge time. Each line's `seq` and `prev` are checked against the line before it.
public enum Replayer {
    /// Replays `ledger` into `state` (empty, or carried over from an earlier replay of a prefix),
    /// applying lines with seq > state.headSeq and recorded-at at or before `knownAt` (nil: all).
    /// `throughSeq` stops after that sequence number (nil: the head).
    public static func replay(_ ledger: Ledger, knownAt: Timestamp? = nil, throughSeq: Int64? = nil,
                              from initial: ProjectionState = ProjectionState()) throws(LedgerError) -> ProjectionState {
        var state = initial
        let head = try ledger.readHead()
        let stopSeq = min(throughSeq ?? head.seq, head.seq)
        guard state.headSeq < stopSeq else { return state }
        var done = false
        try ledger.forEachAcknowledgedLine(head: head) { (location, line) throws(LedgerError) in
            guard !done else { return }
            // A cheap look at the sequence number first: lines already in the state are skipped undecoded.
            if let seq = Replayer.sequenceNumber(line), seq <= state.headSeq { return }
            let recorded = try Ledger.decode(line, at: location)
            if let knownAt, recorded.recordedAt > knownAt { done = true; return }
            guard recorded.seq == state.headSeq + 1 else {
                throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: "sequence number \(recorded.seq) where \(state.headSeq + 1) was expected; run caseledger verify")
            }
            guard recorded.prev == state.headHash || state.headSeq == 0 else {
                throw LedgerError.corrupt(file: location.fileName, line: location.line, reason: "prev does not match the line before it; run caseledger verify")
            }
            state.apply(recorded)
            if recorded.seq >= stopSeq { done = true }
        }
        return state
    }

    /// The `seq` of a canonical line, read from its first bytes, or nil.
    static func sequenceNumber(_ line: UnsafeRawBufferPointer) -> Int64? {
        let prefix = #"{"seq":"#.utf8
        guard line.count > prefix.count + 1, line.starts(with: prefix) else { return nil }
        var value: Int64 = 0
        var i = prefix.count
        while i < line.count, line[i] >= 48, line[i] <= 57, i < prefix.count + 18 {
            value = value * 10 + Int64(line[i] - 48)
            i += 1
        }
        return i > prefix.count ? value : nil
    }
}
