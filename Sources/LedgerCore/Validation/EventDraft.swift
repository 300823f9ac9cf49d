/// An event put together field by field (at a terminal by `record`, in a form by `serve`): its
/// input line, the decoder's and validator's verdict on it, and the form it will be stored in.
///
/// Both fronts build the same JSON input line that `append` reads and let the same decoder and
/// validator judge it, so they accept exactly what `append` accepts.
public enum EventDraft {
    /// What the decoder and validator say about a draft.
    public enum Verdict: Sendable {
        /// Accepted: the event as it will be stored, and the input record to append.
        case accepted(Event, InputRecord)
        /// Rejected, with the field named and the reason.
        case rejected(InputError)
    }

    /// The JSON input line of a draft: `type`, the envelope's fields given (`effective`,
    /// `municipality`, `citizen` as a pseudonym) and the facts given, every value a string, which
    /// the validator types by the catalog exactly as it types CSV cells.
    public static func jsonLine(type: EventType, envelope: [(name: String, value: String)], facts: [(name: String, value: String)]) -> [UInt8] {
        var out: [UInt8] = Array(#"{"type":"#.utf8)
        CanonicalEncoder.appendString(type.rawValue, to: &out)
        for (name, value) in envelope {
            out.append(contentsOf: ",\"\(name)\":".utf8)
            CanonicalEncoder.appendString(value, to: &out)
        }
        out.append(contentsOf: #","facts":{"#.utf8)
        for (index, fact) in facts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            CanonicalEncoder.appendString(fact.name, to: &out)
            out.append(UInt8(ascii: ":"))
            CanonicalEncoder.appendString(fact.value, to: &out)
        }
        out.append(contentsOf: "}}".utf8)
        return out
    }

    /// Decodes `line` and validates it against `state` in a dry run (nothing is written): the
    /// verdict, or a failure that is not about the input (the ledger cannot be read).
    public static func judge(_ line: [UInt8], decoder: InputDecoder, state: LedgerState, source: String, now: Timestamp,
                             stored: @escaping (Int64) throws(LedgerError) -> Event?) throws(LedgerError) -> Verdict {
        let record: InputRecord
        do {
            record = try line.withUnsafeBytes { (buffer) throws(LedgerError) -> InputRecord in
                try decoder.decode(jsonLine: buffer, line: 1)
            }
        } catch let error as LedgerError {
            guard case .input(let input) = error else { throw error }
            return .rejected(input)
        } catch {
            preconditionFailure("the decoder throws only LedgerError")
        }
        var validator = BatchValidator(state: state, source: source, now: now, recordedAt: nil, stored: stored)
        do {
            let (event, _) = try validator.validate(record)
            return .accepted(event, record)
        } catch {
            guard case .input(let input) = error else { throw error }
            return .rejected(input)
        }
    }

    /// The event in the stored line's canonical form, without what the ledger adds on saving
    /// (seq, recorded_at, prev, hash). It is also a valid `append` input line. It names the
    /// citizen by pseudonym, never by CPR number.
    public static func storedForm(_ event: Event) -> String {
        var out: [UInt8] = Array(#"{"type":""#.utf8)
        out.append(contentsOf: event.type.rawValue.utf8)
        out.append(contentsOf: #"","effective":""#.utf8)
        CanonicalEncoder.appendDay(event.effective, to: &out)
        out.append(contentsOf: #"","municipality":"#.utf8)
        if let m = event.municipality {
            CanonicalEncoder.appendString(CanonicalEncoder.municipalityText(m), to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","citizen":"#.utf8)
        if let c = event.citizen {
            CanonicalEncoder.appendString(c.text, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","facts":{"#.utf8)
        for (index, fact) in event.facts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            CanonicalEncoder.appendString(fact.name, to: &out)
            out.append(UInt8(ascii: ":"))
            CanonicalEncoder.appendValue(fact.value, to: &out)
        }
        out.append(contentsOf: "}}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Why the decoder or validator rejected a draft, as a caseworker reads it: the Danish message
    /// (English only where none is given), CPR-shaped text removed.
    public static func reason(_ error: InputError) -> String {
        CPR.redact(error.danishMessage ?? error.message)
    }
}
