import LedgerCore

/// A chunk of stored lines as the replay folds them: the person events (most lines) and the other
/// events, each in sequence order. Together they are the chunk's lines; ``forEachLine(through:person:other:)``
/// walks them merged back into sequence order.
///
/// Two arrays rather than one array of an enum: the fold reads a line's sequence number, citizen
/// and hash in place, where binding an enum's payload would copy the whole line.
struct DecodedChunk: Sendable {
    /// Person events, read straight from their bytes or made from their full decoding.
    var persons: [PersonEvent] = []
    /// Every other event.
    var others: [RecordedEvent] = []
    /// The first line, in the file's order, whose sequence number does not follow the line before
    /// it: the number expected and the one found. The two arrays do not keep the file's order
    /// between them, so the chain check asks this.
    private(set) var firstDisorder: (expected: Int64, found: Int64)?
    /// The sequence number of the line appended last.
    private var lastSeq: Int64 = 0
    /// The fast reader's memo of repeating fields.
    private var memo = StoredPersonLine.Memo()

    /// An empty chunk with room for the person events of `bytes` of lines (a person line takes
    /// well over 256 bytes), so that the array is not copied as it grows.
    init(bytes: Int64) {
        persons.reserveCapacity(Int(min(bytes, 1 << 30) / 256))
    }

    /// Decodes a stored line into the chunk: through ``StoredPersonLine`` or ``StoredOtherLine``
    /// when one takes the line, else through the full decoder (which words any defect).
    mutating func append(_ line: UnsafeRawBufferPointer, at location: LineLocation) throws(LedgerError) {
        let seq: Int64
        if let person = StoredPersonLine.decode(line, memo: &memo) {
            seq = person.seq
            persons.append(person)
        } else if let other = StoredOtherLine.decode(line, memo: &memo) {
            seq = other.seq
            others.append(other)
        } else {
            let recorded = try Ledger.decode(line, at: location)
            seq = recorded.seq
            if let person = PersonEvent(recorded) { persons.append(person) } else { others.append(recorded) }
        }
        if lastSeq != 0 && seq != lastSeq + 1 && firstDisorder == nil { firstDisorder = (lastSeq + 1, seq) }
        lastSeq = seq
    }

    /// Calls `person(i)` or `other(i)` for each line with sequence number at most `lastSeq`, in
    /// sequence order (`i` indexes ``persons`` or ``others``).
    @inline(__always)
    func forEachLine<E: Error>(through lastSeq: Int64, person: (Int) throws(E) -> Void, other: (Int) throws(E) -> Void) throws(E) {
        var p = 0
        var o = 0
        while true {
            let personSeq = p < persons.count ? persons[p].seq : Int64.max
            let otherSeq = o < others.count ? others[o].seq : Int64.max
            if personSeq < otherSeq {
                guard personSeq <= lastSeq else { return }
                try person(p)
                p += 1
            } else {
                guard otherSeq <= lastSeq, otherSeq != Int64.max else { return }
                try other(o)
                o += 1
            }
        }
    }
}

extension ProjectionState {
    /// Applies a person event (in sequence order), as ``apply(_:)`` applies its full decoding.
    mutating func apply(_ p: PersonEvent) {
        precondition(p.seq == headSeq + 1, "events are applied in sequence")
        withUnsafePointer(to: p) { applyPerson(at: $0) }
        advance(to: p.seq, hash: p.hash, recordedAt: p.recordedAt, effective: p.effective)
    }
}
