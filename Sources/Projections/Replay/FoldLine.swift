import LedgerCore

/// A stored line as the replay folds it: a person event (most lines), or any other event decoded
/// in full.
enum FoldLine: Sendable {
    /// A person event, read straight from the line's bytes or made from its full decoding.
    case person(PersonEvent)
    /// Any other event.
    case other(RecordedEvent)

    /// Decodes a stored line: through ``StoredPersonLine`` when it takes the line, else through the
    /// full decoder (which words any defect).
    static func decode(_ line: UnsafeRawBufferPointer, at location: LineLocation) throws(LedgerError) -> FoldLine {
        if let person = StoredPersonLine.decode(line) { return .person(person) }
        let recorded = try Ledger.decode(line, at: location)
        if let person = PersonEvent(recorded) { return .person(person) }
        return .other(recorded)
    }

    /// The line's sequence number.
    var seq: Int64 {
        switch self {
        case .person(let p): return p.seq
        case .other(let r): return r.seq
        }
    }

    /// When it was recorded.
    var recordedAt: Timestamp {
        switch self {
        case .person(let p): return p.recordedAt
        case .other(let r): return r.recordedAt
        }
    }

    /// The hash of the line before it.
    var prev: SHA256Digest {
        switch self {
        case .person(let p): return p.prev
        case .other(let r): return r.prev
        }
    }

    /// Its hash.
    var hash: SHA256Digest {
        switch self {
        case .person(let p): return p.hash
        case .other(let r): return r.hash
        }
    }

    /// The citizen it is about, if any.
    var citizen: Pseudonym? {
        switch self {
        case .person(let p): return p.citizen
        case .other(let r): return r.event.citizen
        }
    }

    /// Its type.
    var type: EventType {
        switch self {
        case .person(let p): return p.type
        case .other(let r): return r.event.type
        }
    }
}

extension ProjectionState {
    /// Applies one line (in sequence order), as ``apply(_:)-(RecordedEvent)`` applies its full decoding.
    mutating func apply(_ line: FoldLine) {
        switch line {
        case .person(let p):
            precondition(p.seq == headSeq + 1, "events are applied in sequence")
            applyPerson(p)
            advance(to: p.seq, hash: p.hash, recordedAt: p.recordedAt, effective: p.effective)
        case .other(let r):
            apply(r)
        }
    }
}
